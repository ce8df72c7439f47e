"""Long words never make a page wider than a phone, and long-list pages are accessible.

The sample site gets what editors do paste: a 300-character URL in a service description
(bare, as a link and as inline code), an article with a long link and a `pre` block, a
service name and an area name of one unbroken Latin word (in the breadcrumb, the heading
and on cards). At 390 px and 320 px, no page scrolls sideways; the `pre` block scrolls
inside itself. The lists are paginated here (lists past 8 services, 3 cards a page), so
the list pages and their page-number navigation are checked too, with axe.
"""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from browser import serve
from sitecheck import SAMPLE, TODAY, copy_content
from site_builder import paging, render
from site_builder.build import build

BASE = "/xinli/"
LONG_URL = "https://example.org/" + "a1b2c3d4e5" * 28  # 300 characters, no break opportunity
LONG_NAME = "Xinlifuwuzhan" * 15  # 195 characters: one word
LONG_AREA = "Changmingcun" * 8  # 96 characters
WIDTHS = [390, 320]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

SERVICE = f"""\
name: {LONG_NAME}
kind: counseling_room
region: futian-yuanling-long
address: 深圳市福田区园岭街道{LONG_NAME[:60]}路 1 号
location: {{lat: 22.5546, lon: 114.0946, crs: gcj02}}
phones: ["0755-55509901"]
hours: by_appointment
hours_note: 预约请看 {LONG_URL}
website: {LONG_URL}
description: |
  资料下载：{LONG_URL}

  也可以打开 <{LONG_URL}>，或者[这个很长的链接 {LONG_URL}]({LONG_URL})。

  代码 `{LONG_URL}` 写在行内。
verified: 2026-11-10
"""

ARTICLE = f"""\
---
title: 长链接和代码块
date: 2026-11-20
summary: 摘要里也有 {LONG_URL}
---
报名地址：[{LONG_URL}]({LONG_URL})

```
curl {LONG_URL} --output {LONG_NAME}.pdf
```

再写一次：{LONG_URL}
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("layout")
    content = copy_content(SAMPLE, root / "content")
    regions = content / "regions.yaml"
    text = regions.read_text(encoding="utf-8")
    anchor = "            - {id: futian-yuanling-hualin, name: 华林社区, level: community}\n"
    assert anchor in text
    regions.write_text(text.replace(anchor, anchor + "            - {id: futian-yuanling-long, "
                                    f"name: {LONG_AREA}, level: community}}\n"), encoding="utf-8")
    (content / "services" / "long-words.yaml").write_text(SERVICE, encoding="utf-8")
    (content / "articles" / "long-words.md").write_text(ARTICLE, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(render, "LIST_LIMIT", 8)
        mp.setattr(paging, "PAGE_SIZE", 3)
        build(content, root / "out", TODAY, index=False)
    return root / "out"


@pytest.fixture(scope="module")
def origin(site):
    with serve(site, BASE) as origin:
        yield origin


PAGES = [
    "services/long-words/",  # breadcrumb, heading, description, website, hours note
    "articles/long-words/",  # prose link, pre
    "articles/",  # the article's summary
    "regions/futian-yuanling-long/",  # breadcrumb of a long area, a card
    "regions/futian-yuanling/",  # a card among others, the sub-area chips
    "regions/futian/",  # a summarised area: capped cards, the full list's pager
    "regions/futian/page/2/",  # a page of a full list
    "kinds/counseling_room/page/1/",
    "services/",
    "",
]


def overflow(page) -> list:
    return page.evaluate("""() => {
        const root = document.documentElement;
        const wide = [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1)
            .filter(e => !e.closest('pre') && !e.closest('.visually-hidden'))
            .map(e => e.tagName + '.' + e.className).slice(0, 5);
        return [root.scrollWidth, root.clientWidth, wide];
    }""")


@pytest.mark.parametrize("width", WIDTHS)
def test_long_words_never_widen_the_page(browser, origin, width):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")
    try:
        page = context.new_page()
        for path in PAGES:
            page.goto(f"{origin}{BASE}{path}")
            page.wait_for_load_state("load")
            scroll, client, wide = overflow(page)
            assert scroll <= client, f"{path} at {width} px: {scroll} > {client} ({wide})"
    finally:
        context.close()


def test_long_url_is_really_in_the_pages(site):
    # The test above is only worth something if the long words are on those pages.
    service = (site / "services/long-words/index.html").read_text(encoding="utf-8")
    assert service.count(LONG_URL) >= 5 and LONG_AREA in service and f"<h1" in service
    article = (site / "articles/long-words/index.html").read_text(encoding="utf-8")
    assert "<pre tabindex=\"0\">" in article and f'href="{LONG_URL}"' in article
    assert LONG_NAME in (site / "regions/futian-yuanling/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("width", WIDTHS)
def test_pre_block_scrolls_inside_itself(browser, origin, width):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(f"{origin}{BASE}articles/long-words/")
        box = page.evaluate("""() => {
            const pre = document.querySelector('main pre');
            const style = getComputedStyle(pre);
            return [pre.scrollWidth, pre.clientWidth, pre.getBoundingClientRect().right,
                    document.documentElement.clientWidth, style.overflowX];
        }""")
        scroll, client, right, page_width, overflow_x = box
        assert overflow_x == "auto"
        assert scroll > client  # the code keeps its lines, and scrolls
        assert right <= page_width
    finally:
        context.close()


@pytest.mark.parametrize("path", ["regions/futian/", "regions/futian/page/2/", "kinds/counseling_room/page/1/",
                                  "articles/long-words/", "services/long-words/"])
def test_list_and_long_word_pages_have_no_wcag_violation_in_light_and_dark(browser, origin, path):
    axe = Axe()
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                      color_scheme=scheme)
        try:
            page = context.new_page()
            page.goto(f"{origin}{BASE}{path}")
            page.wait_for_load_state("load")
            results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
            found = [f"{v['id']}: {[n['target'] for n in v['nodes'][:3]]}"
                     for v in results.response["violations"]]
            assert found == [], (path, scheme)
        finally:
            context.close()


def test_page_numbers_are_large_targets(browser, origin):
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(f"{origin}{BASE}regions/futian/page/2/")
        sizes = page.evaluate("""() => [...document.querySelectorAll('nav.list-pager a')]
            .map(a => { const r = a.getBoundingClientRect(); return [a.textContent, r.width, r.height]; })""")
        assert len(sizes) >= 4
        for text, w, h in sizes:
            assert w >= 44 and h >= 44, (text, w, h)
    finally:
        context.close()


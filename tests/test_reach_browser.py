"""Reach (issue 12) in Chromium: elder mode (关怀版) with and without JavaScript, at 360 px,
320 px and 200 % text, axe with best practices in both modes; WeChat's in-app browser
(its user agent) at 360 px; the search query in the title; the print for notice boards
rendered to PDF (the A4 leaflet of a community on one page, nothing cut off)."""
from __future__ import annotations

import io
import unicodedata

import pytest
from axe_playwright_python.sync_playwright import Axe

from browser import serve
from pagetypes import BASE, QUICK_EXIT
from sitecheck import SAMPLE, TODAY, build_site, copy_content
from site_builder.build import check
from site_builder.printing import full_hours

AXE = Axe()
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
WECHAT_UA = ("Mozilla/5.0 (Linux; Android 14; V2309A Build/UP1A.231005.007; wv) AppleWebKit/537.36 "
             "(KHTML, like Gecko) Version/4.0 Chrome/130.0.6723.103 Mobile Safari/537.36 XWEB/1300289 "
             "MMWEBSDK/20241103 MMWEBID/1234 MicroMessenger/8.0.54.2760(0x28003637) WeChat/arm64 "
             "Weixin NetType/WIFI Language/zh_CN ABI/arm64")
DIRECTORY = check(SAMPLE, TODAY).directory
SERVICE = "futian-hualin-room"
COMMUNITY = "futian-yuanling-hualin"


@pytest.fixture(scope="module")
def origin(tmp_path_factory):
    content = copy_content(SAMPLE, tmp_path_factory.mktemp("reach-browser") / "content")
    site_yaml = content / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + f"quick_exit: {QUICK_EXIT}\n"
                         "footer: {host: 深圳市卫生健康委员会, icp: 粤ICP备12345678号-1, "
                         "police_filing: 粤公网安备44030402000001号, gov_site_code: '4403000001'}\n",
                         encoding="utf-8")
    site = build_site(content, content.parent / "build")
    with serve(site, BASE) as origin:
        yield origin


def new_page(browser, **options):
    options = {"locale": "zh-CN", "viewport": {"width": 360, "height": 780}, **options}
    context = browser.new_context(**options)
    context.route(lambda url: not url.startswith("http://127.0.0.1"), lambda route: route.abort())
    return context, context.new_page()


# -------------------------------------------------------------- elder mode

def test_elder_switch_works_without_javascript_and_survives_every_click(browser, origin):
    context, page = new_page(browser, java_script_enabled=False)
    try:
        page.goto(f"{origin}{BASE}services/{SERVICE}/")
        standard = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")
        page.get_by_role("link", name="关怀版").click()
        page.wait_for_load_state("load")
        assert page.url == f"{origin}{BASE}elder/services/{SERVICE}/"
        elder = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")
        assert elder >= 1.5 * standard
        page.locator(".breadcrumb a").last.click()  # an area page: still elder mode
        assert "/elder/regions/" in page.url
        page.locator(".cards .card-title a").first.click()
        assert "/elder/services/" in page.url
        page.get_by_role("link", name="标准版").click()
        assert "/elder/" not in page.url and "/services/" in page.url
        assert page.locator('a[data-elder="on"]').is_visible()
    finally:
        context.close()


def test_elder_mode_is_remembered_with_javascript_and_forgotten_when_turned_off(browser, origin):
    context, page = new_page(browser)
    try:
        page.goto(f"{origin}{BASE}")
        assert page.evaluate("() => Object.keys(localStorage)") == []  # nothing before the choice
        page.get_by_role("link", name="关怀版").click()
        page.wait_for_url("**/elder/")
        assert page.evaluate("() => localStorage.getItem('elder')") == "1"
        # A page scripts link to (a search result) is a standard page: shown in elder mode.
        page.goto(f"{origin}{BASE}services/{SERVICE}/")
        page.wait_for_function("() => document.documentElement.classList.contains('elder')")
        assert page.locator('a[data-elder="off"]').is_visible()
        assert not page.locator('a[data-elder="on"]').is_visible()
        page.get_by_role("link", name="标准版").click()
        assert not page.evaluate("() => document.documentElement.classList.contains('elder')")
        assert page.evaluate("() => Object.keys(localStorage)") == []
        page.reload()
        assert not page.evaluate("() => document.documentElement.classList.contains('elder')")
    finally:
        context.close()


ELDER_MEASURE = """() => {
  const out = {small: [], lowPrimary: [], tight: [], columns: new Set()};
  const visible = el => el.getClientRects().length && !el.closest('[hidden], .visually-hidden, .skip')
    && getComputedStyle(el).visibility !== 'hidden';
  const inline = el => getComputedStyle(el).display === 'inline';
  for (const el of document.querySelectorAll('a[href], button, input, select, summary')) {
    if (!visible(el)) continue;
    if (el.tagName === 'A' && inline(el)) {  // a link inside a sentence is exempt
      let block = el.parentElement;
      while (block && inline(block)) block = block.parentElement;
      if (block && block.textContent.trim() !== el.textContent.trim()) continue;
    }
    const r = el.getBoundingClientRect();
    if (r.height < 44 || r.width < 44) out.small.push(`${el.tagName} "${el.textContent.trim().slice(0, 16)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
    if (el.matches('.call, .crisis-call, .search-row button') && r.height < 60) out.lowPrimary.push(el.textContent.trim().slice(0, 16));
  }
  for (const el of document.querySelectorAll('main p, main li, main dd, main td, .crisis p, .site-footer p')) {
    if (!visible(el)) continue;
    const st = getComputedStyle(el);
    if (parseFloat(st.lineHeight) < 1.5 * parseFloat(st.fontSize) - 0.5) out.tight.push(el.className || el.tagName);
  }
  for (const card of document.querySelectorAll('.cards > li')) out.columns.add(Math.round(card.getBoundingClientRect().left));
  out.columns = out.columns.size;
  return out;
}"""


@pytest.mark.parametrize("path", ["", f"services/{SERVICE}/", "regions/futian/", "search/?q=失眠", "hotlines/"])
def test_elder_pages_have_large_text_targets_and_one_column(browser, origin, path):
    context, page = new_page(browser, viewport={"width": 1024, "height": 800})  # wide: still one column
    try:
        page.goto(f"{origin}{BASE}{path}")
        body = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
        page.goto(f"{origin}{BASE}elder/{path}")
        page.wait_for_timeout(300)
        assert page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)") >= 1.5 * body
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        found = page.evaluate(ELDER_MEASURE)
        assert found["small"] == [] and found["lowPrimary"] == [] and found["tight"] == [], found
        assert found["columns"] <= 1
        shadows = page.evaluate("() => [...document.querySelectorAll('body *')].filter(el => getComputedStyle(el).boxShadow !== 'none' && !el.matches(':focus')).length")
        assert shadows == 0  # no decoration
    finally:
        context.close()


NO_SCROLL = "() => document.scrollingElement.scrollWidth <= window.innerWidth"


@pytest.mark.parametrize("viewport, scale", [({"width": 320, "height": 640}, 1),
                                             ({"width": 640, "height": 400}, 2)],
                         ids=["320px", "zoom-200"])
def test_elder_pages_never_scroll_sideways(browser, origin, viewport, scale):
    context, page = new_page(browser, viewport=viewport, device_scale_factor=scale)
    wide = []
    try:
        for path in ["", f"services/{SERVICE}/", "services/futian-guidance-center/", "regions/futian/",
                     "search/?q=热线", "hotlines/", "coverage/", "privacy/", f"regions/{COMMUNITY}/print/"]:
            page.goto(f"{origin}{BASE}elder/{path}")
            page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
            if not page.evaluate(NO_SCROLL):
                wide.append((path, page.evaluate("() => [document.scrollingElement.scrollWidth, innerWidth]")))
    finally:
        context.close()
    assert wide == []


@pytest.mark.parametrize("path", ["", f"services/{SERVICE}/"])
@pytest.mark.parametrize("mode", ["standard", "elder"])
@pytest.mark.parametrize("lang", ["", "zh-hant/", "en/"])
def test_axe_with_best_practices_in_standard_and_elder_mode(browser, origin, path, mode, lang):
    """All of axe's WCAG 2.2 AA rules and its best practices (every piece of content in a
    landmark: the skip link, the quick-exit bar and the demo notice included), in each
    language's edition."""
    context, page = new_page(browser)
    try:
        page.goto(f"{origin}{BASE}{'elder/' if mode == 'elder' else ''}{lang}{path}")
        page.wait_for_timeout(300)
        found = {}
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
            found[scheme] = [f"{v['id']}: {[n['target'] for n in v['nodes'][:4]]}"
                             for v in results.response["violations"]]
        assert found == {"light": [], "dark": []}
    finally:
        context.close()


# ------------------------------------------------------------------ WeChat

def test_in_wechat_map_links_open_web_maps_and_geo_is_explained(browser, origin):
    context, page = new_page(browser, user_agent=WECHAT_UA, is_mobile=True, has_touch=True)
    try:
        page.goto(f"{origin}{BASE}services/{SERVICE}/")
        page.wait_for_function("() => document.documentElement.classList.contains('in-wechat')")
        links = page.locator(".maps a:visible")
        hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
        assert hrefs and all(h.startswith("https://") for h in hrefs), hrefs
        assert not any("callnative=1" in h for h in hrefs)
        note = page.locator("[data-wechat-note]")
        assert note.is_visible() and "在浏览器打开" in note.inner_text()
        assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 360
    finally:
        context.close()
    context, page = new_page(browser)  # elsewhere: the geo: link for map apps stays
    try:
        page.goto(f"{origin}{BASE}services/{SERVICE}/")
        page.wait_for_load_state("load")
        assert page.locator('.maps a[href^="geo:"]').is_visible()
        assert not page.locator("[data-wechat-note]").is_visible()
    finally:
        context.close()


def test_search_title_carries_the_query(browser, origin):
    context, page = new_page(browser)
    try:
        page.goto(f"{origin}{BASE}search/?q=失眠")
        page.wait_for_function("() => document.title.includes('失眠')")
        assert page.title().startswith("“失眠”的搜索结果")
        page.locator("#q").fill("热线")
        page.locator("#q").press("Enter")
        page.wait_for_function("() => document.title.includes('热线')")
    finally:
        context.close()


# ------------------------------------------------------------------- print

def flat(text: str) -> str:
    """Text as compared with a PDF's: NFKC (the PDF's CJK font maps some characters to
    Kangxi radicals, ⼼ for 心; full-width punctuation becomes ASCII), no spaces."""
    return unicodedata.normalize("NFKC", text).replace(" ", "").replace("\n", "")


def pdf_of(page, url: str):
    from pypdf import PdfReader
    page.goto(url)
    page.wait_for_load_state("load")
    page.wait_for_timeout(200)
    reader = PdfReader(io.BytesIO(page.pdf(format="A4")))
    return reader, flat("".join(p.extract_text() for p in reader.pages))


CUT_OFF = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('main *')].filter(el => {
    const r = el.getBoundingClientRect();
    return r.width && (r.right > width + 1 || r.left < -1);
  }).map(el => el.tagName + '.' + el.className);
}"""


def test_the_leaflet_of_a_community_prints_on_one_a4_page(browser, origin):
    region = DIRECTORY.regions[COMMUNITY]
    services = DIRECTORY.by_region[COMMUNITY]
    context, page = new_page(browser, viewport={"width": 1024, "height": 800})
    try:
        reader, text = pdf_of(page, f"{origin}{BASE}regions/{COMMUNITY}/print/")
        assert len(reader.pages) == 1
        text = flat(text)
        assert flat(f"{region.name}心理服务") in text
        for line in DIRECTORY.site.crisis:
            assert flat(line.phone.text) in text
        for s in services:
            assert flat(s.name) in text and flat(s.address.replace(" ", "")) in text
            assert flat(s.phones[0].text.replace(" ", "")) in text
            assert flat(full_hours(s.hours).replace(" ", "")) in text
        assert flat(f"https://example.org/xinli/regions/{COMMUNITY}/") in text
        assert "快速离开" not in text and "菜单" not in text  # only the leaflet
        page.emulate_media(media="print")
        assert page.evaluate(CUT_OFF) == []
        big = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.leaflet-crisis strong')).fontSize)")
        body = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.leaflet-services p')).fontSize)")
        assert big >= 2 * body  # the crisis lines in large type
        assert page.locator(".leaflet-qr svg.qr").is_visible()
    finally:
        context.close()


def test_printed_service_and_area_pages_have_no_live_state_and_the_whole_week(browser, origin):
    context, page = new_page(browser, viewport={"width": 1024, "height": 800})
    page.clock.set_fixed_time("2026-11-25T20:00:00+08:00")  # evening: 已结束 on screen
    try:
        page.goto(f"{origin}{BASE}services/{SERVICE}/")
        page.wait_for_function("() => document.querySelector('.open-now [data-open-state]')")
        assert "已结束" in page.locator(".open-now").inner_text()
        reader, text = pdf_of(page, f"{origin}{BASE}services/{SERVICE}/")
        text = flat(text)
        assert len(reader.pages) == 1
        assert "已结束" not in text and "营业中" not in text and "今天" not in text
        assert flat(f"https://example.org/xinli/services/{SERVICE}/") in text
        reader, text = pdf_of(page, f"{origin}{BASE}regions/futian-yuanling/")
        text = flat(text)
        assert "…" not in text and "已结束" not in text and "营业中" not in text
        for s in DIRECTORY.by_region["futian-yuanling"]:
            if s.hours.mode == "weekly" and not s.closed:
                assert flat(full_hours(s.hours).replace(" ", "")) in text, s.id
        assert flat("https://example.org/xinli/regions/futian-yuanling/") in text
    finally:
        context.close()

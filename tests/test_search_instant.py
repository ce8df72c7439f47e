"""First results before Pagefind (issue 10.6, slow networks): a query the site knows (the
name of a service or an area, a need word, a kind of service) shows its first cards from a
small file at once, before Pagefind has loaded or when it fails; Pagefind's answer follows
below them without moving the first one. Browser tests on the sample site at 360×780."""
from __future__ import annotations

import json

import pytest

from site_builder import search_vocab
from site_builder.search import instant
from test_search_help import BASE, DAYTIME, directory, origin, site  # noqa: F401 (the same sample site)

DONE = ("() => { const t = document.getElementById('search-status').textContent;"
        " return /结果|不可用/.test(t) && !t.includes('正在')"
        " && !document.getElementById('search-results').hasAttribute('aria-busy'); }")


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 780})
    context.clock.set_fixed_time(DAYTIME)
    page = context.new_page()
    yield page
    context.close()


def hrefs(page):
    return [li.locator("a").first.get_attribute("href") for li in page.locator("#search-results > li").all()]


def table(site):
    found = {}
    for path in sorted((site / instant.FOLDER).glob("*.json")):
        part = json.loads(path.read_text(encoding="utf-8"))
        buckets = len(list((site / instant.FOLDER).glob("*.json")))
        assert all(instant.bucket(k, buckets) == int(path.stem) for k in part), path
        found.update(part)
    return found


def test_names_need_words_and_kinds_have_first_cards(site, directory):
    found = table(site)
    for s in directory.services.values():  # every service by its own name
        assert f"{BASE}services/{s.id}/" in [c["url"] for c in found[search_vocab.normalise(s.name)]], s.id
    assert found["华林社区"][0]["url"] == found["华林"][0]["url"] == f"{BASE}services/futian-hualin-room/"
    assert found["蛇口"][0]["url"] == f"{BASE}services/nanshan-shekou-station/"  # the street's own first
    sleep = next(n for n in search_vocab.builtin().needs if n.slug == "sleep")
    cards = found[instant.need_key("sleep")]  # for each of its words: 失眠, 睡不着 …
    assert cards and all(search_vocab.strict_match(sleep, directory.services[c["url"].split("/")[-2]])
                         for c in cards)
    assert all(directory.services[c["url"].split("/")[-2]].kind == "counseling_room"
               for c in found["心理咨询室"])
    assert instant.need_key("english") in found and "失眠" not in found
    assert "热线" not in found and instant.need_key("hotline") not in found  # its lines come with the page
    first = cards[0]
    assert first["tel"].startswith("tel:") and first["open"]["hours"] and first["area"]


@pytest.mark.parametrize("query, first", [
    ("华林社区", "services/futian-hualin-room/"),
    ("园岭街道心理服务站", "services/futian-yuanling-station/"),
    ("ＥＮＧＬＩＳＨ", None),  # full-width and upper case: the same file and key as "english"
    ("失眠", None),
])
def test_first_cards_come_before_pagefind_has_loaded(page, origin, query, first):
    page.route("**/pagefind/**", lambda route: None)  # Pagefind never answers
    page.goto(f"{origin}{BASE}search/?q={query}")
    page.wait_for_selector("#search-results > li", timeout=5000)
    card = page.locator("#search-results > li").first
    assert "card" in card.get_attribute("class") and card.locator(".open-state").count() == 1
    if first:
        assert card.locator("a").first.get_attribute("href") == BASE + first
        assert card.locator("a[href^='tel:']").count() == 1
    assert "正在搜索" in page.locator("#search-status").inner_text()


@pytest.mark.parametrize("query, first, need", [
    ("华林社区在哪里", "services/futian-hualin-room/", None),  # a name and filler words
    ("园岭街道心理服务站的电话", "services/futian-yuanling-station/", None),
    ("睡不好怎么办", None, "sleep"),                            # a need word in a sentence
    ("我最近总是睡不着", None, "sleep"),
])
def test_a_sentence_around_a_name_or_need_gets_its_first_cards(page, origin, directory, query, first, need):
    page.route("**/pagefind/**", lambda route: None)  # Pagefind never answers
    page.goto(f"{origin}{BASE}search/?q={query}")
    page.wait_for_selector("#search-results > li", timeout=5000)
    urls = hrefs(page)
    if first:
        assert urls[0] == BASE + first, urls
    if need:
        wanted = next(n for n in search_vocab.builtin().needs if n.slug == need)
        assert all(search_vocab.strict_match(wanted, directory.services[u.rstrip("/").rsplit("/", 1)[1]])
                   for u in urls), urls
    assert "正在搜索" in page.locator("#search-status").inner_text()


def test_a_place_with_a_need_word_waits_for_pagefind(page, origin):
    """福田区 失眠 names a place as well: not every sleep service of the site first."""
    page.route("**/pagefind/**", lambda route: route.abort())
    page.goto(f"{origin}{BASE}search/?q=福田区 失眠")
    page.wait_for_function(DONE)
    assert hrefs(page) == []


def test_first_cards_stay_when_search_fails(page, origin):
    page.route("**/pagefind/**", lambda route: route.abort())
    page.goto(f"{origin}{BASE}search/?q=华林")
    page.wait_for_function(DONE)
    assert "不可用" in page.locator("#search-status").inner_text()
    assert hrefs(page)[0] == f"{BASE}services/futian-hualin-room/"


@pytest.mark.parametrize("query", ["华林社区", "失眠", "抑郁", "心理咨询室", "园岭街道心理服务站"])
def test_pagefind_answers_below_the_first_card(page, origin, query):
    shown = []
    page.expose_function("sawFirst", lambda href: shown.append(href))
    page.add_init_script("""new MutationObserver(function (m, o) {
        var a = document.querySelector('#search-results > li a');
        if (a) { window.sawFirst(a.getAttribute('href')); o.disconnect(); }
      }).observe(document, {subtree: true, childList: true});""")
    page.goto(f"{origin}{BASE}search/?q={query}")
    page.wait_for_function(DONE)
    urls = hrefs(page)
    assert len(urls) == len(set(urls)), urls  # nothing twice
    assert shown and urls[0] == shown[0], (shown, urls)
    assert "找到" in page.locator("#search-status").inner_text()


def test_a_filter_gets_no_cards_from_outside_it(page, origin):
    page.route("**/pagefind/**", lambda route: route.abort())
    page.goto(f"{origin}{BASE}search/?q=华林社区&district=nanshan")
    page.wait_for_function(DONE)
    assert hrefs(page) == []


def test_a_need_word_filtered_by_district_gets_that_districts_cards(page, origin, directory):
    page.route("**/pagefind/**", lambda route: None)  # Pagefind never answers
    page.goto(f"{origin}{BASE}search/?q=睡不着&district=futian")
    page.wait_for_selector("#search-results > li", timeout=5000)
    sleep = next(n for n in search_vocab.builtin().needs if n.slug == "sleep")
    for url in hrefs(page):
        s = directory.services[url.rstrip("/").rsplit("/", 1)[1]]
        assert search_vocab.strict_match(sleep, s) and "futian" in [r.id for r in s.region.trail], url

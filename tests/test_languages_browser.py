"""Languages in Chromium (issue 12): search in each language's edition finds its own pages
(Pagefind keeps one index per `<html lang>`): 熱線, 諮詢 and 華林 on /zh-hant/, English
names and, where a record has none, its Chinese name on /en/; the switcher leads to the
same page in another language, with and without JavaScript."""
from __future__ import annotations

import pytest

from browser import serve
from sitecheck import SAMPLE, build_site

BASE = "/xinli/"
RESULTS = "() => document.querySelectorAll('#search-results > li a').length > 0"


@pytest.fixture(scope="module")
def origin(tmp_path_factory):
    site = build_site(SAMPLE, tmp_path_factory.mktemp("languages-browser") / "build")
    with serve(site, BASE) as origin:
        yield origin


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 360, "height": 780})
    context.route(lambda url: not url.startswith("http://127.0.0.1"), lambda route: route.abort())
    page = context.new_page()
    yield page
    context.close()


def search(page, origin, prefix, query):
    page.goto(f"{origin}{BASE}{prefix}search/?q={query}")
    page.wait_for_function(RESULTS, timeout=20000)
    page.wait_for_timeout(500)  # the rest of the answer
    hrefs = [a.get_attribute("href") for a in page.locator("#search-results > li a").all()]
    return [h for h in hrefs if h and not h.startswith("tel:")]


@pytest.mark.parametrize("query, expected", [
    ("熱線", f"{BASE}zh-hant/services/"),
    ("諮詢", f"{BASE}zh-hant/services/"),
    ("華林", f"{BASE}zh-hant/services/futian-hualin-room/"),
    ("华林", f"{BASE}zh-hant/services/futian-hualin-room/"),
])
def test_traditional_search_finds_traditional_pages(page, origin, query, expected):
    urls = search(page, origin, "zh-hant/", query)
    assert any(u.startswith(expected) for u in urls[:5]), urls[:5]
    assert all(u.startswith(f"{BASE}zh-hant/") for u in urls), urls


@pytest.mark.parametrize("query, expected", [
    ("Guidance Centre", f"{BASE}en/services/futian-guidance-center/"),
    ("Yuanling hospital", f"{BASE}en/services/futian-yuanling-hospital-clinic/"),
    ("Hualin", f"{BASE}en/services/futian-hualin-room/"),  # no English name: its pinyin
])
def test_english_search_finds_english_names_and_else_chinese_ones(page, origin, query, expected):
    urls = search(page, origin, "en/", query)
    assert expected in urls[:5], urls[:5]
    assert all(u.startswith(f"{BASE}en/") for u in urls), urls


@pytest.mark.parametrize("js", [True, False])
def test_switcher_leads_to_the_same_page_in_another_language(browser, origin, js):
    context = browser.new_context(viewport={"width": 360, "height": 780}, java_script_enabled=js)
    page = context.new_page()
    try:
        page.goto(f"{origin}{BASE}services/futian-guidance-center/")
        page.locator("nav.lang-foot").get_by_role("link", name="English").click()
        page.wait_for_load_state("load")
        assert page.url == f"{origin}{BASE}en/services/futian-guidance-center/"
        assert page.locator("h1").inner_text() == "Futian District Psychosocial Service Guidance Centre"
        page.locator("nav.lang-foot").get_by_role("link", name="繁體中文").click()
        page.wait_for_load_state("load")
        assert page.url == f"{origin}{BASE}zh-hant/services/futian-guidance-center/"
        assert page.evaluate("document.documentElement.lang") == "zh-Hant"
    finally:
        context.close()

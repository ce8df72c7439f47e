"""The sample site in a real browser: Chinese search, no JavaScript, no third parties."""
from __future__ import annotations


import pytest

from browser import serve
from sitecheck import SAMPLE, build_site

BASE = "/xinli/"


@pytest.fixture(scope="module")
def origin(tmp_path_factory):
    site = build_site(SAMPLE, tmp_path_factory.mktemp("browser") / "build")
    with serve(site, BASE) as origin:
        yield origin


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    yield page
    context.close()


def search(page, origin: str, query: str) -> list[str]:
    page.goto(f"{origin}{BASE}search/?q={query}")
    page.wait_for_function("() => document.getElementById('search-status').textContent.includes('结果')")
    return [li.locator("a").first.get_attribute("href")
            for li in page.locator("#search-results > li").all()]


# Query -> a page that must be among the first results (a person's expectation).
# Need words (失眠, 心理门诊) list the services first and the articles after them
# (tests/test_search_help.py holds the full ranking table).
SEARCHES = [
    ("热线", "/xinli/services/national-12356/", 1),
    ("失眠", "/xinli/articles/sleep-and-insomnia/", 20),
    ("心理门诊", "/xinli/articles/first-visit-psych-clinic/", 20),
    ("心理门诊", "/xinli/services/futian-yuanling-hospital-clinic/", 5),
    ("蛇口", "/xinli/regions/nanshan-shekou/", 5),  # the area after its services
    ("蛇口", "/xinli/services/nanshan-shekou-station/", 2),
    ("华林", "/xinli/regions/futian-yuanling-hualin/", 2),
    ("华林", "/xinli/services/futian-hualin-room/", 2),
    ("华林社区", "/xinli/services/futian-hualin-room/", 2),
    ("马家龙", "/xinli/services/nanshan-majialong-room/", 2),
    ("园岭街道心理服务站", "/xinli/services/futian-yuanling-station/", 1),
    ("12356", "/xinli/services/national-12356/", 1),
]


@pytest.mark.parametrize("query, expected, within", SEARCHES)
def test_chinese_search_puts_the_right_page_first(page, origin, query, expected, within):
    results = search(page, origin, query)
    assert expected in results[:within], (query, results[:8])


def test_search_announces_results_and_excludes_drafts(page, origin):
    # 考前焦虑 is the title of a draft article: it must not be found.
    assert not any("exam-stress" in url for url in search(page, origin, "考前焦虑"))
    status = page.locator("#search-status")
    assert status.get_attribute("role") == "status"
    results = search(page, origin, "失眠")
    assert status.inner_text().startswith(f"找到 {len(results)} 条“失眠”的结果")
    assert all(url.startswith(BASE) for url in results)


def test_search_from_the_home_page_form(page, origin):
    page.goto(f"{origin}{BASE}")
    page.get_by_label("搜索服务、地区或文章").fill("失眠")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url("**/search/?q=*")
    page.wait_for_function("() => document.getElementById('search-status').textContent.includes('结果')")
    assert page.locator("#search-needs a").first.get_attribute("href") == "/xinli/needs/sleep/"
    assert page.locator("#search-results > li a").first.get_attribute("href").startswith(
        "/xinli/services/")


def test_pages_work_without_javascript(browser, origin):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{origin}{BASE}services/shenzhen-night-line/")
    call = page.locator(".crisis a").first
    assert call.get_attribute("href") == "tel:12356" and call.is_visible()
    assert "20:00–次日08:00" in page.locator(".hours-table").inner_text()
    page.goto(f"{origin}{BASE}search/")
    assert "按地区" in page.locator("main").inner_text()  # the <noscript> way out
    context.close()


def test_no_request_leaves_the_site(page, origin):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    for path in ["", "services/futian-guidance-center/", "regions/futian/", "articles/",
                 "articles/sleep-and-insomnia/", "hotlines/", "search/?q=热线", "nope/"]:
        page.goto(f"{origin}{BASE}{path}")
        page.wait_for_load_state("networkidle")
    outside = [url for url in requests if not url.startswith(origin)]
    assert outside == []
    assert page.context.cookies() == []


def test_unknown_paths_get_the_404_page(page, origin):
    response = page.goto(f"{origin}{BASE}services/does-not-exist/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "找不到这个页面"
    assert page.locator(".crisis a").first.get_attribute("href") == "tel:12356"

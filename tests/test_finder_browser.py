"""Finding help fast, in a real browser: search filters and URL state, near me,
the open-now filter, pinyin order, quick exit (Shift three times, never Esc)."""
from __future__ import annotations

import math
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from browser import serve
from sitecheck import SAMPLE, TODAY, build_site, copy_content
from site_builder.build import check
from site_builder.hours import open_state, reach_key

BASE = "/xinli/"
SHANGHAI = ZoneInfo("Asia/Shanghai")
HERE = (22.5431, 114.0579)  # 深圳市民中心, WGS-84


@pytest.fixture(scope="module")
def directory():
    return check(SAMPLE, TODAY).directory


@pytest.fixture(scope="module")
def origin(tmp_path_factory):
    content = copy_content(SAMPLE, tmp_path_factory.mktemp("finder") / "content")
    site_yaml = content / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") +
                         "quick_exit: https://www.example.com/weather\n", encoding="utf-8")
    site = build_site(content, content.parent / "build")
    with serve(site, BASE) as origin:
        yield origin


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    yield context
    context.close()


def wait_for_results(page):
    page.wait_for_function("() => document.getElementById('search-status').textContent.includes('结果')")


def result_urls(page) -> list[str]:
    return [li.locator("a").first.get_attribute("href")
            for li in page.locator("#search-results > li").all()]


def url_of(service) -> str:
    return f"{BASE}services/{service.id}/"


def test_filters_come_from_the_url_and_list_every_match(context, origin, directory):
    page = context.new_page()
    page.goto(f"{origin}{BASE}search/?kind=counseling_room&district=futian")
    wait_for_results(page)
    expected = {url_of(s) for s in directory.services.values()
                if s.kind == "counseling_room" and "futian" in {r.id for r in s.region.trail}}
    assert len(expected) > 2
    assert set(result_urls(page)) == expected
    assert page.locator("#f-kind").input_value() == "counseling_room"
    assert page.locator("#f-district").input_value() == "futian"
    assert page.locator("#search-status").inner_text() == f"找到 {len(expected)} 条符合筛选条件的结果"


def test_changing_a_filter_updates_the_url_and_back_restores_it(context, origin, directory):
    page = context.new_page()
    page.goto(f"{origin}{BASE}search/?kind=clinic")
    wait_for_results(page)
    clinics = set(result_urls(page))
    page.locator("#f-audience").select_option("children")
    page.wait_for_url("**audience=children**")
    page.wait_for_function("() => document.getElementById('search-status').textContent.includes('结果') &&"
                           "!document.getElementById('search-status').textContent.includes('正在')")
    children = {url_of(s) for s in directory.services.values()
                if s.kind == "clinic" and "children" in s.audiences}
    page.wait_for_function(f"() => document.querySelectorAll('#search-results > li').length === {len(children)}")
    assert set(result_urls(page)) == children
    page.go_back()
    page.wait_for_function(f"() => document.querySelectorAll('#search-results > li').length === {len(clinics)}")
    assert set(result_urls(page)) == clinics
    assert page.locator("#f-audience").input_value() == ""
    page.reload()
    wait_for_results(page)
    assert set(result_urls(page)) == clinics


def test_query_and_filters_combine(context, origin):
    page = context.new_page()
    page.goto(f"{origin}{BASE}search/?q=热线&kind=hotline&cost=free")
    wait_for_results(page)
    urls = result_urls(page)
    assert urls and all(u.startswith(f"{BASE}services/") for u in urls)
    assert f"{BASE}services/national-12356/" in urls


def test_result_cards_show_kind_area_address_phone_and_state(context, origin):
    page = context.new_page()
    page.clock.set_fixed_time(datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI))  # a Tuesday
    page.goto(f"{origin}{BASE}search/?q=园岭人民医院")
    wait_for_results(page)
    card = page.locator("#search-results > li").first
    assert card.locator("h3 a").inner_text() == "园岭人民医院心理门诊"
    assert card.locator(".card-meta").inner_text() == "心理门诊 · 福田区 › 园岭街道"
    assert "红岭中路" in card.locator(".card-address").inner_text()
    assert card.locator("a.call").get_attribute("href").startswith("tel:+86755")
    assert card.locator(".open-state").get_attribute("data-open-state") == "open"
    assert card.locator(".today-hours").inner_text() == "今天 08:00–12:00、14:00–17:30"


def test_sort_by_name_is_pinyin_order(context, origin, directory):
    page = context.new_page()
    page.goto(f"{origin}{BASE}search/?kind=counseling_room&sort=name")
    wait_for_results(page)
    rooms = sorted((s for s in directory.services.values() if s.kind == "counseling_room"),
                   key=lambda s: s.sort_key)
    assert result_urls(page) == [url_of(s) for s in rooms][:20]
    # Not code-point order: 华林 (hua) comes before 景田 (jing), 侨香 (qiao) and 上沙 (shang).
    names = [s.name for s in rooms]
    assert names.index("华林社区心理咨询室") < names.index("景田社区心理咨询室")


def test_open_now_filter_at_a_fixed_clock(context, origin, directory):
    now = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)
    page = context.new_page()
    page.clock.set_fixed_time(now)
    page.goto(f"{origin}{BASE}search/?district=nanshan&open=1")
    wait_for_results(page)
    expected = {url_of(s) for s in directory.services.values()
                if "nanshan" in {r.id for r in s.region.trail} and
                open_state(s.hours, s.closed, directory.calendar, now).state == "open"}
    assert expected
    assert set(result_urls(page)) == expected
    states = {el.get_attribute("data-open-state") for el in page.locator("#search-results .open-state").all()}
    assert states == {"open"}


def haversine(a, b) -> float:
    r = math.pi / 180
    h = (math.sin((b[0] - a[0]) * r / 2) ** 2 +
         math.cos(a[0] * r) * math.cos(b[0] * r) * math.sin((b[1] - a[1]) * r / 2) ** 2)
    return 2 * 6371008.8 * math.asin(math.sqrt(h))


def test_near_me_lists_the_nearest_with_distances_open_ones_first(browser, origin, directory):
    now = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)
    context = browser.new_context(locale="zh-CN", geolocation={"latitude": HERE[0], "longitude": HERE[1]},
                                  permissions=["geolocation"])
    context.clock.set_fixed_time(now)
    page = context.new_page()
    page.goto(f"{origin}{BASE}")
    page.get_by_role("button", name="查找附近的服务").click()
    page.wait_for_selector("[data-near-results] li")
    nearest = sorted(((haversine(HERE, s.point.wgs84), s) for s in directory.services.values() if s.point),
                     key=lambda pair: pair[0])[:10]
    # The ten nearest, those reachable now first, then by distance.
    nearest.sort(key=lambda pair: reach_key(pair[1].hours, open_state(pair[1].hours, pair[1].closed,
                                                                      directory.calendar, now)))
    cards = page.locator("[data-near-results] > li").all()
    assert [c.locator("a").first.get_attribute("href") for c in cards] == [url_of(s) for _, s in nearest]
    for card, (metres, _) in zip(cards, nearest):
        shown = card.locator(".card-distance").inner_text().removeprefix("距离约 ")
        value = float(shown.split()[0]) * (1000 if shown.endswith("公里") else 1)
        # The label rounds to 0.1 km / 10 m; the distance itself is checked to 1 %.
        assert abs(value - metres) <= max(0.01 * metres, 50 if shown.endswith("公里") else 5)
    exact = page.evaluate("([a, b]) => SiteNear.distance({lat: a[0], lon: a[1]}, {lat: b[0], lon: b[1]})",
                          [list(HERE), list(nearest[0][1].point.wgs84)])
    assert abs(exact - nearest[0][0]) < 0.01 * nearest[0][0]
    assert page.locator("[data-near-status]").inner_text().startswith("离你最近的 10 个服务")
    context.close()


def test_near_me_denied_offers_areas(browser, origin):
    context = browser.new_context(locale="zh-CN")  # no permission granted: the request is denied
    page = context.new_page()
    page.goto(f"{origin}{BASE}search/")
    page.get_by_role("button", name="查找附近的服务").click()
    page.wait_for_function("() => document.querySelector('[data-near-status]').textContent.includes('定位')")
    assert "没有获得定位权限" in page.locator("[data-near-status]").inner_text()
    fallback = page.locator("[data-near-fallback]")
    assert fallback.is_visible()
    assert fallback.locator("a").first.get_attribute("href").startswith(f"{BASE}regions/")
    context.close()


def test_area_list_sorts_by_distance(browser, origin):
    context = browser.new_context(locale="zh-CN", geolocation={"latitude": HERE[0], "longitude": HERE[1]},
                                  permissions=["geolocation"])
    page = context.new_page()
    page.goto(f"{origin}{BASE}kinds/counseling_room/")
    page.locator(".list-tools select").first.select_option("distance")
    page.wait_for_function("() => document.querySelector('.list-note').textContent === '已按距离排序'")
    distances = []
    for card in page.locator("main ul.cards > li").all():
        label = card.locator(".card-distance")
        if label.count():
            text = label.inner_text().removeprefix("距离约 ")
            distances.append(float(text.split()[0]) * (1000 if text.endswith("公里") else 1))
    assert len(distances) > 5 and distances == sorted(distances)
    context.close()


def test_quick_exit_replaces_the_page(context, origin):
    page = context.new_page()
    page.route("https://www.example.com/**", lambda route: route.fulfill(
        status=200, content_type="text/html", body="<title>天气</title>"))
    page.goto(f"{origin}{BASE}")
    page.goto(f"{origin}{BASE}services/futian-guidance-center/")
    length = page.evaluate("history.length")
    page.get_by_role("link", name="快速离开").click()
    page.wait_for_url("https://www.example.com/weather")
    assert page.evaluate("history.length") == length  # replaced, not added
    page.go_back()
    assert page.url != f"{origin}{BASE}services/futian-guidance-center/"


def test_quick_exit_by_pressing_shift_three_times_counted_on_screen(context, origin):
    """GOV.UK's pattern: Shift three times within 5 seconds, each press shown and
    announced (aria-live); Esc (which clears a search box) never leaves."""
    page = context.new_page()
    page.route("https://www.example.com/**", lambda route: route.fulfill(
        status=200, content_type="text/html", body="<title>天气</title>"))
    page.goto(f"{origin}{BASE}search/")
    page.locator("#q").fill("失眠")
    for _ in range(4):
        page.keyboard.press("Escape")
    assert page.url.startswith(origin)
    status = page.locator("[data-exit-count]")
    assert status.get_attribute("aria-live") == "polite"
    page.keyboard.press("Shift")
    assert status.inner_text() == "已按 1 次 Shift 键，再按 2 次就离开"
    page.keyboard.press("Shift")
    assert status.inner_text() == "已按 2 次 Shift 键，再按 1 次就离开"
    page.keyboard.press("Shift")
    page.wait_for_url("https://www.example.com/weather")


def test_shift_in_typing_or_slow_presses_do_not_leave(context, origin):
    page = context.new_page()
    page.route("https://www.example.com/**", lambda route: route.fulfill(
        status=200, content_type="text/html", body="<title>天气</title>"))
    page.clock.install()
    page.goto(f"{origin}{BASE}search/")
    page.locator("#q").focus()
    page.keyboard.type("ABC")  # capitals: Shift held with a letter is typing, not a press
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.clock.run_for(5100)  # the third press comes too late: the count starts again
    assert page.locator("[data-exit-count]").inner_text() == "或连按 3 次 Shift 键"
    page.keyboard.press("Shift")
    page.wait_for_timeout(300)
    assert page.url.startswith(origin)
    assert page.locator("#q").input_value() == "ABC"


def test_quick_exit_link_and_bar(context, origin):
    page = context.new_page()
    page.goto(f"{origin}{BASE}services/futian-hualin-room/")
    link = page.locator("a.quick-exit")
    assert set(link.get_attribute("rel").split()) == {"nofollow", "noreferrer"}
    assert link.get_attribute("title") is None  # explained on the page, not in a tooltip
    # The bar is sticky at the top and never covers the content: nothing of main is
    # under it where the page starts, and after scrolling it stays at the top.
    bar = page.locator(".exit-bar").bounding_box()
    assert bar["y"] == 0
    page.mouse.wheel(0, 600)
    page.wait_for_timeout(200)
    assert page.locator(".exit-bar").bounding_box()["y"] == 0
    help_link = page.locator(".exit-help")
    help_link.click()
    page.wait_for_url("**/privacy/#leave-safely")
    assert "清除浏览记录" in page.locator("#leave-safely").inner_text()


def test_scripts_only_where_they_are_used(context, origin):
    page = context.new_page()
    scripts = {}
    for path in ["", "services/futian-guidance-center/", "articles/sleep-and-insomnia/", "search/"]:
        page.goto(f"{origin}{BASE}{path}")
        scripts[path] = sorted(s.get_attribute("src").split("?")[0].rsplit("/", 1)[-1]
                               for s in page.locator("script[src]").all())
        assert all(s.get_attribute("defer") is not None for s in page.locator("script[src]").all())
    assert scripts["articles/sleep-and-insomnia/"] == ["elder.js", "exit.js", "i18n.js"]
    assert scripts["services/futian-guidance-center/"] == ["elder.js", "exit.js", "i18n.js", "open.js", "share.js"]
    assert scripts[""] == ["elder.js", "exit.js", "i18n.js", "near.js", "open.js"]
    assert scripts["search/"] == ["elder.js", "exit.js", "i18n.js", "near.js", "open.js", "search.js", "share.js"]

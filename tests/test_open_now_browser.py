""""Open now" on the built sample site, in Chromium with the clock pinned: static/open.js reads
the hours each page carries and shows the state in the site's time zone (Asia/Shanghai).
Services and their hours are in content/services/*.yaml; holidays in content/holidays.yaml."""
from __future__ import annotations

from datetime import datetime

import pytest

from browser import serve
from sitecheck import SAMPLE, build_site

BASE = "/xinli/"

# (what, service, Shanghai time, state, label)
CASES = [
    # futian-guidance-center: mon-fri 08:30-12:00, 14:00-17:30; sat 09:00-12:00; holidays closed.
    ("weekday morning", "futian-guidance-center", "2026-11-24T10:00", "open", "营业中（至 12:00）"),
    ("lunch break", "futian-guidance-center", "2026-11-24T12:30", "closed", "已结束（今天 14:00 开放）"),
    ("weekday evening", "futian-guidance-center", "2026-11-27T18:00", "closed", "已结束（明天 09:00 开放）"),
    # shenzhen-night-line: mon-sun 20:00-08:00, holidays the same.
    ("overnight hotline at 02:00", "shenzhen-night-line", "2026-11-24T02:00", "open", "营业中（至 08:00）"),
    ("overnight hotline at noon", "shenzhen-night-line", "2026-11-24T12:00", "closed", "已结束（今天 20:00 开放）"),
    # 2026-10-02 (a Friday) is in 国庆节 2026-10-01..07; the office reopens Thursday 10-08.
    ("office on a public holiday", "futian-guidance-center", "2026-10-02T10:00", "closed",
     "已结束（周四 08:30 开放）"),
    ("24/7 line on a public holiday", "shenzhen-psych-aid-line", "2026-10-02T10:00", "open", "24 小时"),
    ("holiday hours on a public holiday", "futian-shatou-station", "2026-10-02T10:00", "open", "营业中（至 12:00）"),
    # 2026-10-10 is a Saturday make-up workday: Monday's 08:30 start, not Saturday's 09:00,
    # and an afternoon that Saturday does not have.
    ("make-up Saturday at 08:45", "futian-guidance-center", "2026-10-10T08:45", "open", "营业中（至 12:00）"),
    ("make-up Saturday afternoon", "futian-huafu-station", "2026-10-10T15:00", "open", "营业中（至 18:00）"),
    ("an ordinary Saturday afternoon", "futian-huafu-station", "2026-10-17T15:00", "closed",
     "已结束（周一 09:00 开放）"),
    # nanshan-zhaoshang-station: closed 2026-11-20..2026-12-10 (装修), mon-fri otherwise.
    ("during a closure", "nanshan-zhaoshang-station", "2026-11-24T10:00", "suspended", "暂停服务"),
    ("last day of a closure (until is inclusive)", "nanshan-zhaoshang-station", "2026-12-10T18:00",
     "suspended", "暂停服务"),
    ("the evening before a three-week closure", "nanshan-zhaoshang-station", "2026-11-19T18:00", "closed",
     "已结束（近两周不开放）"),  # it reopens 12-11, beyond the 14-day window
    ("after a closure", "nanshan-zhaoshang-station", "2026-12-11T10:00", "open", "营业中（至 12:00）"),
    ("by appointment", "futian-cloud-counseling", "2026-11-24T10:00", "appointment", "需预约"),
    ("hours unknown", "health-12320", "2026-11-24T10:00", "unknown", "时间未公布"),
]


def shanghai(text: str) -> datetime:
    return datetime.fromisoformat(text + ":00+08:00")


@pytest.fixture(scope="module")
def origin(tmp_path_factory):
    # No search index: open-now does not need it, and the build is faster without Pagefind.
    site = build_site(SAMPLE, tmp_path_factory.mktemp("open-now") / "build", index=False)
    with serve(site, BASE) as origin:
        yield origin


def open_page(browser, url: str, at: datetime, **options):
    """A page at `url` in a new context whose clock is pinned to `at`."""
    context = browser.new_context(locale="zh-CN", **options)
    context.clock.set_fixed_time(at)
    page = context.new_page()
    page.goto(url)
    return context, page


def service_state(browser, origin: str, service: str, at: datetime, **options) -> tuple[str | None, str, str]:
    context, page = open_page(browser, f"{origin}{BASE}services/{service}/", at, **options)
    try:
        state = page.locator(".open-now .open-state")
        assert state.count() == 1
        page.wait_for_function("() => document.querySelector('.open-now .open-state').hasAttribute('data-open-state')")
        return state.get_attribute("data-open-state"), state.inner_text(), state.get_attribute("class")
    finally:
        context.close()


@pytest.mark.parametrize("what, service, at, state, label", CASES, ids=[c[0] for c in CASES])
def test_service_page_state(browser, origin, what, service, at, state, label):
    got_state, got_label, classes = service_state(browser, origin, service, shanghai(at))
    assert (got_state, got_label) == (state, label)
    assert classes.split() == ["open-state", f"is-{state}"]


def test_a_visitor_in_new_york_sees_shanghai_time(browser, origin):
    # Monday 2026-11-23 21:00 in New York is Tuesday 10:00 in Shanghai: open, not closed.
    at = datetime.fromisoformat("2026-11-23T21:00:00-05:00")
    assert service_state(browser, origin, "futian-guidance-center", at, timezone_id="America/New_York")[:2] \
        == ("open", "营业中（至 12:00）")
    assert service_state(browser, origin, "shenzhen-night-line", at, timezone_id="America/New_York")[:2] \
        == ("closed", "已结束（今天 20:00 开放）")


@pytest.mark.parametrize("path", ["regions/futian/", "services/", ""])
def test_every_card_gets_a_state(browser, origin, path):
    context, page = open_page(browser, f"{origin}{BASE}{path}", shanghai("2026-11-24T10:00"))
    try:
        page.wait_for_load_state("load")
        states = page.locator(".card .open-state")
        assert states.count() >= 3
        got = states.evaluate_all("els => els.map(e => [e.getAttribute('data-open-state'), e.textContent])")
        assert all(state in ("open", "closed", "appointment", "suspended", "unknown") and label
                   for state, label in got), got
        # The card keeps its static weekly summary after the state.
        assert all(h.strip() for h in page.locator(".card .card-hours").all_inner_texts())
    finally:
        context.close()


def test_the_state_follows_the_clock_in_an_open_tab(browser, origin):
    """Re-applied every minute: a tab left open at 11:59 shows the lunch break after 12:00."""
    context = browser.new_context(locale="zh-CN")
    context.clock.install(time=shanghai("2026-11-24T11:59"))
    page = context.new_page()
    try:
        page.goto(f"{origin}{BASE}services/futian-guidance-center/")
        state = page.locator(".open-now .open-state")
        assert state.get_attribute("data-open-state") == "open"
        page.clock.run_for(2 * 60 * 1000)
        assert state.get_attribute("data-open-state") == "closed"
        assert state.inner_text() == "已结束（今天 14:00 开放）"
        assert state.get_attribute("class").split() == ["open-state", "is-closed"]
    finally:
        context.close()


def test_without_javascript_the_weekly_table_remains(browser, origin):
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{origin}{BASE}services/futian-guidance-center/")
        table = page.locator(".hours .hours-table")
        assert table.count() == 1
        assert "08:30–12:00" in table.inner_text()
        assert page.locator("[data-open-state]").count() == 0
        # Only what is true at any hour: the way to the table, never a frozen state.
        assert page.locator(".open-now .open-state").inner_text() == "开放时间见下方时间表"
        page.goto(f"{origin}{BASE}regions/futian/")
        assert page.locator(".card .open-state").count() >= 3
        assert page.locator("[data-open-state]").count() == 0
    finally:
        context.close()

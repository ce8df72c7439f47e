"""static/open.js against the Python model: every shared case in
tests/data/open_state_cases.json (which tests/test_hours.py runs through site_builder.hours)
must give the same state, until, next_open and label in headless Chromium, whatever the
visitor's own time zone."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo
from pathlib import Path

import pytest

from site_builder.hours import (
    Calendar, Closure, calendar_data, closure_data, hours_data, open_state, parse_hours,
)

ROOT = Path(__file__).resolve().parent.parent
OPEN_JS = ROOT / "static" / "open.js"
I18N_JS = ROOT / "static" / "i18n.js"  # T(), which open.js needs; pages load it first
DOC = json.loads((Path(__file__).parent / "data" / "open_state_cases.json").read_text(encoding="utf-8"))
TIMEZONE, CASES = DOC["timezone"], DOC["cases"]
ORDER_SERVICES, ORDER_CASES = DOC["order_services"], DOC["order_cases"]

# Visitors whose own zone differs from the site's: far west, far east, and a half-hour zone.
VISITOR_ZONES = ["Asia/Shanghai", "America/New_York", "Pacific/Kiritimati", "Asia/Kolkata"]


def _calendar(spec: dict) -> Calendar:
    return Calendar(
        off={date.fromisoformat(d): name for d, name in spec["off"].items()},
        workdays={date.fromisoformat(d): (name, wd) for d, (name, wd) in spec["workdays"].items()},
    )


def _closure(spec: dict | None) -> Closure | None:
    if spec is None:
        return None
    until = spec["until"]
    return Closure(date.fromisoformat(spec["from"]), until and date.fromisoformat(until), spec.get("reason"))


EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def epoch_ms(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(milliseconds=1)


def page_args(case: dict) -> dict:
    """The arguments of SiteOpen.openState, made by the same functions that write the pages."""
    hours, errors = parse_hours(case["hours"])
    assert errors == [] and hours is not None
    return {
        "data": {"hours": hours_data(hours), "closed": closure_data(_closure(case["closed"]))},
        "calendar": calendar_data(_calendar(case["holidays"])),
        "now": epoch_ms(datetime.fromisoformat(case["now"])),
        "tz": TIMEZONE,
    }


# Arguments and answers cross as one JSON string: Playwright is slow with thousands of objects.
RUN_ALL = """json => JSON.stringify(JSON.parse(json).map(a => {
  const s = window.SiteOpen.openState(a.data, a.calendar, a.now, a.tz);
  return {state: s.state, until: s.until, next_open: s.next_open, label: s.label};
}))"""


def run_all(page, args: list[dict]) -> list[dict]:
    """SiteOpen.openState on each of `args` in `page`; the answers as dicts."""
    return json.loads(page.evaluate(RUN_ALL, json.dumps(args)))


@pytest.fixture(scope="module")
def results(browser):
    """Visitor zone -> the JS answer for every case (one page per zone, one evaluate)."""
    args = [page_args(case) for case in CASES]
    answers = {}
    for zone in VISITOR_ZONES:
        context = browser.new_context(timezone_id=zone, locale="zh-CN")
        page = context.new_page()
        page.set_content("<!DOCTYPE html><html><body></body></html>")
        page.add_script_tag(path=str(I18N_JS))
        page.add_script_tag(path=str(OPEN_JS))
        answers[zone] = run_all(page, args)
        context.close()
    return answers


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_js_matches_the_shared_case(results, case):
    got = results["Asia/Shanghai"][CASES.index(case)]
    assert got == case["expect"]


@pytest.mark.parametrize("zone", VISITOR_ZONES[1:])
def test_the_visitors_own_zone_changes_nothing(results, zone):
    for case, got in zip(CASES, results[zone]):
        assert got == case["expect"], case["name"]


def test_other_site_zone(browser):
    """tests/test_hours.py::test_other_site_zone: 10:00 in Beijing is 08:00 in Urumqi (UTC+6)."""
    page = browser.new_page()
    page.set_content("<!DOCTYPE html><html><body></body></html>")
    page.add_script_tag(path=str(I18N_JS))
    page.add_script_tag(path=str(OPEN_JS))
    args = page_args(CASES[0]) | {"now": epoch_ms(datetime.fromisoformat("2026-03-10T10:00:00+08:00")),
                                  "tz": "Asia/Urumqi"}
    got = run_all(page, [args])[0]
    page.close()
    assert got == {"state": "closed", "until": None, "next_open": "2026-03-10T08:30:00+06:00",
                   "label": "已结束（今天 08:30 开放）"}


def test_apply_marks_every_element(browser):
    """apply(root) sets text, data-open-state and one is-* class, and leaves bad data alone."""
    page = browser.new_page()
    cal = json.dumps(calendar_data(Calendar()))
    office = json.dumps({"hours": hours_data(parse_hours({"mon-fri": "08:30-12:00"})[0]), "closed": None})
    page.clock.set_fixed_time(datetime.fromisoformat("2026-03-10T10:00:00+08:00"))
    page.set_content(
        f"""<!DOCTYPE html><html><body data-tz="Asia/Shanghai" data-calendar='{cal}'>
        <div id="later"></div>
        <span id="a" class="open-state is-closed" data-open='{office}'></span>
        <span id="bad" class="open-state" data-open='{{"hours":'></span>
        </body></html>""")
    page.add_script_tag(path=str(I18N_JS))
    page.add_script_tag(path=str(OPEN_JS))
    a = page.locator("#a")
    assert a.get_attribute("data-open-state") == "open"
    assert a.inner_text() == "营业中（至 12:00）"
    assert a.get_attribute("class") == "open-state is-open"
    assert page.locator("#bad").get_attribute("data-open-state") is None
    assert page.locator("#bad").inner_text() == ""
    # Content rendered later (search results) is marked by calling apply on its container.
    page.evaluate(f"""() => {{
        const later = document.getElementById('later');
        later.innerHTML = `<span id="b" class="open-state" data-open='{office}'></span>`;
        window.SiteOpen.apply(later);
    }}""")
    assert page.locator("#b").get_attribute("data-open-state") == "open"
    page.close()


# --- sites in zones with daylight saving time: JS against the Python model, live --------

DST_ZONES = ["America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "America/Santiago"]
DST_HOURS = [
    {"mon-sun": "01:30-02:30"},             # starts or ends in a skipped or repeated hour
    {"mon-sun": "20:00-02:30"},             # overnight across the change
    {"mon-sat": "00:00-24:00"},             # closing at midnight, Sunday closed
    {"mon-fri": "08:30-12:00, 13:30-17:30"},
]


def _transitions(zone: ZoneInfo, year: int) -> list[datetime]:
    """UTC hours in `year` after which the zone's UTC offset differs."""
    moment, found = datetime(year, 1, 1, tzinfo=timezone.utc), []
    while moment.year == year:
        nxt = moment + timedelta(hours=1)
        if moment.astimezone(zone).utcoffset() != nxt.astimezone(zone).utcoffset():
            found.append(moment)
        moment = nxt
    return found


def test_dst_zones_agree_with_python(browser):
    """Every 20 minutes over two days around each 2026 change: same state, label and
    ISO times (Python's replace(tzinfo=…) with fold=0 for a skipped or repeated hour)."""
    args, expected = [], []
    for name in DST_ZONES:
        zone = ZoneInfo(name)
        changes = _transitions(zone, 2026)
        assert changes, name
        for change in changes:
            for step in range(-72, 72):
                now = change + timedelta(minutes=20 * step)
                for spec in DST_HOURS:
                    hours = parse_hours(spec)[0]
                    s = open_state(hours, None, Calendar(), now, zone)
                    args.append({"data": {"hours": hours_data(hours), "closed": None},
                                 "calendar": calendar_data(Calendar()), "now": epoch_ms(now), "tz": name})
                    expected.append({"state": s.state, "label": s.label,
                                     "until": s.until and s.until.isoformat(),
                                     "next_open": s.next_open and s.next_open.isoformat()})
    page = browser.new_page()
    page.set_content("<!DOCTYPE html><html><body></body></html>")
    page.add_script_tag(path=str(I18N_JS))
    page.add_script_tag(path=str(OPEN_JS))
    got = run_all(page, args)
    page.close()
    wrong = [(a["tz"], a["now"], e, g) for a, e, g in zip(args, expected, got) if e != g]
    assert not wrong, f"{len(wrong)} of {len(args)} differ, e.g. {wrong[:3]}"


# --- list order: who can be reached now first (hours.reach_key) ------------------------

BY_REACH = """a => SiteOpen.byReach(a.names, n => a.data[n], {tz: a.tz, cal: a.calendar, now: a.now})"""


@pytest.mark.parametrize("case", ORDER_CASES, ids=[case["name"] for case in ORDER_CASES])
def test_js_orders_lists_as_python(browser, case):
    data = {}
    for name in case["services"]:
        spec = ORDER_SERVICES[name]
        hours = parse_hours(spec["hours"])[0]
        data[name] = {"hours": hours_data(hours), "closed": closure_data(_closure(spec["closed"]))}
    context = browser.new_context(timezone_id="America/New_York")  # not the site's zone
    page = context.new_page()
    page.set_content("<!DOCTYPE html><html><body></body></html>")
    page.add_script_tag(path=str(I18N_JS))
    page.add_script_tag(path=str(OPEN_JS))
    got = page.evaluate(BY_REACH, {"names": case["services"], "data": data, "tz": TIMEZONE,
                                   "calendar": calendar_data(_calendar(case["holidays"])),
                                   "now": epoch_ms(datetime.fromisoformat(case["now"]))})
    context.close()
    assert got == case["expect"]


def test_items_without_hours_keep_their_places(browser):
    """Search results mix services and articles: only the services change places."""
    page = browser.new_page()
    page.set_content("<!DOCTYPE html><html><body></body></html>")
    page.add_script_tag(path=str(I18N_JS))
    page.add_script_tag(path=str(OPEN_JS))
    closed = {"hours": hours_data(parse_hours({"mon-fri": "08:30-12:00"})[0]), "closed": None}
    allday = {"hours": hours_data(parse_hours("24/7")[0]), "closed": None}
    got = page.evaluate(BY_REACH, {"names": ["room", "article", "line", "page"],
                                   "data": {"room": closed, "line": allday}, "tz": TIMEZONE,
                                   "calendar": calendar_data(Calendar()),
                                   "now": epoch_ms(datetime.fromisoformat("2026-11-24T03:00:00+08:00"))})
    page.close()
    assert got == ["line", "article", "room", "page"]

"""Tests for site_builder.hours: parsing, Chinese display, and the open-now state.

Dates come from the real 2026 holiday schedule (国务院办公厅, 2025-11-04):
2026-10-01..07 国庆节 (a Thursday to a Wednesday), 2026-10-10 a Saturday make-up workday,
2026-02-15..23 春节 with 2026-02-14 (Saturday) a make-up workday.
"""

from __future__ import annotations

from sitecheck import require_real

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from site_builder.hours import (
    DAYS,
    Calendar,
    Closure,
    Hours,
    Range,
    format_range,
    holidays_rule,
    open_state,
    parse_hours,
    ranges_on,
    reach_key,
    summary,
    twelve_hour_warnings,
    weekly_rows,
    weekly_table,
)

SH = ZoneInfo("Asia/Shanghai")
CASES_FILE = Path(__file__).parent / "data" / "open_state_cases.json"
REAL_SERVICES = Path(__file__).resolve().parents[2] / "shared" / "data" / "real-cn" / "services"

OFFICE = {"mon-fri": "08:30-12:00, 13:30-17:30", "sat": "09:00-12:00", "holidays": "closed"}


def _days(first: str, last: str, name: str) -> dict[date, str]:
    d0, d1 = date.fromisoformat(first), date.fromisoformat(last)
    return {d0 + timedelta(days=i): name for i in range((d1 - d0).days + 1)}


NATIONAL_DAY = Calendar(
    off={**_days("2026-09-25", "2026-09-27", "中秋节"), **_days("2026-10-01", "2026-10-07", "国庆节")},
    workdays={date(2026, 9, 20): ("国庆节调休上班", 0), date(2026, 10, 10): ("国庆节调休上班", 0)},
)
NO_HOLIDAYS = Calendar()


def ok(value) -> Hours:
    hours, errors = parse_hours(value)
    assert errors == []
    assert hours is not None
    return hours


def errors_of(value) -> list[tuple[str | None, str]]:
    hours, errors = parse_hours(value)
    assert hours is None
    assert errors
    return errors


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


# --- parsing: modes -------------------------------------------------------------------


@pytest.mark.parametrize("text, mode", [("24/7", "24/7"), ("24/7 ", "24/7"), (" by_appointment", "by_appointment"),
                                        ("unknown", "unknown")])
def test_mode_words(text, mode):
    assert ok(text) == Hours(mode)


@pytest.mark.parametrize("text, suggestion", [
    ("24h", "24/7"), ("24小时", "24/7"), ("全天", "24/7"), ("Unknown", "unknown"),
    ("appointment", "by_appointment"), ("by-appointment", "by_appointment"),
])
def test_mode_typos_suggest_the_word(text, suggestion):
    assert errors_of(text) == [(None, (
        f"'{text}' is not a valid hours value (expected 24/7, by_appointment, unknown, or a mapping "
        f"of days to times); did you mean '{suggestion}'?"
    ))]


def test_times_without_days_are_explained():
    [(key, message)] = errors_of("09:00-17:00")
    assert key is None
    assert message.startswith("'09:00-17:00' gives times but no days")


def test_the_advice_for_times_without_days_is_a_mapping_that_passes():
    # Before, the advice was `mon-sun: "８：３０－17:30"` on the `hours:` line: wrong twice
    # (a mapping cannot follow `hours:` on its line, and the times were still full-width).
    [(_, message)] = errors_of("８：３０－17:30")
    assert message == ("'８：３０－17:30' gives times but no days (expected 24/7, by_appointment, "
                       "unknown, or a mapping of days to times: write `hours:` alone on its line "
                       "and the days indented below it, e.g. `mon-sun: \"08:30-17:30\"`)")
    assert parse_hours({"mon-sun": "08:30-17:30"})[1] == []


@pytest.mark.parametrize("value, start", [
    (None, "hours has no value"), ("", "hours is empty"), (24, "hours is the number 24, not text or a mapping"),
    (["mon"], "hours is a list, not text or a mapping"),
])
def test_mode_not_text(value, start):
    [(key, message)] = errors_of(value)
    assert key is None and message.startswith(start)


def test_empty_mapping():
    assert errors_of({}) == [
        (None, 'the hours mapping is empty (expected at least one day, e.g. mon-fri: "09:00-17:00")')
    ]


# --- parsing: mappings ----------------------------------------------------------------


def test_office_hours():
    h = ok(OFFICE)
    office = (Range(510, 720), Range(810, 1050))
    assert h == Hours("weekly", (office,) * 5 + ((Range(540, 720),), ()), None)


def test_days_not_named_are_closed_and_holidays_default_closed():
    h = ok({"wed": "09:00-12:00"})
    assert h.week == ((), (), (Range(540, 720),), (), (), (), ())
    assert h.holidays is None


def test_holidays_ranges():
    assert ok({"mon-sun": "09:00-21:00", "holidays": "09:00-12:00"}).holidays == (Range(540, 720),)
    assert ok({"mon-sun": "09:00-21:00", "holidays": "closed"}).holidays is None


def test_overnight_and_midnight():
    h = ok({"mon": "20:00-08:00", "tue": "18:00-24:00", "wed": "00:00-24:00", "thu": "20:00-00:00"})
    assert h.week[0] == (Range(1200, 480),) and h.week[0][0].overnight
    assert h.week[1] == (Range(1080, 1440),) and not h.week[1][0].overnight
    assert h.week[2] == (Range(0, 1440),) and not h.week[2][0].overnight
    # An end of 00:00 is the midnight that ends the day: the same as 24:00.
    assert h.week[3] == (Range(1200, 1440),)


def test_separators_spaces_and_single_digit_hours():
    h = ok({"mon": "9:00-12:00，13:30–17:30", "tue": " 09:00 ~ 12:00 、 13:30-17:30 ", "wed": "13:30-17:30, 9:00-12:00"})
    expected = (Range(540, 720), Range(810, 1050))
    assert h.week[0] == h.week[1] == h.week[2] == expected  # sorted by start


def test_wrapping_day_range():
    h = ok({"fri-mon": "10:00-16:00"})
    open_days = [DAYS[i] for i, day in enumerate(h.week) if day]
    assert open_days == ["mon", "fri", "sat", "sun"]


def test_real_published_hours_parse():
    yaml = pytest.importorskip("yaml")
    require_real()
    for path in sorted(REAL_SERVICES.glob("*.yaml")):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert parse_hours(record["hours"])[1] == [], path.name


def test_real_published_hours_do_not_look_like_a_12_hour_clock():
    yaml = pytest.importorskip("yaml")
    require_real()
    for path in sorted(REAL_SERVICES.glob("*.yaml")):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert twelve_hour_warnings(record["hours"]) == [], path.name


# --- 12-hour clocks: valid, but warned about ----------------------------------------------


@pytest.mark.parametrize("value, meant", [
    ("08:30-05:30", "08:30-17:30"),  # a morning start that "ends" before it: 5:30 pm
    ("9:00-5:00", "09:00-17:00"),
    ("06:00-03:00", "06:00-15:00"),
    ("11:00-10:00", "11:00-22:00"),
    ("13:00-05:00", "13:00-17:00"),  # a daytime start, an end before 06:00
    ("12:00-01:00", "12:00-13:00"),
])
def test_overnight_range_from_a_daytime_start_is_warned_with_the_24_hour_reading(value, meant):
    hours = ok({"mon-fri": value})
    assert hours.week[0][0].overnight  # still read as written: a warning, not an error
    [(key, message)] = twelve_hour_warnings({"mon-fri": value, "sat": "09:00-12:00"})
    assert key == "mon-fri"
    assert f"did you mean {meant}?" in message
    assert message.startswith(f"'{value}' runs past midnight to ")


def test_12_hour_warning_word_for_word():
    assert twelve_hour_warnings({"mon-fri": "08:30-05:30"}) == [("mon-fri", (
        "'08:30-05:30' runs past midnight to 05:30 the next day; did you mean 08:30-17:30? "
        "(times are on the 24-hour clock, 5:30 pm is 17:30; if it really ends the next day, "
        "write 08:30-次日05:30)"
    ))]


def test_afternoon_written_as_night_hours_is_warned():
    assert twelve_hour_warnings({"sat": "08:30-12:00, 1:30-5:30"}) == [("sat", (
        "'1:30-5:30' is at night, 01:30 to 05:30; did you mean 13:30-17:30? "
        "(times are on the 24-hour clock, 1:30 pm is 13:30)"
    ))]


@pytest.mark.parametrize("value", [
    "20:00-08:00", "18:00-02:00", "22:00-06:00", "17:00-07:00",  # hotline night shifts
    "16:00-02:00",  # no 12-hour reading: 2:00 pm is before the start
    "00:00-04:00", "00:00-02:00, 18:00-24:00", "06:00-24:00", "08:30-12:00, 13:30-17:30",
    "20:00-00:00", "05:30-09:00",
])
def test_hotline_and_office_ranges_are_not_warned(value):
    ok({"mon": value})
    assert twelve_hour_warnings({"mon": value, "holidays": value}) == []


def test_holidays_key_is_checked_too():
    [(key, _)] = twelve_hour_warnings({"mon-fri": "09:00-17:00", "holidays": "09:00-05:00"})
    assert key == "holidays"


def test_next_day_marker_says_an_overnight_range_is_meant():
    # 次日 ("next day") is what the pages show; written by the editor it silences the warning
    value = {"mon-sun": "08:30-次日05:30", "holidays": "20:00 - 次日 08:00"}
    h = ok(value)
    assert h.week[0] == (Range(510, 330),) and h.holidays == (Range(1200, 480),)
    assert format_range(h.week[0][0]) == "08:30–次日05:30"
    assert twelve_hour_warnings(value) == []
    assert ok({"mon": "20:00-次日00:00"}).week[0] == (Range(1200, 1440),)


@pytest.mark.parametrize("value", ["08:00-次日17:00", "20:00-次日24:00", "08:00-次日08:00"])
def test_next_day_marker_on_a_range_that_does_not_cross_midnight_is_an_error(value):
    [(key, message)] = errors_of({"mon": value})
    assert key == "mon" and message.startswith(f"'{value}' ")


def test_next_day_marker_error_word_for_word():
    assert errors_of({"mon": "08:00-次日17:00"}) == [("mon", (
        "'08:00-次日17:00' says 次日 but its end is not earlier than its start (次日 marks an end "
        "on the next morning, e.g. 20:00-次日08:00; for a range within one day write 08:00-17:00)"
    ))]


def test_invalid_or_mode_hours_give_no_12_hour_warnings():
    assert twelve_hour_warnings("24/7") == twelve_hour_warnings(None) == []
    assert twelve_hour_warnings({"mon": 810, "tue": "closed"}) == []


@pytest.mark.parametrize("key, suggestion", [
    ("mon-fry", "mon-fri"), ("Mon", "mon"), ("thur", "thu"), ("holiday", "holidays"),
    ("weekdays", "mon-fri"), ("周六", "sat"), ("mon–fri", "mon-fri"), ("mon to fri", "mon-fri"),
])
def test_bad_key_did_you_mean(key, suggestion):
    assert errors_of({key: "09:00-12:00"}) == [(key, (
        f"'{key}' is not a day or day range (expected mon…sun, a range like mon-fri, or holidays); "
        f"did you mean '{suggestion}'?"
    ))]


def test_bad_key_without_suggestion():
    assert errors_of({"xyz": "closed"}) == [
        ("xyz", "'xyz' is not a day or day range (expected mon…sun, a range like mon-fri, or holidays)")
    ]


def test_same_day_range_key():
    [(key, message)] = errors_of({"mon-mon": "closed"})
    assert key == "mon-mon" and message.startswith("'mon-mon' starts and ends on the same day")


def test_overlapping_keys():
    assert errors_of({"mon-sun": "09:00-17:00", "sat": "closed"}) == [
        ("sat", "'sat' overlaps 'mon-sun' (each day may be named once)")
    ]
    assert errors_of({"fri-mon": "09:00-17:00", "sat-sun": "closed"}) == [
        ("sat-sun", "'sat-sun' overlaps 'fri-mon' on sat and sun (each day may be named once)")
    ]


def test_overlapping_ranges_on_one_day_reported_once_per_key():
    assert errors_of({"mon-fri": "08:00-12:00, 11:00-13:00"}) == [("mon-fri", (
        "'08:00-12:00' overlaps '11:00-13:00' (expected ranges that do not overlap; touching is fine)"
    ))]
    [(key, message)] = errors_of({"sat": "20:00-08:00, 22:00-23:00"})
    assert key == "sat" and message.startswith("'20:00-08:00' overlaps '22:00-23:00'")


def test_touching_ranges_are_fine():
    ok({"mon": "08:00-12:00, 12:00-17:00", "tue": "20:00-08:00", "wed": "08:00-12:00"})


def test_overnight_spill_overlaps_next_day():
    assert errors_of({"mon": "20:00-08:00", "tue": "07:00-09:00"}) == [("tue", (
        "'20:00-08:00' under 'mon' runs past midnight into tue and overlaps '07:00-09:00' under 'tue' "
        "(expected ranges that do not overlap)"
    ))]
    # Sunday night runs into Monday.
    [(key, message)] = errors_of({"sun": "22:00-02:00", "mon-fri": "01:00-05:00"})
    assert key == "mon-fri" and "into mon" in message
    # Within one key range the problem is reported once, not once per day.
    assert errors_of({"mon-sun": "20:00-08:00, 07:00-09:00"}) == [("mon-sun", (
        "'20:00-08:00' runs past midnight into the next day and overlaps '07:00-09:00' "
        "(expected ranges that do not overlap)"
    ))]


def test_value_errors_are_all_collected():
    errors = errors_of({
        "mon": 810, "tue": False, "wed": None, "thu": ["08:00-12:00"], "fri": "", "sat": "Closed", "sun": "休息",
    })
    assert errors == [
        ("mon", 'the value is the number 810, which is what YAML makes of an unquoted 13:30 '
                '(expected the times in quotes, e.g. "08:30-12:00")'),
        ("tue", 'the value is false, which is what YAML makes of an unquoted no or off '
                '(expected times like "08:30-12:00, 13:30-17:30", or closed)'),
        ("wed", 'the value is empty (expected times like "08:30-12:00, 13:30-17:30", or closed)'),
        ("thu", 'the value is a list, not text (expected one quoted string like "08:30-12:00, 13:30-17:30", or closed)'),
        ("fri", 'the value is empty (expected times like "08:30-12:00, 13:30-17:30", or closed)'),
        ("sat", '\'Closed\' is not a time range (expected times like "08:30-12:00, 13:30-17:30", or closed); '
                "did you mean 'closed'?"),
        ("sun", '\'休息\' is not a time range (expected times like "08:30-12:00, 13:30-17:30", or closed); '
                "did you mean 'closed'?"),
    ]


@pytest.mark.parametrize("value, message", [
    ("08:00-08:00", "'08:00-08:00' starts and ends at the same time (expected a range with some length; "
                    "for round-the-clock service write hours: 24/7)"),
    ("00:00-00:00", "'00:00-00:00' starts and ends at the same time (expected a range with some length; "
                    "for round-the-clock service write hours: 24/7)"),
    ("8:00-12:60", "'8:00-12:60' has a time that does not exist (expected hours 0–23 and minutes 00–59; "
                   "24:00 only as an end)"),
    ("08:00-24:30", "'08:00-24:30' has a time that does not exist (expected hours 0–23 and minutes 00–59; "
                    "24:00 only as an end)"),
    ("24:00-08:00", "'24:00-08:00' starts at 24:00 (expected a start from 00:00 to 23:59; midnight at the "
                    "start of a day is 00:00)"),
    ("9-12", "'9-12' is not a time range (expected HH:MM-HH:MM, e.g. 08:30-12:00)"),
    ("08：00-12：00", "'08：00-12：00' is not a time range (expected HH:MM-HH:MM, e.g. 08:30-12:00); "
                     "did you mean '08:00-12:00'?"),
    ("08:00 至 12:00", "'08:00 至 12:00' is not a time range (expected HH:MM-HH:MM, e.g. 08:30-12:00); "
                      "did you mean '08:00-12:00'?"),
    ("0830-1200", "'0830-1200' is not a time range (expected HH:MM-HH:MM, e.g. 08:30-12:00); "
                  "did you mean '08:30-12:00'?"),
    ("08:00-12:00,", "'08:00-12:00,' has an empty entry between commas (expected ranges separated by single commas)"),
    ("08:00-12:00, closed", "'closed' cannot be combined with time ranges (expected either ranges or closed alone)"),
])
def test_bad_values(value, message):
    assert errors_of({"mon": value}) == [("mon", message)]


def test_bad_key_and_bad_value_both_reported():
    assert [key for key, _ in errors_of({"mon-fry": "8-12", "sat": "09:00-12:00"})] == ["mon-fry", "mon-fry"]


def test_every_range_of_a_value_is_checked():
    assert len(errors_of({"mon": "25:00-26:00, 9-12, 08:00-08:00"})) == 3


def test_non_string_key():
    assert errors_of({1: "closed"}) == [
        ("1", "'1' is not a day or day range (expected mon…sun, a range like mon-fri, or holidays)")
    ]


def test_range_validates_itself():
    with pytest.raises(ValueError):
        Range(600, 600)
    with pytest.raises(ValueError):
        Range(0, 0)


# --- display --------------------------------------------------------------------------


def test_format_range():
    assert format_range(Range(510, 720)) == "08:30–12:00"
    assert format_range(Range(1200, 480)) == "20:00–次日08:00"
    assert format_range(Range(0, 1440)) == "00:00–24:00"


def test_weekly_rows_groups_consecutive_days():
    assert weekly_rows(ok(OFFICE)) == [
        ("周一至周五", "08:30–12:00、13:30–17:30"), ("周六", "09:00–12:00"), ("周日", "休息"),
    ]
    assert weekly_rows(ok({"mon-sun": "20:00-08:00"})) == [("每天", "20:00–次日08:00")]
    assert weekly_rows(ok({"mon-fri": "19:00-22:00"})) == [("周一至周五", "19:00–22:00"), ("周六、周日", "休息")]
    # Equal days that are not next to each other stay separate rows.
    assert weekly_rows(ok({"mon": "09:00-12:00", "wed": "09:00-12:00"})) == [
        ("周一", "09:00–12:00"), ("周二", "休息"), ("周三", "09:00–12:00"), ("周四至周日", "休息"),
    ]
    assert weekly_rows(ok("24/7")) == []


def test_holidays_rule():
    assert holidays_rule(ok(OFFICE)) == "法定节假日休息"
    assert holidays_rule(ok({"mon-sun": "09:00-21:00", "holidays": "09:00-12:00"})) == "法定节假日 09:00–12:00"
    assert holidays_rule(ok("24/7")) == "全年无休，节假日照常"
    assert holidays_rule(ok("unknown")) == ""


def test_summary():
    assert summary(ok("24/7")) == "24 小时"
    assert summary(ok("by_appointment")) == "需预约"
    assert summary(ok("unknown")) == "时间未公布，请先致电"
    assert summary(ok(OFFICE)) == "周一至周五 08:30–12:00、13:30–17:30 …"
    assert summary(ok({"mon-sun": "17:00-07:00"})) == "每天 17:00–次日07:00"


# --- calendar and open now ------------------------------------------------------------


def test_ranges_on_holiday_workday_and_plain_day():
    h = ok({"mon-fri": "08:30-17:30", "sat": "09:00-12:00", "holidays": "10:00-11:00"})
    assert ranges_on(h, date(2026, 10, 1), NATIONAL_DAY) == (Range(600, 660),)   # 国庆节 (Thursday)
    assert ranges_on(h, date(2026, 10, 10), NATIONAL_DAY) == (Range(510, 1050),)  # 调休 Saturday as Monday
    assert ranges_on(h, date(2026, 10, 17), NATIONAL_DAY) == (Range(540, 720),)   # plain Saturday
    assert ranges_on(ok(OFFICE), date(2026, 10, 1), NATIONAL_DAY) == ()


def test_closure_covers():
    c = Closure(date(2026, 3, 9), date(2026, 3, 20), "装修")
    assert not c.covers(date(2026, 3, 8))
    assert c.covers(date(2026, 3, 9)) and c.covers(date(2026, 3, 20))
    assert not c.covers(date(2026, 3, 21))
    assert Closure(date(2026, 3, 9), None).covers(date(2030, 1, 1))


def test_weekday_morning_open_until_lunch():
    s = open_state(ok(OFFICE), None, NO_HOLIDAYS, at("2026-03-10T10:00:00+08:00"))
    assert (s.state, s.until, s.next_open, s.label) == ("open", at("2026-03-10T12:00:00+08:00"), None, "营业中（至 12:00）")


def test_lunch_break_next_open_today():
    s = open_state(ok(OFFICE), None, NO_HOLIDAYS, at("2026-03-10T12:30:00+08:00"))
    assert (s.state, s.next_open, s.label) == ("closed", at("2026-03-10T13:30:00+08:00"), "已结束（今天 13:30 开放）")


def test_overnight_hotline_at_two():
    s = open_state(ok({"mon-sun": "20:00-08:00"}), None, NO_HOLIDAYS, at("2026-03-10T02:00:00+08:00"))
    assert (s.state, s.until, s.label) == ("open", at("2026-03-10T08:00:00+08:00"), "营业中（至 08:00）")


def test_public_holiday_closed_unless_holiday_hours():
    now = at("2026-10-01T10:00:00+08:00")
    closed = open_state(ok(OFFICE), None, NATIONAL_DAY, now)
    assert closed.state == "closed"
    assert closed.next_open == at("2026-10-08T08:30:00+08:00")
    assert closed.label == "已结束（10月8日 08:30 开放）"
    opened = open_state(ok({**OFFICE, "holidays": "09:00-12:00"}), None, NATIONAL_DAY, now)
    assert (opened.state, opened.until) == ("open", at("2026-10-01T12:00:00+08:00"))


def test_make_up_saturday_follows_monday():
    # Monday's hours start at 08:30, Saturday's at 09:00; at 08:45 only Monday's are open.
    s = open_state(ok(OFFICE), None, NATIONAL_DAY, at("2026-10-10T08:45:00+08:00"))
    assert (s.state, s.until) == ("open", at("2026-10-10T12:00:00+08:00"))
    plain = open_state(ok(OFFICE), None, NATIONAL_DAY, at("2026-10-17T08:45:00+08:00"))
    assert (plain.state, plain.next_open) == ("closed", at("2026-10-17T09:00:00+08:00"))


def test_spring_festival_make_up_saturday():
    spring = Calendar(off=_days("2026-02-15", "2026-02-23", "春节"), workdays={date(2026, 2, 14): ("春节调休上班", 0)})
    s = open_state(ok(OFFICE), None, spring, at("2026-02-14T15:00:00+08:00"))
    assert (s.state, s.until) == ("open", at("2026-02-14T17:30:00+08:00"))
    after = open_state(ok(OFFICE), None, spring, at("2026-02-14T18:00:00+08:00"))
    assert after.next_open == at("2026-02-24T08:30:00+08:00")


def test_closure_suspends():
    closure = Closure(date(2026, 3, 9), date(2026, 3, 20), "装修")
    s = open_state(ok(OFFICE), closure, NO_HOLIDAYS, at("2026-03-10T10:00:00+08:00"))
    assert (s.state, s.until, s.next_open, s.label) == ("suspended", None, None, "暂停服务")
    s = open_state(ok("24/7"), closure, NO_HOLIDAYS, at("2026-03-10T10:00:00+08:00"))
    assert s.state == "suspended"


def test_twenty_four_seven_on_a_holiday():
    s = open_state(ok("24/7"), None, NATIONAL_DAY, at("2026-10-01T03:00:00+08:00"))
    assert (s.state, s.until, s.next_open, s.label) == ("open", None, None, "24 小时")


def test_appointment_and_unknown():
    now = at("2026-03-10T10:00:00+08:00")
    assert open_state(ok("by_appointment"), None, NO_HOLIDAYS, now).label == "需预约"
    assert open_state(ok("unknown"), None, NO_HOLIDAYS, now).state == "unknown"


@pytest.mark.parametrize("now", [
    datetime(2026, 3, 10, 1, 0, tzinfo=timezone.utc),
    datetime(2026, 3, 9, 21, 0, tzinfo=ZoneInfo("America/New_York")),  # Monday evening there
])
def test_now_in_another_zone_is_converted(now):
    s = open_state(ok(OFFICE), None, NO_HOLIDAYS, now)
    assert s.state == "open"
    assert s.until == at("2026-03-10T12:00:00+08:00")
    assert s.until.utcoffset() == timedelta(hours=8)


def test_other_site_zone():
    s = open_state(ok(OFFICE), None, NO_HOLIDAYS, at("2026-03-10T10:00:00+08:00"), tz=ZoneInfo("Asia/Urumqi"))
    # 10:00 in Beijing is 08:00 in Urumqi (UTC+6): before the 08:30 opening.
    assert s.next_open == datetime(2026, 3, 10, 8, 30, tzinfo=ZoneInfo("Asia/Urumqi"))


def test_naive_now_is_refused():
    with pytest.raises(ValueError):
        open_state(ok(OFFICE), None, NO_HOLIDAYS, datetime(2026, 3, 10, 10, 0))


# --- shared cases (also run by the JavaScript port) -----------------------------------


def _load_cases() -> tuple[str, list[dict]]:
    doc = json.loads(CASES_FILE.read_text(encoding="utf-8"))
    return doc["timezone"], doc["cases"]


TIMEZONE, CASES = _load_cases()
ORDER = json.loads(CASES_FILE.read_text(encoding="utf-8"))
ORDER_SERVICES, ORDER_CASES = ORDER["order_services"], ORDER["order_cases"]


def _calendar(spec: dict) -> Calendar:
    return Calendar(
        off={date.fromisoformat(d): name for d, name in spec["off"].items()},
        workdays={date.fromisoformat(d): (name, weekday) for d, (name, weekday) in spec["workdays"].items()},
    )


def _closure(spec: dict | None) -> Closure | None:
    if spec is None:
        return None
    until = spec["until"]
    return Closure(date.fromisoformat(spec["from"]), until and date.fromisoformat(until), spec.get("reason"))


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def test_shared_cases_file_is_well_formed():
    assert 25 <= len(CASES)
    assert len({case["name"] for case in CASES}) == len(CASES)
    states = {case["expect"]["state"] for case in CASES}
    assert states == {"open", "closed", "appointment", "suspended", "unknown"}


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_shared_open_state_case(case):
    hours = ok(case["hours"])
    state = open_state(hours, _closure(case["closed"]), _calendar(case["holidays"]),
                       datetime.fromisoformat(case["now"]), ZoneInfo(TIMEZONE))
    got = {"state": state.state, "until": _iso(state.until), "next_open": _iso(state.next_open), "label": state.label}
    assert got == case["expect"]


@pytest.mark.parametrize("case", ORDER_CASES, ids=[case["name"] for case in ORDER_CASES])
def test_shared_order_case(case):
    """Lists put who can be reached now first (the same cases run through static/open.js)."""
    cal, now = _calendar(case["holidays"]), datetime.fromisoformat(case["now"])
    keyed = []
    for i, name in enumerate(case["services"]):
        spec = ORDER_SERVICES[name]
        hours = ok(spec["hours"])
        state = open_state(hours, _closure(spec["closed"]), cal, now, ZoneInfo(TIMEZONE))
        keyed.append((reach_key(hours, state), i, name))
    assert [name for _, _, name in sorted(keyed)] == case["expect"]


def test_weekly_table_rows_carry_their_weekdays():
    assert weekly_table(ok(OFFICE))[0][2] == (0, 1, 2, 3, 4)
    assert [days for _, _, days in weekly_table(ok({"mon": "09:00-12:00", "wed": "09:00-12:00"}))] == [
        (0,), (1,), (2,), (3, 4, 5, 6)]
    assert weekly_table(ok({"mon-sun": "20:00-08:00"})) == [("每天", "20:00–次日08:00", (0, 1, 2, 3, 4, 5, 6))]

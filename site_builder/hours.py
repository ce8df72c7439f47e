"""Opening hours: parse the ``hours`` field, describe it in Chinese, and compute "open now".

This module is pure: no I/O, no YAML. The content loader hands it what YAML produced;
templates call the display helpers; the open-now state computed here is the reference
that the browser's JavaScript port is checked against (``tests/data/open_state_cases.json``).

The accepted ``hours`` syntax (what the editor docs should say):

* ``24/7``, ``by_appointment`` or ``unknown`` (surrounding spaces are ignored), or
* a mapping whose keys are a day ``mon`` … ``sun``, a day range ``mon-fri`` or the word
  ``holidays``. Keys are lowercase. A range may wrap past Sunday: ``fri-mon`` means Friday,
  Saturday, Sunday and Monday. Each day may be named once; days not named are closed.
* Each value is ``closed`` or one or more ``HH:MM-HH:MM`` ranges separated by ``,``, ``，``
  or ``、``. Between the two times: ``-``, ``–`` (en dash) or ``~``. Spaces around ranges and
  separators are fine; a single-digit hour (``9:00``) is fine; minutes always have two
  digits. ``24:00`` may end a range (and ``00:00`` as an end means the same thing). A range
  whose end is earlier than its start runs past midnight (``20:00-08:00``) and belongs to
  the day it starts on; ``次日`` before the end (``20:00-次日08:00``, as the pages show it)
  says so explicitly and is then required to be earlier than the start. Ranges may touch (``08:00-12:00, 12:00-17:00``) but not overlap,
  including the after-midnight part of a range with the next day's ranges. (A holiday's
  overnight range is not checked against the following day: that depends on the calendar,
  and the open-now state simply treats touching or overlapping ranges as one open period.)
* A range that looks like a 12-hour clock (``08:30-05:30`` for 8:30 to 17:30) is valid but
  gets a warning from ``twelve_hour_warnings`` (see there); ``次日`` silences it.
* On a public holiday (``holidays.yaml``) the service is closed unless ``holidays:`` gives
  ranges; a make-up workday (调休) follows the schedule of the weekday it is worked as.

All times are wall-clock times in the site's time zone.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from .i18n import _
from .messages import M

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_LABELS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")

MODES = ("24/7", "by_appointment", "unknown")
HOLIDAYS_KEY = "holidays"
CLOSED = "closed"

DEFAULT_TZ = ZoneInfo("Asia/Shanghai")

#: How many days ahead ``open_state`` looks for the next opening.
SEARCH_DAYS = 14

# ---------------------------------------------------------------------------------------
# Model


@dataclass(frozen=True)
class Range:
    """One opening range as written, on the day it starts."""

    start: int
    """Minutes from 00:00, 0..1439."""
    end: int
    """Minutes from 00:00, 1..1440; ``end <= start`` means it crosses midnight; 24:00 is 1440."""

    def __post_init__(self) -> None:
        if not 0 <= self.start <= 1439 or not 1 <= self.end <= 1440 or self.start == self.end:
            raise ValueError(f"invalid range {self.start}-{self.end}")

    @property
    def overnight(self) -> bool:
        """True when the range runs past midnight into the next day."""
        return self.end <= self.start

    @property
    def stop(self) -> int:
        """End in minutes from 00:00 of the start day (above 1440 for an overnight range)."""
        return self.end + 1440 if self.overnight else self.end


@dataclass(frozen=True)
class Hours:
    """Parsed opening hours of a service."""

    mode: str
    """``weekly``, ``24/7``, ``by_appointment`` or ``unknown``."""
    week: tuple[tuple[Range, ...], ...] = ()
    """For ``weekly``: seven tuples, Monday to Sunday, each sorted by start."""
    holidays: tuple[Range, ...] | None = None
    """None: closed on public holidays (the default); a tuple: the ranges of a holiday."""

    def __post_init__(self) -> None:
        if self.mode not in MODES + ("weekly",):
            raise ValueError(f"unknown hours mode {self.mode!r}")
        if self.mode == "weekly" and len(self.week) != 7:
            raise ValueError("weekly hours need seven days")


@dataclass(frozen=True)
class Calendar:
    """Public holidays and make-up workdays (调休), from ``holidays.yaml``.

    A date that is both a holiday and a workday is treated as a holiday (the loader
    should reject such a file).
    """

    off: dict[date, str] = field(default_factory=dict)
    """Public holiday date -> name."""
    workdays: dict[date, tuple[str, int]] = field(default_factory=dict)
    """Make-up workday date -> (name, index of the weekday it is worked as, 0 = Monday)."""


@dataclass(frozen=True)
class Closure:
    """A period in which the service is suspended (the ``closed`` field)."""

    start: date
    until: date | None
    """Last closed day, inclusive; None means until further notice."""
    reason: str | None = None
    alternative: str | None = None
    """Id of the service to go to instead (shown in the closure banner)."""

    def covers(self, d: date) -> bool:
        """True when day ``d`` falls inside the closure."""
        return self.start <= d and (self.until is None or d <= self.until)


@dataclass(frozen=True)
class OpenState:
    """Whether a service is open at a given moment, with a Chinese label."""

    state: str
    """``open``, ``closed``, ``appointment``, ``suspended`` or ``unknown``."""
    until: datetime | None
    """When open: when it closes (None when it stays open past the search window, or 24/7)."""
    next_open: datetime | None
    """When closed: the next opening within ``SEARCH_DAYS`` days, else None."""
    label: str


# ---------------------------------------------------------------------------------------
# Parsing

Error = tuple[str | None, str]
"""(hours mapping key or None, message)."""

_EXPECT_MODE = M("hours.expect_mode", "expected 24/7, by_appointment, unknown, or a mapping of "
                 "days to times")
_EXPECT_KEY = M("hours.expect_key", "expected mon…sun, a range like mon-fri, or holidays")
_EXPECT_VALUE = M("hours.expect_value", 'expected times like "08:30-12:00, 13:30-17:30", or closed')
_EXPECT_RANGE = M("hours.expect_range", "expected HH:MM-HH:MM, e.g. 08:30-12:00")

_LIST_SEP = re.compile(r"[,，、]")
_RANGE_RE = re.compile(r"(\d{1,2}):(\d{2})\s*[-–~]\s*(次日\s*)?(\d{1,2}):(\d{2})")
NEXT_DAY = "次日"
"""Written before an end time, marks a range that ends on the next day (``20:00-次日08:00``)."""
_DAY_RANGE_RE = re.compile(r"([a-z]{3})-([a-z]{3})")

# Words editors are likely to write instead of the fixed ones; used only for hints.
_MODE_ALIASES = {
    "24h": "24/7", "24 h": "24/7", "24x7": "24/7", "24*7": "24/7", "24/7/365": "24/7",
    "24小时": "24/7", "24 小时": "24/7", "全天": "24/7", "全天24小时": "24/7",
    "全天 24 小时": "24/7", "always": "24/7", "always open": "24/7",
    "appointment": "by_appointment", "by appointment": "by_appointment",
    "by-appointment": "by_appointment", "预约": "by_appointment", "需预约": "by_appointment",
    "未知": "unknown", "不详": "unknown", "未公布": "unknown",
}
_KEY_ALIASES = {
    "周一": "mon", "周二": "tue", "周三": "wed", "周四": "thu", "周五": "fri", "周六": "sat",
    "周日": "sun", "周天": "sun", "星期一": "mon", "星期二": "tue", "星期三": "wed",
    "星期四": "thu", "星期五": "fri", "星期六": "sat", "星期日": "sun", "星期天": "sun",
    "工作日": "mon-fri", "周末": "sat-sun", "每天": "mon-sun", "节假日": "holidays",
    "法定节假日": "holidays", "weekdays": "mon-fri", "weekday": "mon-fri",
    "weekend": "sat-sun", "weekends": "sat-sun", "daily": "mon-sun", "everyday": "mon-sun",
    "holiday": "holidays", "monday": "mon", "tuesday": "tue", "wednesday": "wed",
    "thursday": "thu", "friday": "fri", "saturday": "sat", "sunday": "sun",
}
_CLOSED_ALIASES = ("休息", "关闭", "闭馆", "不开放", "停诊", "休", "closed.", "close")
# Characters that look like the accepted ones; used to suggest a corrected range.
_LOOKALIKES = str.maketrans({
    "：": ":", "—": "-", "－": "-", "～": "~", "〜": "~", "−": "-", "‐": "-", "‑": "-",
    "至": "-", "到": "-", "．": ":", ".": ":",
    **{chr(0xFF10 + i): str(i) for i in range(10)},
})


def _did_you_mean(suggestion: str | None) -> str:
    return M("hours.did_you_mean", "; did you mean '{word}'?", word=suggestion) if suggestion else ""


def _describe(value: object) -> str:
    """Name a non-text YAML value the way an editor would recognise it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return M("noun.the_number", "the number {value}", value=value)
    if isinstance(value, (list, tuple)):
        return M("noun.list", "a list")
    if isinstance(value, dict):
        return M("noun.mapping", "a mapping")
    return M("noun.a_type", "a {type}", type=type(value).__name__)


def parse_hours(value: object) -> tuple[Hours | None, list[Error]]:
    """Parse the ``hours`` field as YAML gave it.

    Returns ``(hours, errors)``: ``hours`` is None whenever ``errors`` is not empty. Each
    error is ``(key, message)``, ``key`` being the hours mapping key the problem is at (as
    ``str``), or None when it concerns the whole value. All problems are reported.
    """
    if isinstance(value, str):
        return _parse_mode(value)
    if value is None:
        return None, [(None, M("hours.no_value", "hours has no value ({expected})",
                               expected=_EXPECT_MODE))]
    if not isinstance(value, dict):
        return None, [(None, M("hours.wrong_type", "hours is {what}, not text or a mapping "
                               "({expected})", what=_describe(value), expected=_EXPECT_MODE))]
    if not value:
        return None, [(None, M("hours.empty_mapping", 'the hours mapping is empty (expected at '
                               'least one day, e.g. mon-fri: "09:00-17:00")'))]

    errors: list[Error] = []
    # day index -> (key, [(Range, text), ...]) for the key that claimed the day first.
    owner: dict[int, str] = {}
    day_ranges: dict[int, list[tuple[Range, str]]] = {}
    holidays: list[tuple[Range, str]] | None = None
    seen: list[tuple[str, tuple[int, ...]]] = []

    for raw_key, raw_value in value.items():
        key = str(raw_key)
        days: tuple[int, ...] | None = None
        if key != HOLIDAYS_KEY:
            days, message = _parse_key(raw_key)
            if message:
                errors.append((key, message))
        ranges = _parse_value(key, raw_value, errors)

        if days is None:
            if key == HOLIDAYS_KEY and ranges is not None:
                holidays = ranges
            continue
        for other_key, other_days in seen:
            common = [d for d in days if d in other_days]
            if common:
                errors.append((key, M("hours.key_overlap", "'{key}' overlaps '{other}' (each day "
                                      "may be named once)", key=key, other=other_key)
                               if len(days) == 1 else
                               M("hours.key_overlap_on", "'{key}' overlaps '{other}' on {days} "
                                 "(each day may be named once)", key=key, other=other_key,
                                 days=_join_en([DAYS[d] for d in common]))))
        seen.append((key, days))
        for d in days:
            if d not in owner:
                owner[d] = key
                day_ranges[d] = ranges or []

    # Overlap checks, once per key: a key range repeats the same problem on every day.
    found: list[Error] = []
    for d in range(7):
        if d in owner:
            _check_same_day(owner[d], day_ranges[d], found)
    if holidays:
        _check_same_day(HOLIDAYS_KEY, holidays, found)
    for d in range(7):
        nxt = (d + 1) % 7
        if d in owner and nxt in owner:
            _check_spill(owner[d], day_ranges[d], owner[nxt], day_ranges[nxt], DAYS[nxt], found)
    for err in found:
        if err not in errors:
            errors.append(err)

    if errors:
        return None, errors
    week = tuple(
        tuple(sorted((r for r, _src in day_ranges.get(d, [])), key=lambda r: r.start)) for d in range(7)
    )
    hol = tuple(sorted((r for r, _src in holidays), key=lambda r: r.start)) if holidays else None
    return Hours("weekly", week, hol), []


def _parse_mode(value: str) -> tuple[Hours | None, list[Error]]:
    text = value.strip()
    if text in MODES:
        return Hours(text), []
    if not text:
        return None, [(None, M("hours.empty", "hours is empty ({expected})", expected=_EXPECT_MODE))]
    folded = text.lower()
    suggestion = _MODE_ALIASES.get(folded) or _MODE_ALIASES.get(folded.replace(" ", ""))
    if suggestion is None and folded in MODES:
        suggestion = folded
    if suggestion is None:
        close = difflib.get_close_matches(folded, MODES, n=1, cutoff=0.6)
        suggestion = close[0] if close else None
    if suggestion is None and _RANGE_RE.search(text.translate(_LOOKALIKES)):
        times = ", ".join(f"{int(m[1]):02d}:{m[2]}-{m[3] or ''}{int(m[4]):02d}:{m[5]}"
                          for m in _RANGE_RE.finditer(text.translate(_LOOKALIKES)))
        return None, [(None, M("hours.times_without_days", "'{text}' gives times but no days "
                               "({expected}: write `hours:` alone on its line and the days "
                               "indented below it, e.g. `mon-sun: \"{times}\"`)", text=text,
                               expected=_EXPECT_MODE, times=times))]
    return None, [(None, M("hours.invalid_mode", "'{text}' is not a valid hours value "
                           "({expected}){hint}", text=text, expected=_EXPECT_MODE,
                           hint=_did_you_mean(suggestion)))]


def _parse_key(raw_key: object) -> tuple[tuple[int, ...] | None, str | None]:
    """Return the day indexes a key names, or an error message."""
    if isinstance(raw_key, str):
        if raw_key in DAYS:
            return (DAYS.index(raw_key),), None
        m = _DAY_RANGE_RE.fullmatch(raw_key)
        if m and m[1] in DAYS and m[2] in DAYS:
            a, b = DAYS.index(m[1]), DAYS.index(m[2])
            if a == b:
                return None, M("hours.key_same_day", "'{key}' starts and ends on the same day "
                               "(expected one day like mon, or a range of different days like "
                               "mon-fri)", key=raw_key)
            # Wrapping ranges (fri-mon) run forward through Sunday.
            return tuple((a + i) % 7 for i in range((b - a) % 7 + 1)), None
    key = str(raw_key)
    return None, M("hours.bad_key", "'{key}' is not a day or day range ({expected}){hint}",
                   key=key, expected=_EXPECT_KEY, hint=_did_you_mean(_suggest_key(key)))


def _suggest_key(key: str) -> str | None:
    valid = DAYS + (HOLIDAYS_KEY,)
    text = key.strip().lower()
    text = re.sub(r"\s*(?:[–—~～至到]|-|\bto\b)\s*", "-", text)
    if text in _KEY_ALIASES:
        return _KEY_ALIASES[text]
    if text in valid or (_DAY_RANGE_RE.fullmatch(text) and text[:3] in DAYS and text[4:] in DAYS):
        return text
    parts = text.split("-")
    if len(parts) == 2:
        fixed = []
        for part in parts:
            part = _KEY_ALIASES.get(part, part)
            close = [part] if part in DAYS else difflib.get_close_matches(part, DAYS, n=1, cutoff=0.6)
            if not close:
                return None
            fixed.append(close[0])
        return "-".join(fixed) if fixed[0] != fixed[1] else None
    close = difflib.get_close_matches(text, valid, n=1, cutoff=0.6)
    return close[0] if close else None


def _parse_value(key: str, raw: object, errors: list[Error]) -> list[tuple[Range, str]] | None:
    """Parse one mapping value into (Range, text-as-written) pairs; None when invalid."""
    if raw is None:
        errors.append((key, M("hours.value_empty", "the value is empty ({expected})",
                              expected=_EXPECT_VALUE)))
        return None
    if isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw <= 1440:
        # YAML 1.1 reads an unquoted 13:30 as 13 * 60 + 30 = 810.
        errors.append((key, M("hours.value_number", "the value is the number {value}, which is "
                              "what YAML makes of an unquoted {time} (expected the times in "
                              "quotes, e.g. \"08:30-12:00\")", value=raw,
                              time=f"{raw // 60}:{raw % 60:02d}")))
        return None
    if isinstance(raw, bool):
        # YAML 1.1 reads unquoted yes/no/on/off as booleans.
        errors.append((key, M("hours.value_bool", "the value is {value}, which is what YAML "
                              "makes of an unquoted {words} ({expected})", value=_describe(raw),
                              words=M("hours.yes_or_on", "yes or on") if raw
                              else M("hours.no_or_off", "no or off"), expected=_EXPECT_VALUE)))
        return None
    if not isinstance(raw, str):
        errors.append((key, M("hours.value_not_text", "the value is {what}, not text (expected "
                              'one quoted string like "08:30-12:00, 13:30-17:30", or closed)',
                              what=_describe(raw))))
        return None
    text = raw.strip()
    if not text:
        errors.append((key, M("hours.value_empty", "the value is empty ({expected})",
                              expected=_EXPECT_VALUE)))
        return None
    if text == CLOSED:
        return []
    if text.lower() == CLOSED or text in _CLOSED_ALIASES:
        errors.append((key, M("hours.closed_spelling", "'{text}' is not a time range "
                              "({expected}); did you mean 'closed'?", text=text,
                              expected=_EXPECT_VALUE)))
        return None

    parts = [p.strip() for p in _LIST_SEP.split(text)]
    ok = True
    result: list[tuple[Range, str]] = []
    if any(not p for p in parts):
        errors.append((key, M("hours.empty_entry", "'{text}' has an empty entry between commas "
                              "(expected ranges separated by single commas)", text=text)))
        ok = False
    for part in parts:
        if not part:
            continue
        if part == CLOSED:
            errors.append((key, M("hours.closed_with_ranges", "'closed' cannot be combined with "
                                  "time ranges (expected either ranges or closed alone)")))
            ok = False
            continue
        parsed = _parse_range(part)
        if isinstance(parsed, str):
            errors.append((key, parsed))
            ok = False
        else:
            result.append((parsed, part))
    return result if ok else None


def _parse_range(text: str) -> Range | str:
    """Parse ``HH:MM-HH:MM``; return the Range or an error message."""
    m = _RANGE_RE.fullmatch(text)
    if not m:
        fixed = text.translate(_LOOKALIKES)
        fixed = re.sub(r"\s*([-~])\s*", "-", fixed)
        if ":" not in fixed:  # 0830-1200
            fixed = re.sub(r"(?<!\d)(\d{1,2})(\d{2})(?!\d)", r"\1:\2", fixed)
        hint = fixed if fixed != text and _RANGE_RE.fullmatch(fixed) else None
        return M("hours.bad_range", "'{text}' is not a time range ({expected}){hint}", text=text,
                 expected=_EXPECT_RANGE, hint=_did_you_mean(hint))
    sh, sm, eh, em = (int(m[i]) for i in (1, 2, 4, 5))
    if sh == 24 and sm == 0 and eh <= 24:
        return M("hours.starts_at_24", "'{text}' starts at 24:00 (expected a start from 00:00 to "
                 "23:59; midnight at the start of a day is 00:00)", text=text)
    if sh > 23 or sm > 59 or eh > 24 or em > 59 or (eh == 24 and em != 0):
        return M("hours.no_such_time", "'{text}' has a time that does not exist (expected hours "
                 "0–23 and minutes 00–59; 24:00 only as an end)", text=text)
    start, end = sh * 60 + sm, eh * 60 + em
    if start == end:
        return M("hours.zero_length", "'{text}' starts and ends at the same time (expected a "
                 "range with some length; for round-the-clock service write hours: 24/7)", text=text)
    if m[3] is not None and (end >= start and end != 0 or end == 1440):
        return M("hours.next_day_not_overnight", "'{text}' says {next_day} but its end is not "
                 "earlier than its start ({next_day} marks an end on the next morning, e.g. "
                 "20:00-{next_day}08:00; for a range within one day write {range})", text=text,
                 next_day=NEXT_DAY, range=f"{_hhmm(start)}-{_hhmm(end)}")
    # An end of 00:00 is midnight at the end of the day, the same as 24:00.
    return Range(start, end or 1440)


# Bounds of the 12-hour-clock check, in minutes from 00:00.
_MORNING, _NOON, _EVENING = 6 * 60, 12 * 60, 18 * 60


def twelve_hour_reading(r: Range) -> Range | None:
    """The range an editor probably meant when ``r`` reads like a 12-hour clock, else None.

    Three shapes are suspicious, each with a plausible afternoon reading:

    * an overnight range starting in the morning (06:00–11:59): ``08:30-05:30`` → 08:30-17:30;
    * an overnight range starting in the daytime (12:00–17:59) and ending before 06:00,
      when the end read as afternoon still follows the start: ``13:00-05:00`` → 13:00-17:00
      (``16:00-02:00`` has no such reading and passes);
    * a range within 01:00–07:00 that starts before 06:00: ``1:30-5:30`` → 13:30-17:30.

    Evening overnight ranges (``20:00-08:00``, ``18:00-02:00``) and late-day starts that end
    in the morning (``17:00-07:00``) are how hotlines work and pass; so do ranges from 00:00.
    """
    if r.overnight:
        if not _MORNING <= r.start < _EVENING or (r.start >= _NOON and r.end >= _MORNING):
            return None
        end = r.end + _NOON
        return Range(r.start, end) if r.start < end <= 1440 else None
    if 60 <= r.start < _MORNING and r.end <= 7 * 60:
        return Range(r.start + _NOON, r.end + _NOON)
    return None


def _pm(minutes: int) -> str:
    """``5:30 pm is 17:30`` for 05:30."""
    return M("hours.pm", "{twelve} pm is {time}", twelve=f"{minutes // 60}:{minutes % 60:02d}",
             time=_hhmm(minutes + _NOON))


def twelve_hour_warnings(value: object) -> list[Error]:
    """Warnings for ranges of valid weekly ``hours`` that look like a 12-hour clock.

    ``value`` is what ``parse_hours`` accepted without errors (other values give no
    warnings). Each warning is ``(key, message)`` and suggests the 24-hour reading; a range
    written with ``次日`` before its end is taken as meant and never warned about.
    """
    if not isinstance(value, dict):
        return []
    warnings: list[Error] = []
    for raw_key, raw_value in value.items():
        if not isinstance(raw_value, str):
            continue
        key = str(raw_key)
        for part in _LIST_SEP.split(raw_value.strip()):
            part = part.strip()
            m = _RANGE_RE.fullmatch(part)
            if not m or m[3] is not None:
                continue
            r = _parse_range(part)
            meant = twelve_hour_reading(r) if isinstance(r, Range) else None
            if meant is None:
                continue
            guess = f"{_hhmm(meant.start)}-{_hhmm(meant.end)}"
            if r.overnight:
                warnings.append((key, M("hours.twelve_hour_overnight", "'{part}' runs past "
                                        "midnight to {end} the next day; did you mean {guess}? "
                                        "(times are on the 24-hour clock, {pm}; if it really ends "
                                        "the next day, write {overnight})", part=part,
                                        end=_hhmm(r.end), guess=guess, pm=_pm(r.end),
                                        overnight=f"{_hhmm(r.start)}-{NEXT_DAY}{_hhmm(r.end)}")))
            else:
                warnings.append((key, M("hours.twelve_hour_night", "'{part}' is at night, {start} "
                                        "to {end}; did you mean {guess}? (times are on the "
                                        "24-hour clock, {pm})", part=part, start=_hhmm(r.start),
                                        end=_hhmm(r.end), guess=guess, pm=_pm(r.start))))
    return warnings


def _join_en(items: list[str]) -> str:
    return items[0] if len(items) == 1 else M("hours.and", "{items} and {last}",
                                              items=", ".join(items[:-1]), last=items[-1])


def _check_same_day(key: str, ranges: list[tuple[Range, str]], found: list[Error]) -> None:
    ordered = sorted(ranges, key=lambda rt: rt[0].start)
    for i, (a, at) in enumerate(ordered):
        for b, bt in ordered[i + 1:]:
            if b.start < a.stop:
                found.append((key, M("hours.range_overlap", "'{a}' overlaps '{b}' (expected ranges "
                                     "that do not overlap; touching is fine)", a=at, b=bt)))


def _check_spill(
    key: str, ranges: list[tuple[Range, str]], next_key: str, next_ranges: list[tuple[Range, str]],
    next_day: str, found: list[Error],
) -> None:
    """Report an overnight range of one day that runs into a range of the next day."""
    for a, at in ranges:
        if not a.overnight:
            continue
        for b, bt in next_ranges:
            if b.start < a.end:
                if key == next_key:
                    msg = M("hours.spill_same_key", "'{a}' runs past midnight into the next day "
                            "and overlaps '{b}' (expected ranges that do not overlap)", a=at, b=bt)
                else:
                    msg = M("hours.spill", "'{a}' under '{key}' runs past midnight into {next_day} "
                            "and overlaps '{b}' under '{next_key}' (expected ranges that do not "
                            "overlap)", a=at, key=key, next_day=next_day, b=bt, next_key=next_key)
                found.append((next_key, msg))


# ---------------------------------------------------------------------------------------
# Display: in the language being rendered (site_builder.i18n; msgids are the Chinese text)

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def format_range(r: Range) -> str:
    """``08:30–12:00``; an overnight range ``20:00–次日08:00``; a whole day ``00:00–24:00``."""
    if r.overnight:
        return _("{start}–次日{end}").format(start=_hhmm(r.start), end=_hhmm(r.end))
    return f"{_hhmm(r.start)}–{_hhmm(r.end)}"


def _format_ranges(ranges: tuple[Range, ...]) -> str:
    return _("、").join(format_range(r) for r in ranges) if ranges else _("休息")


def _day_span(a: int, b: int) -> str:
    if a == b:
        return _(DAY_LABELS[a])
    if b == a + 1:
        return _("{first}、{last}").format(first=_(DAY_LABELS[a]), last=_(DAY_LABELS[b]))
    return _("{first}至{last}").format(first=_(DAY_LABELS[a]), last=_(DAY_LABELS[b]))


def weekly_rows(h: Hours) -> list[tuple[str, str]]:
    """``weekly_table`` without the day indices."""
    return [(label, times) for label, times, _days in weekly_table(h)]


def weekly_table(h: Hours) -> list[tuple[str, str, tuple[int, ...]]]:
    """Rows of an hours table, Monday first, consecutive identical days grouped.

    ``[("周一至周五", "08:30–12:00、13:30–17:30", (0, 1, 2, 3, 4)), ("周六", "09:00–12:00", (5,)),
    ("周日", "休息", (6,))]``; ``[("每天", …)]`` when all seven days are the same. Two neighbouring days read
    ``周六、周日``. Empty for modes other than weekly; the holiday line is ``holidays_rule``.
    Each row also carries the weekday indices it stands for (0 = Monday), so that the
    browser can mark the row of today (``static/open.js``).
    """
    if h.mode != "weekly":
        return []
    if all(day == h.week[0] for day in h.week):
        return [(_("每天"), _format_ranges(h.week[0]), tuple(range(7)))]
    rows: list[tuple[str, str, tuple[int, ...]]] = []
    first = 0
    for d in range(1, 8):
        if d == 7 or h.week[d] != h.week[first]:
            rows.append((_day_span(first, d - 1), _format_ranges(h.week[first]), tuple(range(first, d))))
            first = d
    return rows


def holidays_rule(h: Hours) -> str:
    """The public-holiday line: ``法定节假日休息``, ``法定节假日 09:00–12:00``, or for 24/7
    ``全年无休，节假日照常``; empty for by_appointment and unknown."""
    if h.mode == "24/7":
        return _("全年无休，节假日照常")
    if h.mode != "weekly":
        return ""
    if h.holidays is None:
        return _("法定节假日休息")
    return _("法定节假日 {times}").format(times=_format_ranges(h.holidays))


def summary(h: Hours) -> str:
    """One short line for lists and cards, e.g. ``周一至周五 08:30–17:30 …``."""
    if h.mode == "24/7":
        return _("24 小时")
    if h.mode == "by_appointment":
        return _("需预约")
    if h.mode == "unknown":
        return _("时间未公布，请先致电")
    rows = [row for row in weekly_rows(h) if row[1] != _("休息")]
    if not rows:
        return holidays_rule(h) if h.holidays else _("暂无开放时间")
    line = _("{days} {times}").format(days=rows[0][0], times=rows[0][1])
    return line + " …" if len(rows) > 1 else line


# ---------------------------------------------------------------------------------------
# Open now


def ranges_on(h: Hours, d: date, cal: Calendar) -> tuple[Range, ...]:
    """The ranges that start on day ``d``: on a public holiday ``h.holidays`` (or none); on a
    make-up workday the schedule of the weekday it is worked as; otherwise the weekday's.
    Empty for modes other than weekly."""
    if h.mode != "weekly":
        return ()
    if d in cal.off:
        return h.holidays or ()
    if d in cal.workdays:
        return h.week[cal.workdays[d][1]]
    return h.week[d.weekday()]


def open_state(
    h: Hours, closure: Closure | None, cal: Calendar, now: datetime, tz: tzinfo = DEFAULT_TZ,
) -> OpenState:
    """Whether the service is open at ``now`` (timezone-aware; converted to ``tz`` first).

    Rules, in order: a closure covering today's date gives ``suspended`` (even for 24/7);
    24/7 is ``open`` (holidays do not close it); by_appointment and unknown give their own
    state. For weekly hours, the service is open when ``now`` lies inside a range starting
    today, or inside the after-midnight part of an overnight range that started yesterday
    (judged by yesterday's schedule); starts are inclusive, ends exclusive. No range starts
    on a closure day. Touching ranges count as one open period, so ``until`` is when the
    service actually closes; it is None when the period lasts beyond the end of day
    today + 14. When closed, ``next_open`` is the first range start on days today …
    today + 14, or None.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    local = now.astimezone(tz).replace(tzinfo=None)  # wall-clock time in tz
    today = local.date()

    if closure is not None and closure.covers(today):
        return OpenState("suspended", None, None, _("暂停服务"))
    if h.mode == "24/7":
        return OpenState("open", None, None, _("24 小时"))
    if h.mode == "by_appointment":
        return OpenState("appointment", None, None, _("需预约"))
    if h.mode == "unknown":
        return OpenState("unknown", None, None, _("时间未公布"))

    periods = _open_periods(h, closure, cal, today)
    horizon = datetime.combine(today + timedelta(days=SEARCH_DAYS + 1), time())
    for start, end in periods:
        if start <= local < end:
            until = None if end >= horizon else end
            label = _("营业中") if until is None else _until_words(until, today)
            return OpenState("open", _aware(until, tz), None, label)
        if start > local:
            day = _day_words(start.date(), today)
            return OpenState("closed", None, _aware(start, tz),
                             _("已结束（{day} {time} 开放）").format(day=day, time=f"{start:%H:%M}"))
    return OpenState("closed", None, None, _("已结束（近两周不开放）"))


REACH_GROUPS = ("open", "24/7", "appointment", "closed", "unknown", "closed-long", "suspended")
"""The order of lists at a given moment: who can be reached now comes first."""


def reach_key(h: Hours, state: OpenState) -> tuple[int, float]:
    """Sort key of a service in a list at the moment ``state`` was computed for: open now
    (weekly hours), then 24/7 lines, then by appointment, then closed by next opening
    (soonest first), then hours unknown, then closed for the coming two weeks, then
    suspended. Services of one group keep their order (sort stably after pinyin)."""
    if state.state == "open":
        return (REACH_GROUPS.index("24/7" if h.mode == "24/7" else "open"), 0.0)
    if state.state == "closed" and state.next_open is not None:
        return (REACH_GROUPS.index("closed"), state.next_open.timestamp())
    group = {"closed": "closed-long"}.get(state.state, state.state)
    return (REACH_GROUPS.index(group), 0.0)


def _open_periods(
    h: Hours, closure: Closure | None, cal: Calendar, today: date,
) -> list[tuple[datetime, datetime]]:
    """Naive wall-clock (start, end) periods from ranges starting yesterday … today + 14,
    sorted, with touching or overlapping ones merged."""
    spans: list[tuple[datetime, datetime]] = []
    for offset in range(-1, SEARCH_DAYS + 1):
        d = today + timedelta(days=offset)
        if closure is not None and closure.covers(d):
            continue
        midnight = datetime.combine(d, time())
        for r in ranges_on(h, d, cal):
            spans.append((midnight + timedelta(minutes=r.start), midnight + timedelta(minutes=r.stop)))
    spans.sort()
    merged: list[tuple[datetime, datetime]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _aware(moment: datetime | None, tz: tzinfo) -> datetime | None:
    return None if moment is None else moment.replace(tzinfo=tz)


def _day_words(d: date, today: date) -> str:
    """今天 / 明天 / 周X within the coming week / M月D日 further away."""
    ahead = (d - today).days
    if ahead == 0:
        return _("今天")
    if ahead == 1:
        return _("明天")
    if 1 < ahead < 7:
        return _(DAY_LABELS[d.weekday()])
    return _("{month}月{day}日").format(month=d.month, day=d.day)


def _until_words(until: datetime, today: date) -> str:
    """``营业中（至 17:30）`` today, ``营业中（至明天 08:00）``; a closing at midnight reads as
    24:00 of the day before."""
    if until.time() == time(0, 0):
        d, clock = until.date() - timedelta(days=1), "24:00"
    else:
        d, clock = until.date(), f"{until:%H:%M}"
    if d == today:
        return _("营业中（至 {time}）").format(time=clock)
    return _("营业中（至{day} {time}）").format(day=_day_words(d, today), time=clock)


# ---------------------------------------------------------------------------------------
# Data for the browser (static/open.js computes "open now" from exactly these)


def hours_data(h: Hours) -> dict:
    """Hours as plain JSON data: ``{"mode", "week": 7 lists of [start, end], "holidays"}``
    with minutes as in ``Range`` (an end <= start crosses midnight)."""
    return {
        "mode": h.mode,
        "week": [[[r.start, r.end] for r in day] for day in h.week],
        "holidays": None if h.holidays is None else [[r.start, r.end] for r in h.holidays],
    }


def closure_data(c: Closure | None) -> dict | None:
    if c is None:
        return None
    return {"from": c.start.isoformat(), "until": c.until.isoformat() if c.until else None}


def calendar_data(cal: Calendar) -> dict:
    """``{"off": {date: name}, "workdays": {date: [name, weekday]}}`` (the case-file shape)."""
    return {
        "off": {d.isoformat(): name for d, name in sorted(cal.off.items())},
        "workdays": {d.isoformat(): [name, wd] for d, (name, wd) in sorted(cal.workdays.items())},
    }

"""Readers for the forms people write by hand (and copy from WeChat or maps): each returns
the value in the content format, or None when there is not exactly one sensible reading.

Used by `check --fix` (fixes/rewrite.py) and by the validator's hints, so that an error
that says "`check --fix` can correct this" and the fix itself read the same text alike.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date

from .. import coords

_FULL = str.maketrans({
    "：": ":", "－": "-", "—": "-", "–": "-", "−": "-", "‐": "-", "‑": "-", "～": "~", "〜": "~",
    "，": ",", "、": ",", "；": ";", "（": "(", "）": ")", "\u3000": " ", "\u00a0": " ",
})


def plain(text: str) -> str:
    """Full-width digits, letters and punctuation as ASCII (NFKC, plus dashes and tildes)."""
    return unicodedata.normalize("NFKC", text).translate(_FULL)


# ------------------------------------------------------------------ times

_TIME = r"(\d{1,2})\s*[:.]\s*(\d{2})"
_RANGE_SEP = r"\s*(?:-|~|至|到)\s*"
_RANGE = re.compile(_TIME + _RANGE_SEP + r"(次日\s*)?" + _TIME)


def _hhmm(h: str, m: str) -> str | None:
    hour, minute = int(h), int(m)
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        return None
    return f"{hour:02d}:{minute:02d}"


_HALF_DAY = re.compile(r"(上午|早上|下午|晚上)\s*")


def time_ranges(text: str) -> str | None:
    """`８：３０－１２：００，１４：００至１７：３０` → `08:30-12:00, 14:00-17:30`: only when the
    whole text is time ranges (separated by commas, 、 or spaces). `上午` and `下午` may lead a
    range (`下午2:00-5:30` is 14:00-17:30)."""
    rest = plain(text).strip()
    if not rest:
        return None
    out = []
    while rest:
        half = _HALF_DAY.match(rest)
        if half:
            rest = rest[half.end():]
        m = _RANGE.match(rest)
        if not m:
            return None
        h1, h2 = int(m[1]), int(m[4])
        if half and half[1] in ("下午", "晚上"):
            if h1 < 12:
                h1, h2 = h1 + 12, (h2 + 12 if h2 <= 12 and not m[3] else h2)
            elif h2 < h1 and not m[3] and h2 < 12:
                h2 += 12
        elif half and h1 > 12:
            return None  # 上午 13:00: which is it?
        start, end = _hhmm(str(h1), m[2]), _hhmm(str(h2), m[5])
        if start is None or end is None:
            return None
        out.append(f"{start}-{'次日' if m[3] else ''}{end}")
        rest = rest[m.end():].lstrip()
        if rest[:1] in (",", ";"):
            rest = rest[1:].lstrip()
    return ", ".join(out)


# ------------------------------------------------------------------ days

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CN_DAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_DAY = r"(?:周|星期|礼拜)([一二三四五六日天七])"
_DAY_WORDS = {"工作日": (0, 4), "周一至周五": (0, 4), "每天": (0, 6), "每日": (0, 6),
              "全周": (0, 6), "周末": (5, 6), "天天": (0, 6)}
_HOLIDAY = re.compile(r"^(?:法定)?节假日\s*(?:休息|闭馆|不开放|关闭|休)$")


def day_key(text: str) -> str | None:
    """`周一至周五` → `mon-fri`, `星期六` → `sat`, `工作日` → `mon-fri`, `每天` → `mon-sun`,
    `周末` → `sat-sun`; None for a list (`周一、周三`: two keys) or anything else."""
    t = plain(text).strip()
    if t in _DAY_WORDS:
        a, b = _DAY_WORDS[t]
        return f"{DAYS[a]}-{DAYS[b]}"
    m = re.fullmatch(_DAY + r"(?:\s*(?:-|~|至|到)\s*" + _DAY + r")?", t)
    if not m:
        return None
    a = _CN_DAY[m[1]]
    if m[2] is None:
        return DAYS[a]
    b = _CN_DAY[m[2]]
    return f"{DAYS[a]}-{DAYS[b]}" if a != b else None


_ONE = r"(?:周|星期|礼拜)[一二三四五六日天七](?:\s*(?:-|~|至|到)\s*(?:周|星期|礼拜)?[一二三四五六日天七])?"
_SEGMENT = re.compile(r"\s*(?P<days>(?:工作日|每天|每日|全周|周末|天天|" + _ONE
                      + r"(?:\s*,\s*(?:周|星期|礼拜)?[一二三四五六日天七])*))\s*[:]?\s*")


def hours_mapping(text: str) -> dict[str, str] | None:
    """`周一至周五 9:00-17:00` → {"mon-fri": "09:00-17:00"}; several parts may follow one
    another (`周一至周五 08:30-12:00，14:00-17:30；周六 09:00-12:00；节假日休息`). None unless
    every part of the text is understood and no day is named twice."""
    t = plain(text).strip().rstrip("。.")
    if not t:
        return None
    out: dict[str, str] = {}
    claimed: set[int] = set()
    parts = [p for p in re.split(r"\s*;\s*|\s*\n\s*", t) if p.strip()]
    for part in parts:
        part = part.strip().rstrip(",")
        if _HOLIDAY.match(part):
            if "holidays" in out:
                return None
            out["holidays"] = "closed"
            continue
        while part:
            m = _SEGMENT.match(part)
            if not m:
                return None
            days = m["days"]
            days = re.sub(r"((?:-|~|至|到|,)\s*)([一二三四五六日天七])", r"\1周\2", days)
            keys = [day_key(d) for d in re.split(r"\s*,\s*", days)]
            if None in keys:
                return None
            rest = part[m.end():]
            nxt = _SEGMENT.search(rest)
            times_text, part = (rest[:nxt.start()], rest[nxt.start():]) if nxt else (rest, "")
            times_text = times_text.strip().rstrip(",")
            if times_text in ("休息", "闭馆", "不开放", "关闭", "休"):
                value = "closed"
            else:
                value = time_ranges(times_text)
            if value is None:
                return None
            for key in _joined(keys):
                span = _key_days(key)
                if claimed & span or key in out:
                    return None
                claimed |= span
                out[key] = value
    return out or None


def _joined(keys: list[str]) -> list[str]:
    """`周六、周日` → [sat-sun]; `周一、周三` → [mon, wed]: next days become one range."""
    if len(keys) == 1:
        return keys
    days = [d for k in keys for d in sorted(_key_days(k))]
    if len(set(days)) != len(days):
        return keys  # named twice: refused by the caller
    if all(b == a + 1 for a, b in zip(days, days[1:])):
        return [f"{DAYS[days[0]]}-{DAYS[days[-1]]}"]
    return keys


def _key_days(key: str) -> set[int]:
    if "-" not in key:
        return {DAYS.index(key)}
    a, b = (DAYS.index(k) for k in key.split("-"))
    return {(a + i) % 7 for i in range((b - a) % 7 + 1)}


_MODES = {"24小时": "24/7", "全天24小时": "24/7", "全天": "24/7", "24h": "24/7", "全年无休": "24/7",
          "24小时全年无休": "24/7", "24小时服务": "24/7", "预约": "by_appointment",
          "需预约": "by_appointment", "电话预约": "by_appointment", "预约制": "by_appointment",
          "未知": "unknown", "不详": "unknown", "未公布": "unknown"}


def hours_mode(text: str) -> str | None:
    """`24小时`, `全天 24 小时` → `24/7`; `需预约` → `by_appointment`; `不详` → `unknown`."""
    return _MODES.get(re.sub(r"\s+", "", plain(text)).strip("。.").lower())


# ------------------------------------------------------------------ dates

_DATE = re.compile(r"^(\d{4})\s*(?:年|/|\.|-)\s*(\d{1,2})\s*(?:月|/|\.|-)\s*(\d{1,2})\s*日?$")


def iso_date(text: str) -> str | None:
    """`2026年11月1日`, `2026/11/1`, `2026.11.01`, `2026-11-1` → `2026-11-01` (year first
    only: `11/1/2026` could be November or January)."""
    m = _DATE.match(plain(text).strip())
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


# ------------------------------------------------------------- coordinates

_CRS_WORDS = {
    "gcj02": ("gcj-02", "gcj02", "gcj_02", "gcj 02", "gcj", "高德", "高德地图", "高德坐标", "amap",
              "腾讯", "腾讯地图", "火星坐标", "火星坐标系", "国测局坐标"),
    "bd09": ("bd-09", "bd09", "bd_09", "bd 09", "bd09ll", "百度", "百度地图", "百度坐标", "baidu"),
    "wgs84": ("wgs-84", "wgs84", "wgs_84", "wgs 84", "gps", "wgs", "epsg:4326"),
}
_CRS = {word: crs for crs, words in _CRS_WORDS.items() for word in words}


def crs_name(text: str) -> str | None:
    """`GCJ-02`, `高德` → `gcj02`; `百度` → `bd09`; `WGS-84`, `GPS` → `wgs84`."""
    t = plain(str(text)).strip().lower()
    return _CRS.get(t) if t not in coords.CRS else None


_PAIR = re.compile(r"^\s*(-?\d{1,3}\.\d+)\s*,\s*(-?\d{1,3}\.\d+)\s*$")


def amap_pair(text: str) -> tuple[float, float, str, str] | None:
    """Amap's copied `113.883812,22.554071` (longitude first): (lat, lon) as numbers and as
    written; None unless it is that order and in China."""
    m = _PAIR.match(plain(text))
    if not m:
        return None
    lon, lat = float(m[1]), float(m[2])
    if abs(lat) > 90 or abs(lon) > 180 or not coords.in_china_bbox(lat, lon):
        return None
    return lat, lon, m[2], m[1]


# ------------------------------------------------------------------ phones

_EXT = re.compile(r"^(?P<number>.*?\d[\d)]?)\s*(?:转分机|转|分机号?|ext\.?|extension|x)\s*[:.]?\s*"
                  r"(?P<ext>\d{1,6})\s*$", re.I)


def split_extension(text: str) -> tuple[str, str] | None:
    """`0482-8211001转8021`, `0755-5550 0121 分机 8021`, `… ext. 12` → (number, extension);
    None when the text has no such extension or the number before it is not a number."""
    from ..phones import PhoneError, parse_phone  # phones imports nothing of ours

    m = _EXT.match(plain(text).strip())
    if not m:
        return None
    number = m["number"].strip()
    try:
        parse_phone(number)
    except PhoneError:
        return None
    return number, m["ext"]

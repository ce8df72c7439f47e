"""Spreadsheet cells as people write them, both ways: hours (`周一至周五 08:30-12:00，
14:00-17:30`), phones (`0755-5550 0121 转 8021`), Amap's `lon,lat` pair and its
coordinate system, dates (`2026年11月1日`, `2026/11/1`, Excel date cells), lists of
vocabulary words (`所有人、老年人`).

`parse_*` functions read a cell into the value a record holds and raise `CellError` with a
message (from MESSAGES: one table, a `cell.*` message of messages.py each); `format_*`
functions write a record's value as a cell. `format_x(parse_x(cell))` is canonical: two cells
that mean the same give the same text, which is how an import tells a change from a cell
merely written differently.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from datetime import date, datetime, time, timedelta
from typing import Any

from .. import hours as hours_mod
from ..coords import in_china_bbox
from ..hours import DAYS, parse_hours
from ..messages import M, Listed
from ..imports.yamlout import phone_entry
from ..phones import PhoneError, parse_phone

MESSAGES = {  # key -> the message (English here, Chinese in messages.zh-Hans.yaml `cell.*`)
    "date": lambda **v: M("cell.date", "{text!r} is not a date (2026-11-01, 2026/11/1 or 2026年11月1日)", **v),
    "future": lambda **v: M("cell.future", "{day} is after today ({today}) (the date of verification is the date of the last check)", **v),
    "phone": lambda **v: M("cell.phone", "{text!r} is not a phone number (a number with its area code such as 0755-5550 0121, a mobile number, or a short number such as 12356; an extension as “转 8021”)", **v),
    "phone_number_cell": lambda **v: M("cell.phone_number_cell", "{text!r} is a number cell: the spreadsheet dropped its leading 0 (format the cell as text and write the area code's 0, as in 0755-5550 0121)", **v),
    "ext": lambda **v: M("cell.ext", "{text!r} is not an extension (1–6 digits after 转)", **v),
    "hours": lambda **v: M("cell.hours", "{text!r} cannot be read (hours such as “周一至周五 08:30-12:00，14:00-17:30；周六 09:00-12:00”, or 24小时, 需预约, 未公布)", **v),
    "hours_days": lambda **v: M("cell.hours_days", "{text!r} does not say which days (write 周一至周五, 工作日, 周末 or 每天 before the times)", **v),
    "hours_check": lambda **v: M("cell.hours_check", "{detail}", **v),
    "coords": lambda **v: M("cell.coords", "{text!r} is not a coordinate pair (Amap's copied “longitude,latitude”, such as 113.883812,22.554071)", **v),
    "coords_out": lambda **v: M("cell.coords_out", "{text!r} is outside China (longitude 73.5–135.1, latitude 3.8–53.6)", **v),
    "crs": lambda **v: M("cell.crs", "{text!r} is not a coordinate system (GCJ-02 for Amap or Tencent, WGS-84 for GPS, or BD-09 for Baidu)", **v),
    "crs_alone": lambda **v: M("cell.crs_alone", "a coordinate system without coordinates (fill in the coordinates, or empty the coordinate system)", **v),
    "choice": lambda **v: M("cell.choice", "{text!r} is not one of the allowed values ({hint}one of: {allowed})", **v),
    "did_you_mean": lambda **v: M("cell.did_you_mean", "did you mean {suggestion!r}? ", **v),
    "slug": lambda **v: M("cell.slug", "{text!r} cannot be an id (1–64 lowercase letters a-z, digits and -, such as futian-hualin-room; the id is the file name)", **v),
    "missing_id": lambda **v: M("cell.missing_id", "no id (one id a row: lowercase letters, digits and -, such as futian-hualin-room)", **v),
    "duplicate_id": lambda **v: M("cell.duplicate_id", "id {text!r} is already used on row {first} (one id per service)", **v),
    "region": lambda **v: M("cell.region", "{text!r} is not an area of regions.yaml ({hint}an area's id or name)", **v),
    "region_many": lambda **v: M("cell.region_many", "the name {text!r} fits several areas ({ids}): write the area's id", **v),
    "number": lambda **v: M("cell.number", "{text!r} is not a number", **v),
    "missing_name": lambda **v: M("cell.missing_name", "no name (without an 编号 column, rows are matched to records by name)", **v),
    "no_id_column": lambda **v: M("cell.no_id_column", "no 编号 column and no 名称 column (the id is the file name, the first column of an exported sheet; without ids, rows are matched by name)", **v),
    "not_a_record": lambda **v: M("cell.not_a_record", "only one cell has content ({text!r}): not a service record, left out", **v),
    "unknown_column": lambda **v: M("cell.unknown_column", "unknown column, left out (the columns are listed on the 说明 sheet)", **v),
    "no_header": lambda **v: M("cell.no_header", "no header row (the first row names the columns 编号, 名称 …, see the exported sheet's 说明 sheet)", **v),
    "validation": lambda **v: M("cell.validation", "{detail}", **v),
    "verified_back": lambda **v: M("cell.verified_back", "{new} is before the record's date of verification {old} (it can only move forward)", **v),
    "not_found": lambda **v: M("cell.not_found", "no service has the id {text!r} ({hint})", **v),
}


class CellError(ValueError):
    """A cell that cannot be read; the message is in Chinese."""

    def __init__(self, code: str, **values: Any):
        self.message = MESSAGES[code](**values)
        super().__init__(self.message)
        self.code = code


def text_of(value: Any) -> str:
    """A cell's value as text (numbers without `.0`, dates as ISO)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def fold(text: str) -> str:
    """Full-width letters, digits and punctuation as ASCII (NFKC), dashes as `-`."""
    text = unicodedata.normalize("NFKC", text)
    for dash in "—–－−‐‑―":
        text = text.replace(dash, "-")
    return text.replace("\u3000", " ").replace("\xa0", " ").strip()


# --------------------------------------------------------------------- dates

_DATE_FORMS = (
    re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 20000 < value < 80000:
        return _EXCEL_EPOCH + timedelta(days=int(value))  # a date cell read as its serial number
    text = fold(text_of(value))
    text = re.sub(r"\s+\d{1,2}:\d{2}(:\d{2})?$", "", text)  # `2026-11-01 00:00:00`
    for form in _DATE_FORMS:
        m = form.match(text)
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                break
    raise CellError("date", text=text_of(value))


def format_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return parse_date(value)
    except CellError:
        return None


# -------------------------------------------------------------------- phones

_EXT = re.compile(r"^(.*?)\s*(?:转|分机|分機|ext\.?|extension|x)\s*(\S*)$", re.I)
_LABEL_BEFORE = re.compile(r"^([^\d+:：]{1,20})\s*[:：]\s*(.+)$")


def split_list(text: str, separators: str = ",，;；、/\n") -> list[str]:
    """Split at separators outside parentheses."""
    parts, depth, current = [], 0, []
    for ch in text:
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        if ch in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def _trailing_label(text: str) -> tuple[str, str] | None:
    """`0755-55500101（总台（一楼））` → ("0755-55500101", "总台（一楼）")."""
    text = text.rstrip()
    if not text.endswith(("）", ")")):
        return None
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        if text[i] in "）)":
            depth += 1
        elif text[i] in "（(":
            depth -= 1
            if depth == 0:
                label = text[i + 1:-1].strip()
                return (text[:i].rstrip(), label) if label and text[:i].strip() else None
    return None


def parse_phone_cell(value: Any) -> list:
    """`0755-5550 0121 转 8021（预约）；12356` → the record's `phones` list: a string per
    plain number, `{number, ext?, label?}` for one with an extension or a label."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 9 <= len(text_of(value)) <= 11 \
            and not text_of(value).startswith("1"):
        raise CellError("phone_number_cell", text=text_of(value))
    out: list = []
    area = None
    for part in split_list(text_of(value), ",，;；、/\n"):
        label = None
        split = _trailing_label(part)
        if split:
            part, label = split
        else:
            m = _LABEL_BEFORE.match(part)
            if m:
                label, part = m[1].strip(), m[2]
        number, ext = fold(part), None
        m = _EXT.match(number)
        if m and m[1]:
            number, ext = m[1].strip(), m[2]
            if not ext.isdigit() or len(ext) > 6:
                raise CellError("ext", text=m[2])
        digits = re.sub(r"\D", "", number)
        if area and 7 <= len(digits) <= 8 and not digits.startswith(("0", "1")):
            number = f"{area}-{number}"  # `0755-55500121/55500122`: the same area code
        m = re.match(r"^(0\d{2,3})-", number)
        area = m[1] if m else None
        try:
            parse_phone(number, ext)
        except PhoneError:
            raise CellError("phone", text=part.strip()) from None
        out.append(phone_entry(number, ext, label))
    return out


def _group(number: str) -> str:
    """`0755-55500121` → `0755-5550 0121` (7-digit local numbers as one group); mobile `138 0013 8000`; `400-123-4567`."""
    text = fold(number)
    if text.startswith("+"):
        return text
    digits = re.sub(r"\D", "", text)
    if "-" in text and digits.startswith("0"):
        area = re.sub(r"\D", "", text.split("-", 1)[0])
    elif digits.startswith("0") and 10 <= len(digits) <= 12:
        area = digits[:3] if digits[1] in "12" else digits[:4]
    elif digits.startswith("1") and len(digits) == 11:
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    elif digits[:3] in ("400", "800") and len(digits) == 10:
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    else:
        return digits if len(digits) <= 6 else text
    local = digits[len(area):]
    if len(local) == 8:
        local = f"{local[:4]} {local[4:]}"
    return f"{area}-{local}"


def format_phones(phones: Any) -> str:
    out = []
    for p in phones or []:
        if isinstance(p, dict):
            text = _group(str(p.get("number", "")))
            if p.get("ext") not in (None, ""):
                text += f" 转 {p['ext']}"
            if p.get("label"):
                text += f"（{p['label']}）"
        else:
            text = _group(str(p))
        out.append(text)
    return "；".join(out)


# --------------------------------------------------------------------- hours

_MODE_WORDS = {
    "24/7": "24/7", "24小时": "24/7", "24 小时": "24/7", "全天": "24/7", "全天24小时": "24/7",
    "7x24小时": "24/7", "7*24小时": "24/7", "24h": "24/7", "全年无休": "24/7",
    "by_appointment": "by_appointment", "预约": "by_appointment", "需预约": "by_appointment",
    "预约制": "by_appointment", "电话预约": "by_appointment",
    "unknown": "unknown", "未公布": "unknown", "不详": "unknown", "未知": "unknown",
}
MODE_LABELS = {"24/7": "24小时", "by_appointment": "需预约", "unknown": "未公布"}
_DAY_WORD = r"(?:周|星期|礼拜)[一二三四五六日天]"
_DAYS_PART = re.compile(
    rf"^((?:{_DAY_WORD}|工作日|周末|每天|每日|天天|双休日|法定节假日|节假日|[a-z]{{3}})"
    rf"(?:\s*(?:至|到|~|-|、|,|和|及)\s*(?:{_DAY_WORD}|[a-z]{{3}}|周末|工作日))*)\s*[:：]?\s*(.*)$")
_CLOSED_WORDS = ("休息", "闭馆", "关闭", "不开放", "休", "closed", "停诊")


def _day_index(word: str) -> int | None:
    word = word.strip()
    if word in DAYS:
        return DAYS.index(word)
    key = hours_mod._KEY_ALIASES.get(word.replace("礼拜", "星期"))
    return DAYS.index(key) if key in DAYS else None


def _days_of(part: str) -> tuple[list[int], bool] | None:
    """Day indexes a day phrase names (and whether it is the holidays), or None."""
    if part in ("法定节假日", "节假日"):
        return [], True
    days: list[int] = []
    for item in re.split(r"\s*(?:、|,|和|及)\s*", part):
        if item in ("工作日",):
            days += range(5)
            continue
        if item in ("周末", "双休日"):
            days += [5, 6]
            continue
        if item in ("每天", "每日", "天天"):
            days += range(7)
            continue
        ends = re.split(r"\s*(?:至|到|~|-)\s*", item)
        idx = [_day_index(e) for e in ends]
        if any(i is None for i in idx) or len(idx) > 2:
            return None
        if len(idx) == 1:
            days.append(idx[0])
        else:
            a, b = idx
            days += [(a + i) % 7 for i in range((b - a) % 7 + 1)]
    return days, False


def _keys(days: list[int]) -> list[str]:
    """Runs of consecutive days as mapping keys: [0..4] → mon-fri; [1, 3] → tue, thu."""
    out, run = [], []
    for d in sorted(set(days)):
        if run and d == run[-1] + 1:
            run.append(d)
        else:
            if run:
                out.append(run)
            run = [d]
    if run:
        out.append(run)
    return [DAYS[r[0]] if len(r) == 1 else f"{DAYS[r[0]]}-{DAYS[r[-1]]}" for r in out]


_TIME = re.compile(r"(次日)?\s*(\d{1,2})\s*[:点.]\s*(\d{2})?\s*分?")


def _times(text: str) -> str:
    """`8:30-12:00，14:00—17:30` → `08:30-12:00, 14:00-17:30` (hours.py's syntax);
    `下午2:00-5:30` is read as 14:00-17:30."""
    text = fold(text).translate(str.maketrans({"至": "-", "到": "-", "~": "-", "～": "-"}))
    text = re.sub(r"\s*-\s*", "-", text)
    out = []
    for part in re.split(r"[,、\s]+", text):
        if not part:
            continue
        m = re.fullmatch(r"(上午|中午|下午|晚上)?(\d{1,2})[:点.](\d{2})?-(次日)?(\d{1,2})[:点.](\d{2})?", part)
        if not m:
            raise ValueError(part)
        start, end = int(m[2]), int(m[5])
        if m[1] in ("下午", "晚上") and start < 12:
            start, end = start + 12, end + 12 if end < 12 else end
        elif m[1] == "中午" and start < 11 and end < 11:
            start, end = start + 12, end + 12
        out.append(f"{start:02d}:{m[3] or '00'}-{m[4] or ''}{end:02d}:{m[6] or '00'}")
    if not out:
        raise ValueError(text)
    return ", ".join(out)


def parse_hours_cell(value: Any) -> str | dict:
    """A cell's opening hours as the record's `hours` (a mode or a mapping), checked with
    hours.py; raises CellError."""
    raw = text_of(value)
    text = fold(raw)
    mode = _MODE_WORDS.get(text.lower()) or _MODE_WORDS.get(text.replace(" ", "").lower())
    if mode:
        return mode
    mapping: dict[str, str] = {}
    # `周一至周五 8:30-17:30 周六 9:00-12:00`: a new segment at each day word after a time
    text = re.sub(rf"(?<=\d)\s+(?=(?:每周)?(?:{_DAY_WORD}|工作日|周末|每天|每日|法定节假日|节假日))", "；", text)
    for segment in split_list(text, ";；\n。"):
        segment = re.sub(r"^每(?=周[一二三四五六日天])", "", segment.strip())
        m = _DAYS_PART.match(segment)
        if not m or not m[2] and not any(m[1].endswith(w) for w in _CLOSED_WORDS):
            if re.search(r"\d{1,2}[:点]\d{2}", segment):
                raise CellError("hours_days", text=segment)
            raise CellError("hours", text=segment)
        phrase, rest = m[1], m[2].strip()
        found = _days_of(phrase)
        if found is None:
            raise CellError("hours", text=segment)
        days, holidays = found
        if rest in _CLOSED_WORDS or rest.lower() == "closed":
            times = "closed"
        else:
            try:
                times = _times(rest)
            except ValueError:
                raise CellError("hours", text=segment) from None
        for key in (["holidays"] if holidays else _keys(days)):
            if key in mapping:
                raise CellError("hours_check", detail=M("cell.hours_same_day", "{text!r} names a day "
                                "the times before it already gave", text=segment))
            mapping[key] = times
    if not mapping:
        raise CellError("hours", text=raw)
    parsed, errors = parse_hours(mapping)
    if errors:
        raise CellError("hours_check", detail=Listed([msg for _, msg in errors]))
    if all(v == "closed" for k, v in mapping.items() if k != "holidays") and "holidays" not in mapping:
        raise CellError("hours", text=raw)
    return mapping


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _ranges(ranges) -> str:
    return "，".join(f"{_hhmm(r.start)}-{'次日' if r.overnight else ''}{_hhmm(r.end)}"
                    for r in ranges)


def format_hours(value: Any) -> str:
    """A record's `hours` as people write them: `周一至周五 08:30-12:00，14:00-17:30；周六
    09:00-12:00；法定节假日 09:00-12:00` (days not named are closed; holidays closed
    unless named), or 24小时 / 需预约 / 未公布."""
    if value is None:
        return ""
    parsed, errors = parse_hours(value)
    if errors or parsed is None:
        return text_of(value) if not isinstance(value, dict) else \
            "；".join(f"{k} {v}" for k, v in value.items())
    if parsed.mode != "weekly":
        return MODE_LABELS[parsed.mode]
    rows = []
    for label, _, days in hours_mod.weekly_table(parsed):
        ranges = parsed.week[days[0]]
        if ranges:
            rows.append(f"{label} {_ranges(ranges)}")
    if parsed.holidays:
        rows.append(f"法定节假日 {_ranges(parsed.holidays)}")
    return "；".join(rows)


# --------------------------------------------------------------- coordinates

CRS_LABELS = {"gcj02": "GCJ-02（高德、腾讯）", "wgs84": "WGS-84（GPS）", "bd09": "BD-09（百度）"}
_CRS_WORDS = {
    "gcj02": "gcj02", "gcj-02": "gcj02", "gcj": "gcj02", "高德": "gcj02", "腾讯": "gcj02",
    "火星坐标": "gcj02", "火星": "gcj02", "amap": "gcj02",
    "wgs84": "wgs84", "wgs-84": "wgs84", "wgs": "wgs84", "gps": "wgs84",
    "bd09": "bd09", "bd-09": "bd09", "bd09ll": "bd09", "百度": "bd09", "baidu": "bd09",
}
DEFAULT_CRS = "gcj02"
"""A point without 坐标系 is taken as GCJ-02: what Amap's 复制坐标 gives."""


def parse_crs(value: Any) -> str | None:
    text = fold(text_of(value)).lower().replace(" ", "")
    if not text:
        return None
    text = re.sub(r"[（(].*$", "", text)
    for word, crs in _CRS_WORDS.items():
        if text == word or text.startswith(word):
            return crs
    raise CellError("crs", text=text_of(value))


def parse_location(pair: Any, crs_cell: Any) -> dict | None:
    """Amap's `lon,lat` (or `lat,lon`: China's longitudes are all above its latitudes)."""
    text = fold(text_of(pair))
    crs = parse_crs(crs_cell)
    if not text:
        if crs is not None:
            raise CellError("crs_alone")
        return None
    parts = [p for p in re.split(r"[,;\s]+", text) if p]
    try:
        a, b = (float(p) for p in parts)
    except ValueError:
        raise CellError("coords", text=text_of(pair)) from None
    lon, lat = (a, b) if a > b else (b, a)
    if not in_china_bbox(lat, lon):
        raise CellError("coords_out", text=text_of(pair))
    return {"lat": lat, "lon": lon, "crs": crs or DEFAULT_CRS}


def format_location(value: Any) -> tuple[str, str]:
    if not isinstance(value, dict) or "lat" not in value or "lon" not in value:
        return "", ""
    crs = str(value.get("crs") or "wgs84")
    try:
        lon, lat = float(value["lon"]), float(value["lat"])
    except (TypeError, ValueError):
        return f"{value['lon']},{value['lat']}", CRS_LABELS.get(crs, crs)
    return f"{lon!r},{lat!r}", CRS_LABELS.get(crs, crs)


# -------------------------------------------------------------- vocabularies


def parse_choice(value: Any, table: dict[str, str], aliases: dict[str, str] | None = None) -> str | None:
    """One word of a vocabulary, by id or Chinese label."""
    text = fold(text_of(value))
    if not text:
        return None
    by_label = {label: key for key, label in table.items()}
    for source in (table, by_label, aliases or {}):
        if text in source:
            return text if source is table else source[text]
    if text.lower() in table:
        return text.lower()
    words = list(table.values()) + list(table)
    close = difflib.get_close_matches(text, words, n=1, cutoff=0.5)
    hint = MESSAGES["did_you_mean"](suggestion=close[0]) if close else ""
    raise CellError("choice", text=text, hint=hint, allowed="、".join(table.values()))


def parse_choices(value: Any, table: dict[str, str], aliases: dict[str, str] | None = None) -> list[str]:
    out = []
    for part in split_list(text_of(value), ",，;；、/\n "):
        key = parse_choice(part, table, aliases)
        if key and key not in out:
            out.append(key)
    return out


def format_choices(values: Any, table: dict[str, str]) -> str:
    if not isinstance(values, list):
        return text_of(values)
    return "、".join(table.get(str(v), str(v)) for v in values)

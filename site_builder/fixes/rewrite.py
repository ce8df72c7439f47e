"""`check --fix` on one YAML text: rewrite what has exactly one sensible reading, keep
everything else (comments, key order, quoting, blank lines) byte for byte.

Two passes:

1. text (only when the file does not parse): Tabs, no-break spaces (U+00A0) and
   ideographic spaces (U+3000) in the indentation, and a full-width colon `：` (or a Tab or
   such a space right after `:`) after a key. Tab widths are tried one by one; the fix is
   made only when every width that parses gives the same data.
2. values (on the parsed nodes, which know where each value starts and ends in the
   text): each value that is an error today and that a reader of human forms
   (fixes/human.py) reads one way is replaced in place, its span only.

Only values that are errors today are touched, so a second run changes nothing.
"""
from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass

import yaml

from . import human

_T = "tag:yaml.org,2002:"


@dataclass(frozen=True)
class Change:
    line: int
    """1-based line of the text that was changed (the line count never changes before it)."""
    field: str
    """Dotted field (`hours`, `phones[0]`, `location.crs`), `-` for the file's syntax."""
    what: str
    """What was done, for tests and the summary."""


def _q(text: str) -> str:
    """A YAML double-quoted string (JSON's quoting is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _parses(text: str):
    try:
        return True, yaml.load(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return False, None
    except Exception:  # noqa: BLE001 - e.g. a bad date in a timestamp: parsed all the same
        return True, object()


# ------------------------------------------------------------------ pass 1: text

_WS = " \t\u00a0\u3000"
_LEAD = re.compile(f"^[{_WS}]*(?:-[{_WS}]+)*")
_KEY_COLON = re.compile(f"^(?P<lead>[{_WS}]*(?:-[{_WS}]+)*)(?P<key>[A-Za-z_][A-Za-z0-9_-]*)"
                        f"[ \t]*(?:：|:(?=[\t\u00a0\u3000]))[{_WS}]*")
_FLOW_KEY_COLON = re.compile(r"(?P<pre>[{,]\s*)(?P<key>[A-Za-z_][A-Za-z0-9_-]*)\s*：\s*")
_BLOCK_START = re.compile(r":\s*[|>][-+0-9]*\s*(?:#.*)?$")
_FLOW_COMMA = re.compile(r"(?<=[\"'\d\]}])\s*[，、]\s*(?=[\"'\[{]|[A-Za-z_][A-Za-z0-9_-]*\s*[:：]\s)")
"""A full-width comma between two items of a `[…]` or `{…}` (`"a"，"b"`, `22.5，lon: 114`)."""


def _expand(lead: str, tab: int, ideo: int) -> str:
    out, col = [], 0
    for ch in lead:
        if ch == "\t":
            n = tab - col % tab if tab else 0
        elif ch == "\u3000":
            n = ideo
        elif ch == "\u00a0":
            n = 1
        else:
            out.append(ch)
            col += 1
            continue
        out.append(" " * n)
        col += n
    return "".join(out)


def _misfits(data, kind: str) -> int:
    """How many keys of `data` are not where the content format has them: of the ways to
    read a Tab, the one with the fewest is the sensible one."""
    from ..schema import AREA, ARTICLE, HOLIDAYS, PAGE, PHONE_ENTRY, SERVICE, SITE, Record

    def count(value, record) -> int:
        if not isinstance(value, dict):
            return 0
        n = sum(1 for k in value if k not in record.keys())
        for f in record.fields:
            sub = value.get(f.name)
            if f.kind == "hours" and isinstance(sub, dict):
                n += sum(1 for k in sub if str(k) not in _DAY_KEYS)
            elif f.kind == "phones" and isinstance(sub, list):
                n += sum(count(item, PHONE_ENTRY) for item in sub)
            elif f.record is not None and f.kind == "record":
                n += count(sub, f.record)
            elif f.record is not None and isinstance(sub, list):
                n += sum(count(item, f.record) for item in sub)
            elif f.kind == "areas" and isinstance(sub, list):
                n += sum(count(item, record) for item in sub)
        return n

    front = Record("front", "", ARTICLE.fields + tuple(f for f in PAGE.fields if f.name not in ARTICLE.keys()))
    record = {"service": SERVICE, "site": SITE, "holidays": HOLIDAYS, "front": front}.get(kind)
    if kind == "regions" and isinstance(data, list):
        return sum(count(item, AREA) for item in data)
    return count(data, record) if record is not None else 0


def _text_pass(text: str, kind: str = "") -> tuple[str, list[Change]]:
    lines = text.split("\n")
    changes: list[Change] = []
    colon_fixed = list(lines)
    in_block: set[int] = set()
    block_indent: int | None = None
    for i, line in enumerate(lines):
        indent = len(line) - len(line.lstrip(_WS))
        if block_indent is not None:
            if not line.strip() or indent > block_indent:
                in_block.add(i)
                continue  # inside a `|` or `>` block: text, not keys
            block_indent = None
        new = _KEY_COLON.sub(lambda m: f"{m['lead']}{m['key']}: ", line, count=1)
        if new != line and new.endswith(": "):
            new = new[:-1]  # `key：` alone on its line: a mapping or list follows
        if "[" in new or "{" in new:
            new = _FLOW_COMMA.sub(", ", new)
        new = _FLOW_KEY_COLON.sub(lambda m: f"{m['pre']}{m['key']}: ", new)
        if new != line:
            colon_fixed[i] = new
            changes.append(Change(i + 1, "-", "a full-width colon or comma, or a Tab after a key"))
        if _BLOCK_START.search(new):
            block_indent = indent
    # Indentation: try the widths a Tab (and U+3000) may have stood for, none included (a
    # Tab typed before a top-level key); keep the readings that fit the format best.
    indented = [i for i, line in enumerate(colon_fixed) if any(c in _LEAD.match(line).group()
                                                              for c in "\t\u00a0\u3000")]
    if not indented or any(i in in_block for i in indented):
        return "\n".join(colon_fixed), changes  # a Tab in a `|` text: its width is the text's
    results = []
    for tab, ideo in itertools.product((2, 4, 8, 0), (2, 1)):
        candidate = list(colon_fixed)
        for i in indented:
            lead = _LEAD.match(candidate[i]).group()
            candidate[i] = _expand(lead, tab, ideo) + candidate[i][len(lead):]
        joined = "\n".join(candidate)
        ok, data = _parses(joined)
        if ok:
            results.append((joined, data))
    if results:
        best = min(_misfits(data, kind) for _, data in results)
        results = [(t, d) for t, d in results if _misfits(d, kind) == best]
    if not results or any(data != results[0][1] for _, data in results[1:]):
        return "\n".join(colon_fixed), changes  # no width, or widths that disagree: ambiguous
    changes += [Change(i + 1, "-", "Tabs or wide spaces in the indentation") for i in indented]
    return results[0][0], changes


def breakers(text: str) -> list[tuple[int, str | None, str]]:
    """(line, key or None, character) of each Tab, U+00A0, U+3000 in an indentation
    (key None) or full-width colon (or such a space right after `:`) after a key: what
    the loader names when YAML cannot read a file."""
    found = []
    block_indent: int | None = None
    for i, line in enumerate(text.split("\n")):
        indent = len(line) - len(line.lstrip(_WS))
        if block_indent is not None:
            if not line.strip() or indent > block_indent:
                continue
            block_indent = None
        lead = _LEAD.match(line).group()
        odd = next((c for c in lead if c in "\t\u00a0\u3000"), None)
        m = _KEY_COLON.match(line)
        if m:
            after = line[m.start("key") + len(m["key"]):m.end()]
            found.append((i + 1, m["key"], "：" if "：" in after else
                          next(c for c in after if c in "\t\u00a0\u3000")))
        elif odd is not None:
            found.append((i + 1, None, odd))
        else:
            flow = _FLOW_KEY_COLON.search(line)
            if flow:
                found.append((i + 1, flow["key"], "："))
        if _BLOCK_START.search(line):
            block_indent = indent
    return found


# ----------------------------------------------------------------- pass 2: values

@dataclass
class _Edit:
    start: int
    end: int
    text: str
    change: Change


class _Values:
    def __init__(self, text: str):
        self.text = text
        self.edits: list[_Edit] = []

    def replace(self, node: yaml.Node, new: str, field: str, what: str, note: str = "") -> None:
        """Replace `node`'s text. A replacement that starts a block on the next lines (or
        has a `note`) takes the line's comment up before it (`key:  # comment`)."""
        start, end = node.start_mark.index, node.end_mark.index
        if new.startswith("\n") or note:
            line_end = self.text.find("\n", end)
            line_end = len(self.text) if line_end < 0 else line_end
            rest = self.text[end:line_end]
            comment = rest.strip() if rest.strip().startswith("#") else ""
            if comment or new.startswith("\n"):
                end = line_end if comment or not rest.strip() else end
            if new.startswith("\n"):
                while start > 0 and self.text[start - 1] == " ":
                    start -= 1
                new = (f"  {comment}" if comment else "") + new
            elif note and not comment:
                new = f"{new}  # {note}"
            elif comment:
                new = f"{new}{rest}"
        self.edits.append(_Edit(start, end, new, Change(node.start_mark.line + 1, field, what)))

    def indent_of(self, node: yaml.Node) -> int:
        return node.start_mark.column


def _items(node: yaml.Node) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _str(node: yaml.Node | None) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _is_text(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _T + "str"


def _unquoted_time(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag in (_T + "int", _T + "float") \
        and ":" in node.value


def _date(v: _Values, node: yaml.Node | None, field: str) -> None:
    text = _str(node)
    if text is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        return
    fixed = human.iso_date(text)
    if fixed:
        v.replace(node, fixed, field, f"date {text!r} as {fixed}")


def _hours(v: _Values, key: yaml.Node, node: yaml.Node) -> None:
    from ..hours import parse_hours

    if _is_text(node):
        if parse_hours(node.value)[1] == []:
            return
        mode = human.hours_mode(node.value)
        if mode:
            v.replace(node, mode, "hours", f"hours {node.value!r} as {mode}")
            return
        mapping = human.hours_mapping(node.value)
        if mapping is None or parse_hours(mapping)[1]:
            return
        pad = " " * (key.start_mark.column + 2)
        block = "".join(f"\n{pad}{k}: {val if val == 'closed' else _q(val)}"
                        for k, val in mapping.items())
        v.replace(node, block, "hours", "one line of hours as a mapping of days")
        return
    for k, val in _items(node).values():
        key_text = k.value
        if key_text not in _DAY_KEYS:
            day = human.day_key(key_text)
            if day is not None and day not in _items(node):
                v.replace(k, day, f"hours.{key_text}", f"day {key_text!r} as {day}")
                key_text = day
        field = f"hours.{key_text}"
        if _unquoted_time(val):  # `sat: 13:30` is one time, no range: nothing to read
            continue
        elif _is_text(val) and parse_hours({"mon": val.value})[1]:
            if val.value.strip() in ("休息", "闭馆", "不开放", "关闭", "休"):
                v.replace(val, "closed", field, "closed")
                continue
            fixed = human.time_ranges(_uncurled(val.value))
            if fixed and not parse_hours({"mon": fixed})[1]:
                v.replace(val, _q(fixed), field, f"times {val.value!r} as {fixed!r}")


_DAY_KEYS = set(human.DAYS) | {"holidays"} | {f"{a}-{b}" for a in human.DAYS for b in human.DAYS}


_CURLY = re.compile(r"^\s*[“‘「『\"'](.*)[”’」』\"']\s*$")


def _uncurled(text: str) -> str:
    """`“0755-55500121”` (typed with a Chinese input method) without its quotes."""
    m = _CURLY.match(text)
    return m[1] if m else text


def _numbers(text: str) -> list[str] | None:
    """`0755-55500121、0755-55500122` (or one number): the entries of a phones list, each
    a number or {number, ext}; None unless every part is a phone number."""
    from ..phones import PhoneError, parse_phone

    parts = [p.strip() for p in re.split(r"[、，,；;/]", _uncurled(text)) if p.strip()]
    out = []
    for part in parts:
        split = human.split_extension(part)
        if split:
            out.append(f"{{number: {_q(split[0])}, ext: {_q(split[1])}}}")
            continue
        try:
            parse_phone(part)
        except PhoneError:
            return None
        out.append(_q(part))
    return out or None


def _phone(v: _Values, node: yaml.Node, field: str, flow: bool = True) -> None:
    if isinstance(node, yaml.ScalarNode):
        if re.search(r"[、，,；;/]", node.value):
            numbers = _numbers(node.value)
            if numbers and len(numbers) > 1:
                sep = ", " if flow else "\n" + " " * (node.start_mark.column - 2) + "- "
                v.replace(node, sep.join(numbers), field, "several numbers as several entries")
            return
        from ..phones import PhoneError, parse_phone

        bare = _uncurled(node.value)
        if bare != node.value:
            try:
                parse_phone(bare)
                v.replace(node, _q(bare), field, "curly quotes as plain ones")
                return
            except PhoneError:
                pass
        split = human.split_extension(bare)
        if split:
            v.replace(node, f"{{number: {_q(split[0])}, ext: {_q(split[1])}}}", field,
                      "an extension as ext")
        return
    items = _items(node)
    if "number" not in items or "ext" in items:
        return
    number = items["number"][1]
    split = human.split_extension(_str(number) or "")
    if not split:
        return
    if node.flow_style:
        new = f"{_q(split[0])}, ext: {_q(split[1])}"
    else:
        new = f"{_q(split[0])}\n{' ' * items['number'][0].start_mark.column}ext: {_q(split[1])}"
    v.replace(number, new, f"{field}.number", "an extension as ext")


def _number(node: yaml.Node | None) -> float | None:
    if isinstance(node, yaml.ScalarNode) and node.tag in (_T + "int", _T + "float"):
        try:
            return float(node.value)
        except ValueError:
            return None
    return None


def _location(v: _Values, key: yaml.Node, node: yaml.Node) -> None:
    from .. import coords

    if _is_text(node):
        pair = human.amap_pair(node.value)
        if pair:
            lat, lon, lat_text, lon_text = pair
            v.replace(node, f"{{lat: {lat_text}, lon: {lon_text}, crs: gcj02}}", "location",
                      "Amap's `lon,lat` as lat, lon and crs gcj02", note=AMAP_NOTE)
        return
    items = _items(node)
    for wrong, right in (("lng", "lon"), ("long", "lon"), ("longitude", "lon"), ("latitude", "lat"),
                         ("经度", "lon"), ("纬度", "lat"), ("坐标系", "crs")):
        if wrong in items and right not in items:
            v.replace(items[wrong][0], right, f"location.{wrong}", f"key {wrong!r} as {right}")
    if "crs" in items:
        crs = items["crs"][1]
        fixed = human.crs_name(_str(crs) or "")
        if fixed:
            v.replace(crs, fixed, "location.crs", f"crs {crs.value!r} as {fixed}")
    if "lat" in items and "lon" in items:
        lat_node, lon_node = items["lat"][1], items["lon"][1]
        lat, lon = _number(lat_node), _number(lon_node)
        if lat is None or lon is None:
            return
        if abs(lat) <= 90 and abs(lon) <= 180 and coords.in_china_bbox(lat, lon):
            return
        if abs(lon) <= 90 and abs(lat) <= 180 and coords.in_china_bbox(lon, lat):
            v.replace(lat_node, lon_node.value, "location", "lat and lon swapped back")
            v.replace(lon_node, lat_node.value, "location", "lat and lon swapped back")


AMAP_NOTE = "check --fix：按高德地图的“经度,纬度”读取；从百度地图复制的请把 crs 改成 bd09"
"""Written beside a location read from Amap's copied string (in Chinese: for editors)."""


def _choices(v: _Values, node: yaml.Node, field: str, allowed) -> None:
    """`[elderly，families]` or `elderly、families`: one text with full-width commas."""
    items = node.value if isinstance(node, yaml.SequenceNode) and node.flow_style else [node]
    for i, item in enumerate(items):
        if not _is_text(item) or not re.search("[，、,]", item.value) or item.value in allowed:
            continue
        parts = [p.strip() for p in re.split("[，、,]", item.value)]
        if all(p in allowed for p in parts):
            new = ", ".join(parts)
            v.replace(item, new if item is not node else f"[{new}]", f"{field}[{i}]" if item is not node
                      else field, "full-width commas between choices")


def _service(v: _Values, root: yaml.Node) -> None:
    from ..schema import SERVICE

    items = _items(root)
    for name in ("audiences", "services", "booking", "accessibility"):
        if name in items:
            _choices(v, items[name][1], name, SERVICE[name].vocab)
    if "hours" in items:
        _hours(v, *items["hours"])
    if "phones" in items:
        phones = items["phones"][1]
        if isinstance(phones, yaml.SequenceNode):
            for i, item in enumerate(phones.value):
                _phone(v, item, f"phones[{i}]", phones.flow_style)
        elif isinstance(phones, yaml.ScalarNode) and phones.value.strip():
            numbers = _numbers(phones.value)
            if numbers:
                v.replace(phones, "[" + ", ".join(numbers) + "]", "phones", "one number as a list")
    if "location" in items:
        _location(v, *items["location"])
    if "verified" in items:
        _date(v, items["verified"][1], "verified")
    closed = _items(items["closed"][1]) if "closed" in items else {}
    for k in ("from", "until"):
        if k in closed:
            _date(v, closed[k][1], f"closed.{k}")


def _holidays(v: _Values, root: yaml.Node) -> None:
    items = _items(root)
    for group, key in (("off", "dates"), ("workdays", "date")):
        seq = items.get(group, (None, None))[1]
        if not isinstance(seq, yaml.SequenceNode):
            continue
        for i, entry in enumerate(seq.value):
            node = _items(entry).get(key, (None, None))[1]
            text = _str(node)
            if text is None:
                continue
            parts = [p.strip() for p in re.split(r"\.\.|\s*(?:至|到|～|~|—)\s*", text)]
            if not 1 <= len(parts) <= 2:
                continue
            fixed = [p if re.fullmatch(r"\d{4}-\d{2}-\d{2}", p) else human.iso_date(p) for p in parts]
            new = "..".join(f for f in fixed if f) if all(fixed) else None
            if new and new != text.strip():
                v.replace(node, new, f"{group}[{i}].{key}", f"dates {text!r} as {new}")


def _front(v: _Values, root: yaml.Node) -> None:
    items = _items(root)
    for k in ("date", "updated"):
        if k in items:
            _date(v, items[k][1], k)


KINDS = {"service": _service, "holidays": _holidays, "front": _front}
"""What the value pass looks at, per kind of file (others get the text pass only)."""


def fix_yaml(text: str, kind: str) -> tuple[str, list[Change]]:
    """The fixed text and what was changed (`kind`: service, holidays, front, other)."""
    changes: list[Change] = []
    ok, _ = _parses(text)
    if not ok:
        fixed, changes = _text_pass(text, kind)
        if not _parses(fixed)[0]:
            return text, []  # still broken: nothing is certain, change nothing
        text = fixed
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return text, changes
    values = _Values(text)
    walk = KINDS.get(kind)
    if walk is not None and root is not None:
        walk(values, root)
    edits = sorted(values.edits, key=lambda e: e.start, reverse=True)
    for a, b in zip(edits, edits[1:]):
        if b.end > a.start:  # overlapping edits: never guess which one wins
            return text, changes
    fixed = text
    for e in edits:
        fixed = fixed[:e.start] + e.text + fixed[e.end:]
    if edits and not _parses(fixed)[0]:
        return text, changes  # a guard: a value fix must never break the file
    return fixed, changes + sorted((e.change for e in edits), key=lambda c: c.line)

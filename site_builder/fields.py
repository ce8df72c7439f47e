"""Typed readers for the fields of one YAML document.

`Checker` reads one value at a time (text, a date, a choice from a vocabulary…)
and reports what is wrong with it at the value's line, in the form
`what is wrong (what was expected)`. `validate` builds records out of these.
"""
from __future__ import annotations

import difflib
import re
from datetime import date, datetime
from typing import Any, Iterable

from . import urls
from .errors import Problems
from .load import INVALID, Doc, _field_name
from .messages import M
from .schema import PLACEHOLDER, SLUG_PATTERN

SLUG = re.compile(SLUG_PATTERN)
"""Ids and slugs: lowercase a-z, 0-9 and -, 1–64 characters."""
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


BIDI_CONTROLS = {
    "\u061c": "ARABIC LETTER MARK", "\u200e": "LEFT-TO-RIGHT MARK",
    "\u200f": "RIGHT-TO-LEFT MARK", "\u202a": "LEFT-TO-RIGHT EMBEDDING",
    "\u202b": "RIGHT-TO-LEFT EMBEDDING", "\u202c": "POP DIRECTIONAL FORMATTING",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE", "\u202e": "RIGHT-TO-LEFT OVERRIDE",
    "\u2066": "LEFT-TO-RIGHT ISOLATE", "\u2067": "RIGHT-TO-LEFT ISOLATE",
    "\u2068": "FIRST STRONG ISOLATE", "\u2069": "POP DIRECTIONAL ISOLATE",
}
"""Invisible characters that change the order in which the text around them is shown:
with U+202E, `12356` written after it is displayed as `65321` (a phone number that lies)."""
_BIDI = re.compile("[" + "".join(BIDI_CONTROLS) + "]")


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters that plain text may not hold (line breaks and tabs may): one regex
scan, not a Python loop over every character of every text."""


def bidi_control(text: str) -> tuple[int, str] | None:
    """(index, message) of the first direction control in `text`; None when there is none."""
    match = _BIDI.search(text)
    if match is None:
        return None
    char = match.group(0)
    return match.start(), M("text.bidi_control", "contains an invisible direction control "
                            "U+{code:04X} {name}, which makes the text around it display in "
                            "another order (delete it: plain text)", code=ord(char),
                            name=BIDI_CONTROLS[char])


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return M("hint.did_you_mean", "did you mean {word!r}? ", word=close[0]) if close else ""


def region_named(name: str, regions: dict) -> str | None:
    """The id of the one area called `name` (华林社区 → futian-yuanling-hualin), or whose
    name holds it; None when no single area fits."""
    exact = [rid for rid, r in regions.items() if r.name == name]
    found = exact or [rid for rid, r in regions.items() if name and name in r.name]
    return found[0] if len(found) == 1 else None


class Checker:
    """Typed field readers for one document; each reports its own problems."""

    def __init__(self, doc: Doc, problems: Problems):
        self.doc = doc
        self.problems = problems
        self.ok = True
        self.misspelled: set[tuple] = set()
        """Paths of keys that an unknown key is probably a misspelling of."""

    def error(self, where: tuple, message: str, key_line: bool = False) -> None:
        self.ok = False
        line = self.doc.key_line(*where) if key_line else self.doc.line(*where)
        self.problems.error(self.doc.path, line, _field_name(where), message)

    def warning(self, where: tuple, message: str) -> None:
        self.problems.warning(self.doc.path, self.doc.line(*where), _field_name(where), message)

    def mapping(self, value: Any, where: tuple, keys: dict[str, bool], what: str,
                extra_required: Iterable[str] = ()) -> dict | None:
        """Check that `value` is a mapping with only known keys and all required ones."""
        if value is INVALID:
            self.ok = False
            return None
        if not isinstance(value, dict):
            self.error(where, M("mapping.not_mapping", "{what} must be a mapping of `key: value` "
                                "lines (keys: {keys})", what=what, keys=", ".join(keys)))
            return None
        for key in value:
            if key not in keys:
                close = difflib.get_close_matches(str(key), list(keys), n=1, cutoff=0.6)
                self.misspelled.update(where + (c,) for c in close)
                self.error(where + (key,), M("mapping.unknown_key", "unknown key {key!r} ({hint}"
                           "allowed keys: {keys})", key=key, hint=_suggest(key, keys),
                           keys=", ".join(keys)), key_line=True)
        for key, required in keys.items():
            if where + (key,) in self.misspelled:
                continue  # `adress:` is one mistake: no second error for the missing `address`
            if (required or key in extra_required) and value.get(key) is None and key not in value:
                self.error(where + (key,), M("mapping.missing_key", "missing required key {key!r} "
                                             "({what} needs `{key}:`)", key=key, what=what))
            elif required and value.get(key) is None:
                self.error(where + (key,), M("mapping.empty_value", "{key!r} is empty (a value is "
                                             "required)", key=key))
        return {k: v for k, v in value.items() if k in keys}

    def text(self, value: Any, where: tuple, max_len: int = 2000) -> str | None:
        if value is None or value is INVALID:
            return None
        if isinstance(value, bool) or isinstance(value, (list, dict)):
            self.error(where, M("text.not_text", "must be text, not {kind} (put it in quotes)",
                                kind=_kind_of(value)))
            return None
        text = self.doc.raw.get(where, value) if not isinstance(value, str) else value
        text = str(text).strip()
        if not text:
            self.error(where, M("text.empty", "is empty (write the text, or remove the key)"))
            return None
        if len(text) > max_len:
            self.error(where, M("text.too_long", "is {length} characters long (at most {max})",
                                length=len(text), max=max_len))
            return None
        if _CONTROL.search(text):
            self.error(where, M("text.control_chars", "contains control characters (plain text)"))
            return None
        bidi = bidi_control(text)
        if bidi is not None:
            self.error(where, bidi[1])
            return None
        if text.startswith(PLACEHOLDER):
            # Left by `site-builder new`: valid, so the new file checks, but not publishable.
            self.warning(where, M("text.placeholder", "{text!r} is a placeholder to fill in "
                                  "(the real text in place of {placeholder}…); build refuses it "
                                  "until then", text=_short(text), placeholder=PLACEHOLDER))
            self.problems.placeholders.append((self.problems.items[-1], _short(text)))
        return text

    def choice(self, value: Any, where: tuple, choices: dict | tuple,
               aliases: dict[str, str] | None = None) -> str | None:
        if value is None or value is INVALID:
            return None
        if not isinstance(value, str) or value not in choices:
            hint = (M("hint.did_you_mean", "did you mean {word!r}? ", word=aliases[value])
                    if isinstance(value, str) and aliases and value in aliases
                    else _suggest(value, choices))
            self.error(where, M("choice.not_allowed", "{value!r} is not allowed ({hint}one of: "
                                "{choices})", value=value, hint=hint, choices=", ".join(choices)))
            return None
        return value

    def choices(self, value: Any, where: tuple, choices: dict | tuple) -> tuple[str, ...]:
        items = self.list(value, where)
        out: list[str] = []
        for i, item in enumerate(items):
            got = self.choice(item, where + (i,), choices)
            if got is not None and got not in out:
                out.append(got)
        return tuple(out)

    def list(self, value: Any, where: tuple) -> list:
        if value is None or value is INVALID:
            return []
        if not isinstance(value, list):
            self.error(where, M("list.not_list", "must be a list (write `[a, b]` or one `- item` "
                                "per line)"))
            return []
        return value

    def date(self, value: Any, where: tuple) -> date | None:
        if value is None or value is INVALID:
            return None
        text = self.doc.raw.get(where, value) if not isinstance(value, str) else value
        try:
            if not _DATE.match(str(text).strip()):  # fromisoformat also takes 20261101, 2026-W44-1
                raise ValueError
            return date.fromisoformat(str(text).strip())
        except ValueError:
            self.error(where, M("date.invalid", "{text!r} is not a date (YYYY-MM-DD, e.g. "
                                "2026-03-01)", text=text))
            return None

    def datetime(self, value: Any, where: tuple) -> datetime | None:
        if value is None or value is INVALID:
            return None
        text = str(self.doc.raw.get(where, value)).strip()
        for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S",
                    "%Y-%m-%dT%H:%M:%S"):
            try:
                return datetime.strptime(text, fmt)
            except ValueError:
                continue
        self.error(where, M("datetime.invalid", "{text!r} is not a local date and time "
                            "(\"YYYY-MM-DD HH:MM\" in quotes, e.g. \"2026-12-05 14:00\")", text=text))
        return None

    def boolean(self, value: Any, where: tuple) -> bool | None:
        if value is None or value is INVALID:
            return None
        if not isinstance(value, bool):
            self.error(where, M("boolean.invalid", "{value!r} is not true or false (true or "
                                "false)", value=value))
            return None
        return value

    def integer(self, value: Any, where: tuple, low: int, high: int) -> int | None:
        if value is None or value is INVALID:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            if isinstance(value, int) and not isinstance(value, bool):
                self.error(where, M("integer.out_of_range", "{value!r} is out of range (a whole "
                                    "number from {low} to {high})", value=value, low=low, high=high))
            else:
                self.error(where, M("integer.invalid", "{value!r} is not a whole number (a whole "
                                    "number from {low} to {high})", value=value, low=low, high=high))
            return None
        return value

    def number(self, value: Any, where: tuple, low: float, high: float) -> float | None:
        if value is None or value is INVALID:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                self.error(where, M("number.out_of_range", "{value!r} is out of range (a number "
                                    "from {low:g} to {high:g})", value=value, low=low, high=high))
            else:
                self.error(where, M("number.invalid", "{value!r} is not a number (a number from "
                                    "{low:g} to {high:g})", value=value, low=low, high=high))
            return None
        return float(value)

    def url(self, value: Any, where: tuple, schemes: tuple = ("https",)) -> str | None:
        """One well-formed web address: `https://host/…` (plain http too, with a warning,
        where `schemes` does not allow it), nothing before or after it, no user name
        before the host, no backslashes, spaces or line breaks (see urls.py)."""
        text = self.text(value, where)
        if text is None:
            return None
        expected = M("url.expected", "a full URL starting with {schemes}",
                     schemes=" or ".join(s + "://" for s in schemes))
        scheme = text.split(":", 1)[0].lower() if ":" in text else ""
        if scheme not in urls.WEB:
            self.error(where, M("url.invalid", "{text!r} is not a web address ({expected})",
                                text=_short(text), expected=expected))
            return None
        why = urls.web_problem(text)
        if why:
            self.error(where, M("url.malformed", "{text!r} is not a web address ({why}; "
                                "{expected})", text=_short(text), why=why, expected=expected))
            return None
        if scheme not in schemes:
            self.warning(where, M("url.plain_http", "{text!r} uses plain http (an https:// "
                                  "address is safer; it is shown as given)", text=text))
        return text

    def slug(self, value: Any, where: tuple, what: str) -> str | None:
        if value is None or value is INVALID:
            return None
        text = str(self.doc.raw.get(where, value))
        if not SLUG.match(text):
            self.error(where, M("slug.invalid", "{text!r} is not a valid {what} (1–64 "
                                "characters: lowercase a-z, 0-9 and -)", text=text, what=what))
            return None
        return text


def _kind_of(value: Any) -> str:
    return {bool: M("noun.boolean", "true/false"), list: M("noun.list", "a list"),
            dict: M("noun.mapping", "a mapping")}.get(type(value), type(value).__name__)


def _short(text: str, limit: int = 40) -> str:
    line = text.splitlines()[0] if text else text
    return line if len(line) <= limit and line == text else line[:limit] + "…"

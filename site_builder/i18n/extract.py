"""Every UI msgid of the published site, and the strings a page's scripts need.

A msgid is the Simplified Chinese text (catalog.py). They are written in four places:

* templates/*.html: `{{ _("…", name=…) }}` (Jinja's newstyle gettext, `%(name)s`);
* site_builder/**/*.py: `_("…{name}…")` calls with a string constant (`str.format`);
* static/*.js: `T("…{name}…", {…})` calls (static/i18n.js);
* the labels of the vocabularies (site_builder/vocab.py), the weekday names
  (hours.DAY_LABELS), the map links' names (coords.MAP_LABELS) and the open-data
  files' descriptions (exports/catalogue.py), which code passes to `_()` as values
  (`_(vocab.KINDS[k])`, `{{ _(m.label) }}`).

`msgids()` lists them all (tests/test_ui_strings.py checks that the English catalogue
has each one); `js_strings(lang)` gives the scripts' strings in one language, for a page
of a non-default edition to carry in `<script type="application/json" id="ui-strings">`.
"""
from __future__ import annotations

import ast
import json
import re
from functools import lru_cache
from pathlib import Path

import jinja2

from .catalog import translate
from .convert import DEFAULT_CONFIG

PACKAGE = Path(__file__).resolve().parent.parent


def _shipped(name: str) -> Path:
    """templates/ or static/ where render.py reads them (a checkout's, or a wheel's)."""
    from ..render import shipped  # here: render.py may import this module
    return shipped(name)


VOCABULARIES = ("KINDS", "KIND_DESCRIPTIONS", "AUDIENCES", "SERVICES", "COSTS", "BOOKING",
                "ACCESSIBILITY", "CATEGORIES", "LEVELS", "LANGUAGE_NAMES")
"""The vocab.py tables whose labels pages show."""

_JS_CALL = re.compile(r"""\bT\(\s*("(?:[^"\\\n]|\\.)*")""")


def template_msgids(directory: Path | None = None) -> dict[str, set[str]]:
    """{msgid: template file names}, read by Jinja's own extractor."""
    directory = directory or _shipped("templates")
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    found: dict[str, set[str]] = {}
    for path in sorted(directory.glob("*.html")):
        source = path.read_text(encoding="utf-8")
        for _line, _func, message in env.extract_translations(source, gettext_functions=("_",)):
            if isinstance(message, tuple):  # `_("…", name=…)`: the keywords come as None
                message = message[0]
            if isinstance(message, str):
                found.setdefault(message, set()).add(path.name)
    return found


def python_msgids(package: Path = PACKAGE) -> dict[str, set[str]]:
    """{msgid: module paths} of every `_("constant")` call in the package."""
    found: dict[str, set[str]] = {}
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_"
                    and node.args and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found.setdefault(node.args[0].value, set()).add(str(path.relative_to(package.parent)))
    return found


def js_msgids(directory: Path | None = None) -> dict[str, set[str]]:
    """{msgid: script names} of every `T("…")` call in static/*.js."""
    directory = directory or _shipped("static")
    found: dict[str, set[str]] = {}
    for path in sorted(directory.glob("*.js")):
        for match in _JS_CALL.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(json.loads(match.group(1)), set()).add(path.name)
    return found


def label_msgids() -> dict[str, set[str]]:
    """The labels of the vocabularies, the weekday names, the map links' names and the
    open-data files' titles and descriptions (exports/catalogue.py)."""
    from .. import coords, hours, vocab
    from ..exports.catalogue import FILES
    found: dict[str, set[str]] = {}
    for name in VOCABULARIES:
        for label in getattr(vocab, name).values():
            found.setdefault(label, set()).add(f"vocab.{name}")
    for label in hours.DAY_LABELS:
        found.setdefault(label, set()).add("hours.DAY_LABELS")
    for label in coords.MAP_LABELS:
        found.setdefault(label, set()).add("coords.MAP_LABELS")
    for f in FILES:
        for text in (f.title, f.format, f.description):
            if not text.isascii():  # `JSON`, `CSV` are the same in every language
                found.setdefault(text, set()).add("exports.catalogue.FILES")
    return found


def msgids() -> dict[str, set[str]]:
    """Every msgid of the site's UI: {msgid: where it is used}."""
    found: dict[str, set[str]] = {}
    for part in (template_msgids(), python_msgids(), js_msgids(), label_msgids()):
        for msgid, where in part.items():
            found.setdefault(msgid, set()).update(where)
    return found


@lru_cache(maxsize=None)
def _js_ids() -> tuple[str, ...]:
    return tuple(sorted(js_msgids()))


def js_strings(lang: str, config: str = DEFAULT_CONFIG) -> dict[str, str]:
    """The scripts' msgids in `lang` ({msgid: text}), for a page's #ui-strings element."""
    return {msgid: translate(msgid, lang, config) for msgid in _js_ids()}

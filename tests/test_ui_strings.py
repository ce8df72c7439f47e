"""UI strings of the published site: every one translatable, every one in English.

The msgids are the Simplified Chinese text (site_builder/i18n/extract.py lists them from
the templates, the Python code, static/*.js and the vocabularies); English comes from
site_builder/data/ui.en.yaml. A string a page shows but that is not in the catalogue
would stay Chinese on the English site; these tests find it before a visitor does.
"""
from __future__ import annotations

import json
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
import yaml

from site_builder.hours import parse_hours, summary, holidays_rule
from site_builder.i18n import extract, use
from site_builder.i18n.catalog import DATA
from site_builder.render import STATIC, TEMPLATES, call_name, cn_date

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
PERCENT = re.compile(r"%\((\w+)\)s")
BRACES = re.compile(r"\{(\w+)\}")
I18N_JS = STATIC / "i18n.js"


@pytest.fixture(scope="module")
def english() -> dict[str, str]:
    return yaml.safe_load((DATA / "ui.en.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def msgids() -> dict[str, set[str]]:
    return extract.msgids()


def _placeholders(text: str) -> tuple[set[str], set[str]]:
    return set(PERCENT.findall(text)), set(BRACES.findall(text))


def test_the_extractor_finds_each_kind_of_source(msgids):
    where = {w for places in msgids.values() for w in places}
    assert msgids["跳到正文"] == {"base.html"}  # a template
    assert "site_builder/hours.py" in msgids["营业中（至 {time}）"]  # Python
    assert "open.js" in msgids["营业中（至 {time}）"]  # and the script that mirrors it
    assert "vocab.KINDS" in msgids["心理咨询室"]
    assert "面向%(audience)s的服务" in msgids  # a template call with keyword arguments
    assert {"search.js", "near.js"} <= where


def test_every_msgid_has_english_with_the_same_placeholders(english, msgids):
    missing = sorted(m for m in msgids if m not in english)
    assert missing == [], "no English for: " + "; ".join(missing[:20])
    wrong = [(m, english[m]) for m in msgids if _placeholders(m) != _placeholders(english[m])]
    assert wrong == []


def test_no_english_line_is_unused(english, msgids):
    assert sorted(set(english) - set(msgids)) == []


def test_english_is_english(english):
    assert [m for m, text in english.items() if HAN.search(text)] == []
    assert list(english) == sorted(english), "keep ui.en.yaml sorted"


def test_template_strings_format_in_both_languages(english):
    """Jinja's newstyle gettext always applies `%`: a stray percent sign would fail the
    page (a literal one is `%%`)."""
    for msgid in extract.template_msgids():
        for text in (msgid, english[msgid]):
            values = {name: "x" for name in PERCENT.findall(text)}
            text % values  # raises on a lone % or a missing name


def _without_template_strings(source: str) -> str:
    source = re.sub(r"\{#.*?#\}", "", source, flags=re.S)
    return re.sub(r"""_\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""", "_(", source)


@pytest.mark.parametrize("path", sorted(TEMPLATES.glob("*.html")), ids=lambda p: p.name)
def test_templates_have_no_chinese_outside_msgids(path):
    rest = _without_template_strings(path.read_text(encoding="utf-8"))
    lines = [line.strip() for line in rest.splitlines() if HAN.search(line)]
    assert lines == []


def _without_script_strings(source: str) -> str:
    source = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    source = re.sub(r"(^|\s)//.*$", r"\1", source, flags=re.M)
    return re.sub(r"""\bT\(\s*"(?:[^"\\\n]|\\.)*\"""", "T(", source)


@pytest.mark.parametrize("path", sorted(STATIC.glob("*.js")), ids=lambda p: p.name)
def test_scripts_have_no_chinese_outside_t(path):
    rest = _without_script_strings(path.read_text(encoding="utf-8"))
    lines = [line.strip() for line in rest.splitlines() if HAN.search(line)]
    assert lines == []


def test_scripts_share_one_t():
    """One T(), in static/i18n.js; the others call it and define none of their own."""
    for path in STATIC.glob("*.js"):
        source = path.read_text(encoding="utf-8")
        if path.name != "i18n.js":
            assert not re.search(r"function\s+T\s*\(|\bT\s*=", source), path.name


def _node(script: str) -> str:
    done = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_t_fills_placeholders_from_the_page_strings():
    strings = {"营业中（至 {time}）": "Open now (until {time})", "{n} 米": "{n} m"}
    fake = ("globalThis.document = {getElementById: id => id === 'ui-strings' ? "
            f"{{textContent: {json.dumps(json.dumps(strings, ensure_ascii=False), ensure_ascii=False)}}} : null}};")
    got = _node(fake + I18N_JS.read_text(encoding="utf-8") + """
        console.log(JSON.stringify([T("营业中（至 {time}）", {time: "17:30"}), T("{n} 米", {n: 250}),
                                    T("已按距离排序"), T("{a} 和 {b}", {a: 1})]));""")
    assert json.loads(got) == ["Open now (until 17:30)", "250 m", "已按距离排序", "1 和 {b}"]


def test_t_without_page_strings_gives_the_msgid_filled():
    got = _node(I18N_JS.read_text(encoding="utf-8") + """
        console.log(T("距离约 {distance}", {distance: "1.2 公里"}));""")
    assert got == "距离约 1.2 公里"


def test_js_strings_translate_the_scripts_msgids(english):
    strings = extract.js_strings("en")
    assert strings["已按距离排序"] == "Sorted by distance"
    assert strings["周一"] == "Mon"
    assert set(strings) == set(extract.js_msgids())
    hant = extract.js_strings("zh-Hant")
    assert hant["正在获取你的位置…"] == "正在獲取你的位置…"


def test_python_text_follows_the_language_being_rendered():
    hours, errors = parse_hours({"mon-fri": "08:30-17:30", "sat": "09:00-12:00"})
    assert errors == []
    assert summary(hours) == "周一至周五 08:30–17:30 …"
    assert cn_date(date(2026, 12, 2)) == "2026年12月2日"
    with use("en"):
        assert summary(hours) == "Mon–Fri 08:30–17:30 …"
        assert holidays_rule(hours) == "Closed on public holidays"
        assert cn_date(date(2026, 12, 2)) == "2 December 2026"
        assert call_name("Youth line", "12355") == "Call Youth line 12355"
    with use("zh-Hant"):
        assert holidays_rule(hours) == "法定節假日休息"
        assert cn_date(date(2026, 12, 2)) == "2026年12月2日"

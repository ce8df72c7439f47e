"""Hostile strings in every field: shown literally, never run, never a path trick."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sitecheck import SAMPLE, TODAY, build_site, copy_content, html_pages
from site_builder.build import check

EVIL = [
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ 7*7 }}{% raw %}",
    "' onmouseover='alert(1)",
    "</title><svg onload=alert(1)>",
    "\u200b零宽文字",  # direction controls (U+202E…) are refused: test_hostile_files.py
]


def q(text: str) -> str:
    """A YAML double-quoted scalar."""
    return json.dumps(text, ensure_ascii=False)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    content = copy_content(SAMPLE, root / "content")
    site = content / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace(
        "title: 深圳市社会心理服务地图（示例）", f"title: {q('站点' + EVIL[0])}").replace(
        "    note: 全国统一号码", f"    note: {q(EVIL[1])}"), encoding="utf-8")
    fields = {
        "name": EVIL[0], "address": EVIL[1], "hours_note": EVIL[3], "operator": EVIL[4],
        "wechat": EVIL[5], "description": EVIL[0] + "\n\n[点我](javascript:alert(1)) "
        "<a href=\"javascript:alert(2)\" onclick=\"alert(3)\">链接</a> "
        "<iframe src=\"https://evil.example/\"></iframe> " + EVIL[6],
    }
    lines = [f"{key}: {q(value)}" for key, value in fields.items()]
    (content / "services" / "evil.yaml").write_text("\n".join(lines + [
        "kind: clinic", "region: futian", 'phones: ["0755-55509999"]',
        'other_contacts: [{label: ' + q(EVIL[2]) + ', value: ' + q(EVIL[0]) + '}]',
        "hours: 24/7", "verified: 2026-11-01",
        "translations: {en: {name: " + q(EVIL[1]) + "}}",
    ]) + "\n", encoding="utf-8")
    (content / "articles" / "evil.md").write_text(
        "---\ntitle: " + q(EVIL[5]) + "\ndate: 2026-11-01\nsummary: " + q(EVIL[1]) +
        "\ntags: [" + q(EVIL[0]) + "]\n---\n# " + EVIL[0] + "\n\n"
        "<script>alert('body')</script>\n\n<img src=x onerror=\"alert(1)\">\n\n"
        "[x](javascript:alert(1)) [y](vbscript:msgbox(1)) [z](data:text/html,hi)\n",
        encoding="utf-8")
    regions = content / "regions.yaml"
    regions.write_text(regions.read_text(encoding="utf-8").replace(
        "name: 福田区", f"name: {q('福田区' + EVIL[1])}", 1), encoding="utf-8")
    return content


def test_hostile_content_builds_with_warnings_not_errors(hostile):
    report = check(hostile, TODAY)
    assert report.problems.errors == []
    warned = {(p.path.rsplit("/", 1)[-1], p.line) for p in report.problems.warnings
              if "removed" in p.message}
    assert ("evil.md", 7) in warned  # <script> inside the heading
    assert ("evil.md", 9) in warned  # the <script> block of the article body
    assert ("evil.md", 11) in warned  # the onerror image


def test_nothing_hostile_reaches_the_pages(hostile, tmp_path):
    site = build_site(hostile, tmp_path / "out", index=False)
    pages = html_pages(site)
    for name, tree in pages.items():
        for node in tree.css("*"):
            for attr, value in node.attributes.items():
                assert not attr.lower().startswith("on"), (name, node.tag, attr)
                if attr in ("href", "src"):
                    assert not (value or "").lower().lstrip().startswith(
                        ("javascript:", "vbscript:", "data:")), (name, value)
        for script in tree.css("script"):
            if script.attributes.get("type") in ("application/ld+json", "application/json"):  # data: must stay JSON
                assert not script.attributes.get("src") and json.loads(script.text()), name
                continue
            assert (script.attributes.get("src") or "").startswith("/xinli/static/"), name
        assert tree.css_first("iframe, object, embed") is None, name
        # The only SVGs are the dashboard's own charts (text escaped) and the QR codes of the
        # page's own address (segno, for print); nothing active in them.
        for svg in tree.css("svg"):
            kind = svg.attributes.get("class")
            bare = re.sub(r"^(elder/)?(zh-hant/|en/)?", "", name)
            assert kind == "qr" or (bare == "coverage/index.html" and kind == "chart"), name
            assert svg.css_first("script, foreignObject, a, use, image") is None, name
    service = pages["services/evil/index.html"]
    assert service.css_first("h1").text() == EVIL[0]  # shown literally
    data = json.loads(service.css_first('script[type="application/ld+json"]').text())
    assert data["name"] == EVIL[0]  # the same in the structured data, not markup
    assert service.css_first("dd.address").text() == EVIL[1]
    assert EVIL[3] in service.css_first(".hours-note").text()  # no template evaluation
    assert "49" not in service.css_first(".hours-note").text()
    assert pages["index.html"].css_first("title").text().startswith("首页 · 站点<script>")


def test_ids_cannot_escape_their_folder(tmp_path):
    content = copy_content(SAMPLE, tmp_path / "content")
    (content / "services" / "x..evil.yaml").write_text("name: x\n", encoding="utf-8")
    (content / "services" / "Ｆｕｌｌ.yaml").write_text("name: x\n", encoding="utf-8")
    regions = content / "regions.yaml"
    regions.write_text(regions.read_text(encoding="utf-8").replace(
        "id: futian\n", "id: ../futian\n", 1), encoding="utf-8")
    report = check(content, TODAY)
    messages = [str(p) for p in report.problems.errors]
    assert any("'x..evil' is not a valid service id" in m for m in messages), messages
    assert any("'Ｆｕｌｌ' is not a valid service id" in m for m in messages), messages
    assert any("'../futian' is not a valid area id" in m for m in messages), messages

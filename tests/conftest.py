"""Shared test helpers: a small content-folder builder (like mkdocs' `tempdir(files=…)`).

`content_dir(files)` writes a minimal valid content folder and lets a test override,
add or remove files; `run_check(files)` also checks it with "today" pinned.

The minimal folder holds site.yaml, regions.yaml (a city with one district, one street
and one community) and `services/station.yaml`, whose lines are (see `service()`):

    1 name  2 kind  3 region  4 address  5 location  6 phones
    7 hours:  8   mon-fri: …  9   holidays: closed  10 verified
"""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from site_builder.build import Report, check
from site_builder.errors import Problem

TODAY = date(2026, 11, 25)

# The tests that read messages word for word read the English source text: every test runs
# with SITE_BUILDER_MESSAGES=en (its subprocesses too) unless it sets the language itself
# (tests/test_messages.py reads the Chinese ones).
os.environ["SITE_BUILDER_MESSAGES"] = "en"

SITE = """\
title: 测试心理服务地图
base_url: https://example.org/xinli/
crisis:
  - {label: 全国心理援助热线, phone: "12356"}
"""

REGIONS = """\
- id: city
  name: 测试市
  level: city
  children:
    - id: district
      name: 测试区
      level: district
      children:
        - id: street
          name: 测试街道
          level: street
          children:
            - {id: community, name: 测试社区, level: community}
"""

SERVICE_FIELDS = {
    "name": "测试街道心理服务站",
    "kind": "service_station",
    "region": "street",
    "address": "测试市测试区测试路 1 号",
    "location": "{lat: 22.54, lon: 114.05, crs: gcj02}",
    "phones": '["0755-55500101"]',
    "hours": '\n  mon-fri: "08:30-12:00, 13:30-17:30"\n  holidays: closed',
    "verified": "2026-11-01",
}


def service(**changes: str | None) -> str:
    """The valid service record as YAML, with top-level keys changed (`key="yaml text"`;
    a value starting with a newline is a block), removed (None) or added at the end."""
    fields = dict(SERVICE_FIELDS)
    for key, value in changes.items():
        if value is None:
            fields.pop(key, None)
        else:
            fields[key] = value
    return "".join(f"{k}:{'' if v.startswith(chr(10)) else ' '}{v}\n" for k, v in fields.items())


SERVICE = service()


def article(front: str = "title: 睡眠与失眠\ndate: 2026-11-01\n", body: str = "正文。\n") -> str:
    """A markdown file: `---`, front matter, `---`, body (front matter starts on line 2)."""
    return f"---\n{front}---\n{body}"


def write_content(root: Path, files: dict[str, str | bytes | None] | None = None) -> Path:
    """Write the minimal valid content folder to `root/content`, then `files` over it
    (relative path -> text or bytes; None removes a default file). Returns the folder."""
    content = root / "content"
    merged: dict[str, str | bytes | None] = {
        "site.yaml": SITE, "regions.yaml": REGIONS, "services/station.yaml": SERVICE}
    merged.update(files or {})
    for rel, data in merged.items():
        if data is None:
            continue
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8", newline="")
    content.mkdir(exist_ok=True)
    return content


@pytest.fixture
def content_dir(tmp_path, monkeypatch):
    """`content_dir(files)` -> path of a fresh `content` folder; the working directory is
    its parent, so problems are printed as `content/services/x.yaml`."""
    made = []

    def make(files: dict[str, str | bytes | None] | None = None) -> Path:
        root = tmp_path / f"site{len(made)}"
        root.mkdir()
        monkeypatch.chdir(root)
        made.append(root)
        return write_content(root, files)

    return make


@pytest.fixture
def run_check(content_dir):
    """`run_check(files)` -> Report of `check()` on a fresh content folder, today pinned."""
    def run(files: dict[str, str | bytes | None] | None = None) -> Report:
        return check(content_dir(files), today=TODAY)
    return run


def as_tuples(problems: list[Problem]) -> list[tuple[str, int, str, str]]:
    return [(p.path, p.line, p.field, p.message) for p in problems]


def only_error(report: Report) -> Problem:
    """The single error of `report` (fails, listing them, when there is not exactly one)."""
    errors = report.problems.errors
    assert len(errors) == 1, "\n".join(map(str, report.problems.items))
    return errors[0]


def only_warning(report: Report) -> Problem:
    """The single warning of a report without errors."""
    assert not report.problems.errors, "\n".join(map(str, report.problems.errors))
    warnings = report.problems.warnings
    assert len(warnings) == 1, "\n".join(map(str, warnings))
    return warnings[0]


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium, one per test module (tests/browser.py)."""
    from browser import chromium
    with chromium() as browser:
        yield browser

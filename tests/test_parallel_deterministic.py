"""Rendering on both cores changes nothing: a build whose pages are rendered and written by
a pool of processes (parallel.py) is byte for byte the build made in one process, for a
clean build and for an incremental one after edits."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sitecheck import ROOT, TODAY
from site_builder import parallel
from site_builder.build import build


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("parallel") / "content"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--services", "300",
                    "--out", str(root)], check=True, capture_output=True)
    return root


def test_parallel_build_is_byte_identical_to_a_serial_one(content, tmp_path):
    serial = build(content, tmp_path / "serial", TODAY, index=False, processes=1)
    pooled = build(content, tmp_path / "pooled", TODAY, index=False, processes=2)
    assert serial.processes == 1 and pooled.processes == 2  # the pool really rendered
    want, got = tree(tmp_path / "serial"), tree(tmp_path / "pooled")
    assert sorted(got) == sorted(want)
    assert [p for p in want if got[p] != want[p]] == []
    assert serial.pages == pooled.pages > 500


def test_parallel_incremental_build_equals_a_serial_clean_one(content, tmp_path):
    out, cache = tmp_path / "inc", tmp_path / "cache"
    build(content, out, TODAY, index=False, cache=cache, processes=2)
    record = sorted((content / "services").glob("*.yaml"))[7]
    text = record.read_text(encoding="utf-8")
    try:
        record.write_text(text.replace("name: ", "name: 新", 1), encoding="utf-8")
        again = build(content, out, TODAY, index=False, cache=cache, processes=2)
        clean = build(content, tmp_path / "clean", TODAY, index=False, processes=1)
    finally:
        record.write_text(text, encoding="utf-8")
    assert again.incremental.unchanged > 0 and again.incremental.rendered < clean.pages
    want, got = tree(tmp_path / "clean"), tree(out)
    assert sorted(got) == sorted(want)
    assert [p for p in want if got[p] != want[p]] == []


def test_workers_follow_the_environment(monkeypatch):
    monkeypatch.setenv(parallel.WORKERS_ENV, "1")
    assert parallel.workers() == 1
    monkeypatch.setenv(parallel.WORKERS_ENV, "3")
    assert parallel.workers() == 3
    assert parallel.workers(2) == 2

"""Lighthouse (npm `lighthouse`, mobile profile, Debian's Chromium, offline) on the built
sample site served with its `_headers`: accessibility, best practices and SEO score 100,
performance at least 95, on the home page, a service page and search with results.
The scores measured are recorded in the README (Quality gates)."""
from __future__ import annotations

import json
import os
import subprocess

import pytest

from browser import CHROMIUM, require_chromium
from hosting import serve_with_headers
from sitecheck import SAMPLE, build_site
from tools import LIGHTHOUSE, require

BASE = "/xinli/"
PAGES = {"home": "", "service": "services/futian-yuanling-hospital-clinic/",
         "search": "search/?q=%E5%A4%B1%E7%9C%A0"}  # 失眠
MINIMUM = {"performance": 0.95, "accessibility": 1.0, "best-practices": 1.0, "seo": 1.0}


@pytest.fixture(scope="module")
def origin(tmp_path_factory):
    site = build_site(SAMPLE, tmp_path_factory.mktemp("lighthouse") / "build")
    with serve_with_headers(site, BASE) as origin:
        yield origin


def _run(node, origin, name, report):
    done = subprocess.run(
        [node, str(LIGHTHOUSE), f"{origin}{BASE}{PAGES[name]}", "--quiet", "--output=json",
         f"--output-path={report}", "--only-categories=" + ",".join(MINIMUM),
         "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"],
        env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True, timeout=240)
    if done.returncode != 0 and "run Lighthouse again" in done.stderr:
        return {"runtimeError": done.stderr[-500:]}  # a trace failure: try again
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(report.read_text(encoding="utf-8"))


ATTEMPTS = 3
"""The performance score is a timing on a shared 2-core machine: a run disturbed by other
work (or a trace error such as NO_NAVSTART) is repeated, and the best run counts. The
other categories do not depend on timing and must be 100 on every completed run."""


@pytest.mark.parametrize("name", PAGES)
def test_lighthouse_scores(origin, tmp_path, name):
    node = require(LIGHTHOUSE, "node")
    require_chromium()
    best, failing = None, []
    for attempt in range(ATTEMPTS):
        result = _run(node, origin, name, tmp_path / f"report{attempt}.json")
        if result.get("runtimeError"):
            failing = [str(result["runtimeError"])]
            continue
        scores = {k: c["score"] for k, c in result["categories"].items()}
        print(f"lighthouse {name} run {attempt + 1}: "
              + ", ".join(f"{k} {round(v * 100)}" for k, v in scores.items() if v is not None))
        failing = [f"{k}: {ref['id']} {result['audits'][ref['id']]['score']} "
                   f"{result['audits'][ref['id']].get('displayValue', '')}"
                   for k, c in result["categories"].items() for ref in c["auditRefs"]
                   if ref["weight"] and (result["audits"][ref["id"]]["score"] or 0) < 1]
        for key in ("accessibility", "best-practices", "seo"):
            assert scores[key] == 1.0, (key, scores, failing)
        best = scores if best is None or (scores["performance"] or 0) > (best["performance"] or 0) else best
        if (best["performance"] or 0) >= MINIMUM["performance"]:
            break
    assert best is not None, failing
    assert best["performance"] >= MINIMUM["performance"], (best, failing)

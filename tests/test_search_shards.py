"""The sharded search index: every indexed page in exactly one shard, a manifest that
assemble can merge, a killed shard's Pagefind named in one line, incremental builds that
re-index only the changed shards, and a district filter that loads only its shard.

The sample (one city, 84 area and service pages) is one area shard at the default size;
SITE_BUILDER_SHARD_PAGES=40 splits it by district, as a province is split by city.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

import pytest

from browser import chromium, serve
from sitecheck import SAMPLE, TODAY, copy_content
from site_builder import index as index_module
from site_builder.build import build, check
from site_builder.index import IndexError_
from site_builder.search import route, shards
from test_publish import ENV, ROOT, leftovers, pagefind_children, snapshot, wait_for

CAP = 40


@pytest.fixture
def many(monkeypatch):
    monkeypatch.setenv(shards.CAP_VARIABLE, str(CAP))


@pytest.fixture(scope="module")
def sample_plan():
    directory = check(SAMPLE, today=TODAY).directory
    return directory, shards.plan(directory, CAP)


def test_every_indexed_page_is_in_exactly_one_shard(sample_plan):
    d, plan = sample_plan
    ids = [s.id for s in plan.shards]
    assert ids[0] == shards.SITE and len(ids) == len(set(ids)) >= 4
    pages = [p for s in plan.shards for p in s.pages]
    assert len(pages) == len(set(pages))
    services = {f"services/{sid}/index.html" for sid in d.services}
    assert services <= set(pages)
    for shard in plan.shards[1:]:
        default = [p for p in shard.pages if not p.startswith(("en/", "zh-hant/"))]  # the cap counts one language
        assert 0 < len(default) <= CAP, shard.id
    # Hotlines are reachable from everywhere: always-loaded shard.
    site = plan.shards[0]
    for s in d.services.values():
        if s.kind == "hotline":
            assert f"services/{s.id}/index.html" in site.pages
    # The city holds more than CAP pages: split by district, its own page site-wide.
    assert "regions/shenzhen/index.html" in site.pages
    assert plan.shards_for_region("futian") == [plan.area_of["futian"]]
    assert plan.shards_for_region("futian-yuanling") == [plan.area_of["futian"]]
    assert set(plan.shards_for_region("shenzhen")) == set(ids)
    assert [s.id for s in plan.shards] == ["site", "futian", "nanshan", "luohu"]
    # A district larger than the cap is split in turn, its streets packed together.
    smaller = shards.plan(d, 30)
    assert smaller.shards_for_region("futian") == ["site", "futian-yuanling--futian-shatou"]


def test_the_router_names_the_shard_of_every_area_and_service(sample_plan):
    """A name's pairs of Han characters lead to the shard holding it; words found in
    every area shard (心理咨询室) lead nowhere, so that search starts anywhere."""
    d, plan = sample_plan
    r = route.route(d, plan)
    assert r.buckets >= 1 and len(r.files) == r.buckets
    table: dict[str, list[int]] = {}
    for path, text in r.files.items():
        part = json.loads(text)
        assert all(route.bucket(p, r.buckets) == int(path.rsplit("/", 1)[1][:-5]) for p in part)
        table.update(part)
    position = {s.id: i for i, s in enumerate(plan.shards)}

    def routed(name: str) -> set[int] | None:
        found = None
        for p in route.pairs(name):
            if p in table:
                found = set(table[p]) if found is None else found & set(table[p])
        return found

    names = [(reg.name, plan.area_of[reg.id]) for reg in d.regions.values()]
    names += [(s.name, plan.area_of[s.region.id]) for s in d.services.values() if s.kind != "hotline"]
    narrowed = 0
    for name, owner in names:
        if owner == shards.SITE:
            continue
        found = routed(name)
        assert found is None or position[owner] in found, name
        narrowed += found is not None and len(found) < len(plan.shards) - 1
    assert narrowed > len(names) / 2
    assert routed("黄贝岭社区心理咨询室") == {position[plan.area_of["luohu"]]}
    assert routed("心理咨询室") is None and routed("失眠") is None
    # One area shard: nothing to route.
    assert route.route(d, shards.plan(d)).buckets == 0


def test_one_shard_at_the_default_size(sample_plan):
    d, _ = sample_plan
    assert [s.id for s in shards.plan(d).shards] == ["site", "shenzhen"]


def test_manifests_round_trip_and_merge(tmp_path, sample_plan):
    _, plan = sample_plan
    data = shards.manifest(plan, {s.id: len(s.pages) for s in plan.shards}, {}, "1.5.2")
    shards.write_manifest(tmp_path, data)
    assert shards.read_manifest(tmp_path) == data
    first = (tmp_path / "pagefind" / "shards.json").read_bytes()
    shards.write_manifest(tmp_path, shards.read_manifest(tmp_path))
    assert (tmp_path / "pagefind" / "shards.json").read_bytes() == first  # canonical
    # Two provinces built apart: their area shards side by side, one site shard.
    other = {"format": 1, "site": "site", "shards": [
        {"id": "site", "bundle": "pagefind/site/", "regions": [], "pages": 3},
        {"id": "gz", "bundle": "pagefind/gz/", "regions": ["gz", "gz-a"], "pages": 9}]}
    merged = shards.merge_manifests([data, other])
    assert [s["id"] for s in merged["shards"]] == [s.id for s in plan.shards] + ["gz"]
    with pytest.raises(shards.ManifestError, match="search shard gz is in two"):
        shards.merge_manifests([other, other])
    (tmp_path / "pagefind" / "shards.json").write_text("{}")
    with pytest.raises(shards.ManifestError, match="not a search manifest"):
        shards.read_manifest(tmp_path)


@pytest.fixture(scope="module")
def sharded(tmp_path_factory):
    """The sample built with district shards (SITE_BUILDER_SHARD_PAGES=40)."""
    patch = pytest.MonkeyPatch()
    patch.setenv(shards.CAP_VARIABLE, str(CAP))
    root = tmp_path_factory.mktemp("sharded")
    content = copy_content(SAMPLE, root / "content")
    try:
        report = build(content, root / "out", today=TODAY)
    finally:
        patch.undo()
    return root / "out", report


def test_a_sharded_build_writes_one_bundle_per_shard(sharded, sample_plan):
    out, report = sharded
    _, plan = sample_plan
    manifest = shards.read_manifest(out)
    assert [s["id"] for s in manifest["shards"]] == [s.id for s in plan.shards]
    for s in manifest["shards"]:
        assert (out / s["bundle"] / "pagefind.js").is_file(), s["id"]
        assert s["pages"] > 0
    assert sum(s["pages"] for s in manifest["shards"]) == report.indexed
    assert sorted(report.search.indexed) == sorted(s.id for s in plan.shards)
    # The site shard names only pages that can be indexed: no elder-mode mirror, no leaflet.
    named = shards.site_pages(out, plan)
    assert (out / "elder" / "index.html").is_file() and any((out / "regions").glob("*/print/index.html"))
    assert named and not [p for p in named if p.startswith("elder/") or "/print/" in p]


def test_a_killed_shard_pagefind_is_named_in_one_line(tmp_path, many, monkeypatch):
    content = copy_content(SAMPLE, tmp_path / "content")
    out = tmp_path / "out"
    build(content, out, today=TODAY, index=False)
    before = snapshot(out)
    # One Pagefind at a time, in shard order: the second one is the first area shard's.
    monkeypatch.setattr(index_module, "jobs_for", lambda sizes: 1)
    directory = check(content, today=TODAY).directory
    second = shards.plan(directory).shards[1].id
    killed: list[float] = []

    def kill_second() -> None:
        first = wait_for(pagefind_children)[0]
        pid = wait_for(lambda: [p for p in pagefind_children() if p != first])[0]
        os.kill(pid, signal.SIGKILL)
        killed.append(time.monotonic())

    threading.Thread(target=kill_second, daemon=True).start()
    with pytest.raises(IndexError_) as caught:
        build(content, out, today=TODAY)
    message = str(caught.value)
    assert message.startswith(f"Pagefind (search shard {second}) was killed by SIGKILL while ")
    assert "out-of-memory" in message and "\n" not in message
    assert time.monotonic() - killed[0] < 5
    assert snapshot(out) == before
    assert leftovers(tmp_path) == [] and pagefind_children() == []


def test_cli_stops_every_shard_when_one_pagefind_is_killed(tmp_path):
    content = copy_content(SAMPLE, tmp_path / "content")
    out = tmp_path / "out"
    build(content, out, today=TODAY, index=False)
    before = snapshot(out)
    env = {**ENV, shards.CAP_VARIABLE: str(CAP)}
    proc = subprocess.Popen([sys.executable, "-m", "site_builder", "build", "--content",
                             str(content), "--out", str(out)], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    pid = wait_for(lambda: pagefind_children(proc.pid))[0]
    os.kill(pid, signal.SIGKILL)
    start = time.monotonic()
    _, stderr = proc.communicate(timeout=60)
    assert time.monotonic() - start < 5
    assert proc.returncode == 3
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Traceback" not in stderr, stderr
    assert re.search(r"Pagefind \(search shard [a-z0-9-]+\) was killed by SIGKILL", errors[0])
    assert snapshot(out) == before and leftovers(tmp_path) == []


def test_an_incremental_build_reindexes_only_the_changed_shards(tmp_path, many, sharded):
    content = copy_content(SAMPLE, tmp_path / "content")
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(content, out, today=TODAY, cache=cache)
    room = content / "services" / "nanshan-dachong-room.yaml"
    room.touch()  # saved again, unchanged: a real build (not the no-change shortcut), same pages
    again = build(content, out, today=TODAY, cache=cache)
    assert again.search.indexed == []  # no page changed: every bundle reused
    room.write_text(room.read_text(encoding="utf-8").replace("大冲社区心理咨询室", "大冲社区心理咨询室（新址）"),
                    encoding="utf-8")
    edited = build(content, out, today=TODAY, cache=cache)
    nanshan = shards.plan(edited.directory).area_of["nanshan-yuehai-dachong"]
    assert nanshan in edited.search.indexed
    assert len(edited.search.reused) >= 2 and nanshan not in edited.search.reused
    # The same bundles as a clean build of the edited content.
    clean = tmp_path / "clean"
    build(content, clean, today=TODAY)
    ours = {k: v for k, v in snapshot(out).items() if k.startswith("pagefind/")}
    theirs = {k: v for k, v in snapshot(clean).items() if k.startswith("pagefind/")}
    assert sorted(ours) == sorted(theirs)
    assert [k for k in ours if ours[k] != theirs[k]] == []


BASE = "/xinli/"


def test_a_district_filter_loads_only_its_shard(sharded, sample_plan):
    out, _ = sharded
    _, plan = sample_plan
    futian, luohu = plan.area_of["futian"], plan.area_of["luohu"]
    with serve(out, BASE) as origin, chromium() as browser:
        page = browser.new_page()
        fetched: list[str] = []
        page.on("request", lambda r: fetched.append(r.url))
        page.goto(f"{origin}{BASE}search/?district=futian&q=心理")
        page.wait_for_selector("#search-results li")
        page.wait_for_load_state("networkidle")
        loaded = {m.group(1) for u in fetched if (m := re.search(r"/pagefind/([^/]+)/", u))}
        assert loaded == {"site", futian}
        urls = page.eval_on_selector_all("#search-results li a[href*='/services/']",
                                         "els => els.map(e => e.href)")
        assert urls and all("/services/futian-" in u for u in urls), urls
        # A search over everything answers from the shard its name is in (the router);
        # the other shards are searched when asked ("在全部地区中搜索"). (The name is one
        # the site knows: its card may come before any area bundle, search/instant.py.)
        fetched.clear()
        requests: list = []
        page.on("request", lambda r: requests.append(r))
        page.add_init_script("""new MutationObserver(function () {
            if (!window.__first && document.querySelector('#search-results > li')) window.__first = Date.now();
          }).observe(document, {childList: true, subtree: true});""")
        page.goto(f"{origin}{BASE}search/?q=黄贝岭社区心理咨询室")
        page.wait_for_selector("#search-results li")
        first = page.eval_on_selector("#search-results li a", "e => e.href")
        assert first.endswith("/services/luohu-huangbeiling-room/"), first
        page.wait_for_function("() => !document.getElementById('search-results').hasAttribute('aria-busy')")
        page.wait_for_load_state("networkidle")
        shown = page.evaluate("window.__first")
        before = {m.group(1) for r in requests if r.timing["startTime"] < shown
                  and (m := re.search(r"/pagefind/([^/]+)/", r.url))}
        assert before <= {"site", luohu}, before
        loaded = {m.group(1) for u in fetched if (m := re.search(r"/pagefind/([^/]+)/", u))}
        assert loaded == {"site", luohu}, loaded
        assert page.locator("#search-status").inner_text().startswith("在部分地区找到 ")
        page.get_by_role("button", name="在全部地区中搜索").click()
        page.wait_for_function("() => /^找到 /.test(document.getElementById('search-status').textContent)"
                               " && !document.getElementById('search-results').hasAttribute('aria-busy')")
        loaded = {m.group(1) for u in fetched if (m := re.search(r"/pagefind/([^/]+)/", u))}
        assert loaded == {s.id for s in plan.shards}, loaded
        assert page.eval_on_selector("#search-results li a", "e => e.href") == first
        assert page.evaluate("document.activeElement.href") == first
        # A need word found everywhere: the first area shard answers.
        fetched.clear()
        page.goto(f"{origin}{BASE}search/?q=心理咨询室")
        page.wait_for_function("() => /找到/.test(document.getElementById('search-status').textContent)"
                               " && !document.getElementById('search-results').hasAttribute('aria-busy')")
        loaded = {m.group(1) for u in fetched if (m := re.search(r"/pagefind/([^/]+)/", u))}
        assert loaded == {"site", plan.shards[1].id}, loaded
        assert page.locator("#search-results li a[href*='/services/']").count() >= 4


def test_a_shard_of_more_pages_than_one_glob_holds_is_indexed_whole(tmp_path):
    """Pagefind refuses a glob of ~10,000 paths (a 10k site's site shard named every
    elder-mode mirror): the pages are given as a folder of their own, and only the pages
    named are indexed."""
    from site_builder.search import bundle
    from site_builder.supervise import Budget
    site = tmp_path / "site"
    pages = []
    for i in range(8):
        path = site / f"p{i}" / "index.html"
        path.parent.mkdir(parents=True)
        path.write_text(f"<html lang='zh-CN'><body data-pagefind-body><p>页面{i} 华林</p></body></html>",
                        encoding="utf-8")
        pages.append(f"p{i}/index.html")
    count = bundle.run(bundle.index_bundle(site, site / "pagefind" / "x", pages[:7], Budget(seconds=120)))
    assert count == 7

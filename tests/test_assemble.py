"""A national site across machines: two generated provinces, each built by
`site-builder build --shard` in its own process and folder, then `site-builder assemble`d.
The assembled site must be the site one machine builds (same files, same bytes, the
search index aside), pass the link and HTML checks, and find a community of each
province in Chromium."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from browser import serve
from sitecheck import ROOT, TODAY, broken_links
from tools import VNU_JAR, require

BASE = "/xinli/"
PROVINCES = ("gd", "zj")
SERVICES = 30
"""Per province; the generator makes a few hundred areas each whatever the count."""
SEARCH_CAP = 60
"""Pages per search shard, small enough that each province's areas make shards of their own
(as a province's always do at the default size)."""
ENV = {**os.environ, "SITE_BUILDER_TODAY": TODAY.isoformat(), "CI": "true",
       "SITE_BUILDER_SEARCH_CAP": str(SEARCH_CAP)}
CLI = [sys.executable, "-m", "site_builder"]


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=ENV, cwd=cwd,
                          timeout=300)


@pytest.fixture(scope="module")
def nation(tmp_path_factory) -> dict[str, Path]:
    """The content, each shard's output (built at once, in two processes, in two folders
    as two CI jobs would), the assembled site and a one-machine build of the same content."""
    root = tmp_path_factory.mktemp("nation")
    content = root / "content"
    subprocess.run([sys.executable, str(ROOT / "bench" / "nation.py"), "--services", str(SERVICES),
                    "--out", str(content)], check=True, capture_output=True)
    jobs = {}
    for p in PROVINCES:
        (root / f"job-{p}").mkdir()
        jobs[p] = subprocess.Popen(
            [*CLI, "build", "--shard", p, "--content", str(content), "--out", "shard"],
            cwd=root / f"job-{p}", env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for p, job in jobs.items():
        out, err = job.communicate(timeout=300)
        assert job.returncode == 0, err
    done = cli("assemble", *(str(root / f"job-{p}" / "shard") for p in PROVINCES),
               "--content", str(content), "--out", str(root / "site"))
    assert done.returncode == 0, done.stderr
    one = cli("build", "--content", str(content), "--out", str(root / "one"))
    assert one.returncode == 0, one.stderr
    return {"content": content, "site": root / "site", "one": root / "one", "root": root,
            **{p: root / f"job-{p}" / "shard" for p in PROVINCES}}


def files(site: Path) -> dict[str, bytes]:
    """Every published file, the search index's included."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file()}


def services_of(content: Path) -> dict[str, tuple[str, str]]:
    """Service id -> (its region id, its kind), read from the records."""
    found = {}
    for f in (content / "services").iterdir():
        record = yaml.safe_load(f.read_text(encoding="utf-8"))
        found[f.stem] = (record["region"], record["kind"])
    return found


def province_of(region: str) -> str:
    city = region.split("-")[0]
    return "zj" if city in ("zj", "hz", "nb", "wz", "jx") else "gd"


def test_the_assembled_site_is_the_one_machine_build(nation):
    assembled, one = files(nation["site"]), files(nation["one"])
    assert sorted(assembled) == sorted(one)
    different = [path for path in one if assembled[path] != one[path]]
    assert not different, different[:10]
    assert len([p for p in one if p.endswith(".html")]) > 900
    assert len([p for p in one if p.startswith("pagefind/") and p.endswith("pagefind-entry.json")]) > 2


def test_the_shards_search_bundles_are_reused_not_indexed_again(nation):
    site = nation["site"]
    manifest = json.loads((site / "pagefind" / "shards.json").read_text(encoding="utf-8"))
    reused = 0
    for p in PROVINCES:
        mine = json.loads((nation[p] / "pagefind" / "shards.json").read_text(encoding="utf-8"))
        assert mine["shards"], p
        for entry in mine["shards"]:
            assert all(province_of(r) == p for r in entry["regions"])
            bundle = entry["bundle"] + "pagefind-entry.json"
            # The same file (a hard link), not a new index of the same pages.
            assert (site / bundle).stat().st_ino == (nation[p] / bundle).stat().st_ino
            reused += 1
    assert reused == len(manifest["shards"]) - 1  # all but the site shard


def test_each_shard_holds_only_its_province_pages(nation):
    services = services_of(nation["content"])
    for p in PROVINCES:
        shard = nation[p]
        pages = {x.relative_to(shard).as_posix() for x in shard.rglob("index.html")}
        assert not (shard / "index.html").exists() and not (shard / "sitemap.xml").exists()
        assert not (shard / "static").exists() and not (shard / "articles").exists()
        mine = {s for s, (region, _) in services.items() if province_of(region) == p}
        assert {x.split("/")[1] for x in pages if x.startswith("services/")} == mine
        assert f"regions/{p}/index.html" in pages
        assert all(province_of(x.split("/")[1]) == p for x in pages if x.startswith("regions/"))


def test_the_assembled_site_has_no_broken_links(nation):
    assert broken_links(nation["site"], BASE) == []
    sitemap = (nation["site"] / "sitemap.xml").read_text(encoding="utf-8")
    for p in PROVINCES:  # both provinces' pages are in the one sitemap
        assert f"https://example.org/xinli/regions/{p}/</loc>" in sitemap


def test_the_assembled_site_is_valid_html(nation):
    java = require(VNU_JAR, "java")
    site = nation["site"]
    # Every page the assembly rendered, and a province's worth of each shard's kinds.
    sample = [site / "index.html", site / "regions" / "index.html", site / "search" / "index.html"]
    for p in PROVINCES:
        sample += sorted((site / "regions" / p).rglob("index.html"))[:15]
        sample += sorted(x for x in (site / "services").glob(f"*/index.html")
                         if province_of(x.parent.name) == p)[:15]
    sample += sorted((site / "kinds").rglob("index.html")) + sorted((site / "needs").rglob("index.html"))
    done = subprocess.run([java, "-jar", str(VNU_JAR), "--errors-only", *map(str, sample)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and not (done.stdout + done.stderr).strip(), done.stderr[:3000]


def test_search_finds_a_community_of_each_province(nation, browser):
    services = services_of(nation["content"])
    regions = (nation["content"] / "regions.yaml").read_text(encoding="utf-8")
    names = dict(re.findall(r"\{id: ([a-z0-9-]+), name: (\S+?), level: community\}", regions))
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    with serve(nation["site"], BASE) as origin:
        for p in PROVINCES:
            room, community = next((s, region) for s, (region, kind) in sorted(services.items())
                                   if kind == "counseling_room" and region in names
                                   and province_of(region) == p)
            page.goto(f"{origin}{BASE}search/?q={names[community]}")
            page.wait_for_function(
                "() => document.getElementById('search-status').textContent.includes('结果')")
            results = [li.locator("a").first.get_attribute("href")
                       for li in page.locator("#search-results > li").all()]
            assert f"{BASE}services/{room}/" in results[:5], (p, names[community], results[:8])
    context.close()


def test_assemble_refuses_a_missing_shard_and_leaves_the_output(nation, tmp_path):
    out = tmp_path / "out"
    done = cli("assemble", str(nation["gd"]), "--content", str(nation["content"]), "--out", str(out))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == (
        "error: missing shard(s) zj: build each with `site-builder build --shard ID` and pass "
        "all their outputs")
    assert not out.exists()


def test_assemble_refuses_shards_of_other_content(nation, tmp_path):
    content = tmp_path / "content"
    subprocess.run(["cp", "-r", str(nation["content"]), str(content)], check=True)
    record = next((content / "services").iterdir())
    record.write_text(record.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    done = cli("assemble", str(nation["gd"]), str(nation["zj"]), "--content", str(content),
               "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 1 and "shard gd was built from other content" in errors[0]


def test_build_refuses_an_unknown_shard(nation, tmp_path):
    done = cli("build", "--shard", "gz", "--content", str(nation["content"]),
               "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == ("error: --shard gz: not a top-level area of regions.yaml "
                                   "(one of: gd, zj)")
    assert not (tmp_path / "out").exists()

"""A national site across machines: two generated provinces, each built by
`site-builder build --shard` in its own process and folder, then `site-builder assemble`d,
with the very commands of the CI workflows (.github/workflows/national.yml, and
.gitlab/national.gitlab-ci.yml), their artifacts carried between jobs' folders as the CI
does. The assembled site must be the site one machine builds (same files, same bytes,
search index included), pass the link and HTML checks, and find a community of each
province in Chromium."""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from fnmatch import fnmatch
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
       "SITE_BUILDER_SHARD_PAGES": str(SEARCH_CAP)}
CLI = [sys.executable, "-m", "site_builder"]
GITHUB = ROOT / ".github" / "workflows" / "national.yml"
GITLAB = ROOT / ".gitlab" / "national.gitlab-ci.yml"


def runs(job: dict) -> list[str]:
    """The shell commands of a GitHub job's steps, or a GitLab job's script."""
    if "steps" in job:
        return [step["run"] for step in job["steps"] if "run" in step]
    return [line for line in job["script"]]


def step(job: dict, action: str) -> dict:
    return next(s for s in job["steps"] if s.get("uses", "").startswith(action))


def shell(line: str, cwd: Path, **env: str) -> subprocess.Popen:
    """A CI command as the job runs it, with this checkout's site-builder and Python."""
    tools = {"site-builder": " ".join(map(shlex.quote, CLI)), "python": shlex.quote(sys.executable)}
    line = re.sub(r"(?<![\w/])\.venv/bin/(site-builder|python)\b", lambda m: tools[m[1]], line)
    return subprocess.Popen(["bash", "-euc", line], cwd=cwd, env={**ENV, **env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(job: subprocess.Popen) -> str:
    out, err = job.communicate(timeout=300)
    assert job.returncode == 0, err
    return out


def checkout(content: Path, folder: Path) -> Path:
    """A job's working folder: a fresh checkout of the content."""
    folder.mkdir()
    shutil.copytree(content, folder / "content")
    return folder


def carry(source: Path, target: Path) -> None:
    """An artifact, uploaded then downloaded (hidden files are not uploaded)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".*"))


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=ENV, cwd=cwd,
                          timeout=300)


@pytest.fixture(scope="module")
def nation(tmp_path_factory) -> dict[str, Path]:
    """The GitHub workflow's jobs: each province's shard job in its own process and folder
    (both at once), their artifacts carried to the assemble job's folder, the assembly;
    and a one-machine build of the same content."""
    root = tmp_path_factory.mktemp("nation")
    content = root / "content"
    subprocess.run([sys.executable, str(ROOT / "bench" / "nation.py"), "--services", str(SERVICES),
                    "--out", str(content)], check=True, capture_output=True)
    jobs = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))["jobs"]
    build_line = next(r for r in runs(jobs["shard"]) if "site-builder build --shard" in r)
    upload, download = step(jobs["shard"], "actions/upload-artifact"), \
        step(jobs["assemble"], "actions/download-artifact")
    assemble_line = next(r for r in runs(jobs["assemble"]) if "site-builder assemble" in r)
    published = step(jobs["assemble"], "actions/upload-pages-artifact")["with"]["path"]

    def matrix(text: str, p: str) -> str:
        return text.replace("${{ matrix.province }}", p)

    running = {p: shell(matrix(build_line, p), checkout(content, root / f"job-{p}"))
               for p in PROVINCES}
    one = cli("build", "--content", str(content), "--out", str(root / "one"))
    assert one.returncode == 0, one.stderr
    assembly = checkout(content, root / "job-assemble")
    found = {}
    for p, job in running.items():
        finish(job)
        name = matrix(upload["with"]["name"], p)
        assert fnmatch(name, download["with"]["pattern"])
        found[p] = assembly / download["with"]["path"] / name
        carry(root / f"job-{p}" / matrix(upload["with"]["path"], p), found[p])
    said = finish(shell(assemble_line, assembly))
    return {"said": said, "content": content, "site": assembly / published, "one": root / "one", "root": root,
            **{p: root / f"job-{p}" / matrix(upload["with"]["path"], p) for p in PROVINCES},
            "downloaded": found}


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
            assert (site / bundle).stat().st_ino == (nation["downloaded"][p] / bundle).stat().st_ino
            reused += 1
    assert reused == len(manifest["shards"]) - 1  # all but the site shard
    assert f"search: {reused} bundle(s) of the shards reused, 1 indexed here" in nation["said"]


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


def test_both_ci_files_build_the_same_provinces_and_the_gitlab_jobs_assemble_the_site(nation):
    github = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))["jobs"]
    gitlab = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    provinces = github["shard"]["strategy"]["matrix"]["province"]
    assert provinces == gitlab["shard"]["parallel"]["matrix"][0]["PROVINCE"] and len(provinces) >= 31
    assert github["assemble"]["needs"] == ["plan", "shard"] and github["deploy"]["needs"] == "assemble"
    assert "shard" in gitlab["assemble"]["needs"] and gitlab["pages"]["needs"] == ["assemble"]
    # The build date is fixed once for every job, in both.
    date_line = next(r for r in runs(github["plan"]) if "today=" in r)
    assert re.fullmatch(r"today=\d{4}-\d{2}-\d{2}\n", finish(shell(
        date_line.replace('>> "$GITHUB_OUTPUT"', ""), nation["root"])))
    root = nation["root"] / "gitlab"
    root.mkdir()
    check = checkout(nation["content"], root / "check")
    for line in runs(gitlab["check"])[1:]:
        finish(shell(line, check))
    assert re.fullmatch(r"SITE_BUILDER_TODAY=\d{4}-\d{2}-\d{2}\n",
                        (check / gitlab["check"]["artifacts"]["reports"]["dotenv"]).read_text())
    # parallel:matrix: one job per PROVINCE, each in its own folder, at once.
    jobs = {}
    for p in PROVINCES:
        folder = checkout(nation["content"], root / f"shard-{p}")
        lines = [line for line in runs(gitlab["shard"]) if "setup.sh" not in line]
        jobs[p] = (folder, shell(" && ".join(lines), folder, PROVINCE=p))
    assembly = checkout(nation["content"], root / "assemble")
    for p, (folder, job) in jobs.items():
        finish(job)
        for path in gitlab["shard"]["artifacts"]["paths"]:
            path = path.replace("$PROVINCE", p)
            carry(folder / path, assembly / path)
    for job in ("assemble", "pages"):
        for line in runs(gitlab[job]):
            if "setup.sh" not in line:
                finish(shell(line, assembly))
    public = assembly / gitlab["pages"]["artifacts"]["paths"][0]
    assert files(public) == files(nation["one"])


def test_assemble_refuses_to_write_over_a_shard_and_shards_build_clean(nation, tmp_path):
    done = cli("assemble", str(nation["gd"]), str(nation["zj"]), "--content", str(nation["content"]),
               "--out", str(nation["zj"]))
    assert done.returncode == 2 and "is one of the shards" in done.stderr
    assert (nation["zj"] / "shard.json").is_file()
    done = cli("build", "--shard", "gd", "--incremental", "--content", str(nation["content"]),
               "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == (
        "error: a shard or an assembly is always built clean (no --incremental)")

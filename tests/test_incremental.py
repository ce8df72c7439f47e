"""Incremental builds: the output equals a clean build's after any sequence of edits,
and only the pages whose inputs changed are rendered."""
from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sitecheck import SAMPLE, TODAY, copy_content
from site_builder import incremental, vocab
from site_builder.build import build, check
from site_builder.errors import ContentError
from site_builder.exports.catalogue import OPEN_DATA_PATHS
from site_builder.incremental import manifest_path
from site_builder.search import instant

EDITIONS = 3
"""The sample site's languages (zh-Hans, zh-Hant, en): a record's pages exist in each."""


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def assert_same_tree(incremental_out: Path, clean_out: Path, step: str = "") -> None:
    got, want = tree(incremental_out), tree(clean_out)
    assert sorted(got) == sorted(want), f"{step}: files differ: " \
        f"extra {sorted(set(got) - set(want))[:5]}, missing {sorted(set(want) - set(got))[:5]}"
    different = [path for path in want if got[path] != want[path]]
    assert different == [], f"{step}: {len(different)} file(s) differ from a clean build"


def inc(content: Path, out: Path, cache: Path, index: bool = False):
    return build(content, out, TODAY, index=index, cache=cache)


@pytest.fixture
def site(tmp_path):
    """A copy of the sample content, its incremental output and cache."""
    content = copy_content(SAMPLE, tmp_path / "content")
    return content, tmp_path / "out", tmp_path / "cache"


# ------------------------------------------------------------------ editing content

def set_line(path: Path, key: str, value: str, indent: str = "") -> None:
    """Replace the `key: …` line (at `indent`) of a YAML file or front matter."""
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(rf"(?m)^{indent}{re.escape(key)}:.*$", lambda m: f"{indent}{key}: {value}",
                     text, count=1)
    assert n == 1, f"no {key} in {path}"
    path.write_text(new, encoding="utf-8")


def get_line(path: Path, key: str) -> str:
    m = re.search(rf"(?m)^{re.escape(key)}: ?(.*)$", path.read_text(encoding="utf-8"))
    assert m, f"no {key} in {path}"
    return m.group(1)


class Editor:
    """Random, valid-looking edits of a content folder (and one that breaks it)."""

    def __init__(self, content: Path, rng: random.Random):
        self.content, self.rng = content, rng
        texts = " ".join(p.read_text(encoding="utf-8") for p in content.rglob("*.*")
                         if p.suffix in (".md", ".yaml"))
        # Services that other files link to or name in an event stay (a dangling link is
        # an error, tested elsewhere); the others may be renamed and deleted.
        self.referenced = set(re.findall(r"services/([a-z0-9-]+)", texts)) | \
            set(re.findall(r"(?m)^\s+service: ([a-z0-9-]+)", texts))
        self.regions = sorted({get_line(p, "region") for p in self.services()})
        self.made = 0

    def services(self) -> list[Path]:
        return sorted((self.content / "services").glob("*.yaml"))

    def free_services(self) -> list[Path]:
        return [p for p in self.services() if p.stem not in self.referenced]

    def edit(self) -> str:
        ops = [self.service_name, self.service_kind, self.service_region, self.service_audiences,
               self.service_verified, self.service_delete, self.service_add, self.service_rename,
               self.article_title, self.article_date, self.event_service, self.page_title,
               self.site_title, self.region_name, self.touch]
        weights = [4, 3, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1]
        return self.rng.choices(ops, weights)[0]()

    def service_name(self) -> str:
        path = self.rng.choice(self.services())
        prefix = self.rng.choice(["阿", "中", "兹", "新"])
        set_line(path, "name", prefix + get_line(path, "name"))
        return f"name of {path.stem}"

    def service_kind(self) -> str:
        path = self.rng.choice(self.services())
        kind = self.rng.choice([k for k in vocab.KINDS if k != "hotline"])
        set_line(path, "kind", kind)
        return f"kind of {path.stem} → {kind}"

    def service_region(self) -> str:
        path = self.rng.choice(self.services())
        region = self.rng.choice(self.regions)
        set_line(path, "region", region)
        return f"region of {path.stem} → {region}"

    def service_audiences(self) -> str:
        path = self.rng.choice(self.services())
        chosen = self.rng.sample(sorted(vocab.AUDIENCES), self.rng.randint(1, 3))
        text = path.read_text(encoding="utf-8")
        if re.search(r"(?m)^audiences:", text):
            set_line(path, "audiences", f"[{', '.join(chosen)}]")
        else:
            path.write_text(text + f"audiences: [{', '.join(chosen)}]\n", encoding="utf-8")
        return f"audiences of {path.stem} → {chosen}"

    def service_verified(self) -> str:
        path = self.rng.choice(self.services())
        day = self.rng.choice(["2025-06-01", "2026-05-01", "2026-11-20"])  # stale or not
        set_line(path, "verified", day)
        return f"verified of {path.stem} → {day}"

    def service_delete(self) -> str:
        path = self.rng.choice(self.free_services())
        path.unlink()
        return f"deleted {path.stem}"

    def service_add(self) -> str:
        source = self.rng.choice(self.free_services())
        self.made += 1
        target = source.with_name(f"added-{self.made}.yaml")
        text = source.read_text(encoding="utf-8")
        target.write_text(re.sub(r"(?m)^name: (.*)$", rf"name: 另一个\g<1>{self.made}", text, count=1),
                          encoding="utf-8")
        return f"added {target.stem}"

    def service_rename(self) -> str:
        path = self.rng.choice(self.free_services())
        self.made += 1
        target = path.with_name(f"renamed-{self.made}.yaml")
        path.rename(target)
        return f"renamed {path.stem} → {target.stem}"

    def articles(self) -> list[Path]:
        return sorted(p for p in (self.content / "articles").glob("*.md") if p.name.count(".") == 1)

    def article_title(self) -> str:
        path = self.rng.choice(self.articles())
        set_line(path, "title", get_line(path, "title") + "（更新）")
        return f"title of {path.stem}"

    def article_date(self) -> str:
        path = self.rng.choice(self.articles())
        day = self.rng.choice(["2026-10-02", "2026-11-19", "2026-06-30"])
        set_line(path, "date", day)
        return f"date of {path.stem} → {day}"

    def event_service(self) -> str:
        events = [p for p in self.articles() if re.search(r"(?m)^  service:", p.read_text("utf-8"))]
        path = self.rng.choice(events)
        service = self.rng.choice(self.services()).stem
        set_line(path, "service", service, indent="  ")
        self.referenced.add(service)
        return f"event of {path.stem} at {service}"

    def page_title(self) -> str:
        path = self.rng.choice(sorted((self.content / "pages").glob("*.md")))
        set_line(path, "title", get_line(path, "title") + "·")
        return f"title of page {path.stem}"

    def site_title(self) -> str:
        path = self.content / "site.yaml"
        set_line(path, "title", get_line(path, "title") + "·")
        return "site title"

    def region_name(self) -> str:
        path = self.content / "regions.yaml"
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        names = [i for i, line in enumerate(lines) if re.match(r"\s*(- )?name: ", line)]
        i = self.rng.choice(names)
        lines[i] = lines[i].rstrip("\n") + "甲\n"
        path.write_text("".join(lines), encoding="utf-8")
        return f"region name on line {i + 1}"

    def touch(self) -> str:
        path = self.rng.choice(self.services())
        path.write_bytes(path.read_bytes())
        return f"rewrote {path.stem} unchanged"

    def break_one(self) -> tuple[Path, bytes]:
        path = self.rng.choice(self.services())
        before = path.read_bytes()
        set_line(path, "kind", "nonsense")
        return path, before


# ------------------------------------------------------------------ tests

def offered(content: Path) -> list:
    """The hotlines every list page offers when nothing in it is open (render.open_lines)."""
    from site_builder.render import open_lines
    return [incremental.digest(s) for s in open_lines(check(content, TODAY).directory)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_equals_clean_after_random_edits(tmp_path, seed):
    content = copy_content(SAMPLE, tmp_path / "content")
    out, clean, cache = tmp_path / "out", tmp_path / "clean", tmp_path / "cache"
    rng = random.Random(seed)
    editor = Editor(content, rng)
    inc(content, out, cache)
    total, lines = None, offered(content)
    for step in range(10):
        if rng.random() < 0.1:  # a broken edit: both builds fail, the output stays
            before_out = tree(out)
            path, before = editor.break_one()
            with pytest.raises(ContentError):
                inc(content, out, cache)
            assert tree(out) == before_out
            path.write_bytes(before)
            what = f"broke and fixed {path.stem}"
        else:
            what = f"step {step}: " + "; ".join(editor.edit() for _ in range(rng.randint(1, 3)))
        report = inc(content, out, cache)
        build(content, clean, TODAY, index=False)
        assert_same_tree(out, clean, what)
        counts = report.incremental
        total = counts.rendered + counts.unchanged
        if what.startswith("step") and "site title" not in what and "page" not in what \
                and "region name" not in what:
            # Record edits re-render their pages, lists and summaries, not the whole site
            # (unless they change the hotlines every list offers when nothing is open).
            if offered(content) == lines:
                assert counts.rendered < total / 2, (what, counts)
        lines = offered(content)
    assert total


def test_a_second_build_renders_nothing(site):
    content, out, cache = site
    first = inc(content, out, cache).incremental
    assert first.unchanged == 0 and first.rendered == first.changed > 100
    second = inc(content, out, cache).incremental
    assert (second.rendered, second.unchanged, second.deleted) == (0, first.rendered, 0)


def test_one_record_edit_renders_its_pages(site):
    content, out, cache = site
    inc(content, out, cache)
    feeds = {f: (out / f).stat().st_mtime_ns for f in ("feed.xml", "events.ics")}
    path = content / "services" / "futian-huafu-station.yaml"
    set_line(path, "name", "华富街道心理服务站（新址）")
    report = inc(content, out, cache)
    counts = report.incremental
    page = (out / "services/futian-huafu-station/index.html").read_text(encoding="utf-8")
    assert "华富街道心理服务站（新址）" in page
    # Its page, its areas (street, district, city), its kind and audience lists, and the
    # summaries (home, indexes, search, near.json, 404, robots.txt, /open-data/,
    # /coverage/), the need pages that list it (/needs/counseling/ …) and the open-data
    # files of /data/ (every one of them lists every service); not the feeds. Each page
    # with its elder-mode mirror (elder/…), and the notice-board leaflets of its areas.
    # … in each of the sample's three languages (EDITIONS); and the search page's first-card
    # files (search/top/ of each language: any record can be in any).
    top = len(list(out.glob(f"**/{instant.FOLDER}/*.json")))
    assert 8 <= counts.rendered <= EDITIONS * 2 * (26 + 3) + len(OPEN_DATA_PATHS) + top, counts
    for feed, before in feeds.items():
        assert (out / feed).stat().st_mtime_ns == before, feed  # reused from the last build
    assert (out / "data/services.csv").read_text(encoding="utf-8").count("（新址）") == 1
    for path in ["regions/futian-huafu/index.html", "regions/futian/index.html",
                 "kinds/service_station/index.html", "audiences/families/index.html"]:
        assert "华富街道心理服务站（新址）" in (out / path).read_text(encoding="utf-8"), path
    assert "（新址）" not in (out / "services/futian-guidance-center/index.html").read_text("utf-8")


def test_deleted_and_renamed_records_lose_their_pages(site):
    content, out, cache = site
    inc(content, out, cache)
    (content / "services" / "futian-huafu-station.yaml").unlink()
    (content / "services" / "futian-xiasha-room.yaml").rename(content / "services" / "xiasha.yaml")
    report = inc(content, out, cache)
    assert not (out / "services/futian-huafu-station").exists()
    assert not (out / "services/futian-xiasha-room").exists()
    assert (out / "services/xiasha/index.html").is_file()
    assert not (out / "elder/services/futian-huafu-station").exists()
    assert (out / "elder/services/xiasha/index.html").is_file()
    assert report.incremental.deleted == EDITIONS * 2 * 2  # each page and its elder-mode mirror, in each language
    assert "futian-huafu-station" not in (out / "sitemap.xml").read_text(encoding="utf-8")


def test_a_page_changed_in_the_output_is_rendered_again(site):
    content, out, cache = site
    inc(content, out, cache)
    page = out / "services" / "futian-huafu-station" / "index.html"
    good = page.read_bytes()
    page.write_bytes(b"edited by hand")
    report = inc(content, out, cache)
    assert report.incremental.rendered == 1
    assert page.read_bytes() == good


def test_the_previous_output_is_never_modified_through_a_link(site):
    """Reused pages are hard links into the previous output; a changed page must be a
    new file, or the previous build (or a copy being served) would change too."""
    content, out, cache = site
    inc(content, out, cache)
    kept = out.parent / "kept"
    shutil.copytree(out, kept, copy_function=os.link)
    before = tree(kept)
    set_line(content / "services" / "futian-huafu-station.yaml", "name", "改名的服务站")
    inc(content, out, cache)
    assert tree(kept) == before


def test_a_build_without_cache_or_a_foreign_manifest_renders_everything(site):
    content, out, cache = site
    inc(content, out, cache)
    build(content, out, TODAY, index=False)  # a clean build writes new files
    assert inc(content, out, cache).incremental.unchanged == 0
    manifest = manifest_path(cache, out)
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["format"] = 0
    manifest.write_text(json.dumps(data), encoding="utf-8")
    assert inc(content, out, cache).incremental.unchanged == 0


def test_templates_and_static_files_are_part_of_every_fingerprint(site, tmp_path, monkeypatch):
    content, _, _ = site
    directory = build(content, tmp_path / "o", TODAY, index=False).directory
    for name in ("TEMPLATES", "STATIC"):
        folder = shutil.copytree(getattr(incremental, name), tmp_path / name)
        monkeypatch.setattr(incremental, name, folder)
        before = incremental.everything_digest(directory, "")
        first = sorted(p for p in folder.iterdir() if p.is_file())[0]
        first.write_bytes(first.read_bytes() + b" ")
        assert incremental.everything_digest(directory, "") != before, name


def test_incremental_with_search_index_equals_clean(site, tmp_path):
    content, out, cache = site
    inc(content, out, cache, index=True)
    set_line(content / "services" / "futian-huafu-station.yaml", "name", "华富心理驿站")
    (content / "services" / "futian-xiasha-room.yaml").unlink()
    report = inc(content, out, cache, index=True)
    # (+ the open-data files, which list every service; each page with its elder-mode mirror)
    top = len(list(out.glob(f"**/{instant.FOLDER}/*.json")))  # search/top/, as above
    assert report.indexed > 0 and report.incremental.rendered < EDITIONS * 2 * 40 + len(OPEN_DATA_PATHS) + top
    build(content, tmp_path / "clean", TODAY, index=True)
    assert_same_tree(out, tmp_path / "clean")


def test_cli_incremental_summary(site):
    content, out, cache = site
    cmd = [sys.executable, "-m", "site_builder", "build", "--content", str(content),
           "--out", str(out), "--cache", str(cache)]
    env = {"SITE_BUILDER_TODAY": TODAY.isoformat(), "PATH": "/usr/bin:/bin",
           "SITE_BUILDER_MESSAGES": "en"}  # the summary read word for word is the English one
    subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    # Nothing changed at all: the build has nothing to do, and says so.
    result = subprocess.run(cmd, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip().splitlines()[-1]
    assert re.search(r"incremental: 0 rendered \(0 changed\), \d+ unchanged, 0 deleted", line), line
    assert line.endswith("(unchanged 0.00)"), line
    # A record saved again unchanged: every stage runs, and no page is rendered.
    record = next((content / "services").glob("*.yaml"))
    os.utime(record, ns=(record.stat().st_atime_ns, record.stat().st_mtime_ns + 1_000_000_000))
    result = subprocess.run(cmd, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip().splitlines()[-1]
    assert re.search(r"incremental: 0 rendered \(0 changed\), \d+ unchanged, 0 deleted", line), line
    # Plain stage lines on stderr (not a terminal), seconds per stage in the summary.
    assert re.search(r"(?m)^render\s+[\d,]+ pages\s+[\d.]+ s$", result.stderr), result.stderr
    assert re.search(r"\(load [\d.]+, validate [\d.]+, plan [\d.]+, render [\d.]+, "
                     r"write [\d.]+, index [\d.]+, swap [\d.]+, cleanup [\d.]+\)$", line), line


@pytest.fixture
def short_lists(monkeypatch):
    """Lists of the sample summarised past 8 services, their full lists 3 cards a page."""
    from site_builder import paging, render
    monkeypatch.setattr(render, "LIST_LIMIT", 8)
    monkeypatch.setattr(paging, "PAGE_SIZE", 3)


@pytest.mark.parametrize("seed", [5, 6])
def test_incremental_equals_clean_with_paginated_lists(tmp_path, short_lists, seed):
    content = copy_content(SAMPLE, tmp_path / "content")
    out, clean, cache = tmp_path / "out", tmp_path / "clean", tmp_path / "cache"
    rng = random.Random(seed)
    editor = Editor(content, rng)
    inc(content, out, cache)
    assert len(list(out.glob("regions/*/page/*/index.html"))) > 20
    for step in range(6):
        what = f"step {step}: " + "; ".join(editor.edit() for _ in range(rng.randint(1, 3)))
        inc(content, out, cache)
        build(content, clean, TODAY, index=False)
        assert_same_tree(out, clean, what)


def test_one_record_edit_renders_only_the_list_pages_it_is_on(site, short_lists):
    content, out, cache = site
    inc(content, out, cache)
    pages = sorted(out.glob("kinds/service_station/page/*/index.html"))
    assert len(pages) > 3
    before = {p: p.stat().st_ino for p in pages}  # a page reused is a hard link: same inode
    path = content / "services" / "futian-huafu-station.yaml"
    set_line(path, "address", "深圳市福田区华富街道新址 1 号")  # on its card; the order stays
    inc(content, out, cache)
    rendered = [p for p in pages if p.stat().st_ino != before[p]]
    assert len(rendered) == 1 and "华富街道新址 1 号" in rendered[0].read_text("utf-8")

"""The pipeline, top to bottom: load → validate → model → render → write → index.

`check()` runs the first three stages; `build()` runs them all into a staging
folder and swaps it in only when every stage succeeded. With a cache folder,
`build()` is incremental: it renders only the pages whose inputs changed and
links the others from the previous output (see incremental.py).
"""
from __future__ import annotations

import subprocess
import time
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from pathlib import Path
from typing import Callable, Iterator

from . import vocab
from .errors import Abort, ContentError, Problems
from .exports import open_data
from .incremental import Counts, Plan, save_manifest
from .index import IndexError_, index_site
from .load import display_path, load
from .messages import M
from .model import Directory
from .progress import Advance, Progress
from .search import shards as search_shards
from .render import ARTICLES_PER_PAGE, STATIC, render_site, sitemap
from .shards import Part
from .publish import (check_output_dir, discard_staging, disk_full, explain, no_space,
                      remove_stale, remove_tree, staging_dir, swap)
from .signals import deferred
from .supervise import Budget
from .validate import validate
from .write import copy_files, copy_tree, write_outputs


@dataclass
class Report:
    """What a run did, for the summary line and for tests."""

    problems: Problems
    directory: Directory | None = None
    pages: int = 0
    """HTML pages in the output."""
    indexed: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    """Seconds per stage, in the order the stages ran."""
    incremental: Counts | None = None
    """Pages rendered, reused and deleted by an incremental build; None for a clean one."""
    interrupted: bool = False
    """Ctrl-C or SIGTERM came after the new site was swapped in: it is live all the same."""
    leftover: Path | None = None
    """The previous output, when a second signal stopped its removal (the next build
    removes it)."""
    search: object | None = None
    """index.Indexed: the search shards, and which of them were indexed or reused."""


class _Stages:
    """Times each stage into the report, and shows it through `progress`."""

    def __init__(self, report: Report, progress: Progress):
        self.report, self.progress = report, progress

    @contextmanager
    def __call__(self, name: str, total: int | None = None, unit: str = "") -> Iterator[Advance]:
        start = time.perf_counter()
        with self.progress.stage(name, total, unit) as advance:
            yield advance
        self.report.seconds[name] = round(time.perf_counter() - start, 3)


class _Timed:
    """Iterates a generator, adding up the time spent inside it (rendering)."""

    def __init__(self, items: Iterator):
        self.items, self.seconds = items, 0.0

    def __iter__(self) -> Iterator:
        while True:
            start = time.perf_counter()
            try:
                item = next(self.items)
            except StopIteration:
                return
            finally:
                self.seconds += time.perf_counter() - start
            yield item


def check(content: Path, today: date | None = None, progress: Progress | None = None,
          publishing: bool = False) -> Report:
    """Load and validate `content`; the report lists every problem found. `publishing`:
    for a build (placeholders of `site-builder new` are errors then)."""
    if not content.is_dir():
        raise Abort(M("content.missing", "content folder {content} does not exist (pass "
                      "--content DIR)", content=content))
    report = Report(Problems())
    stage = _Stages(report, progress or Progress())
    with stage("load"):
        raw = load(content, report.problems)
    root_display = display_path(content / "x", content)[:-1]
    with stage("validate"):
        report.directory = validate(raw, report.problems, today=today, root_display=root_display,
                                    publishing=publishing)
    return report


def edit_prefix(content: Path) -> str:
    """Path of the content folder inside its Git repository (`content/`), for edit links.
    Without a repository the content folder is taken as the repository root."""
    try:
        top = subprocess.run(["git", "-C", str(content), "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    if top.returncode != 0:
        return ""
    rel = content.resolve().relative_to(Path(top.stdout.strip()).resolve()).as_posix()
    return "" if rel == "." else rel + "/"


def expected_pages(d: Directory) -> int:
    """About how many outputs `render_site` makes (the length of the progress bar)."""
    return (len(d.services) + len(d.regions) + len(d.articles) + len(d.pages) + len(vocab.KINDS)
            + len(vocab.AUDIENCES) + -(-len(d.articles) // ARTICLES_PER_PAGE) + 10)


def build(content: Path, out: Path, today: date | None = None, index: bool = True, *,
          cache: Path | None = None, progress: Progress | None = None,
          lock: AbstractContextManager | None = None,
          discard: Callable[[Path | None], None] = remove_tree,
          index_budget: Budget | None = None, shard: str | None = None,
          assemble: list[Path] | None = None) -> Report:
    """Build the site from `content` into `out`. On content errors raise
    ContentError and leave `out` exactly as it was; so on every other failure
    (IndexError_, PublishError, KeyboardInterrupt), with the staging folder removed.

    `cache`: a folder for the manifest of an incremental build (pages whose inputs did
    not change are reused from `out`). `lock` is held while the new output replaces the
    old one; `discard` deletes the old one afterwards (the dev server does it later).
    `index_budget`: time and memory for Pagefind (default: index.default_budget).
    `shard`: build only that top-level area's pages (and its shard.json); `assemble`:
    the output folders of every shard, whose pages are linked in, not rendered (shards.py)."""
    target = check_output_dir(out, content)
    progress = progress or Progress()
    report = check(content, today, progress, publishing=True)
    if report.problems.errors or report.directory is None:
        raise ContentError(report.problems.errors)
    directory = report.directory
    prefix = edit_prefix(content)
    stage = _Stages(report, progress)
    plan = part = None
    if shard is not None or assemble is not None:
        if cache is not None:
            raise Abort(M("build.shard_incremental", "a shard or an assembly is always built clean "
                          "(no --incremental)"))
        part = Part(directory, content, shard, assemble)
    if cache is not None:
        with stage("plan"):  # the fingerprint of every record, and the last build's manifest
            plan = Plan.start(directory, prefix, cache, out)
    remove_stale(target)  # what builds that crashed (killed, power cut) left behind
    staged, doing, published = None, "making the staging folder", False
    try:
        with deferred() as held:  # a signal now would lose track of the new folder
            staged = staging_dir(target)
        if held.signals:
            raise KeyboardInterrupt
        doing = "writing the site"
        with stage("render", expected_pages(directory), "pages") as advance:
            def wanted(path: str) -> bool:
                advance(1)
                if part is not None and not part.wanted(path):
                    return False
                return plan.wanted(path) if plan else True

            # Pages are written as they are rendered, so a province's HTML never sits in memory;
            # then the open-data files of /data/ (exports/).
            pages = _Timed(chain(render_site(directory, prefix, wanted), open_data(directory, wanted)))
            paths = write_outputs(staged, plan.record(pages) if plan else pages)
            if plan:
                paths = sorted(paths + plan.link_reused(staged))
            if part is not None:
                paths = part.gather(staged, paths)
            if part is None or part.site_wide:
                write_outputs(staged, [sitemap(paths, directory.site.base_url)])
                copy_tree(STATIC, staged / "static")
        report.pages = sum(1 for p in paths if p.endswith(".html"))
        written = report.seconds.pop("render")
        report.seconds["render"] = round(pages.seconds, 3)
        report.seconds["write"] = round(written - pages.seconds, 3)
        if index:
            doing = "indexing the site"
            with stage("index"):
                # One Pagefind bundle per search shard; unchanged shards of an incremental
                # build are reused from `out` (index.py).
                if part is not None:  # a shard's own bundles; or the shards' linked in
                    result = part.index(staged, target, search_shards.plan(directory), index_budget)
                else:
                    result = index_site(staged, search_shards.plan(directory), index_budget,
                                        previous=out if cache is not None else None)
                report.indexed, report.search = result.pages, result
        # Media come in after the index: search lists generated pages only, never a file
        # an editor put in media/.
        doing = "writing the site"
        if part is None or part.site_wide:
            copy_files(((m.source, f"media/{m.rel}") for m in directory.media), staged)
        manifest = plan.finish(staged) if plan else None
        doing = "replacing the output"
        with deferred() as held:  # once begun, the swap is finished before a signal counts
            with stage("swap"):
                old = swap(staged, target, lock)
            published = True
            # The new site is live. A signal from here on ends the build normally (and
            # honestly: report.interrupted); a second one abandons the cleanup at once.
            if plan is not None and cache is not None and manifest is not None:
                # After the swap: a manifest must never describe pages that are not in
                # `out` (and should this fail, the next build only renders more than it needs).
                save_manifest(cache, out, manifest)
                report.incremental = plan.counts
            held.stoppable = True
            try:
                with stage("cleanup"):  # deleting the previous output: seconds for a large site
                    discard(old)
            except KeyboardInterrupt:
                report.leftover = old
    except OSError as exc:  # a full disk, no permission: name it, and the folder
        if published:
            raise
        discard_staging(staged)
        raise explain(exc, target, doing) from exc
    except IndexError_ as exc:  # Pagefind says nothing about a full disk: look
        full = disk_full(target.workspace)
        discard_staging(staged)
        if full:
            raise no_space(target, doing) from exc
        raise
    except BaseException:
        if not published:
            discard_staging(staged)
        raise
    report.interrupted = bool(held.signals)
    return report

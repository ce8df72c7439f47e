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
from pathlib import Path
from typing import Callable, Iterator

from . import vocab
from .errors import Abort, ContentError, Problem, Problems
from .exports import open_data_jobs
from .govsite import write_share_image
from .incremental import Counts, Plan, inputs_stamp, save_manifest, save_stamp, unchanged
from .index import IndexError_, index_site
from .load import display_path, load
from .messages import M
from .model import Directory
from .progress import Advance, Progress
from .parallel import run_jobs
from .search import shards as search_shards
from .render import ARTICLES_PER_PAGE, STATIC, render_jobs, sitemap
from .shards import Part
from .publish import (check_output_dir, discard_staging, disk_full, explain, no_space,
                      remove_stale, remove_tree, staging_dir, swap)
from .signals import deferred
from .supervise import Budget
from .validate import validate
from .write import copy_files, copy_tree, link_files, write_outputs


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
    processes: int = 0
    """Processes that rendered (parallel.run_jobs)."""
    search_pending: bool = False
    """The pages are live with the previous search bundle: `reindex` is to follow."""
    search_plan: object | None = None
    """search.shards.Plan of the new pages, for `reindex` (with `search_pending`)."""
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


def _unchanged_report(saved: dict) -> Report:
    """The report of a build that found nothing to do: the last build's figures and warnings."""
    problems = Problems([Problem(*w, "warning") for w in saved.get("warnings", [])])
    report = Report(problems, pages=saved.get("pages", 0), indexed=saved.get("indexed", 0))
    report.incremental = Counts(unchanged=saved.get("outputs", report.pages))
    report.seconds["unchanged"] = 0.0
    return report


def build(content: Path, out: Path, today: date | None = None, index: bool = True, *,
          cache: Path | None = None, progress: Progress | None = None,
          lock: AbstractContextManager | None = None,
          discard: Callable[[Path | None], None] = remove_tree,
          index_budget: Budget | None = None, shard: str | None = None,
          assemble: list[Path] | None = None, processes: int | None = None,
          search_later: bool = False) -> Report:
    """Build the site from `content` into `out`. On content errors raise
    ContentError and leave `out` exactly as it was; so on every other failure
    (IndexError_, PublishError, KeyboardInterrupt), with the staging folder removed.

    `cache`: a folder for the manifest of an incremental build (pages whose inputs did
    not change are reused from `out`). `lock` is held while the new output replaces the
    old one; `discard` deletes the old one afterwards (the dev server does it later).
    `index_budget`: time and memory for Pagefind (default: index.default_budget).
    `processes`: how many render (parallel.workers; 1 renders in this process).
    `search_later` (the dev server): when `out` has a search bundle, the new pages go live
    with it at once and `report.search_pending` is set: `reindex` then brings search up to date.
    `shard`: build only that top-level area's pages (and its shard.json); `assemble`:
    the output folders of every shard, whose pages are linked in, not rendered (shards.py)."""
    target = check_output_dir(out, content)
    progress = progress or Progress()
    inputs = None
    if cache is not None and today is not None:
        # Nothing changed since the last build into `out` (content, code, date) and `out`
        # is as it left it: the site is already built (a stat per file, no parsing).
        inputs = inputs_stamp(content, today, edit_prefix(content), index)
        previous = unchanged(cache, out, inputs)
        if previous is not None:
            return _unchanged_report(previous)
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
            # The open-data files of /data/ (exports/; the HSDS tables are the longest job,
            # best begun first) and the pages: rendered and written on every core, each as
            # it is rendered, so a province's HTML never sits in memory (parallel.py).
            # A shard renders its province's pages only; an assembly all the others.
            jobs = open_data_jobs(directory) + render_jobs(directory, prefix)
            if part is not None and plan is not None:
                def wanted(path: str) -> bool:
                    return part.wanted(path) and plan.wanted(path)
            else:
                wanted = part.wanted if part is not None else plan.wanted if plan else None
            done = run_jobs(staged, jobs, wanted, advance,
                            hashes=plan is not None, processes=processes)
            paths = sorted(done.paths)
            if plan:
                plan.note(done.paths, done.hashes)
                paths = sorted(paths + plan.link_reused(staged))
            if part is not None:
                paths = part.gather(staged, paths)
            if part is None or part.site_wide:
                write_outputs(staged, [sitemap(paths, directory.site.base_url)])
                copy_tree(STATIC, staged / "static")
                write_share_image(directory.site, staged)  # og:image, when site.yaml names none
        report.pages = sum(1 for p in paths if p.endswith(".html"))
        report.processes = len(done.pids)
        # The stage's wall time, split as the processes spent it between rendering and writing.
        seconds = report.seconds.pop("render")
        share = done.render / (done.render + done.write) if done.render + done.write else 1.0
        report.seconds["render"] = round(seconds * share, 3)
        report.seconds["write"] = round(seconds * (1 - share), 3)
        previous_bundle = _bundle_files(target.real) if index and search_later else []
        if previous_bundle:  # pages first: the last search bundle until `reindex` replaces it
            link_files(target.real, staged, previous_bundle)
            report.search_pending = True
            report.search_plan = search_shards.plan(directory)
        elif index:
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
                if inputs is not None:
                    save_stamp(cache, out, inputs, {
                        "pages": report.pages, "indexed": report.indexed, "outputs": len(manifest),
                        "warnings": [[p.path, p.line, p.field, p.message]
                                     for p in report.problems.warnings]})
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


def _bundle_files(site: Path) -> list[str]:
    """Site paths of the search bundle (pagefind/) in `site`; empty when there is none."""
    bundle = site / "pagefind"
    if not (bundle / "shards.json").is_file():
        return []
    return sorted(p.relative_to(site).as_posix() for p in bundle.rglob("*") if p.is_file())


def reindex(out: Path, content: Path, *, lock: AbstractContextManager | None = None,
            discard: Callable[[Path | None], None] = remove_tree,
            index_budget: Budget | None = None, plan: object | None = None) -> int:
    """Index the live site at `out` again, after a `build(search_later=True)`: its files
    are hard-linked into a staging folder (none is copied), indexed there, and swapped in,
    so the served site never has a half-written index. `plan`: the build's search shards
    (`report.search_plan`); only the shards whose pages changed are indexed again, the
    others are linked from `out`. Returns the pages indexed."""
    target = check_output_dir(out, content)
    staged = None
    try:
        with deferred() as held:
            staged = staging_dir(target)
        if held.signals:
            raise KeyboardInterrupt
        live = target.real
        files = [p.relative_to(live).as_posix() for p in live.rglob("*")
                 if p.is_file() and p.parts[len(live.parts)] != "pagefind"
                 and p.name != ".site-builder-output"]
        link_files(live, staged, files)
        indexed = index_site(staged, plan, index_budget, previous=live).pages
        with deferred():
            old = swap(staged, target, lock)
            staged = None
        discard(old)
        return indexed
    except BaseException:
        discard_staging(staged)
        raise

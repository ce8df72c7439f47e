"""The pipeline, top to bottom: load → validate → model → render → write → index.

`check()` runs the first three stages; `build()` runs them all into a staging
folder and swaps it in only when every stage succeeded.
"""
from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterator

from .errors import Abort, ContentError, Problems
from .index import build_index
from .load import display_path, load
from .model import Directory
from .render import STATIC, render_site, sitemap
from .validate import validate
from .write import check_output_dir, copy_files, copy_tree, staging_dir, swap, write_outputs


@dataclass
class Report:
    """What a run did, for the summary line and for tests."""

    problems: Problems
    directory: Directory | None = None
    pages: int = 0
    indexed: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


class _Clock:
    def __init__(self, report: Report):
        self.report, self.last = report, time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.report.seconds[stage] = round(now - self.last, 3)
        self.last = now


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


def check(content: Path, today: date | None = None) -> Report:
    """Load and validate `content`; the report lists every problem found."""
    if not content.is_dir():
        raise Abort(f"content folder {content} does not exist (pass --content DIR)")
    report = Report(Problems())
    clock = _Clock(report)
    raw = load(content, report.problems)
    clock.lap("load")
    root_display = display_path(content / "x", content)[:-1]
    report.directory = validate(raw, report.problems, today=today, root_display=root_display)
    clock.lap("validate")
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


def build(content: Path, out: Path, today: date | None = None, index: bool = True) -> Report:
    """Build the site from `content` into `out`. On content errors raise
    ContentError and leave `out` exactly as it was."""
    check_output_dir(out, content)
    report = check(content, today)
    if report.problems.errors or report.directory is None:
        raise ContentError(report.problems.errors)
    directory = report.directory
    clock = _Clock(report)
    staged = staging_dir(out)
    try:
        # Pages are written as they are rendered, so a province's HTML never sits in memory.
        pages = _Timed(render_site(directory, edit_prefix(content)))
        paths = write_outputs(staged, pages)
        write_outputs(staged, [sitemap(paths, directory.site.base_url)])
        copy_tree(STATIC, staged / "static")
        copy_files(((m.source, f"media/{m.rel}") for m in directory.media), staged)
        report.pages = sum(1 for p in paths if p.endswith(".html"))
        clock.lap("write")
        written = report.seconds.pop("write")
        report.seconds["render"] = round(pages.seconds, 3)
        report.seconds["write"] = round(written - pages.seconds, 3)
        if index:
            report.indexed = build_index(staged)
            clock.lap("index")
        swap(staged, out)
        clock.lap("swap")
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return report

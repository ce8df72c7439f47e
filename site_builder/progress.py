"""Showing a build's stages as they run: a progress bar on a terminal, plain lines in
logs, or nothing (tests, the dev server's rebuilds).

`build()` receives a `Progress` and calls `stage(name, total)` around each stage; the
stage's context gives an `advance(n)` callable for stages that count something (pages).
The seconds in the build's summary come from the build itself, not from here.
"""
from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from typing import Callable, Iterator, TextIO

Advance = Callable[[int], None]


class Progress:
    """Shows nothing: the default, for tests and for the library."""

    @contextmanager
    def stage(self, name: str, total: int | None = None, unit: str = "") -> Iterator[Advance]:
        """Run one stage; `total` (when known) is how many `unit`s it will count."""
        yield lambda n=1: None

    def close(self) -> None:
        """Leave the terminal clean (stop a live display)."""


class Lines(Progress):
    """One line per finished stage (`render      1,561 pages   0.51 s`): for logs,
    where a redrawn bar would be noise."""

    def __init__(self, stream: TextIO):
        self.stream = stream

    @contextmanager
    def stage(self, name: str, total: int | None = None, unit: str = "") -> Iterator[Advance]:
        count = 0

        def advance(n: int = 1) -> None:
            nonlocal count
            count += n

        start = time.perf_counter()
        yield advance
        counted = f"{count:,} {unit}" if unit else ""
        print(f"{name:<9} {counted:>14} {time.perf_counter() - start:7.2f} s",
              file=self.stream, flush=True)


class Bar(Progress):
    """A rich progress bar per stage (a spinner when the total is not known); each
    finished stage stays on screen as one line, like `Lines`."""

    def __init__(self, stream: TextIO):
        from rich.console import Console
        from rich.progress import (BarColumn, Progress as RichProgress, SpinnerColumn, TextColumn,
                                   TimeElapsedColumn)

        self.console = Console(file=stream)
        self.bar = RichProgress(SpinnerColumn(), TextColumn("{task.description:<9}"), BarColumn(),
                                TextColumn("{task.fields[count]}"), TimeElapsedColumn(),
                                console=self.console, transient=True)
        self.bar.start()

    @contextmanager
    def stage(self, name: str, total: int | None = None, unit: str = "") -> Iterator[Advance]:
        task = self.bar.add_task(name, total=total, count="")
        count = 0

        def advance(n: int = 1) -> None:
            nonlocal count
            count += n
            shown = f"{count:,}/{total:,} {unit}" if total else f"{count:,} {unit}"
            self.bar.update(task, advance=n, count=shown)

        start = time.perf_counter()
        try:
            yield advance
        finally:
            self.bar.remove_task(task)
        counted = f"{count:,} {unit}" if unit else ""
        self.console.print(f"{name:<9} {counted:>14} {time.perf_counter() - start:7.2f} s",
                           highlight=False)

    def close(self) -> None:
        self.bar.stop()  # idempotent


def for_terminal(stream: TextIO | None = None) -> Progress:
    """A bar on an interactive terminal; plain lines when the output is a file or a pipe,
    or when CI is set (CI logs are often a TTY that cannot redraw)."""
    stream = stream or sys.stderr
    ci = os.environ.get("CI", "").lower() not in ("", "0", "false")
    if ci or not stream.isatty() or os.environ.get("TERM") == "dumb":
        return Lines(stream)
    return Bar(stream)

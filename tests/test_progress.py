"""Progress display: plain lines in logs and CI, a bar on a terminal, nothing by default."""
from __future__ import annotations

import io

from site_builder.progress import Bar, Lines, Progress, for_terminal


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_lines_print_one_line_per_stage():
    stream = io.StringIO()
    progress = Lines(stream)
    with progress.stage("render", 3, "pages") as advance:
        for _ in range(1561):
            advance(1)
    with progress.stage("index"):
        pass
    first, second = stream.getvalue().splitlines()
    assert first.split()[:3] == ["render", "1,561", "pages"] and first.endswith(" s")
    assert second.split()[0] == "index" and second.endswith(" s")


def test_a_bar_on_a_terminal_and_lines_elsewhere(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert type(for_terminal(io.StringIO())) is Lines
    bar = for_terminal(FakeTerminal())
    try:
        assert type(bar) is Bar
    finally:
        bar.close()
    monkeypatch.setenv("CI", "true")
    assert type(for_terminal(FakeTerminal())) is Lines


def test_the_bar_leaves_the_stage_lines():
    terminal = FakeTerminal()
    bar = Bar(terminal)
    with bar.stage("render", 10, "pages") as advance:
        advance(10)
    bar.close()
    assert "render" in terminal.getvalue() and "10 pages" in terminal.getvalue()


def test_the_default_shows_nothing():
    with Progress().stage("load") as advance:
        advance(5)

"""Helpers shared by the command modules."""
from __future__ import annotations

import os
import sys
from datetime import date

from ..errors import Problem
from ..messages import say


def today() -> date | None:
    """SITE_BUILDER_TODAY=YYYY-MM-DD pins "today" (stale flags, upcoming events) for tests."""
    value = os.environ.get("SITE_BUILDER_TODAY")
    return date.fromisoformat(value) if value else None


def print_problems(problems: list[Problem], stream=None) -> None:
    stream = stream or sys.stderr
    for problem in problems:
        print(say("cli.warning_line", "warning: {line}", line=problem)
              if problem.severity == "warning" else str(problem), file=stream)


def error_text(exc: BaseException) -> str:
    """`error: <message>` for an Abort (or another one-line failure), in the run's language."""
    message = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
    return say("cli.error", "error: {message}", message=message)

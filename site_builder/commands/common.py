"""Helpers shared by the command modules."""
from __future__ import annotations

import os
import sys
from datetime import date

from ..errors import Problem


def today() -> date | None:
    """SITE_BUILDER_TODAY=YYYY-MM-DD pins "today" (stale flags, upcoming events) for tests."""
    value = os.environ.get("SITE_BUILDER_TODAY")
    return date.fromisoformat(value) if value else None


def print_problems(problems: list[Problem], stream=None) -> None:
    stream = stream or sys.stderr
    for problem in problems:
        prefix = "warning: " if problem.severity == "warning" else ""
        print(f"{prefix}{problem}", file=stream)

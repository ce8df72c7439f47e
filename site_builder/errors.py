"""Problems found in content, and the exceptions that stop a build.

Content problems are data, not exceptions: every stage appends them to a
`Problems` list so that an editor sees all of them in one run. Tracebacks are
for bugs in site-builder only.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .messages import code_of, text


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong (or suspicious) in one content file."""

    path: str
    """File path as shown to the editor (relative to the working directory)."""
    line: int
    """1-based line of the bad key or value; 0 when the whole file is meant."""
    field: str
    """Dotted field name (`hours.mon-fri`, `phones[1]`), or `-` for the file."""
    message: str
    """What is wrong, then in parentheses what was expected."""
    severity: str = "error"
    """`error` stops the build; `warning` is reported and the build goes on."""

    def __str__(self) -> str:
        """`path:line: field: message`, the message in the run's language (messages.py)."""
        return f"{self.path}:{self.line}: {self.field}: {self.text}"

    @property
    def text(self) -> str:
        """The message in the run's language."""
        return text(self.message)

    @property
    def code(self) -> str | None:
        """The message's stable machine code (None for a message not in the catalogue)."""
        return code_of(self.message)


@dataclass
class Problems:
    """Collects errors and warnings from every stage of the pipeline."""

    items: list[Problem] = field(default_factory=list)
    placeholders: list[tuple[Problem, str]] = field(default_factory=list)
    """The warnings about `site-builder new`'s placeholders (待填写…), with their text: `build` makes them
    errors (validate.refuse_placeholders)."""

    def error(self, path: str, line: int, field_name: str, message: str) -> None:
        self.items.append(Problem(path, line, field_name, message, "error"))

    def warning(self, path: str, line: int, field_name: str, message: str) -> None:
        self.items.append(Problem(path, line, field_name, message, "warning"))

    @property
    def errors(self) -> list[Problem]:
        return sorted(p for p in set(self.items) if p.severity == "error")

    @property
    def warnings(self) -> list[Problem]:
        return sorted(p for p in set(self.items) if p.severity == "warning")


class ContentError(Exception):
    """Raised once at the end of validation when the content has errors."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} content error(s)")
        self.problems = problems


class Abort(Exception):
    """A clean stop with one message for the user (missing folder, bad option)."""

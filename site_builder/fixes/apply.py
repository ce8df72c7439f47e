"""`check --fix` over a content folder: which files, the diff of each change, writing them
back as they were saved (UTF-8 BOM and Windows line ends kept), and the hint that marks an
error the fix would correct."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import Problem, Problems
from ..load import _FRONT, _ignored, display_path, read_text
from ..messages import Joined, M
from .rewrite import Change, fix_yaml

FIXABLE = "`check --fix` can correct this"
"""Appended to every error that `check --fix` would correct (messages.py: `fix.can_correct`)."""


@dataclass
class FileFix:
    path: Path
    shown: str
    before: str
    """The text as read (line ends as `\\n`)."""
    after: str
    changes: list[Change]

    def diff(self) -> str:
        return "".join(difflib.unified_diff(
            self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
            fromfile=f"a/{self.shown}", tofile=f"b/{self.shown}"))


def content_files(content: Path) -> list[tuple[Path, str]]:
    """(path, kind) of every YAML text of the content folder that `--fix` reads."""
    out = [(content / name, kind) for name, kind in
           (("site.yaml", "site"), ("regions.yaml", "regions"), ("holidays.yaml", "holidays"))]
    for folder, ext, kind in (("services", ".yaml", "service"), ("articles", ".md", "front"),
                              ("pages", ".md", "front")):
        base = content / folder
        if base.is_dir() and not base.is_symlink():
            out += [(p, kind) for p in sorted(base.iterdir())
                    if p.suffix == ext and not _ignored(p.name) and p.is_file() and not p.is_symlink()]
    return [(p, k) for p, k in out if p.is_file() and not p.is_symlink()]


def fix_file(path: Path, kind: str, content: Path) -> FileFix | None:
    shown = display_path(path, content)
    text = read_text(path, shown, Problems(), 20_000_000 if kind == "regions" else 1_000_000)
    if text is None:
        return None
    if kind == "front":
        match = _FRONT.match(text)
        if not match or match.group(1) is None:
            return None
        front, changes = fix_yaml(match.group(1), kind)
        start = match.start(1)
        after = text[:start] + front + text[match.end(1):]
        changes = [replace(c, line=c.line + 1) for c in changes]  # below the first `---`
    else:
        after, changes = fix_yaml(text, kind)
    if after == text:
        return None
    return FileFix(path, shown, text, after, changes)


def plan(content: Path, only: set[str] | None = None) -> list[FileFix]:
    """The fixes of every file (or of the files shown as `only`), nothing written."""
    fixes = []
    for path, kind in content_files(content):
        if only is not None and display_path(path, content) not in only:
            continue
        fix = fix_file(path, kind, content)
        if fix is not None:
            fixes.append(fix)
    return fixes


def write(fix: FileFix) -> None:
    """Write the fixed text with the file's own BOM and line ends."""
    data = fix.path.read_bytes()
    text = fix.after
    if b"\r\n" in data:
        text = text.replace("\n", "\r\n")
    encoded = text.encode("utf-8")
    if data.startswith(b"\xef\xbb\xbf"):
        encoded = b"\xef\xbb\xbf" + encoded
    fix.path.write_bytes(encoded)


def _corrects(change: Change, problem: Problem) -> bool:
    if problem.line != change.line:
        return False
    if change.field == "-" or problem.field == "-":
        return change.field == "-" and problem.field == "-"
    return problem.field == change.field or problem.field.startswith(change.field + ".") \
        or problem.field.startswith(change.field + "[") or change.field.startswith(problem.field + ".")


def mark_fixable(problems: list[Problem], fixes: list[FileFix]) -> list[Problem]:
    """Each error that one of `fixes` corrects, with FIXABLE after its message."""
    by_path = {f.shown: f.changes for f in fixes}
    out = []
    for p in problems:
        changes = by_path.get(p.path, ())
        if p.severity == "error" and any(_corrects(c, p) for c in changes):
            p = replace(p, message=Joined(p.message, M("fix.can_correct", "; `check --fix` can "
                                                        "correct this")))
        out.append(p)
    return out

"""Where the site goes and how it replaces the previous one (around stage 5, write).

The new site is written into a staging folder and swapped in only when it is
complete and indexed; until then the published output is untouched.

* `--out` a folder whose parent we may write to: the staging folder is made beside it
  (`.<out>.tmp-XXXXXXXX`, same file system) and the swap is two renames.
* `--out` a symbolic link (to a web root): everything happens at the link's target;
  the link itself is kept, so the web root is what gets updated.
* `--out` a mount point (a Docker volume, a mounted disk) or a folder whose parent we
  cannot write to: the folder itself cannot be renamed, so the staging folder is made
  inside it (`.site-builder.tmp-XXXXXXXX`) and its *contents* are swapped: each entry
  is renamed into place (milliseconds for a site, but not one atomic step).

Folders are created with 0777 and files with 0666 under the umask (0755 / 0644 with
the usual 022), so a web server running as another user can read them.

Each staging folder and each previous output moved aside is locked (flock) by the
build that made it. A build first removes the leftovers of builds that crashed: folders
with our names, beside (or inside) the output, holding our marker file or nothing,
and not locked by a running build.
"""
from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no locks; leftovers are then never removed automatically
    fcntl = None

from .errors import Abort
from .messages import M
from .render import STATIC, TEMPLATES
from .write import MARKER

IN_PLACE_PREFIX = ".site-builder"
"""Name prefix of the staging and old folders made inside an output folder."""
KEEP_IN_PLACE = frozenset({"lost+found"})
"""Entries of a mounted output folder that are not ours and are never moved."""
LOW_SPACE = 1 << 20
"""Bytes: with less free space than this, a failed write is reported as a full disk."""


class PublishError(Exception):
    """The output cannot be written or replaced (disk full, permissions, busy folder);
    the message is one line and says that the published output was not changed."""


@dataclass(frozen=True)
class Target:
    """The output folder as given, and where the build really writes."""

    given: Path
    """`--out`, absolute (may be a symbolic link)."""
    real: Path
    """The folder itself, symbolic links resolved."""
    in_place: bool
    """Swap the folder's contents instead of the folder (mount point, locked parent)."""

    @property
    def workspace(self) -> Path:
        """The folder that holds the staging folder and the previous output moved aside."""
        return self.real if self.in_place else self.real.parent

    @property
    def prefix(self) -> str:
        return IN_PLACE_PREFIX if self.in_place else f".{self.real.name}"


# ------------------------------------------------------------------ checks

def _inside(inner: Path, outer: Path) -> bool:
    return inner == outer or outer in inner.parents


def check_output_dir(out: Path, content: Path) -> Target:
    """Refuse an output folder that is not ours, or that would hold or be held by what
    the build reads (the content, the templates, the static files): a site published
    inside its own content would be republished inside itself on every build."""
    given = Path(os.path.abspath(out))
    real = Path(os.path.realpath(out))
    inputs = {"content": content, "templates": TEMPLATES, "static files": STATIC}
    for what, folder in inputs.items():
        for source in {Path(os.path.abspath(folder)), Path(os.path.realpath(folder))}:
            for o in {given, real}:
                if _inside(source, o):
                    raise Abort(M("out.replaces_input", "the output folder {given} would replace "
                                  "the {what} folder {source} (choose another --out)",
                                  given=given, what=what, source=source))
                if _inside(o, source):
                    raise Abort(M("out.inside_input", "the output folder {given} is inside the "
                                  "{what} folder {source}: every build would publish the last "
                                  "one inside itself (choose a folder outside it, such as build)",
                                  given=given, what=what, source=source))
    if real == Path.cwd().resolve() or real == Path(real.anchor):
        raise Abort(M("out.refused", "refusing to use {given} as the output folder (choose a "
                      "folder such as build)", given=given))
    if real.exists() and not real.is_dir():
        raise Abort(M("out.not_folder", "{given} exists and is not a folder (choose another "
                      "--out)", given=given))
    in_place = real.is_dir() and (is_mount(real) or not os.access(real.parent, os.W_OK | os.X_OK))
    if real.is_dir():
        entries = [e for e in real.iterdir()
                   if not (in_place and (e.name in KEEP_IN_PLACE
                                         or e.name.startswith(IN_PLACE_PREFIX + ".")))]
        if entries and not (real / MARKER).exists():
            raise Abort(M("out.not_ours", "{given} is not empty and was not made by "
                          "site-builder; it is left alone (choose an empty or new folder for "
                          "--out)", given=given))
        if in_place and not os.access(real, os.W_OK | os.X_OK):
            raise Abort(M("out.not_writable", "cannot write to the output folder {given} (check "
                          "its owner and mode)", given=given))
    return Target(given, real, in_place)


def _mount_points() -> set[str]:
    """Mount points from /proc/self/mountinfo (Linux), which also lists bind mounts of
    the same file system that `os.path.ismount` cannot see."""
    try:
        text = Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    unescape = lambda s: re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), s)  # noqa: E731
    return {unescape(line.split()[4]) for line in text.splitlines() if len(line.split()) > 4}


def is_mount(path: Path) -> bool:
    return os.path.ismount(path) or str(path) in _mount_points()


# ------------------------------------------------------------------ locks

_locks: dict[Path, int] = {}
"""Open, flock-ed descriptors of the folders this process is using, by path."""


def _lock(path: Path) -> None:
    if fcntl is None:
        return
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a new folder: never held by another
    _locks[path] = fd


def _unlock(path: Path) -> None:
    fd = _locks.pop(path, None)
    if fd is not None:
        os.close(fd)


def _unlocked(path: Path) -> bool:
    """True when no running build holds `path` (its builder crashed or finished)."""
    if fcntl is None:
        return False
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


# ------------------------------------------------------------------ staging and swap

def umask() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o22)  # not thread-safe, hence /proc first
    os.umask(mask)
    return mask


def _new_folder(target: Target, kind: str) -> Path:
    """A new, locked, empty folder in the workspace, readable by all under the umask."""
    path = Path(tempfile.mkdtemp(prefix=f"{target.prefix}.{kind}-", dir=target.workspace))
    os.chmod(path, 0o777 & ~umask())  # mkdtemp makes 0700: a web server could not read it
    _lock(path)
    return path


def staging_dir(target: Target) -> Path:
    """A new empty folder to build into, on the output's file system, marked as ours
    at once (so that it can be recognised and removed if this build crashes)."""
    target.workspace.mkdir(parents=True, exist_ok=True)
    staged = _new_folder(target, "tmp")
    (staged / MARKER).write_text("Generated by site-builder: this folder is replaced on every "
                                 "build.\n", encoding="utf-8")
    return staged


def swap(staged: Path, target: Target, lock: AbstractContextManager | None = None) -> Path | None:
    """Replace the output by `staged`, holding `lock` (the dev server opens files under
    it, so a request never sees the moment between the renames). Returns the previous
    output, moved aside, for `remove_tree`; None when there was none. On failure the
    previous output is put back and PublishError says why."""
    try:
        with lock or nullcontext():
            if target.in_place:
                old = _swap_contents(staged, target)
            else:
                old = _swap_folder(staged, target)
    except OSError as exc:
        raise PublishError(M("out.replace_failed", "could not replace {given}: {why} ({hint}the "
                             "output was not changed)", given=target.given,
                             why=exc.strerror or exc, hint=_busy_hint(exc))) from exc
    _unlock(staged)
    return old


def _busy_hint(exc: OSError) -> str:
    if exc.errno in (errno.EBUSY, errno.EXDEV):
        return M("out.hint_mount", "it looks like a mount point site-builder did not recognise; ")
    return ""


def _swap_folder(staged: Path, target: Target) -> Path | None:
    real, old = target.real, None
    if real.exists():
        old = _new_folder(target, "old")
        try:
            real.rename(old / real.name)
        except OSError:
            remove_tree(old)
            raise
    try:
        staged.rename(real)
    except OSError:
        if old is not None:
            (old / real.name).rename(real)
            remove_tree(old)
        raise
    return old


def _swap_contents(staged: Path, target: Target) -> Path:
    """Move every entry of the output aside, then every entry of `staged` in."""
    real = target.real
    old = _new_folder(target, "old")
    current = [e for e in real.iterdir() if e.name not in KEEP_IN_PLACE
               and not e.name.startswith(IN_PLACE_PREFIX + ".")]
    moved: list[Path] = []
    placed: list[Path] = []
    try:
        for entry in current:
            entry.rename(old / entry.name)
            moved.append(entry)
        for entry in sorted(staged.iterdir(), key=lambda e: e.name == MARKER):
            entry.rename(real / entry.name)  # the marker last: a complete site is ours
            placed.append(entry)
    except OSError:
        for entry in placed:
            (real / entry.name).rename(staged / entry.name)
        for entry in moved:
            (old / entry.name).rename(entry)
        remove_tree(old)
        raise
    _unlock(staged)
    staged.rmdir()
    return old


def discard_staging(staged: Path | None) -> None:
    """Delete the staging folder of a build that did not finish."""
    if staged is None:
        return
    shutil.rmtree(staged, ignore_errors=True)
    _unlock(staged)


def remove_tree(path: Path | None) -> None:
    """Delete a previous output moved aside by `swap` (seconds for a large site)."""
    if path is not None:
        shutil.rmtree(path, ignore_errors=True)
        _unlock(path)


# ------------------------------------------------------------------ leftovers of crashes

def _ours(path: Path, name: str) -> bool:
    """A staging folder (marker inside) or an old output (`name/marker` or the entries of
    a mounted output, marker among them) – or an empty one, made just before a crash."""
    try:
        entries = list(path.iterdir())
    except OSError:
        return False
    return (not entries or (path / MARKER).is_file() or (path / name / MARKER).is_file())


def remove_stale(target: Target) -> list[Path]:
    """Remove the staging and old folders left by builds that crashed (killed, power
    cut): only folders named as we name them, in the output's workspace, that are ours
    and that no running build holds. Returns what was removed."""
    pattern = re.compile(re.escape(target.prefix) + r"\.(tmp|old)-[A-Za-z0-9_]{8}")
    removed = []
    try:
        candidates = sorted(target.workspace.iterdir())
    except OSError:
        return removed
    for path in candidates:
        if (pattern.fullmatch(path.name) and path.is_dir() and not path.is_symlink()
                and _ours(path, target.real.name) and _unlocked(path)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


# ------------------------------------------------------------------ disk errors

def free_bytes(folder: Path) -> int | None:
    """Bytes this user may still write on `folder`'s file system (0 when it has no free
    inodes either); None when unknown."""
    try:
        st = os.statvfs(folder)
    except OSError:
        return None
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    if (st.f_ffree if root else st.f_favail) == 0 and st.f_files:
        return 0
    return (st.f_bfree if root else st.f_bavail) * st.f_frsize


def disk_full(folder: Path) -> bool:
    free = free_bytes(folder)
    return free is not None and free < LOW_SPACE


def no_space(target: Target, stage: str) -> PublishError:
    return PublishError(M("out.no_space", "no space left on device in {workspace} while {stage} "
                          "(free some space there, or choose another --out; {given} was not "
                          "changed)", workspace=target.workspace, stage=stage, given=target.given))


def explain(exc: OSError, target: Target, stage: str) -> PublishError:
    """A one-line PublishError for an OSError of the write or index stage."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT) or disk_full(target.workspace):
        return no_space(target, stage)
    where = exc.filename or target.workspace
    return PublishError(M("out.os_error", "{why}: {where} while {stage} ({given} was not "
                          "changed)", why=exc.strerror or exc, where=where, stage=stage,
                          given=target.given))

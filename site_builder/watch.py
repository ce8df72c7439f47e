"""Watch the source folders and call a builder after each burst of changes.

`Rebuilder` knows nothing about building (like mkdocs' LiveReloadServer): it watches
folders with watchdog, waits for a quiet period after the last change (an editor
that writes three files on save causes one build, not three), then calls `builder()`
on its own thread. Changes made while a build runs cause one more build after it.

A watch follows a folder's inode, not its name: when the content folder is deleted and
made anew (an unzipped copy) or another one is moved in its place, the old watch sees
nothing more. So the parent of each folder is watched too (not recursively), and an
event about the folder itself re-arms its watch.
"""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Callable, Iterable

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

QUIET_SECONDS = 0.3
"""Build once no change has been seen for this long."""
_TEMP_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".swpx", ".tmp", ".temp", ".bak", ".orig",
                  ".part", ".crdownload", ".kate-swp")
_TEMP_MARKS = ("___jb_tmp___", "___jb_old___", ".goutputstream-")
_EVENTS = ("created", "deleted", "modified", "moved", "closed")
"""Event types that may change a source; `opened` and `closed_no_write` cannot."""


def is_editor_noise(path: str) -> bool:
    """Files that editors and tools write beside the real ones: swap and backup files,
    Emacs lock files (`.#x`), Vim's write test (`4913`), JetBrains' safe-write copies,
    and anything in a hidden folder (`.git/`)."""
    parts = Path(path).parts
    name = parts[-1] if parts else ""
    if any(part.startswith(".") and part not in (".", "..") for part in parts):
        return True
    return (name.startswith("#") or name == "4913" or name.endswith(_TEMP_SUFFIXES)
            or any(mark in name for mark in _TEMP_MARKS))


class Rebuilder(FileSystemEventHandler):
    """Calls `builder()` on a thread of its own after changes below `folders`."""

    def __init__(self, builder: Callable[[], None], folders: Iterable[Path],
                 ignore: Iterable[Path] = (), quiet: float = QUIET_SECONDS):
        self.builder = builder
        self.folders = [f.absolute() for f in folders]
        self.ignore = [p.absolute() for p in ignore]
        """Folders whose changes never cause a build (the output, if inside a source)."""
        self.quiet = quiet
        self._cond = threading.Condition()
        self._last_change: float | None = None
        self._paths: set[str] = set()
        """Absolute paths changed since the builder last took them (`take_paths`)."""
        self._stopping = False
        self.busy = False
        """True while `builder()` runs."""
        self._observer = Observer()
        self._watches: dict[Path, object] = {}
        """The recursive watch of each folder, while it exists."""
        self._thread = threading.Thread(target=self._run, name="rebuilder", daemon=True)

    # --------------------------------------------------------- watchdog side

    def relevant(self, path: str) -> bool:
        """Whether a change to `path` (absolute) can change the site."""
        p = Path(path)
        if any(p == i or i in p.parents for i in self.ignore):
            return False
        for folder in self.folders:
            if p == folder or folder in p.parents:
                return not is_editor_noise(os.path.relpath(p, folder))
        return False

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in _EVENTS:
            return
        if event.is_directory and event.event_type in ("modified", "closed"):
            return  # a folder's timestamp: the file events say what changed
        paths = [event.src_path, getattr(event, "dest_path", "") or ""]
        for folder in self.folders:  # a watched folder itself deleted, made, moved
            if any(p and Path(os.fsdecode(p)) == folder for p in paths):
                self._arm(folder)
        relevant = [os.fsdecode(p) for p in paths if p and self.relevant(os.fsdecode(p))]
        if relevant:
            self.changed(relevant)

    def changed(self, paths: Iterable[str] = ()) -> None:
        """Note a change (of `paths`, absolute): a build follows once things are quiet."""
        with self._cond:
            self._last_change = time.monotonic()
            self._paths.update(paths)
            self._cond.notify_all()

    def take_paths(self) -> set[str]:
        """The paths changed since the last call (for the builder: what to read again)."""
        with self._cond:
            paths, self._paths = self._paths, set()
            return paths

    @property
    def pending(self) -> bool:
        """A change is waiting for its build."""
        with self._cond:
            return self._last_change is not None

    # --------------------------------------------------------- builder side

    def _arm(self, folder: Path) -> None:
        """Watch `folder` afresh (if it exists). Called before the observer starts, then
        only on its thread: watchdog's lock is re-entrant there, so no lock of our own
        (which could deadlock against it) is needed."""
        old = self._watches.pop(folder, None)
        if old is not None:
            try:
                self._observer.unschedule(old)
            except (KeyError, OSError, RuntimeError):
                pass  # its emitter already stopped with the folder
        if folder.is_dir():
            try:
                self._watches[folder] = self._observer.schedule(self, str(folder), recursive=True)
            except OSError:
                pass  # gone again: the event about that re-arms it

    def start(self) -> None:
        parents: set[Path] = set()
        for folder in self.folders:
            self._arm(folder)
            if folder.parent.is_dir() and folder.parent not in parents:
                parents.add(folder.parent)
                self._observer.schedule(self, str(folder.parent), recursive=False)
        self._observer.start()
        self._thread.start()

    def stop(self, timeout: float | None = None) -> bool:
        """Stop watching; wait for a build in progress. False if it is still running
        after `timeout` seconds."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if not self._thread.is_alive():
            return True  # never started, or already stopped
        self._observer.stop()
        self._observer.join(timeout=5)
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _next_burst(self) -> bool:
        """Wait for a change, then for a quiet period; False when stopping."""
        with self._cond:
            self._cond.wait_for(lambda: self._last_change is not None or self._stopping)
            while not self._stopping:
                assert self._last_change is not None
                remaining = self._last_change + self.quiet - time.monotonic()
                if remaining <= 0:
                    self._last_change = None
                    return True
                self._cond.wait(remaining)
            return False

    def _run(self) -> None:
        while self._next_burst():
            self.busy = True
            try:
                self.builder()
            finally:
                self.busy = False

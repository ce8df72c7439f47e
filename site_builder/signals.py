"""Stopping cleanly: SIGTERM (a CI job cancelled, `docker stop`, systemd) is handled
like Ctrl-C, so a build always removes its staging folder on the way out; and the
swap, once begun, finishes before a signal is acted on.

Handlers can only be set on the main thread; elsewhere both helpers do nothing (the
dev server's rebuilds run on the watcher's thread and are stopped by the server).
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Iterator

received: list[int] = []
"""Signals received while `stop_on_sigterm` or `deferred` was in force, in order."""


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def exit_status(default: int = 130) -> int:
    """The conventional status after a stop by signal: 128 + its number."""
    return 128 + received[-1] if received else default


def as_interrupt(signum, frame) -> None:
    """SIGTERM: do whatever Ctrl-C does now (KeyboardInterrupt, or, inside asyncio.run,
    cancelling the main task so that its `finally` blocks run)."""
    received.append(signum)
    handler = signal.getsignal(signal.SIGINT)
    if callable(handler):
        handler(signal.SIGINT, frame)
    else:
        raise KeyboardInterrupt


@contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """While in force, SIGTERM stops the program the way Ctrl-C does."""
    if not _main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, as_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class Deferred:
    """What `deferred` saw: the signals that arrived inside it."""

    def __init__(self) -> None:
        self.signals: list[int] = []
        self.stoppable = False
        """Set it for a long tail of the block: from then on, a second signal stops it."""


@contextmanager
def deferred() -> Iterator[Deferred]:
    """Hold SIGINT and SIGTERM while the block runs, recording them: for a critical
    section (the swap), and for what follows it (the new site is live: the old copy is
    removed and the build ends normally, saying it was interrupted). Once the block
    sets `stoppable`, a second signal raises KeyboardInterrupt at once."""
    seen = Deferred()
    if not _main_thread():
        yield seen
        return

    def hold(signum, frame) -> None:
        seen.signals.append(signum)
        received.append(signum)
        if seen.stoppable and len(seen.signals) > 1:
            raise KeyboardInterrupt

    previous = {s: signal.signal(s, hold) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield seen
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)

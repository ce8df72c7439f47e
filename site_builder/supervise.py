"""Child processes under supervision: every wait on a child (Pagefind today; one per
shard later) is raced against the child's exit, a time budget and a memory budget, so
that a child that dies, fails or runs away stops the build within a fraction of a
second with one line saying what happened, instead of a wait that never ends.

    child = Supervised(process, "Pagefind", budget)
    reply = await child.call(service.send(...), "adding the pages")
    ...
    await child.stop()            # or child.kill() when giving up

Several `Supervised` children can run side by side in one event loop (a sharded
index); each has its own budget clock and memory watch.
"""
from __future__ import annotations

import asyncio
import os
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import Awaitable, TypeVar

from .messages import M

T = TypeVar("T")

MEMORY_POLL = 0.2
"""Seconds between two looks at a child's resident memory."""
SIGKILL = getattr(signal, "SIGKILL", 9)
EXIT_GRACE = 1.0
"""Seconds to wait for a child's exit after its replies stopped (to say why they did)."""


@dataclass(frozen=True)
class Budget:
    """Limits for one child process; None means no limit."""

    seconds: float | None = None
    """Wall-clock seconds from the start of supervision to the last reply."""
    memory_mib: int | None = None
    """Resident memory (RSS) of the child, in MiB."""


class ChildFailed(Exception):
    """A supervised child died, exited, or went over its budget; the message is one line."""


def rss_mib(pid: int) -> float | None:
    """Resident memory of process `pid` in MiB (Linux /proc); None when unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def describe_exit(code: int) -> str:
    """`killed by SIGKILL`, `exited with status 2`."""
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return M("child.killed_by", "was killed by {signal}", signal=name)
    return M("child.exited", "exited with status {code}", code=code)


class Supervised:
    """One child process (an asyncio subprocess) and its budget."""

    def __init__(self, process: asyncio.subprocess.Process, name: str, budget: Budget,
                 hints: dict[str, str] | None = None):
        self.process, self.name, self.budget = process, name, budget
        self.hints = hints or {}
        """What the user can do, appended to the message, by cause: `killed` (SIGKILL,
        as the out-of-memory killer sends), `exited` (any other exit), `memory`, `time`,
        `silent` (its replies stopped)."""
        loop = asyncio.get_running_loop()
        self._deadline = None if budget.seconds is None else loop.time() + budget.seconds
        self._exited = asyncio.ensure_future(process.wait())
        self._over: asyncio.Future[str] = loop.create_future()
        self._watch = (asyncio.ensure_future(self._watch_memory(budget.memory_mib))
                       if budget.memory_mib is not None else None)

    async def _watch_memory(self, limit: int) -> None:
        while self.process.returncode is None:
            used = rss_mib(self.process.pid)
            if used is not None and used > limit:
                self.kill()
                if not self._over.done():
                    self._over.set_result(M("child.over_memory", "used more than its memory budget of "
                                            "{limit} MiB", limit=limit))
                return
            await asyncio.sleep(MEMORY_POLL)

    async def call(self, awaitable: Awaitable[T], doing: str,
                   also: asyncio.Future | None = None) -> T:
        """Await `awaitable` (a request to the child); raise ChildFailed, with the child
        killed, as soon as the child exits, goes over its budget, or `also` (e.g. the
        task reading the child's replies) ends first."""
        work = asyncio.ensure_future(awaitable)
        watched = {work, self._exited, self._over} | ({also} if also is not None else set())
        timeout = None
        if self._deadline is not None:
            timeout = max(0.0, self._deadline - asyncio.get_running_loop().time())
        try:
            done, _ = await asyncio.wait(watched, timeout=timeout,
                                         return_when=asyncio.FIRST_COMPLETED)
        except BaseException:  # cancelled (Ctrl-C, SIGTERM): the child must not outlive us
            work.cancel()
            self.kill()
            raise
        if work in done and (work.cancelled() or work.exception() is None):
            return work.result()
        work.cancel()
        # Whatever ended first (the request failed, the replies stopped, the deadline), the
        # likeliest cause is the child's death: give its exit a moment to be seen.
        try:
            await asyncio.wait_for(asyncio.shield(self._exited), timeout=EXIT_GRACE)
        except asyncio.TimeoutError:
            pass
        if work in done and not self._exited.done() and not self._over.done():
            raise work.exception()  # the child's own answer to a bad request: as it is
        self.kill()
        if self._over.done():
            why, cause = self._over.result(), "memory"
        elif self._exited.done():
            code = self._exited.result()
            if code == -signal.SIGINT:  # Ctrl-C reached the whole process group first
                raise KeyboardInterrupt
            why, cause = describe_exit(code), "killed" if code == -SIGKILL else "exited"
        elif also is not None and also.done():
            error = also.exception() if not also.cancelled() else None
            reason = M("child.unreadable_reply", "unreadable reply: {error}",
                       error=type(error).__name__) if error else M("child.no_reply", "no reply")
            why, cause = M("child.silent", "stopped answering ({reason})", reason=reason), "silent"
        else:
            why = M("child.over_time", "did not finish within its time budget of {seconds} s",
                    seconds=f"{self.budget.seconds:g}")
            cause = "time"
        hint = self.hints.get(cause)
        raise ChildFailed(M("child.failed", "{name} {why} while {doing}{hint}", name=self.name,
                            why=why, doing=doing,
                            hint=M("child.hint", ": {hint}", hint=hint) if hint else ""))

    def kill(self) -> None:
        if self.process.returncode is None:
            try:
                self.process.kill()
            except ProcessLookupError:
                pass

    async def stop(self, grace: float = 10.0) -> None:
        """Wait up to `grace` seconds for the child to exit by itself (its input is
        closed by the caller), then kill it; always reaps it and ends the memory watch."""
        try:
            await asyncio.wait_for(asyncio.shield(self._exited), timeout=grace)
        except asyncio.TimeoutError:
            self.kill()
        finally:
            if self.process.returncode is None:
                self.kill()
            await asyncio.shield(self._exited)
            if self._watch is not None:
                self._watch.cancel()
                await asyncio.gather(self._watch, return_exceptions=True)


def child_pids(pid: int | None = None) -> list[int]:
    """Direct children of `pid` (default: this process), from /proc (Linux); for tests
    and diagnostics."""
    pid = os.getpid() if pid is None else pid
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        return sorted({int(c) for t in tasks for c in (t / "children").read_text().split()})
    except OSError:
        return []

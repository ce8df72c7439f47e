"""Render and write on every core: the render stage's jobs (render.Job) run in chunks on a
pool of forked processes, each rendering its chunk and writing the files itself.

The jobs are listed in the site's order in the parent before the pool starts (a fork
shares the model, the compiled templates and the job list with the workers: nothing is
pickled but the results), and the results are gathered in that order (`imap`), so the
output is byte for byte that of a serial build (tests/test_parallel_deterministic.py).
Small builds, and processes with other threads (the dev server: forking them is unsafe),
run the jobs in this process.
"""
from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import signal
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from .render import Job
from .write import BuildError, Sinks, safe_join

CHUNK = 64
"""Jobs per chunk: small enough to keep both cores busy to the end, large enough that
the hand-over costs nothing next to rendering."""
POOL_FROM = 600
"""Fewer jobs than this run in this process (forking and gathering cost ~0.1 s)."""
WORKERS_ENV = "SITE_BUILDER_JOBS"
"""Environment variable: how many processes render (1: serially, in this process)."""


@dataclass
class Written:
    """What the jobs wrote: the site paths in order, the sha256 of each text when asked,
    and the seconds spent rendering and writing (summed over the processes)."""

    paths: list[str]
    hashes: dict[str, str]
    render: float = 0.0
    write: float = 0.0
    pids: set[int] = field(default_factory=set)
    """The processes that rendered."""


def workers(requested: int | None = None) -> int:
    """Processes to use: `requested`, else $SITE_BUILDER_JOBS, else the cores this process may use."""
    if requested is None:
        env = os.environ.get(WORKERS_ENV, "").strip()
        requested = int(env) if env.isdigit() and int(env) > 0 else None
    if requested is None:
        try:
            requested = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            requested = os.cpu_count() or 1
    return max(1, requested)


def _quiet_worker() -> None:
    """A worker ends when the pool ends it (SIGTERM, from `terminate`), silently: the
    parent's SIGTERM handler (signals.py, which makes it a KeyboardInterrupt) would print
    a traceback from every idle worker. Ctrl-C reaches the parent, which ends the pool."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _pool(processes: int):
    """A pool of forked workers. The objects made so far are moved out of the collector's
    sight while the workers fork (gc.freeze): a collection in a worker would otherwise
    write to every one of them and so copy the whole model into each worker's memory."""
    gc.collect()
    gc.freeze()
    try:
        return multiprocessing.get_context("fork").Pool(processes, initializer=_quiet_worker)
    finally:
        gc.unfreeze()  # this process goes on collecting as before


_JOBS: list[Job] = []
"""The jobs of the running pool (set before the fork; the workers read their chunk)."""
_ROOT: Path = Path()
_HASH = False


def _run(start: int, stop: int) -> tuple[list[tuple[str, str | None]], float, float, int]:
    """Render jobs[start:stop] and write their files; (path, sha256) of each output."""
    out: list[tuple[str, str | None]] = []
    rendering = writing = 0.0
    for job in _JOBS[start:stop]:
        t0 = time.perf_counter()
        if job.writer is not None:  # writes its own files, piece by piece (render.Job)
            sinks = Sinks(_ROOT, job.only)
            try:
                job.writer(sinks)
                written = sinks.close()
            except BaseException:
                sinks.abandon()
                raise
            out.extend((path, sha if _HASH else None) for path, sha in written)
            rendering += time.perf_counter() - t0
            continue
        outputs = job.make()
        t1 = time.perf_counter()
        for output in outputs:
            if job.only is not None and output.path not in job.only:
                continue  # reused from the previous output (incremental.Plan)
            data = output.text.encode("utf-8")
            target = safe_join(_ROOT, output.path)
            try:
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
            except FileNotFoundError:  # its folder is not there yet: made once, here
                target.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            out.append((output.path, hashlib.sha256(data).hexdigest() if _HASH else None))
        rendering += t1 - t0
        writing += time.perf_counter() - t1
    return out, rendering, writing, os.getpid()


def _run_chunk(bounds: tuple[int, int]):
    return _run(*bounds)


def run_jobs(root: Path, jobs: list[Job], wanted: Callable[[str], bool] | None = None,
             advance: Callable[[int], None] = lambda n: None, hashes: bool = False,
             processes: int | None = None) -> Written:
    """Run the jobs that `wanted` accepts (asked once per path, in order) and write their
    outputs below `root`. `processes`: None picks (see `workers`, POOL_FROM); 1 is serial."""
    global _JOBS, _ROOT, _HASH
    seen: set[str] = set()
    chosen = []
    for job in jobs:
        for path in job.paths:
            if path in seen:
                raise BuildError(f"two pages want the same path {path!r}")
            seen.add(path)
        want = [True] * len(job.paths) if wanted is None else [wanted(path) for path in job.paths]
        if all(want):
            chosen.append(job)
        elif any(want):
            chosen.append(replace(job, only=frozenset(p for p, w in zip(job.paths, want) if w)))
        else:
            advance(len(job.paths))
    count = workers(processes)
    if processes is None and (len(chosen) < POOL_FROM or threading.active_count() > 1):
        count = 1
    _JOBS, _ROOT, _HASH = chosen, root, hashes
    written = Written([], {})
    try:
        bounds = [(i, min(i + CHUNK, len(chosen))) for i in range(0, len(chosen), CHUNK)]
        if count <= 1 or len(bounds) <= 1:
            results = map(_run_chunk, bounds)
            pool = None
        else:
            pool = _pool(count)
            results = pool.imap(_run_chunk, bounds, chunksize=1)
        try:
            for outputs, rendering, writing, pid in results:  # in the jobs' order
                for path, sha in outputs:
                    written.paths.append(path)
                    if sha is not None:
                        written.hashes[path] = sha
                written.render += rendering
                written.write += writing
                written.pids.add(pid)
                advance(len(outputs))
        finally:
            if pool is not None:
                pool.terminate()  # also on an error or Ctrl-C: no worker outlives the build
                pool.join()
    finally:
        _JOBS = []
    return written


_TASK: Callable[[int], object] | None = None
"""The function of the running `map_ordered` (set before the fork)."""


def _task_chunk(bounds: tuple[int, int]) -> list:
    assert _TASK is not None
    return [_TASK(i) for i in range(*bounds)]


def map_ordered(task: Callable[[int], object], count: int, processes: int | None = None,
                chunk: int = 200) -> list:
    """[task(0), …, task(count - 1)], computed on a fork pool in chunks (the task and what
    it reads are shared by the fork, only results are pickled) and returned in order.
    Serial under the same rules as `run_jobs` (few items, other threads, one core)."""
    global _TASK
    n = workers(processes)
    if processes is None and (count < POOL_FROM or threading.active_count() > 1):
        n = 1
    bounds = [(i, min(i + chunk, count)) for i in range(0, count, chunk)]
    if n <= 1 or len(bounds) <= 1:
        return [task(i) for i in range(count)]
    _TASK = task
    pool = _pool(n)
    try:
        return [item for part in pool.imap(_task_chunk, bounds, chunksize=1) for item in part]
    finally:
        pool.terminate()
        pool.join()
        _TASK = None

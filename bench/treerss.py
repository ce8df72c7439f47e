"""Run a command and sample the resident memory of its whole process tree (the process,
its forked workers, the Pagefind processes it starts), not just its largest process.

    from treerss import run_tree
    proc, wall, rss_mib, pss_mib, cpu_s = run_tree(["site-builder", "build", ...], env=env)

Linux only (/proc). The tree's RSS is summed every 0.2 s, its PSS every second: the RSS sum counts
a page a fork shares once per process (an upper bound, the figure to hold to a budget),
the PSS sum counts it once (what the tree holds; sampled less often, so it may miss a
short peak).
CPU seconds are user + system of the command and every child it waited for.
"""
from __future__ import annotations

import os
import resource
import subprocess
import threading
import time

PAGE = os.sysconf("SC_PAGE_SIZE")


def _children(pid: int) -> list[int]:
    """The child processes of `pid` (/proc/<pid>/task/<tid>/children, every thread)."""
    kids: list[int] = []
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return kids
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/children", "rb") as f:
                kids.extend(int(k) for k in f.read().split())
        except OSError:
            pass
    return kids


def tree_rss(pid: int, pss: bool = False) -> tuple[int, int]:
    """(RSS, PSS) bytes of `pid` and all its descendants now; PSS only when `pss` (it
    costs ~10 ms a large process to read) else 0. PSS counts a page shared by n processes
    (a fork's copy-on-write model) as 1/n in each: the sum is what the tree holds."""
    rss = total_pss = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm", "rb") as f:
                rss += int(f.read().split()[1]) * PAGE
            if pss:
                with open(f"/proc/{p}/smaps_rollup", "rb") as f:
                    for line in f:
                        if line.startswith(b"Pss:"):
                            total_pss += int(line.split()[1]) * 1024
        except OSError:
            pass
        todo.extend(_children(p))
    return rss, total_pss


def run_tree(cmd: list[str], env: dict | None = None, interval: float = 0.2):
    """(CompletedProcess, wall s, peak tree RSS MiB, peak tree PSS MiB, CPU s) of `cmd`,
    output captured."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak = [0, 0]
    done = threading.Event()

    def sample() -> None:
        tick = 0
        while not done.is_set():
            rss, pss = tree_rss(proc.pid, pss=tick % 5 == 0)
            tick += 1
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return (subprocess.CompletedProcess(cmd, proc.returncode, out, err), wall,
            peak[0] / 2**20, peak[1] / 2**20, cpu)

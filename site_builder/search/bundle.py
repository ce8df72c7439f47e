"""One Pagefind bundle: run a supervised Pagefind process over some pages of the site.

Uses Pagefind's extended binary (pagefind-bin-extended), which segments
Chinese words, through its Python API. The pages of a bundle are given to Pagefind in
one call (`add_directory` with a glob naming them): adding pages one by one is ~0.1 s
per call (the wrapper reads one reply per 0.1 s).

Pagefind 1.5.2 writes its filter indexes in HashMap order, so the filter files,
the meta file and pagefind-entry.json would differ between two builds of the same
site; `pagefind_stable.normalise` rewrites them into a canonical form afterwards.

The Pagefind process is supervised (supervise.py): if it dies, fails, or goes over its
time or memory budget, the build stops within a fraction of a second.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import errno
import json
import os
from pathlib import Path

from pagefind.index import IndexConfig
from pagefind.service import PagefindService

from ..pagefind_stable import PagefindFormatError, normalise
from ..publish import disk_full
from ..supervise import Budget, Supervised
from ..messages import M


class IndexError_(Exception):
    """Pagefind failed (missing binary, crash, files not written, unexpected format)."""


HINTS = {
    "killed": M("index.hint_killed", "the out-of-memory killer does this when memory runs out "
                "(Pagefind needs about 0.1 MB a page): free memory or use a larger machine, "
                "then build again"),
    "exited": M("index.hint_again", "build again; if it fails again, reinstall it with bash "
                "scripts/setup.sh"),
    "silent": M("index.hint_again", "build again; if it fails again, reinstall it with bash "
                "scripts/setup.sh"),
    "memory": M("index.hint_memory", "raise --index-memory, or build on a machine with more memory"),
    "time": M("index.hint_time", "raise --index-timeout if the machine is just slow"),
}
"""What to do, by the way the Pagefind process failed (the end of the one-line error)."""
STALLED = 60.0
"""Seconds Pagefind's files may stay unchanged, with some still empty, before giving up."""


def default_budget(pages: int) -> Budget:
    """Time for Pagefind: ~50 times what it needs here (1.1 ms a page), at least 5 minutes."""
    return Budget(seconds=max(300.0, 0.05 * pages))


async def _settle(bundle: Path, timeout: float = STALLED, child: Supervised | None = None,
                  replies: asyncio.Future | None = None) -> None:
    """Wait until the files Pagefind said it wrote are on disk.

    Pagefind's service answers WriteFiles once every file is created and, it
    seems, its bytes handed to tokio, which writes them on a background thread.
    The Python wrapper then ends the service at once, and any write still in flight
    is lost: under load some files were left empty (pagefind-entry.json,
    pagefind-component-ui.js, wasm.unknown.pagefind, …; 4 builds in 160 with four
    at a time, the same with the service ended by closing its input). So: wait,
    with the service still running, until no file is empty and no size changed
    between two looks (none in 480 such builds; ~0.25 s for 10k services).

    A full disk leaves files empty for good (Pagefind reports nothing): that is said
    at once, as an OSError (ENOSPC). `timeout` counts from the last change of size."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    last: dict[Path, int] | None = None
    while True:
        sizes = {p: p.stat().st_size for p in bundle.rglob("*") if p.is_file()}
        if sizes and all(sizes.values()) and sizes == last:
            return
        if sizes != last:
            deadline = loop.time() + timeout
        elif disk_full(bundle):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(bundle))
        if loop.time() > deadline:
            empty = sorted(p.relative_to(bundle).as_posix() for p, n in sizes.items() if not n)
            raise IndexError_(M("index.not_written", "Pagefind's files were not written within "
                                "{seconds} s (empty: {empty})", seconds=f"{timeout:.0f}",
                                empty=", ".join(empty[:5]) or M("index.none", "none")))
        last = sizes
        if child is None:
            await asyncio.sleep(0.02)
        else:
            await child.call(asyncio.sleep(0.02), "writing the index", replies)


async def _stop(service: PagefindService, child: Supervised) -> None:
    """End the Pagefind service: close its input, at whose end it exits. Not the
    wrapper's `async with`, whose exit would write every file again and then
    SIGTERM the service. Uses the wrapper's private fields (pagefind==1.5.2 is pinned)."""
    service._poll_task.cancel()
    backend = service._backend
    if backend.stdin is not None and backend.returncode is None:
        backend.stdin.close()
    await child.stop(grace=10)
    await asyncio.gather(service._poll_task, return_exceptions=True)


GLOB_PAGES = 4000
"""Paths per add_directory glob (Pagefind 1.5.2 parsed 8,000 and refused 12,000)."""


def glob_of(pages: list[str]) -> str:
    """A Pagefind glob matching exactly the site paths `pages` (glob characters escaped)."""
    def escape(path: str) -> str:
        return "".join("\\" + c if c in "\\*?[]{},!" else c for c in path)
    return "{" + ",".join(escape(p) for p in pages) + "}"


async def index_bundle(site: Path, bundle: Path, pages: list[str] | None, budget: Budget,
                       name: str = "Pagefind") -> int:
    """Index `pages` (site paths; None: every HTML file) of `site` into the folder
    `bundle`; returns the count of pages Pagefind indexed. Raises ChildFailed (its message
    starts with `name`), IndexError_ or OSError."""
    config = IndexConfig(root_selector="html", output_path=str(bundle))
    try:
        service = PagefindService()  # the wrapper's `async with` is not used: see _stop
        await service.launch()
    except Exception as exc:  # FileNotFoundError: no binary, PermissionError, …
        raise IndexError_(M("index.not_started", "{name} could not be started: {error} (run "
                            "bash scripts/setup.sh to install it)", name=name, error=str(exc))) from exc
    child = Supervised(service._backend, name, budget, HINTS)
    replies = service._poll_task  # ends (with an error) when the replies cannot be read
    try:
        index = await child.call(service.create_index(config),
                                 M("index.doing_start", "starting"), replies)
        # Pagefind cannot parse a glob of ~10,000 paths or more: at most GLOB_PAGES a call.
        groups = [None] if pages is None else [pages[i:i + GLOB_PAGES]
                                               for i in range(0, len(pages), GLOB_PAGES)] or [[]]
        for group in groups:
            glob = None if group is None else glob_of(group)
            await child.call(index.add_directory(str(site), glob=glob), M("index.doing_pages", "indexing the pages"), replies)
        await child.call(index.write_files(), M("index.doing_write", "writing the index"), replies)
        await _settle(bundle, child=child, replies=replies)
    except BaseException:
        child.kill()  # failed or interrupted: nothing of its work is wanted
        raise
    finally:
        await _stop(service, child)
    try:
        normalise(bundle)
    except PagefindFormatError as exc:  # a Pagefind upgrade changed its formats
        raise IndexError_(M("index.bad_format", "{name}'s index is not in the form site-builder "
                            "can make reproducible (nothing was changed): {error}", name=name,
                            error=str(exc))) from exc
    return indexed_pages(bundle)


def indexed_pages(bundle: Path) -> int:
    """Pages in a bundle, from its entry file (add_directory counts every HTML file it
    read; the entry counts the pages indexed, those with data-pagefind-body)."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(int(lang.get("page_count", 0)) for lang in entry.get("languages", {}).values())


def run(coroutine):
    """Run `coroutine` (Pagefind work) to its end, from plain code or from inside a running
    event loop (then on a thread of its own, see `_in_thread`)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    return _in_thread(coroutine)


def _in_thread(coroutine):
    """Run `coroutine` with asyncio.run on a thread of its own (the caller is inside an
    event loop: a server, a test driving a browser). Interrupting the caller (Ctrl-C and
    SIGTERM arrive on the main thread) cancels the coroutine, and waits for it to clean up
    (the Pagefind process is killed)."""
    started: concurrent.futures.Future = concurrent.futures.Future()

    async def main():
        started.set_result((asyncio.get_running_loop(), asyncio.current_task()))
        return await coroutine

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        done = pool.submit(asyncio.run, main())
        try:
            return done.result()
        except BaseException:
            if not done.done():
                loop, task = started.result()
                loop.call_soon_threadsafe(task.cancel)
                concurrent.futures.wait([done])
            raise

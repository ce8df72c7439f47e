"""Stage 6, index: build the Pagefind search index of the written site.

Uses Pagefind's extended binary (pagefind-bin-extended), which segments
Chinese words, through its Python API. The folder is indexed in one call
(`add_directory`): adding pages one by one is ~0.1 s per call.

Pagefind 1.5.2 writes its filter indexes in HashMap order, so the filter files,
the meta file and pagefind-entry.json would differ between two builds of the same
site; `pagefind_stable.normalise` rewrites them into a canonical form afterwards.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import json
from pathlib import Path

from pagefind.index import IndexConfig, PagefindIndex

from .pagefind_stable import PagefindFormatError, normalise


class IndexError_(Exception):
    """Pagefind failed (missing binary, crash, files not written, unexpected format)."""


async def _settle(bundle: Path, timeout: float = 60.0) -> None:
    """Wait until the files Pagefind said it wrote are on disk.

    Pagefind's service answers WriteFiles once every file is created and, it
    seems, its bytes handed to tokio, which writes them on a background thread.
    The Python wrapper then ends the service at once, and any write still in flight
    is lost: under load some files were left empty (pagefind-entry.json,
    pagefind-component-ui.js, wasm.unknown.pagefind, …; 4 builds in 160 with four
    at a time, the same with the service ended by closing its input). So: wait,
    with the service still running, until no file is empty and no size changed
    between two looks (none in 480 such builds; ~0.25 s for 10k services)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    last: dict[Path, int] | None = None
    while True:
        sizes = {p: p.stat().st_size for p in bundle.rglob("*") if p.is_file()}
        if sizes and all(sizes.values()) and sizes == last:
            return
        if loop.time() > deadline:
            empty = sorted(p.relative_to(bundle).as_posix() for p, n in sizes.items() if not n)
            raise IndexError_(f"Pagefind's files were not written within {timeout:.0f} s "
                              f"(empty: {', '.join(empty[:5]) or 'none'})")
        last = sizes
        await asyncio.sleep(0.02)


async def _stop(index: PagefindIndex) -> None:
    """End the Pagefind service: close its input, at whose end it exits. Not the
    wrapper's `async with`, whose exit would write every file again and then
    SIGTERM the service. Uses the wrapper's private fields (pagefind==1.5.2 is pinned)."""
    service = index._service
    if service is None:
        return
    service._poll_task.cancel()
    backend = service._backend
    if backend.stdin is not None:
        backend.stdin.close()
    try:
        await asyncio.wait_for(backend.wait(), timeout=10)
    except asyncio.TimeoutError:
        backend.kill()
        await backend.wait()


async def _index(site: Path) -> int:
    bundle = site / "pagefind"
    index = PagefindIndex(config=IndexConfig(root_selector="html", output_path=str(bundle)))
    await index.__aenter__()  # starts the service; _stop ends it
    try:
        await index.add_directory(str(site))
        await index.write_files()
        await _settle(bundle)
    finally:
        await _stop(index)
    try:
        normalise(bundle)
    except PagefindFormatError as exc:  # a Pagefind upgrade changed its formats
        raise IndexError_(f"Pagefind's index is not in the form site-builder can make "
                          f"reproducible (nothing was changed): {exc}") from exc
    # add_directory counts every HTML file; the entry file counts the pages indexed
    # (those with data-pagefind-body), which is what the summary should say.
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(int(lang.get("page_count", 0)) for lang in entry.get("languages", {}).values())


def build_index(site: Path) -> int:
    """Index every HTML page of `site` into `site/pagefind/`; returns the page count."""
    try:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(_index(site.absolute()))
        # Called from inside an event loop (a server, a test driving a browser):
        # asyncio.run needs a thread of its own.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, _index(site.absolute())).result()
    except IndexError_:
        raise
    except Exception as exc:  # the Pagefind service reports failures as plain exceptions
        raise IndexError_(f"Pagefind could not index the site: {exc}") from exc

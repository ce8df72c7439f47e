"""Stage 6, index: build the Pagefind search index of the written site.

Uses Pagefind's extended binary (pagefind-bin-extended), which segments
Chinese words, through its Python API. The folder is indexed in one call
(`add_directory`): adding pages one by one is ~0.1 s per call.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import json
from pathlib import Path

from pagefind.index import IndexConfig, PagefindIndex


class IndexError_(Exception):
    """Pagefind failed (missing binary, crash)."""


async def _index(site: Path) -> int:
    config = IndexConfig(root_selector="html", output_path=str(site / "pagefind"))
    async with PagefindIndex(config=config) as index:
        await index.add_directory(str(site))
    # add_directory counts every HTML file; the entry file counts the pages indexed
    # (those with data-pagefind-body), which is what the summary should say.
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
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
    except Exception as exc:  # the Pagefind service reports failures as plain exceptions
        raise IndexError_(f"Pagefind could not index the site: {exc}") from exc

"""Stage 6, index: build the Pagefind search index of the written site, one bundle per
search shard (search/shards.py says which pages go where).

Each shard is indexed by its own Pagefind process (search/bundle.py), at most as many
at once as there are cores and as memory allows (~0.1 MB a page). Every process is
supervised: if one dies, fails or goes over its time or memory budget, the others are
killed and the build stops within a fraction of a second, with one line naming the shard.
A shard whose pages are byte for byte those of the previous build (`previous`) is
not indexed again: its bundle is linked from there (Pagefind's output is normalised,
so it is the bundle a new run would write).

    <site>/pagefind/<shard id>/   the bundles      <site>/pagefind/shards.json  the manifest
"""
from __future__ import annotations

import asyncio
import hashlib
import os
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from .search import shards as shards_mod
from .messages import M
from .search.bundle import (HINTS, IndexError_, _settle, default_budget,  # noqa: F401
                            index_bundle, indexed_pages, run)
from .supervise import Budget, ChildFailed
from .write import link_files

PAGE_MIB = 0.12
"""Pagefind's resident memory per page indexed, measured (~0.1 MB), with a margin."""
BASE_MIB = 60


@dataclass
class Indexed:
    """What the index stage did."""

    pages: int = 0
    """Pages in the search index, over all shards."""
    shards: dict[str, int] = field(default_factory=dict)
    """Shard id → pages indexed in it."""
    indexed: list[str] = field(default_factory=list)
    """Shards Pagefind indexed in this run (the others were reused unchanged)."""
    reused: list[str] = field(default_factory=list)


def pagefind_version() -> str:
    try:
        return metadata.version("pagefind-bin-extended")
    except metadata.PackageNotFoundError:
        return "?"


def shard_digest(site: Path, pages: list[str]) -> str:
    """sha256 over Pagefind's version and each page's path and bytes: equal digests, equal
    bundles (Pagefind's output being a pure function of its input, once normalised)."""
    h = hashlib.sha256(f"pagefind {pagefind_version()} root=html\0".encode())
    for page in pages:
        h.update(page.encode("utf-8") + b"\0")
        h.update(hashlib.sha256((site / page).read_bytes()).digest())
    return h.hexdigest()


def jobs_for(sizes: list[int], cores: int | None = None, available_mib: float | None = None) -> int:
    """Pagefind processes to run at once: one per core, fewer when the largest shards
    would not fit in the memory available now."""
    cores = cores or os.cpu_count() or 1
    if available_mib is None:
        available_mib = _available_mib()
    jobs = max(1, min(cores, len(sizes) or 1))
    if available_mib is not None:
        biggest = sorted(sizes, reverse=True)
        while jobs > 1 and sum(BASE_MIB + PAGE_MIB * n for n in biggest[:jobs]) > 0.8 * available_mib:
            jobs -= 1
    return jobs


def _available_mib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _pages_of(site: Path, plan: shards_mod.Plan) -> dict[str, list[str]]:
    pages = {s.id: [p for p in s.pages if (site / p).is_file()] for s in plan.shards[1:]}
    return {shards_mod.SITE: shards_mod.site_pages(site, plan), **pages}


def _reusable(previous: Path | None, site: Path, digests: dict[str, str]) -> dict[str, list[str]]:
    """Shard id → files of its bundle in `previous`, for the shards whose input is unchanged."""
    if previous is None:
        return {}
    try:
        old = shards_mod.read_manifest(previous)
    except shards_mod.ManifestError:
        return {}
    found = {}
    for s in old["shards"]:
        folder = previous / s["bundle"]
        if s.get("digest") and digests.get(s["id"]) == s["digest"] and folder.is_dir() \
                and (folder / "pagefind-entry.json").is_file():
            found[s["id"]] = [p.relative_to(previous).as_posix()
                              for p in sorted(folder.rglob("*")) if p.is_file()]
    return found


async def _index_all(site: Path, todo: dict[str, list[str] | None], budget: Budget | None,
                     jobs: int) -> dict[str, int]:
    gate = asyncio.Semaphore(jobs)

    async def one(shard_id: str, pages: list[str] | None) -> int:
        async with gate:
            size = len(pages) if pages is not None else sum(1 for _ in site.rglob("*.html"))
            return await index_bundle(site, site / shards_mod.BUNDLES / shard_id, pages,
                                      budget or default_budget(size),
                                      M("index.shard_name", "Pagefind (search shard {shard})",
                                        shard=shard_id))

    tasks = {shard_id: asyncio.ensure_future(one(shard_id, pages)) for shard_id, pages in todo.items()}
    if not tasks:
        return {}
    try:
        await asyncio.wait(tasks.values(), return_when=asyncio.FIRST_EXCEPTION)
    finally:  # one failed, or we are interrupted: no other Pagefind may outlive the call
        for task in tasks.values():
            task.cancel()
        results = await asyncio.gather(*tasks.values(), return_exceptions=True)
    for result in results:  # the first failure, in shard order
        if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
            raise result
    return {shard_id: result for shard_id, result in zip(tasks, results)}


def index_bundles(site: Path, todo: dict[str, list[str] | None], budget: Budget | None,
                  jobs: int, whole_site: bool) -> dict[str, int]:
    """Run Pagefind for the shards in `todo` (shard id → its pages, None for all) and
    return the pages indexed per shard; any failure becomes one IndexError_ line."""
    try:
        return run(_index_all(site.absolute(), todo, budget, jobs))
    except (IndexError_, OSError):
        raise
    except ChildFailed as exc:
        raise IndexError_(M("index.not_published", "{error} (nothing was published)",
                            error=exc.args[0] if exc.args else str(exc))) from exc
    except Exception as exc:  # the Pagefind service reports failures as plain exceptions
        if whole_site:
            raise IndexError_(M("index.could_not_site", "Pagefind could not index the site: {error}",
                                error=str(exc))) from exc
        raise IndexError_(M("index.could_not_shard", "Pagefind could not index the shard: {error}",
                            error=str(exc))) from exc


def index_site(site: Path, plan: shards_mod.Plan | None = None, budget: Budget | None = None,
               previous: Path | None = None, jobs: int | None = None) -> Indexed:
    """Index the HTML pages of `site` into `site/pagefind/<shard>/` and write the manifest.

    `plan`: the shards (default: one, `site`, holding every page). `budget`: time and
    memory for each Pagefind process (default: `default_budget` of its pages).
    `previous`: an earlier output of the same site whose unchanged bundles are reused.
    Raises IndexError_ (one line naming the shard) when a Pagefind process fails, dies or
    goes over its budget, within a fraction of a second; OSError when a file cannot be
    written (a full disk). No Pagefind process outlives the call, whether it returns,
    raises or is interrupted."""
    if plan is None:
        plan = shards_mod.Plan([shards_mod.Shard(shards_mod.SITE)], {})
        pages_of: dict[str, list[str] | None] = {shards_mod.SITE: None}
        digests: dict[str, str] = {}
    else:
        pages_of = dict(_pages_of(site, plan))
        digests = {sid: shard_digest(site, pages) for sid, pages in pages_of.items()}
    reused = _reusable(previous, site, digests)
    for shard_id, files in reused.items():
        link_files(previous, site, files)
    todo = {sid: pages for sid, pages in pages_of.items() if sid not in reused}
    sizes = [len(p) for p in todo.values() if p is not None]
    counts = index_bundles(site, todo, budget, jobs or jobs_for(sizes), whole_site=True)
    for shard_id in reused:
        counts[shard_id] = indexed_pages(site / shards_mod.BUNDLES / shard_id)
    shards_mod.write_manifest(site, shards_mod.manifest(plan, counts, digests, pagefind_version()))
    ordered = {s.id: counts.get(s.id, 0) for s in plan.shards}
    return Indexed(sum(ordered.values()), ordered, [s for s in ordered if s in todo], sorted(reused))


def build_index(site: Path, budget: Budget | None = None,
                plan: shards_mod.Plan | None = None) -> int:
    """Index `site` (see `index_site`); returns the count of pages indexed."""
    return index_site(site, plan, budget).pages

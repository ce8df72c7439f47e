"""Which area shards a name is in: the search page's router.

A search over everything would have to load every area bundle (its page list and one
index chunk per word) before it can answer, ~40 KB a bundle. A query that names a
place or a service (华林社区, 华林社区心理咨询室) only needs the bundle holding it; a
query of need words (失眠, 心理咨询室) finds good answers in any bundle.

So the render stage writes, next to the search page, a table of the pairs of adjacent
Han characters in the names of the regions and services of each area shard:

    <base>search/route/<n>.json     {"华林": [3], "林社": [3, 5], …}

where the numbers are positions in the search page's shard list (data-shards; 0 is the
site shard, which is always loaded and not routed), split into `buckets` files by
`bucket()` so that a query fetches a few small files. A pair found in every area shard
(or in more than half of them, see WIDE) says little and is left out. search.js takes the pairs of the query's Han runs, and the
shards that hold every pair it finds in the table are searched first; the other shards
are merged afterwards.
"""
from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass

from ..model import Directory
from . import shards as shards_mod

FOLDER = "search/route"
BUCKET_BYTES = 4096
"""JSON bytes per file, about (~1.5 KB gzipped): a file count that grows with the
names, a file size that does not."""
WIDE = 3
"""A pair in more area shards than this and than half of them is left out: alone it
would not narrow the search to a few bundles (search.js searches at most 3 first), and
leaving it out keeps the files small however many shards there are."""


def _han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\U00020000" <= ch <= "\U0003134f"


def pairs(text: str) -> set[str]:
    """The pairs of adjacent Han characters of `text` (NFKC, as search.js reads a query)."""
    text = unicodedata.normalize("NFKC", text)
    return {a + b for a, b in zip(text, text[1:]) if _han(a) and _han(b)}


def bucket(pair: str, buckets: int) -> int:
    """The file a pair is in; search.js computes the same."""
    return (ord(pair[0]) * 65599 + ord(pair[1])) % buckets


@dataclass(frozen=True)
class Route:
    buckets: int
    """Number of files (0: no table, one area shard or none)."""
    files: dict[str, str]
    """Site path → JSON text."""


def route(directory: Directory, plan: shards_mod.Plan) -> Route:
    """The router of `plan`'s area shards over the names of `directory`."""
    position = {s.id: i for i, s in enumerate(plan.shards)}
    areas = len(plan.shards) - 1
    if areas < 2:
        return Route(0, {})
    where: dict[str, set[int]] = {}

    def add(name: str, shard_id: str | None) -> None:
        if shard_id is None or shard_id == shards_mod.SITE:
            return
        at = position[shard_id]
        for p in pairs(name):
            where.setdefault(p, set()).add(at)

    for region in directory.regions.values():
        add(region.name, plan.area_of.get(region.id))
    for service in directory.services.values():
        if service.kind != "hotline":
            add(service.name, plan.area_of.get(service.region.id))
    wide = max(WIDE, areas // 2)
    table = {p: sorted(s) for p, s in where.items() if len(s) <= wide and len(s) < areas}
    size = sum(len(p.encode()) + 4 + 3 * len(s) for p, s in table.items())
    buckets = max(1, -(-size // BUCKET_BYTES))
    split: list[dict[str, list[int]]] = [{} for _ in range(buckets)]
    for p in sorted(table):
        split[bucket(p, buckets)][p] = table[p]
    files = {f"{FOLDER}/{i}.json": json.dumps(part, ensure_ascii=False, separators=(",", ":"),
                                              sort_keys=True)
             for i, part in enumerate(split)}
    return Route(buckets, files)

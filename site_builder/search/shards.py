"""Which page goes into which search bundle (shard), and the manifest that lists them.

The search index is split by area so that no Pagefind process has to hold a province,
an incremental build re-indexes only the areas whose pages changed, and a search
filtered on one district or city loads only that area's bundle.

    <base>pagefind/site/          the always-loaded shard: need pages, the hotline page,
                                  articles, pages, kind lists, hotline services, and the
                                  own pages of areas too large to be one shard
    <base>pagefind/<shard id>/    one area shard: the area pages and service pages of
                                  whole sub-trees of the region tree
    <base>pagefind/shards.json    the manifest (`write_manifest` / `read_manifest`)

An area shard covers the highest regions whose sub-tree holds at most `cap` indexed
pages (a region's own page and the service pages at or below it). A larger region is
split: its children are taken in order and packed, consecutive ones together, into
shards of at most `cap` pages; its own page and the services attached to it directly
go into the site shard. So a shard id is a region id (`sz`), or the first and last
region of a pack joined by `--` (`gz-yuexiu--gz-tianhe`).

`cap` is set by memory and by what a browser fetches: Pagefind needs ~0.1 MB a page,
so two processes at a time on a 2-core machine stay under 1 GB at the default, while
an unfiltered search loads every shard's entry, meta and one index chunk per word
(few, larger shards are cheaper there). Measurements: README.md, Performance.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

from ..elder import PREFIX as MIRROR
from ..i18n.editions import PREFIXES, editions
from ..messages import M
from ..model import Directory, Region

EDITION_PREFIXES = {p for p in PREFIXES.values() if p}
ELDER = "elder"
"""Folder of the elder-mode mirrors (elder.PREFIX without its slash)."""
FORMAT = 1
"""Version of shards.json; read_manifest refuses any other."""
SITE = "site"
"""Id of the always-loaded shard (also the primary Pagefind bundle of the search page)."""
BUNDLES = "pagefind"
"""Folder of the bundles and the manifest, below the site root."""
MANIFEST = "shards.json"
DEFAULT_CAP = 3000
"""Indexed pages at most per area shard (see the module docstring)."""
CAP_VARIABLE = "SITE_BUILDER_SHARD_PAGES"
"""Environment variable overriding DEFAULT_CAP (benchmarks, tests of many shards)."""


@dataclass
class Shard:
    id: str
    """`site`, a region id, or `<first region>--<last region>`."""
    regions: list[str] = field(default_factory=list)
    """Every region whose own page is in this shard (its services attached directly, too)."""
    pages: list[str] = field(default_factory=list)
    """Site paths of the pages indexed (`services/x/index.html`); for the site shard, only
    those the model names (hotline and large areas' pages; `site_pages` adds the rest)."""
    tops: list[str] = field(default_factory=list)
    """Regions whose whole sub-tree is in this shard (what a filter on an area needs)."""

    @property
    def bundle(self) -> str:
        """The bundle folder relative to the site root, with a trailing slash."""
        return f"{BUNDLES}/{self.id}/"


@dataclass
class Plan:
    shards: list[Shard]
    """The site shard first, then the area shards in region-tree order."""
    area_of: dict[str, str]
    """Region id → id of the shard that holds its page (for filters and incremental builds)."""

    def shard(self, shard_id: str) -> Shard:
        return next(s for s in self.shards if s.id == shard_id)

    def shards_for_region(self, region_id: str) -> list[str]:
        """The shards a search filtered on `region_id` (a district, a street) must load:
        the one holding its whole sub-tree, or, when it was split, its parts (and the site
        shard, which holds its own page)."""
        ids = [s.id for s in self.shards if region_id in s.tops]
        if ids:
            return ids
        owner = self.area_of.get(region_id)
        if owner is None:
            return []
        # Split region: every shard holding one of its descendants.
        found = {owner}
        for s in self.shards:
            if any(_under(r, region_id, self._parents) for r in s.regions):
                found.add(s.id)
        return [s.id for s in self.shards if s.id in found]

    _parents: dict[str, str | None] = field(default_factory=dict, repr=False)


def _under(region: str, ancestor: str, parents: dict[str, str | None]) -> bool:
    node: str | None = region
    while node is not None:
        if node == ancestor:
            return True
        node = parents.get(node)
    return False


def service_page(service_id: str) -> str:
    return f"services/{service_id}/index.html"


def region_page(region_id: str) -> str:
    return f"regions/{region_id}/index.html"


def plan(directory: Directory, cap: int | None = None) -> Plan:
    """Split the indexed pages of `directory` into shards of at most `cap` pages (default
    DEFAULT_CAP) each; a pure function of the model."""
    d = directory
    cap = cap or int(os.environ.get(CAP_VARIABLE) or 0) or DEFAULT_CAP
    here: dict[str, list[str]] = {}
    """Region id → ids of the (non-hotline) services attached to it directly."""
    site = Shard(SITE)
    for service in d.services.values():
        if service.kind == "hotline":  # reachable from everywhere: always loaded
            site.pages.append(service_page(service.id))
        else:
            here.setdefault(service.region.id, []).append(service.id)

    size: dict[str, int] = {}

    def count(region: Region) -> int:
        n = _own(region) + sum(count(c) for c in region.children)
        size[region.id] = n
        return n

    def _own(region: Region) -> int:
        return len(here.get(region.id, ())) + bool(d.by_region.get(region.id))

    for root in d.roots:
        count(root)

    areas: list[Shard] = []
    area_of: dict[str, str] = {}

    def own_pages(region: Region) -> list[str]:
        pages = [region_page(region.id)] if d.by_region.get(region.id) else []
        return pages + [service_page(s) for s in sorted(here.get(region.id, ()))]

    def whole(shard: Shard, region: Region) -> None:
        shard.tops.append(region.id)
        stack = [region]
        while stack:
            r = stack.pop(0)
            shard.regions.append(r.id)
            shard.pages += own_pages(r)
            area_of[r.id] = shard.id
            stack[0:0] = r.children

    def split(regions: list[Region]) -> None:
        pack: list[Region] = []
        total = 0

        def flush() -> None:
            nonlocal pack, total
            if pack:
                ident = pack[0].id if len(pack) == 1 else f"{pack[0].id}--{pack[-1].id}"
                shard = Shard(ident)
                for r in pack:
                    whole(shard, r)
                areas.append(shard)
            pack, total = [], 0

        # Packs of about equal size: as many as the cap needs, no small one left at the end.
        small = sum(size[r.id] for r in regions if size[r.id] <= cap)
        target = small / max(1, -(-small // cap))
        for region in regions:
            n = size[region.id]
            if n == 0:
                continue  # nothing indexed below it
            if n > cap:
                flush()
                site.regions.append(region.id)
                site.pages += own_pages(region)
                area_of[region.id] = SITE
                split(region.children)
                continue
            if pack and (total + n > cap or total + n / 2 > target):
                flush()
            pack.append(region)
            total += n
        flush()

    split(list(d.roots))
    for s in areas:
        if s.id == SITE:  # a region called `site`: keep the site shard's name its own
            s.id = f"{SITE}-area"
            for r in s.regions:
                area_of[r] = s.id
    parents = {r.id: (r.parent.id if r.parent else None) for r in d.regions.values()}
    # Each page's copies in the other languages go into its shard (Pagefind keeps one
    # index per `<html lang>` inside a bundle); `cap` counts the default language's pages.
    prefixes = [e.prefix for e in editions(d.site) if e.prefix]
    for shard in [site] + areas:
        shard.pages += [prefix + page for prefix in prefixes for page in list(shard.pages)]
    result = Plan([site] + areas, area_of)
    result._parents = parents
    return result


def site_pages(site: Path, plan_: Plan) -> list[str]:
    """Every HTML page of the written `site` that no area shard holds and Pagefind would
    index, in path order: the site shard's pages. Left out, as Pagefind would skip them
    (a site with `data-pagefind-body` anywhere indexes only the pages that have it), but
    without making it read them: pages without the attribute, the elder-mode mirror
    (elder.py strips it), the pages of long lists' full lists (`*/page/<n>/`, never
    indexed) and hidden folders."""
    claimed = {p for s in plan_.shards[1:] for p in s.pages}
    found = []
    for dirpath, dirs, names in os.walk(site):
        rel_dir = os.path.relpath(dirpath, site)
        top = rel_dir == "."
        if top:
            dirs[:] = [d for d in dirs if d not in (BUNDLES, MIRROR.rstrip("/"))]
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        parts = [] if top else rel_dir.split(os.sep)
        if len(parts) >= 2 and parts[-2] == "page" and parts[-1].isdigit():
            continue
        bare = parts[1:] if parts and parts[0] + "/" in EDITION_PREFIXES else parts
        if len(bare) == 3 and bare[0] == "regions" and bare[2] == "print":
            continue  # printable leaflets (region_print.html): not indexed
        for name in names:
            if not name.endswith(".html"):
                continue
            rel = "/".join(parts + [name])
            if rel in claimed:
                continue
            with open(os.path.join(dirpath, name), "rb") as f:
                if BODY not in f.read():
                    continue
            found.append(rel)
    return sorted(found)


BODY = b"data-pagefind-body"


# ------------------------------------------------------------------ manifest

def manifest(plan_: Plan, indexed: dict[str, int], digests: dict[str, str] | None = None,
             pagefind_version: str = "") -> dict:
    """The manifest of a built index: for every shard its id, bundle folder (relative to
    the site root), the regions whose pages it holds, the regions whose whole sub-tree it
    holds (`tops`), the pages Pagefind indexed, and a digest of its input pages (equal
    digests: the bundle can be reused)."""
    digests = digests or {}
    return {
        "format": FORMAT,
        "pagefind": pagefind_version,
        "site": SITE,
        "shards": [{"id": s.id, "bundle": s.bundle, "regions": list(s.regions),
                    "tops": list(s.tops), "pages": int(indexed.get(s.id, 0)),
                    "digest": digests.get(s.id, "")}
                   for s in plan_.shards],
    }


class ManifestError(Exception):
    """shards.json is missing, unreadable or not of this format; one line."""


def write_manifest(site: Path, data: dict) -> Path:
    """Write `data` (see `manifest`) to `<site>/pagefind/shards.json`, atomically, in a
    canonical form (same manifest, same bytes)."""
    target = site / BUNDLES / MANIFEST
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{MANIFEST}.{os.getpid()}.tmp")
    temp.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n",
                    encoding="utf-8")
    os.replace(temp, target)
    return target


def read_manifest(site: Path) -> dict:
    """The manifest of the site at `site`; ManifestError when there is none usable."""
    path = site / BUNDLES / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ManifestError(M("search.manifest_unreadable", "{path}: cannot read the search "
                              "manifest ({what})", path=path, what=exc)) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT \
            or not isinstance(data.get("shards"), list):
        raise ManifestError(M("search.manifest_format", "{path}: not a search manifest of "
                              "format {format}", path=path, format=FORMAT))
    for shard in data["shards"]:
        if not isinstance(shard, dict) or not {"id", "bundle", "regions", "pages"} <= shard.keys():
            raise ManifestError(M("search.manifest_shard", "{path}: a shard lacks id, bundle, "
                                  "regions or pages", path=path))
    return data


def merge_manifests(manifests: Iterable[dict], site_shard: dict | None = None) -> dict:
    """One manifest for shards built apart (`build --shard`, then `assemble`): the area
    shards of every manifest, in the order given, and `site_shard` (the site-wide shard
    re-indexed over the assembled site-wide pages; default: the first manifest's).
    Raises ManifestError when two manifests hold the same shard id or the same region."""
    manifests = list(manifests)
    if not manifests:
        raise ManifestError(M("search.nothing_to_merge", "no search manifest to merge"))
    areas: list[dict] = []
    seen: dict[str, str] = {}
    owner: dict[str, str] = {}
    for m in manifests:
        for s in m["shards"]:
            if s["id"] == m.get("site", SITE):
                continue
            if s["id"] in seen:
                raise ManifestError(M("search.shard_twice", "search shard {id} is in two of the "
                                      "manifests merged", id=s["id"]))
            seen[s["id"]] = s["id"]
            for r in s["regions"]:
                if r in owner:
                    raise ManifestError(M("search.region_twice", "region {region} is in search shards "
                                          "{first} and {second}", region=r, first=owner[r],
                                          second=s["id"]))
                owner[r] = s["id"]
            areas.append(s)
    if site_shard is None:
        site_shard = next(s for s in manifests[0]["shards"] if s["id"] == manifests[0].get("site", SITE))
    return {"format": FORMAT, "pagefind": manifests[0].get("pagefind", ""), "site": SITE,
            "shards": [site_shard] + areas}


def browser_shards(plan_: Plan) -> list[list[str]]:
    """What the search page needs: [[id, bundle], …], site shard first."""
    return [[s.id, s.bundle] for s in plan_.shards]


def as_dict(shard: Shard) -> dict:
    return asdict(shard)


@dataclass(frozen=True)
class SearchPage:
    """What the search page tells search.js about the shards."""

    bundles: str
    """JSON [[id, bundle], …], site shard first (for data-shards)."""
    of_region: dict[str, str]
    """Region id → the ids of the shards a filter on it loads, space-separated."""

    @property
    def primary(self) -> str:
        return f"{BUNDLES}/{SITE}/pagefind.js"

    @property
    def wasm(self) -> str:
        """Pagefind's WebAssembly in the primary bundle (`wasm.unknown.pagefind`: the
        entry names no language-specific one for Chinese)."""
        return f"{BUNDLES}/{SITE}/wasm.unknown.pagefind"

    def wasm_for(self, lang: str) -> str:
        """The WebAssembly of `<html lang>`: English has its own (with its stemmer)."""
        return f"{BUNDLES}/{SITE}/wasm.en.pagefind" if lang == "en" else self.wasm


def search_page(directory: Directory, regions: Iterable[str], cap: int | None = None,
                plan_: Plan | None = None) -> SearchPage:
    """The shards of `directory` (or of `plan_`, already made) as the search page needs
    them, for the filter values `regions` (district and street ids)."""
    p = plan_ or plan(directory, cap)
    bundles = json.dumps(browser_shards(p), ensure_ascii=False, separators=(",", ":"))
    return SearchPage(bundles, {r: " ".join(p.shards_for_region(r)) for r in regions})

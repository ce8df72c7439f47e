"""Building a national site across machines: `build --shard ID` and `assemble`.

A shard is one top-level area (a province): the roots of regions.yaml, or the
children of the root when there is a single root of level `country`. Every job
reads and validates the whole content (references and checks are national), so each
job holds the same model and renders the same bytes a one-machine build would:

- a shard job renders the pages its area owns: `services/<id>/` of the services in it
  and `regions/<id>/` (with their full-list pages) of the areas in it, and writes
  SHARD_FILE listing them;
- `assemble` renders every other page (home, area and kind indexes, kind, audience,
  need and hotline lists, articles, pages, search, feeds, open data, sitemap), and
  hard-links the shards' pages in without rendering them again.

So the assembled site is, file for file, a one-machine build; only the search index
differs in layout (one bundle per shard, see docs/scaling.md).
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .errors import Abort
from .messages import M
from .index import Indexed, index_bundles, index_site, jobs_for, pagefind_version, shard_digest
from .model import Directory, Region
from .publish import Target, discard_staging, staging_dir
from .render import STATIC, TEMPLATES
from .search import shards as search
from .supervise import Budget
from .write import link_files, safe_join

SHARD_FILE = "shard.json"
"""At the root of a shard's output: which shard, which pages, built from which content."""
FORMAT = 1


def shard_roots(d: Directory) -> list[Region]:
    """The areas a national build is split by: the roots, or the children of a single
    `country` root (its provinces)."""
    if len(d.roots) == 1 and d.roots[0].level == "country" and d.roots[0].children:
        return list(d.roots[0].children)
    return list(d.roots)


class Owners:
    """Which shard owns a site path (None: the assembly renders it)."""

    def __init__(self, d: Directory):
        self.roots = {r.id: r for r in shard_roots(d)}
        self._region: dict[str, str] = {}
        for region in d.regions.values():
            owner = next((r.id for r in region.trail if r.id in self.roots), None)
            if owner is not None:
                self._region[region.id] = owner
        self._service = {s.id: self._region.get(s.region.id) for s in d.services.values()}

    def __call__(self, path: str) -> str | None:
        parts = path.split("/")
        if len(parts) < 3:
            return None  # services/index.html, regions/index.html
        if parts[0] == "services" and len(parts) == 3 and parts[2] == "index.html":
            return self._service.get(parts[1])
        if parts[0] == "regions" and (len(parts) == 3 and parts[2] == "index.html"
                                      or len(parts) == 5 and parts[2] == "page"):
            return self._region.get(parts[1])
        return None

    def of_region(self, region_id: str) -> str | None:
        return self._region.get(region_id)

    def check(self, shard: str) -> None:
        if shard not in self.roots:
            known = ", ".join(sorted(self.roots)) or "none"
            raise Abort(M("shard.unknown", "--shard {shard}: not a top-level area of regions.yaml "
                          "(one of: {known})", shard=shard, known=known))


def fingerprint(content: Path, today: str, base_url: str) -> str:
    """What every shard and the assembly must share, or their pages would not fit
    together: the content's files (names and bytes), the build date, the base URL, the
    templates and static files, site-builder's version and the search shards' size."""
    cap = int(os.environ.get(search.CAP_VARIABLE) or 0) or search.DEFAULT_CAP  # as search.plan
    digest = hashlib.sha256(f"{__version__}\n{today}\n{base_url}\n{cap}\n".encode())
    for label, root in (("content", content), ("templates", TEMPLATES), ("static", STATIC)):
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                path = Path(dirpath) / name
                rel = path.relative_to(root).as_posix()
                digest.update(f"{label}/{rel}\0".encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def write_shard_file(staged: Path, shard: str, paths: list[str], print_: str) -> None:
    data = {"format": FORMAT, "shard": shard, "fingerprint": print_, "paths": sorted(paths)}
    (staged / SHARD_FILE).write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n",
                                     encoding="utf-8")


@dataclass
class Shard:
    """A shard's output folder, as `assemble` reads it."""

    folder: Path
    shard: str
    fingerprint: str
    paths: list[str]


def read_shard(folder: Path) -> Shard:
    """The SHARD_FILE of `folder`; Abort (one line) when it is not a shard's output."""
    file = folder / SHARD_FILE
    if not folder.is_dir():
        raise Abort(M("shard.no_folder", "{folder}: no such folder (pass the output folders of "
                      "build --shard)", folder=folder))
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        shard, print_, paths = data["shard"], data["fingerprint"], data["paths"]
        if data.get("format") != FORMAT or not isinstance(paths, list):
            raise ValueError("unknown format")
    except FileNotFoundError:
        raise Abort(M("shard.not_a_shard", "{folder}: not the output of build --shard (it has no "
                      "{file})", folder=folder, file=SHARD_FILE)) from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise Abort(M("shard.unreadable", "{file}: unreadable ({what}); build the shard again",
                      file=file, what=exc)) from None
    return Shard(folder, str(shard), str(print_), [str(p) for p in paths])


class Assembly:
    """The shards an assembly combines: which pages they bring, and linking them in."""

    def __init__(self, shards: list[Shard], owners: Owners, print_: str):
        seen: dict[str, Path] = {}
        for s in shards:
            if s.shard in seen:
                raise Abort(M("shard.twice", "shard {shard} given twice ({first} and {second})",
                              shard=s.shard, first=seen[s.shard], second=s.folder))
            seen[s.shard] = s.folder
            if s.shard not in owners.roots:
                raise Abort(M("shard.not_top_level", "{folder}: shard {shard} is not a top-level area "
                              "of this content", folder=s.folder, shard=s.shard))
            if s.fingerprint != print_:
                raise Abort(M("shard.other_content", "{folder}: shard {shard} was built from other "
                              "content, templates, build date or site-builder version; build "
                              "every shard and the assembly from the same commit on the same day",
                              folder=s.folder, shard=s.shard))
            for path in s.paths:
                if owners(path) != s.shard:
                    raise Abort(M("shard.foreign_page", "{folder}: {path} does not belong to shard "
                                  "{shard}", folder=s.folder, path=path, shard=s.shard))
        missing = sorted(set(owners.roots) - set(seen))
        if missing:
            raise Abort(M("shard.missing", "missing shard(s) {missing}: build each with "
                          "`site-builder build --shard ID` and pass all their outputs",
                          missing=", ".join(missing)))
        self.shards, self.owners = shards, owners

    def wanted(self, path: str) -> bool:
        """Pages the assembly renders itself: those no shard owns."""
        return self.owners(path) is None

    def link(self, staged: Path) -> list[str]:
        """Hard-link every shard's pages into `staged` (copies across file systems)."""
        linked: list[str] = []
        for s in self.shards:
            for path in s.paths:
                if not safe_join(s.folder, path).is_file():
                    raise Abort(M("shard.page_missing", "{folder}: {path} is listed in {file} but "
                                  "missing; build the shard again", folder=s.folder, path=path,
                                  file=SHARD_FILE))
            link_files(s.folder, staged, s.paths)
            linked += s.paths
        return linked

    def index(self, staged: Path, target: Target, plan: search.Plan,
              budget: Budget | None) -> Indexed:
        """The whole search index of `staged`, as a one-machine build makes it: the shards'
        bundles are reused (their pages are the same bytes, so are their digests), the
        others (the site shard; an area shard spanning two provinces) are indexed here."""
        previous = staging_dir(target)  # the shards' bundles side by side, as `previous`
        try:
            entries = []
            for s in self.shards:
                try:
                    data = search.read_manifest(s.folder)
                except search.ManifestError as exc:
                    raise Abort(M("shard.manifest", "{what}; build the shard again", what=exc.args[0])) from None
                for entry in data["shards"]:
                    folder = safe_join(s.folder, f"{search.BUNDLES}/{entry['id']}")
                    files = [p.relative_to(s.folder).as_posix() for p in sorted(folder.rglob("*"))
                             if p.is_file()]
                    link_files(s.folder, previous, files)
                    entries.append({**entry, "bundle": f"{search.BUNDLES}/{entry['id']}/"})
            search.write_manifest(previous, {"format": search.FORMAT, "site": search.SITE,
                                             "shards": entries})
            return index_site(staged, plan, budget, previous=previous)
        finally:
            discard_staging(previous)


class Part:
    """What build() does differently for a shard or an assembly (see build.py)."""

    def __init__(self, directory: Directory, content: Path, shard: str | None,
                 assemble: list[Path] | None):
        self.owners = Owners(directory)
        self.print_ = fingerprint(content, directory.today.isoformat(), directory.site.base_url)
        self.shard = shard
        self.assembly = None
        if shard is not None:
            self.owners.check(shard)
        else:
            self.assembly = Assembly([read_shard(f) for f in assemble or []], self.owners,
                                     self.print_)

    @property
    def site_wide(self) -> bool:
        """Sitemap, static files and media: the assembly's, never a shard's."""
        return self.assembly is not None

    def wanted(self, path: str) -> bool:
        if self.assembly is not None:
            return self.assembly.wanted(path)
        return self.owners(path) == self.shard

    def index(self, staged: Path, target: Target, plan: search.Plan,
              budget: Budget | None) -> Indexed:
        """A shard indexes the search shards that lie wholly in its area (their bundles and
        a pagefind/shards.json listing them); the assembly indexes the rest."""
        if self.assembly is not None:
            return self.assembly.index(staged, target, plan, budget)
        mine = [s for s in plan.shards[1:] if s.regions
                and all(self.owners.of_region(r) == self.shard for r in s.regions)]
        todo = {s.id: [p for p in s.pages if (staged / p).is_file()] for s in mine}
        counts: dict[str, int] = {}
        if todo:
            counts = index_bundles(staged, todo, budget, jobs_for([len(p) for p in todo.values()]),
                                   whole_site=False)
        digests = {sid: shard_digest(staged, pages) for sid, pages in todo.items()}
        search.write_manifest(staged, search.manifest(search.Plan(mine, {}), counts, digests,
                                                      pagefind_version()))
        return Indexed(sum(counts.values()), counts, list(counts), [])

    def gather(self, staged: Path, paths: list[str]) -> list[str]:
        """After rendering: a shard lists its pages; the assembly links the shards' in."""
        if self.assembly is not None:
            return sorted(paths + self.assembly.link(staged))
        write_shard_file(staged, self.shard, paths, self.print_)
        return paths

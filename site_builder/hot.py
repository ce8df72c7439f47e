"""Quick edits in the dev server: a changed service record is on its page within a second.

`site-builder serve` keeps what the last build loaded and validated (`Hot`). When the
only files changed are service records (services/*.yaml: edited, added or deleted), it

1. reads and parses those files again, and validates the whole content again with
   `validate.Memo`: every other record's own checks are taken from the last validation,
   the checks across records (duplicate ids and copies, alternatives, far points,
   placeholders, links) are run as in a full check, so errors are the same lines at the
   same places, and a broken edit changes nothing that is served;
2. works out the pages that may show the edited records (`service_folders`, the same
   rules as incremental.PageKeys), compares each one's fingerprint before and after, and
   renders those whose fingerprint changed (and their elder-mode mirrors);
3. writes those whose text changed beside the site and renames them into it, under the
   server's lock (a request sees the old page or the new one, never a half-written one);
4. re-indexes only the search shards holding a changed indexed page, each into a folder
   beside the site, swapped in for the shard's bundle (`reindex_shards`);
5. makes the open-data files again (data/, the HSDS tables: seconds for a province) and
   swaps in the changed ones.

A change to anything else (site.yaml, regions.yaml, holidays.yaml, articles, pages, media,
templates, static files, the code, the date) is a full incremental build, as are edits
that change what every list shows (a service among the lines open at night) or the
search shards' layout. The output equals a clean build's (tests/test_hot.py).
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable

from . import search_vocab
from .build import Report, edit_prefix
from .elder import PREFIX as ELDER_PREFIX
from .errors import ContentError, Problems
from .exports import open_data_jobs
from .incremental import Counts, PageKeys
from .index import _pages_of, index_bundles, jobs_for, pagefind_version, shard_digest
from .load import (RawContent, _ignored, display_path, load, parse_yaml, read_text)
from .model import Directory
from .parallel import run_jobs
from .publish import Target, check_output_dir, discard_staging, staging_dir
from .i18n.editions import editions, split as split_edition
from .render import Job, iter_jobs, render_jobs, sitemap
from .search import shards as search_shards
from .validate import Memo, today_in, validate
from .write import link_files, safe_join, write_outputs


INDEXED = b"data-pagefind-body"
"""Pagefind indexes the pages that have it (only those, when any page has it)."""


class NotQuick(Exception):
    """This change needs a full build (the reason, for the tests)."""


def folder_of(path: str) -> str:
    """The page folder of a site path, without the elder-mode and language prefixes:
    `regions/sz/` for `elder/en/regions/sz/page/2/index.html`; `` for the site's top-level outputs
    (`index.html`, `search/index.html`, `feed.xml`, `data/services.csv`)."""
    if path.startswith(ELDER_PREFIX):
        path = path[len(ELDER_PREFIX):]
    path = split_edition(path)[1]  # `en/services/x/…`: the same folder in every language
    parts = path.split("/")
    return parts[0] + "/" + parts[1] + "/" if len(parts) >= 3 else ""


def service_folders(d: Directory, sid: str) -> set[str]:
    """The page folders (`folder_of`) whose pages may show the service `sid` of `d`: its
    own, those of the services naming it as their alternative, of the articles whose event
    it hosts, of its areas up the tree, its kind, its audiences and the needs it matches.
    The site's top-level pages (home, hotlines, search, feeds…) are always looked at.
    Each folder holds the pages of every language (`folder_of` drops `en/`, `zh-hant/`)."""
    folders = {f"services/{sid}/", "articles/page/"}
    service = d.services.get(sid)
    folders |= {f"services/{s.id}/" for s in d.services.values()
                if s.closed is not None and s.closed.alternative == sid}
    folders |= {f"articles/{a.slug}/" for a in d.articles
                if a.event is not None and a.event.service is not None and a.event.service.id == sid}
    if service is None:
        return folders
    folders |= {f"regions/{r.id}/" for r in service.region.trail}
    folders.add(f"kinds/{service.kind}/")
    folders |= {f"audiences/{a}/" for a in service.audiences}
    for need in (d.site.search or search_vocab.builtin()).needs:
        if search_vocab.strict_match(need, service) or search_vocab.loose_match(need, service):
            folders.add(f"needs/{need.slug}/")
    return folders


def _by_folder(paths: Iterable[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in paths:
        found.setdefault(folder_of(path), []).append(path)
    return found


@dataclass
class Edit:
    """What one quick edit did."""

    report: Report
    changed: list[str] = field(default_factory=list)
    """Site paths written or deleted (text changed)."""
    seconds: float = 0.0
    first_seconds: float = 0.0
    """Until the records' own pages were in."""
    search_seconds: float | None = None
    search_shards: list[str] = field(default_factory=list)
    indexed: int = 0


class Hot:
    """The loaded and validated content of the site being served, and its pages.

    `prime` after each full build; then `apply` for each burst of changes, which raises
    NotQuick when a full build is needed, ContentError when the content has errors (the
    served site is then untouched)."""

    def __init__(self, content: Path, out: Path, today: date | None):
        self.content, self.out, self.today = content, out, today
        self.ready = False
        self.dirty: set[str] = set()
        self.load_problems: dict[str, list] = {}
        self._pending_search: set[str] = set()
        """Site paths changed since the last `reindex`."""
        self._search_pages: set[str] = set()
        """Of those, the pages indexed before or after the change."""

    # ------------------------------------------------------------ after a full build

    def prime(self, directory: Directory | None) -> None:
        """Load and validate the content as it is now (the validation is memoised), and
        take `directory` (what the full build rendered) as what is served."""
        self.ready = False
        self.prefix = edit_prefix(self.content)
        self.root_display = display_path(self.content / "x", self.content)[:-1]
        loaded = Problems()
        self.raw = load(self.content, loaded)
        self.load_problems: dict[str, list] = {}
        """What `load` said, by file shown (a full check reports it again)."""
        for problem in loaded.items:
            self.load_problems.setdefault(problem.path, []).append(problem)
        self.memo = Memo()
        validated = validate(self.raw, Problems(), self.today, self.root_display, publishing=True,
                             memo=self.memo)
        directory = directory or validated  # None: the build found nothing to do
        if directory is None:
            return
        self.stamp = self._stamp()
        self.live = directory
        self.keys = PageKeys(directory, self.prefix)
        self.paths = set(p for job in self._jobs(directory) for p in job.paths)
        self.folders = _by_folder(self.paths)
        self.plan = search_shards.plan(directory)
        self.dirty = set()
        """Ids of the service files read again since `live` was rendered."""
        self.open_data_stale = False
        self.ready = True

    def _stamp(self) -> tuple:
        """What must not change for a quick edit: the content and services folders
        themselves (a folder replaced anew is a full build), and the date."""
        def inode(p: Path):
            try:
                st = os.stat(p)
            except OSError:
                return None
            return (st.st_dev, st.st_ino)
        return (inode(self.content), inode(self.content / "services"))

    def _jobs(self, d: Directory) -> list[Job]:
        return open_data_jobs(d) + render_jobs(d, self.prefix)

    # ------------------------------------------------------------ one burst of changes

    def service_files(self, changed: Iterable[str]) -> list[str]:
        """The service file names (`x.yaml`) of `changed` (absolute paths); NotQuick when
        any other file changed, or anything this class does not follow."""
        if not self.ready:
            raise NotQuick("not primed")
        if self._stamp() != self.stamp:
            raise NotQuick("the content folder was replaced")
        if (self.today or today_in(self.live.site.timezone)) != self.live.today:
            raise NotQuick("the date changed")
        services = (self.content / "services").absolute()
        names = []
        for path in changed:
            p = Path(path)
            if p.parent != services or not p.name.endswith(".yaml") or _ignored(p.name):
                raise NotQuick(f"{path} is not a service record")
            if os.path.islink(p) or (p.exists() and not p.is_file()):
                raise NotQuick(f"{path} is not a plain file")
            names.append(p.name)
        if not names:
            raise NotQuick("nothing changed")
        return sorted(set(names))

    def _reload(self, names: list[str]) -> None:
        """Read the service files `names` again into `self.raw` (added, changed, deleted,
        unreadable), in the order `load` reads them."""
        raw: RawContent = self.raw
        for name in names:
            rel = f"services/{name}"
            self.dirty.add(name[: -len(".yaml")])
            self.load_problems.pop(display_path(self.content / rel, self.content), None)
            raw.services = [doc for doc in raw.services if doc.rel != rel]
            raw.unreadable.discard(rel)
            path = self.content / "services" / name
            if not path.exists():
                continue
            problems = Problems()  # reported with the validation's (as `load` does)
            shown = display_path(path, self.content)
            text = read_text(path, shown, problems)
            doc = parse_yaml(text, shown, rel, problems) if text is not None else None
            self.load_problems[shown] = problems.items
            if doc is None:
                raw.unreadable.add(rel)
            else:
                raw.services.append(doc)
        raw.services.sort(key=lambda doc: doc.rel)

    def validate(self, names: list[str]) -> tuple[Directory, Problems]:
        """Step 1: the new model, or ContentError with every problem of a full check."""
        self._reload(names)
        problems = Problems()
        for items in self.load_problems.values():
            problems.items.extend(items)
        directory = validate(self.raw, problems, self.today, self.root_display, publishing=True,
                             memo=self.memo)
        if problems.errors or directory is None:
            raise ContentError(problems.errors)
        return directory, problems

    def apply(self, changed: Iterable[str], lock, publish=None) -> Edit:
        """Steps 1 to 3 (see the module docstring). The records' own pages are swapped in
        first, then the other pages that show them; `publish(report, paths)` is called
        after each (the tabs showing one of `paths` reload). Search and open data follow
        (`reindex`, `open_data`)."""
        start = time.perf_counter()
        names = self.service_files(changed)
        seconds: dict[str, float] = {}
        t = time.perf_counter()
        directory, problems = self.validate(names)
        seconds["validate"] = time.perf_counter() - t
        t = time.perf_counter()
        ids = sorted(self.dirty)
        keys = PageKeys.following(self.keys, directory, ids)
        if keys.open_lines != self.keys.open_lines:
            raise NotQuick("the lines open at night changed (every list shows them)")
        # The records' own pages first: their jobs come early in the site's order.
        own = {f"services/{sid}/" for sid in ids}
        want = {f"{e.prefix}{f}index.html" for f in own if f[len("services/"):-1] in directory.services
                for e in editions(directory.site)}
        own_jobs = []
        for job in iter_jobs(directory, self.prefix):
            if want.intersection(job.paths):
                own_jobs.append(job)
                want -= set(job.paths)
                if not want:
                    break
        own_paths = {p for job in own_jobs for p in job.paths}
        own_gone = sorted(p for f in own for p in self.folders.get(f, []) if p not in own_paths)
        target = check_output_dir(self.out, self.content)
        report = Report(problems, directory=directory)
        report.search_pending = True
        written = self._write(target, own_jobs, own_paths, own_gone, lock, None)
        seconds["own pages"] = time.perf_counter() - t
        if publish is not None and written:
            publish(report, set(written))
        first = time.perf_counter() - start

        t = time.perf_counter()  # the pages that show the records
        jobs = self._jobs(directory)
        paths = set(p for job in jobs for p in job.paths)
        folders = _by_folder(paths)
        report.pages = sum(1 for p in paths if p.endswith(".html"))
        looked: set[str] = {"", "search/top/", "search/route/"}  # (their files name any record)
        for sid in ids:
            looked |= service_folders(self.live, sid) | service_folders(directory, sid)
        looked -= own
        candidates = {p for f in looked for p in self.folders.get(f, []) + folders.get(f, [])}
        open_data = {p for job in jobs[:len(open_data_jobs(directory))] for p in job.paths}
        wanted = {p for p in candidates - open_data
                  if p in paths and (p not in self.paths or keys.key(p) != self.keys.key(p))}
        gone = sorted(p for p in candidates if p in self.paths and p not in paths)
        seconds["plan"] = time.perf_counter() - t
        t = time.perf_counter()
        more = self._write(target, jobs, wanted, gone, lock,
                           sitemap_paths=sorted(paths - {"sitemap.xml"}) if paths != self.paths else None)
        seconds["render"] = time.perf_counter() - t
        self.live, self.keys, self.paths, self.folders = directory, keys, paths, folders
        self.dirty.clear()
        self.open_data_stale = True
        self._pending_search = self._pending_search | set(written) | set(more)
        report.incremental = Counts(rendered=len(own_paths) + len(wanted), changed=len(written) + len(more),
                                    unchanged=len(paths) - len(own_paths) - len(wanted),
                                    deleted=len(gone) + len(own_gone))
        report.seconds = {k: round(v, 3) for k, v in seconds.items()}
        if publish is not None and (more or not written):
            publish(report, set(more))
        return Edit(report, written + more, time.perf_counter() - start, first_seconds=first)

    def _write(self, target: Target, jobs: list[Job], wanted: set[str], gone: list[str], lock,
               sitemap_paths: list[str] | None) -> list[str]:
        """Render `wanted` beside the site, rename those whose text changed into it and
        delete `gone`, under `lock`; the paths changed."""
        staged = staging_dir(target)
        live = target.real
        try:
            done = run_jobs(staged, jobs, lambda p: p in wanted, processes=1)
            made = list(done.paths)
            if sitemap_paths is not None:
                base_url = self.live.site.base_url
                write_outputs(staged, [sitemap(sitemap_paths, base_url)])
                made.append("sitemap.xml")
            changed = []
            for path in made + gone:
                new = safe_join(staged, path)
                try:
                    before = safe_join(live, path).read_bytes()
                except OSError:
                    before = b""
                after = new.read_bytes() if path not in gone else b""
                if before == after:
                    continue
                if path not in gone:
                    changed.append(path)
                if INDEXED in before or INDEXED in after:
                    self._search_pages.add(path)  # what Pagefind reads of it changes
            with lock:
                for path in changed:
                    old = safe_join(live, path)
                    old.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(safe_join(staged, path), old)
                for path in gone:
                    try:
                        safe_join(live, path).unlink()
                    except FileNotFoundError:
                        pass
                    _prune_folders(live, path)
            return changed + gone
        finally:
            discard_staging(staged)

    # ------------------------------------------------------------ search, open data

    def reindex(self, lock) -> tuple[list[str], int] | None:
        """Step 4: re-index the search shards holding a page changed since the last call.
        (shards, pages indexed); None when the shards' layout changed (a full re-index is
        needed: `build.reindex`)."""
        changed, self._pending_search = self._pending_search, set()
        indexed_pages, self._search_pages = self._search_pages, set()
        plan = search_shards.plan(self.live)
        if _layout(plan) != _layout(self.plan):
            self.plan = plan
            return None
        target = check_output_dir(self.out, self.content)
        live = target.real
        try:
            manifest = search_shards.read_manifest(live)
        except search_shards.ManifestError:
            return None
        claimed = {p: s.id for layout in (self.plan, plan) for s in layout.shards[1:] for p in s.pages}
        self.plan = plan
        touched = set()
        for path in changed:
            if not path.endswith(".html") or path.startswith(search_shards.BUNDLES + "/"):
                continue
            parts = path.split("/")
            if path not in claimed and len(parts) >= 3 and parts[-3] == "page" and parts[-2].isdigit():
                continue  # the pages of long lists are in no shard
            touched.add(claimed.get(path, search_shards.SITE))
        if not touched:
            return [], 0
        pages = {sid: pages for sid, pages in _pages(live, plan).items() if sid in touched}
        digests = {sid: shard_digest(live, p) for sid, p in pages.items()}
        old = {s["id"]: s for s in manifest["shards"]}
        # A shard whose indexed pages are unchanged keeps its bundle (what changed in it,
        # elder-mode mirrors and the like, Pagefind skips): only its digest is new.
        reindexed = {claimed.get(p, search_shards.SITE) for p in indexed_pages}
        todo = {sid: p for sid, p in pages.items()
                if sid in reindexed and old.get(sid, {}).get("digest") != digests[sid]}
        if not todo:
            if any(old.get(sid, {}).get("digest") != d for sid, d in digests.items()):
                self._write_manifest(live, plan, manifest, {}, digests, lock)
            return [], 0
        staged = staging_dir(target)
        try:  # Pagefind reads the shards' pages linked into a folder beside the site
            link_files(live, staged, sorted({p for pages in todo.values() for p in pages}))
            counts = index_bundles(staged, todo, None, jobs_for([len(p) for p in todo.values()]),
                                   whole_site=False)
            bundles = staged / search_shards.BUNDLES
            with lock:
                for sid in todo:
                    bundle = live / search_shards.BUNDLES / sid
                    if bundle.exists():
                        os.replace(bundle, staged / f"{sid}.old")
                    os.replace(bundles / sid, bundle)
                self._write_manifest(live, plan, manifest, counts, digests, None)
        finally:
            discard_staging(staged)
        return sorted(todo), sum(counts.values())

    @staticmethod
    def _write_manifest(live: Path, plan, manifest: dict, counts: dict, digests: dict, lock) -> None:
        """shards.json as a full build writes it: the old one with new counts and digests."""
        indexed = {s["id"]: s["pages"] for s in manifest["shards"]}
        indexed.update(counts)
        digest_of = {s["id"]: s.get("digest", "") for s in manifest["shards"]}
        digest_of.update(digests)
        data = search_shards.manifest(plan, indexed, digest_of, pagefind_version())
        if lock is None:
            search_shards.write_manifest(live, data)
        else:
            with lock:
                search_shards.write_manifest(live, data)

    def open_data(self, lock) -> list[str]:
        """Step 5: the open-data files of the served model, the changed ones swapped in."""
        if not self.open_data_stale:
            return []
        jobs = open_data_jobs(self.live)
        wanted = {p for job in jobs for p in job.paths}
        target = check_output_dir(self.out, self.content)
        changed = self._write(target, jobs, wanted, [], lock, None)
        self.open_data_stale = False
        return changed


def _layout(plan: search_shards.Plan) -> list:
    """The shards and their areas (what shards.json and the search page name); the pages
    of a shard may change (a record added or deleted) and its bundle be remade alone."""
    return [(s.id, s.regions, s.tops) for s in plan.shards]


def _pages(site: Path, plan: search_shards.Plan) -> dict[str, list[str]]:
    return _pages_of(site, plan)


def _prune_folders(root: Path, path: str) -> None:
    """Remove the folders of a deleted page that are now empty (as a clean build has none)."""
    folder = safe_join(root, path).parent
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent

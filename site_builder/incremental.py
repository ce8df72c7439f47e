"""Incremental builds: render again only the pages whose inputs changed.

The model is rebuilt from scratch on every build (everything is loaded and validated
again, as in Lektor); what is kept between builds is a manifest, in the cache folder,
of the pages in the output folder: for each page, the fingerprint of its inputs and the
sha256, size and modification time of the file written. The next build computes each
page's fingerprint before rendering it (`Plan.wanted`), renders the pages whose
fingerprint changed or whose file is not the one recorded, and hard-links the others
from the previous output into the new staging folder. Pages that are no longer made
are simply not carried over. The output is the same, byte for byte, as a clean
build's: tests/test_incremental.py compares the two after random edit sequences.

What a page's fingerprint covers (`PageKeys.key`):

* `everything`: what any page may show. The code and its pinned libraries, the
  templates and static files, site.yaml, regions.yaml, holidays.yaml, the pages
  (the navigation is on every page), the media list, the date, the edit-link prefix and
  the human translations of articles and pages (`<slug>.<lang>.md`).
  A change to any of these renders every page again.
* each service and published article: a digest of its model object (a reference to
  another record counts by id only; the record itself is added where a page shows it).
* a service page: the service, the articles announcing its events and the service its
  closure names as the alternative; an area page: the services in the area and below it
  (its cards and every count on it); a kind, audience or hotline list: its services; an
  article page: the article and its event's service; a need page (/needs/<slug>/): the
  services and articles it lists. Every list also shows the lines
  offered when nothing in it is open now (`render.open_lines`).
* a page of a long list's full list (`regions/<id>/page/<n>/`, also under kinds and
  audiences): the services on that page, where it falls in the list (`paging.ListPage`)
  and the list's counts, so that an edit renders only the pages it changes.
* the Atom feed and the calendars (feed.xml, events.ics, articles/<slug>/event.ics): the
  articles and their events' services.
* a page of another language's edition (`en/…`, `zh-hant/…`, i18n/): the key of the same
  page in the default language (a service's translations are part of its digest);
* an elder-mode mirror (`elder/…`, elder.py): the key of the page it is made from; a
  notice-board leaflet (`regions/<id>/print/`): the area's services, as its area page.
* any other output (home, the indexes, search, services.json, 404, and any output added
  later): every record. That is always correct, and these outputs are few.

A template that starts showing more (say, other services on a service page) must
widen its rule here; the random edit tests are there to catch a rule that is too narrow.
"""
from __future__ import annotations

import copyreg
import hashlib
import io
import json
import os
import pickle
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Iterable, Iterator

from . import feeds, paging, search_vocab, vocab
from .model import Article, Directory, Region, Service
from .elder import PREFIX as ELDER_PREFIX
from .i18n.editions import split as split_edition
from .render import STATIC, TEMPLATES, Output, full_list, need_services, open_lines
from .write import BuildError, link_files

FORMAT = 1
"""Version of the manifest's layout; a manifest of another version is ignored."""
LIBRARIES = ("jinja2", "markdown-it-py", "mdit-py-plugins", "nh3", "phonenumbers", "pypinyin",
             "pyyaml", "site-builder", "feedgen", "icalendar", "segno", "pillow", "opencc")
"""Libraries whose version can change the HTML (an upgrade renders every page again)."""


# ------------------------------------------------------------------ fingerprints

def _by_id(kind: str, key: str):
    return lambda record: (str, (f"{kind}:{getattr(record, key)}",))


_REFERENCES = copyreg.dispatch_table.copy()
"""How a record pickles inside another: by its id, so that a service's digest does not
include the whole region tree it hangs in (a table lookup, not a call per object)."""
_REFERENCES.update({Region: _by_id("region", "id"), Service: _by_id("service", "id"),
                    Article: _by_id("article", "slug")})


def digest(value: object) -> str:
    """sha256 of a model value: a record's fields, or a tuple of plain values. Records
    inside it count by id."""
    if isinstance(value, (Service, Article)):
        value = vars(value)
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=4)
    pickler.dispatch_table = _REFERENCES
    # No memo: two equal values pickle alike whether or not they are one object.
    pickler.fast = True
    pickler.dump(value)
    return hashlib.sha256(buffer.getvalue()).hexdigest()


def _hash(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def files_digest(folder: Path, pattern: str = "*") -> str:
    """sha256 over the names and bytes of every file below `folder` matching `pattern`."""
    h = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(folder.rglob(pattern)):
            if path.is_file():
                h.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
                h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The site-builder code, the Python and the libraries that shape the HTML. Read once
    per process: a running process keeps the code it started with."""
    versions = []
    for name in LIBRARIES:
        try:
            versions.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}==?")
    # Sources only: __pycache__ changes as modules are compiled.
    here = Path(__file__).resolve().parent
    return _hash(files_digest(here, "*.py"), files_digest(here / "data"), sys.version, *versions)


def everything_digest(directory: Directory, edit_prefix: str) -> str:
    """What every page may show (see the module docstring)."""
    d = directory
    regions = [(r.id, r.name, r.level, r.parent.id if r.parent else None,
                tuple(c.id for c in r.children)) for r in d.regions.values()]
    content = digest((d.site, regions, tuple(r.id for r in d.roots), d.calendar,
                      sorted(d.pages.items()), [m.rel for m in d.media], d.today, edit_prefix,
                      sorted((lang, sorted(t["articles"].items()), sorted(t["pages"].items()))
                             for lang, t in d.translations.items())))
    return _hash(code_digest(), files_digest(TEMPLATES), files_digest(STATIC), content)


class PageKeys:
    """The fingerprint of each output path's inputs, for one validated model."""

    def __init__(self, directory: Directory, edit_prefix: str):
        d = self.directory = directory
        self.everything = everything_digest(directory, edit_prefix)
        self.services = {sid: digest(s) for sid, s in d.services.items()}
        self.articles = {a.slug: digest(a) for a in d.articles}
        self.event_service: dict[str, str] = {}
        self.events: dict[str, list[str]] = {}
        self.full_lists: dict[tuple[str, str], list[paging.ListPage]] = {}
        self._derived()

    @classmethod
    def following(cls, previous: "PageKeys", directory: Directory, changed: Iterable[str]) -> "PageKeys":
        """The keys of `directory`, which differs from `previous`'s only in the services
        `changed` (edited, added or removed): the digests of the others are not computed
        again (the dev server's quick edits, hot.py)."""
        keys = cls.__new__(cls)
        keys.directory = d = directory
        keys.everything = previous.everything  # site.yaml, regions, pages…: a full build when they change
        keys.services = dict(previous.services)
        for sid in changed:
            if sid in d.services:
                keys.services[sid] = digest(d.services[sid])
            else:
                keys.services.pop(sid, None)
        keys.articles = previous.articles
        keys._derived()
        return keys

    def _derived(self) -> None:
        """What the keys of lists and feeds combine from the records' digests."""
        d = self.directory
        self.event_service = {a.slug: a.event.service.id for a in d.articles
                              if a.event is not None and a.event.service is not None}
        self.events = {}
        for slug, service in self.event_service.items():
            self.events.setdefault(service, []).append(slug)
        self.open_lines = _hash(*(f"{s.id}={self.services[s.id]}" for s in open_lines(d)))
        self.full_lists = {}
        self.articles_and_events = _hash(
            *(f"{k}={v}" for k, v in self.articles.items()),
            *(f"{s}={self.services[s]}" for s in sorted(set(self.event_service.values()))))
        self.all_records = _hash(*(f"{k}={v}" for k, v in sorted(self.services.items())),
                                 *(f"{k}={v}" for k, v in self.articles.items()))

    def _list(self, rule: str, services: Iterable[Service]) -> str:
        return _hash(rule, self.everything, self.open_lines,
                     *(f"{s.id}={self.services[s.id]}" for s in services))

    def _list_page(self, folder: str, name: str, number: str) -> str | None:
        """Fingerprint of page `number` of a full list, None when there is no such page."""
        d = self.directory
        lists = {"regions": (d.regions, d.by_region, True), "kinds": (vocab.KINDS, d.by_kind, False),
                 "audiences": (vocab.AUDIENCES, d.by_audience, True)}
        needs = {n.slug: n for n in (d.site.search or search_vocab.builtin()).needs}
        if folder == "needs" and name in needs and number.isdigit():
            if (folder, name) not in self.full_lists:  # every need is paged (render._need_pages)
                self.full_lists[(folder, name)] = paging.split(need_services(d, needs[name]), True)
        elif folder not in lists or name not in lists[folder][0] or not number.isdigit():
            return None
        if (folder, name) not in self.full_lists:
            _, services, grouped = lists[folder]
            self.full_lists[(folder, name)] = full_list(services.get(name, []), grouped)
        pages = self.full_lists[(folder, name)]
        if not 1 <= int(number) <= len(pages):
            return None
        p = pages[int(number) - 1]
        return _hash("list-page", self.everything, self.open_lines, str((p.number, p.count, p.total, p.first)),
                     *(f"{part.kind}:{part.total}:{part.continued}:" +
                       ",".join(f"{s.id}={self.services[s.id]}" for s in part.services)
                       for part in p.parts))

    def key(self, path: str) -> str:
        """Fingerprint of the inputs of the output at `path`."""
        if path.startswith(ELDER_PREFIX):  # an elder-mode mirror: made from the page itself
            return _hash("elder", self.key(path[len(ELDER_PREFIX):]))
        prefix, bare = split_edition(path)
        if prefix:  # another language's page: the same inputs as the default one's
            return _hash("edition", prefix, self.key(bare))
        d, parts = self.directory, path.split("/")
        if len(parts) == 4 and parts[0] == "regions" and parts[2] == "print" and parts[1] in d.regions:
            return _hash("print", self._list("region", d.by_region.get(parts[1], [])))
        if len(parts) == 5 and parts[2] == "page" and parts[4] == "index.html":
            key = self._list_page(parts[0], parts[1], parts[3])
            if key is not None:
                return key
        if len(parts) == 3 and parts[2] == "index.html":
            folder, name = parts[0], parts[1]
            if folder == "services" and name in d.services:
                events = self.events.get(name, [])
                closed = d.services[name].closed
                alternative = closed.alternative if closed is not None else None
                return _hash("service", self.everything, self.services[name],
                             self.services.get(alternative, "") if alternative else "",
                             *(f"{slug}={self.articles[slug]}" for slug in events))
            if folder == "regions" and name in d.regions:
                return self._list("region", d.by_region.get(name, []))
            if folder == "kinds" and name in vocab.KINDS:
                return self._list("kind", d.by_kind.get(name, []))
            if folder == "audiences" and name in vocab.AUDIENCES:
                return self._list("audience", d.by_audience.get(name, []))
            if folder == "articles" and name in self.articles:
                service = self.event_service.get(name)
                return _hash("article", self.everything, self.articles[name],
                             self.services[service] if service else "")
        if path == "hotlines/index.html":
            return self._list("hotlines", d.hotlines)
        if len(parts) == 3 and parts[0] == "needs" and parts[2] == "index.html":
            need = next((n for n in (d.site.search or search_vocab.builtin()).needs
                         if n.slug == parts[1]), None)
            if need is not None:  # its services (which match: by their fields) and articles
                return _hash(self._list("need", search_vocab.services_for(need, d.services.values())),
                             *(f"{a.slug}={self.articles[a.slug]}"
                               for a in search_vocab.articles_for(need, d.articles)))
        if len(parts) == 2 and parts[1] == "index.html" and parts[0] in d.pages:
            return _hash("page", self.everything)  # pages are part of `everything`
        if path in (feeds.FEED_PATH, feeds.CALENDAR_PATH) or (
                len(parts) == 3 and parts[0] == "articles" and parts[2] == "event.ics"):
            # The feeds show articles, and an event's service (its name, as the place).
            return _hash("feeds", self.everything, self.articles_and_events)
        return _hash("all", self.everything, self.all_records)


# ------------------------------------------------------------------ manifest

@dataclass(frozen=True)
class Entry:
    """One page of a previous build, as recorded in the manifest."""

    key: str
    """Fingerprint of the page's inputs."""
    sha256: str
    """Of the text written (UTF-8)."""
    size: int
    mtime_ns: int
    """Size and modification time of the file written: a file that differs was changed
    after the build, and is rendered again rather than reused."""


def manifest_path(cache: Path, out: Path) -> Path:
    """One manifest per output folder, so that two outputs can share a cache folder."""
    name = hashlib.sha256(str(out.absolute()).encode("utf-8")).hexdigest()[:16]
    return cache / f"manifest-{name}.json"


def load_manifest(cache: Path, out: Path) -> dict[str, Entry]:
    """The pages of the last incremental build into `out`; empty when there is none
    (or it is unreadable, or of another format: then every page is rendered)."""
    try:
        data = json.loads(manifest_path(cache, out).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT \
            or data.get("out") != str(out.absolute()):
        return {}
    try:
        return {path: Entry(*row) for path, row in data["pages"].items()}
    except (KeyError, TypeError, AttributeError):
        return {}


def save_manifest(cache: Path, out: Path, pages: dict[str, Entry]) -> None:
    """Write the manifest atomically (a temporary file, then a rename)."""
    cache.mkdir(parents=True, exist_ok=True)
    target = manifest_path(cache, out)
    data = {"format": FORMAT, "out": str(out.absolute()),
            "pages": {path: [e.key, e.sha256, e.size, e.mtime_ns] for path, e in sorted(pages.items())}}
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    os.replace(temp, target)


def _same_file(path: Path, entry: Entry) -> bool:
    try:
        st = path.stat()
    except OSError:
        return False
    return st.st_size == entry.size and st.st_mtime_ns == entry.mtime_ns


# ------------------------------------------------------------------ plan

@dataclass
class Counts:
    """What an incremental build did with the pages."""

    rendered: int = 0
    """Pages rendered because their inputs changed (or they are new)."""
    changed: int = 0
    """Of those, pages whose text differs from the previous build's (or new)."""
    unchanged: int = 0
    """Pages reused from the previous output without rendering."""
    deleted: int = 0
    """Pages of the previous build that are no longer made."""


@dataclass
class Plan:
    """Decides, path by path, whether a page is rendered or reused, and records the
    result for the next build's manifest."""

    keys: PageKeys
    previous: dict[str, Entry]
    out: Path
    """The previous output, where reused pages are linked from."""
    counts: Counts = field(default_factory=Counts)
    _asked: dict[str, str] = field(default_factory=dict)
    _reused: list[str] = field(default_factory=list)
    _written: dict[str, str] = field(default_factory=dict)

    @classmethod
    def start(cls, directory: Directory, edit_prefix: str, cache: Path, out: Path) -> "Plan":
        return cls(PageKeys(directory, edit_prefix), load_manifest(cache, out), out.absolute())

    def wanted(self, path: str) -> bool:
        """Render `path`? No when its inputs are unchanged and its file is intact."""
        if path in self._asked:
            raise BuildError(f"two pages want the same path {path!r}")
        key = self._asked[path] = self.keys.key(path)
        old = self.previous.get(path)
        if old is not None and old.key == key and _same_file(self.out / path, old):
            self._reused.append(path)
            return False
        return True

    def record(self, outputs: Iterable[Output]) -> Iterator[Output]:
        """Pass the rendered outputs through, noting the hash of each text."""
        for output in outputs:
            sha = hashlib.sha256(output.text.encode("utf-8")).hexdigest()
            self._written[output.path] = sha
            old = self.previous.get(output.path)
            self.counts.rendered += 1
            self.counts.changed += old is None or old.sha256 != sha
            yield output

    def note(self, paths: list[str], hashes: dict[str, str]) -> None:
        """Like `record`, for outputs written elsewhere (parallel.run_jobs): their paths in
        order and the sha256 of each text."""
        for path in paths:
            sha = self._written[path] = hashes[path]
            old = self.previous.get(path)
            self.counts.rendered += 1
            self.counts.changed += old is None or old.sha256 != sha

    def link_reused(self, staged: Path) -> list[str]:
        """Hard-link the reused pages from the previous output into `staged`."""
        link_files(self.out, staged, self._reused)
        self.counts.unchanged = len(self._reused)
        return list(self._reused)

    def finish(self, staged: Path) -> dict[str, Entry]:
        """The manifest of the new output (`staged`, before it is swapped in)."""
        pages = {path: self.previous[path] for path in self._reused}
        for path, sha in self._written.items():
            if path not in self._asked:
                continue  # an output made without asking `wanted`: always rendered
            st = (staged / path).stat()
            pages[path] = Entry(self._asked[path], sha, st.st_size, st.st_mtime_ns)
        self.counts.deleted = sum(1 for path in self.previous if path not in self._asked)
        return pages


# ------------------------------------------------------------------ nothing changed

def tree_stamp(folder: Path) -> str:
    """sha256 over the path, size and modification time of every file below `folder`
    (a stat per file, no read): what make and ninja trust to know a file is unchanged.
    In os.walk's order (a folder's files by name, then its subfolders by name), by
    scandir with paths joined as strings: the no-change check stats every output file."""
    h = hashlib.sha256()
    update = h.update

    def walk(path: str, rel: str) -> None:
        try:
            with os.scandir(path) as it:
                entries = list(it)
        except OSError:
            return
        files, dirs = [], []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            (dirs if is_dir else files).append(entry)
        files.sort(key=lambda e: e.name)
        for entry in files:
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            update(f"{rel}{entry.name}\0{st.st_size}\0{st.st_mtime_ns}\n"
                   .encode("utf-8", "surrogateescape"))
        dirs.sort(key=lambda e: e.name)
        for entry in dirs:
            if not entry.is_symlink():
                walk(entry.path, f"{rel}{entry.name}/")

    walk(os.fspath(folder), "")
    return h.hexdigest()


def inputs_stamp(content: Path, today, edit_prefix: str, index: bool) -> str:
    """Everything a build reads, cheaply: the content folder's files (stat only), the code,
    templates and static files, the date, the edit prefix and whether search is indexed."""
    return _hash(tree_stamp(content), code_digest(), files_digest(TEMPLATES), files_digest(STATIC),
                 str(today), edit_prefix, str(index))


def _file_stamp(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _stamp_path(cache: Path, out: Path) -> Path:
    return manifest_path(cache, out).with_suffix(".stamp")


def unchanged(cache: Path, out: Path, inputs: str) -> dict | None:
    """What the last build into `out` reported, when it read exactly these inputs and `out`
    is exactly what it wrote (no file added, removed or touched since): then a build has
    nothing to do. None otherwise."""
    try:
        saved = json.loads(_stamp_path(cache, out).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(saved, dict) or saved.get("inputs") != inputs:
        return None
    target = out.resolve()
    if saved.get("manifest") != _file_stamp(manifest_path(cache, out)):
        return None  # the manifest was replaced or edited: trust neither
    if not target.is_dir() or saved.get("output") != tree_stamp(target):
        return None
    return saved.get("report") if isinstance(saved.get("report"), dict) else None


def save_stamp(cache: Path, out: Path, inputs: str, report: dict) -> None:
    """After a build: what it read, the output as it is now (see `unchanged`), and what
    it reported (plain JSON values)."""
    cache.mkdir(parents=True, exist_ok=True)
    target = _stamp_path(cache, out)
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temp.write_text(json.dumps({"inputs": inputs, "output": tree_stamp(out.resolve()),
                                "manifest": _file_stamp(manifest_path(cache, out)),
                                "report": report}, ensure_ascii=False), encoding="utf-8")
    os.replace(temp, target)


def forget_stamp(cache: Path, out: Path) -> None:
    try:
        _stamp_path(cache, out).unlink()
    except OSError:
        pass

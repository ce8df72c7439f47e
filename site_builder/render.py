"""Stage 4, render: model objects in, (site path, text) pairs out.

Templates (Jinja2, autoescaped) receive model objects only. Every URL is made
by `url()`, which prefixes the base_url path, so the site works under a
sub-path. Nothing here touches the disk except reading templates and hashing
static files for cache-busting names.
"""
from __future__ import annotations

import hashlib
import json
from importlib import resources
from dataclasses import dataclass, replace
from functools import partial
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Iterator
from xml.sax.saxutils import escape as xml_escape

import jinja2
from markupsafe import Markup

from . import charts, feeds, headers
from . import hours as hours_mod
from . import elder, govsite, i18n, jsonld, paging, printing, search_vocab, vocab
from .i18n.editions import DEFAULT as DEFAULT_LANGUAGE, PREFIXES as EDITION_PREFIXES
from .i18n.localize import localize
from .coverage import SCIENCE_MINIMUM, coverage, percent
from .i18n import _, current
from .model import Article, Directory, Page, Phone, Region, Service
from .i18n.extract import js_strings
from .phones import from_abroad
from .search import shards as search_shards
from .search import route as search_route
from .search import instant as search_instant
from .search_terms import need_words, region_terms, short_name
from .urls import uri

ARTICLES_PER_PAGE = 10
LIST_LIMIT = 200
"""A list page shows every card up to this many services; past it, lists are summarised
(a province has tens of thousands of services: one page must stay small for a phone),
and the whole list is published in pages besides (`full_list`, paging.py)."""
GROUP_CAP = 12
"""Cards shown per kind on a large area or audience page; the rest are one tap away
in the full list (and on the sub-area pages, if any)."""
PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def shipped(name: str) -> Path:
    """`templates/` or `static/`: the checkout's top-level folder when the package runs
    from a checkout (editable installs use it live), else the copy an installed wheel
    carries inside the package (pyproject.toml maps it there)."""
    checkout = PACKAGE_ROOT / name
    if checkout.is_dir() and (PACKAGE_ROOT / "pyproject.toml").is_file():
        return checkout
    return Path(str(resources.files("site_builder") / name))


TEMPLATES = shipped("templates")
STATIC = shipped("static")


@dataclass(frozen=True)
class Output:
    path: str
    """Site path without the leading `/`: `services/x/index.html`."""
    text: str


def _json(data) -> Markup:
    """JSON for a single-quoted HTML attribute (data-open='…'): escaped by hand, since
    autoescaping would spell every double quote as &#34;."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return Markup(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                  .replace("'", "&#39;"))


def area_text(region: Region) -> str:
    """区 › 街道 › 社区 (the root, usually the city, is left out when there is more)."""
    trail = region.trail
    return " › ".join(r.name for r in (trail[1:] if len(trail) > 1 else trail))


def ancestor_at(region: Region, level: str) -> Region | None:
    return next((r for r in region.trail if r.level == level), None)


def search_filters(service: Service) -> list[tuple[str, str]]:
    """Pagefind filters of a service page: (filter, value) pairs, values are ids."""
    pairs = [("kind", service.kind)]
    for level in ("district", "street"):
        area = ancestor_at(service.region, level)
        if area is not None:
            pairs.append((level, area.id))
    pairs += [("audience", a) for a in service.audiences]
    if service.cost:
        pairs.append(("cost", service.cost))
    pairs += [("booking", b) for b in service.booking]
    pairs += [("language", lang) for lang in service.languages]
    pairs += [("access", a) for a in service.accessibility]
    return pairs


def cn_date(value: date | datetime) -> str:
    """`2026年12月2日` (also in Traditional Chinese); `2 December 2026` in English."""
    if current() == "en":
        return f"{value.day} {hours_mod.MONTHS_EN[value.month - 1]} {value.year}"
    return f"{value.year}年{value.month}月{value.day}日"


def cn_datetime(value: datetime) -> str:
    return f"{cn_date(value)} {value:%H:%M}"


def digits(number: Phone | str) -> str:
    """A phone number as written (`0755-5550 0121`): shown and spoken the same way, its
    digits grouped as the editor wrote them (the link's name is `call_name`)."""
    return number.text if isinstance(number, Phone) else number


def phone_text(phone: Phone) -> str:
    """What a call link shows: `值班电话：0755-5550 0121 转 8001`."""
    text = _("{number} 转 {ext}").format(number=phone.text, ext=phone.ext) if phone.ext else phone.text
    return _("{label}：{number}").format(label=phone.label, number=text) if phone.label else text


def call_name(who: str, shown: str) -> str:
    """The accessible name of a call link, `拨打 华林社区心理咨询室 0755-5550 0121`: what
    the link shows is contained in it (WCAG 2.5.3, for voice control), with who answers."""
    if who and not shown.startswith(who):
        return _("拨打 {who} {number}").format(who=who, number=shown)
    return _("拨打 {number}").format(number=shown)


def static_state(service: Service, today: date) -> str:
    """The open-now text a service page carries before its script runs: only what stays
    true whatever the hour (static/open.js replaces it with the state right now)."""
    if service.closed is not None and service.closed.covers(today):
        return _("暂停服务")
    mode = service.hours.mode
    if mode == "24/7":
        return _("24 小时")
    if mode == "by_appointment":
        return _("需预约")
    if mode == "unknown":
        return _("时间未公布")
    return _("开放时间见下方时间表")


def open_lines(d: Directory, limit: int = 12) -> list[Service]:
    """Hotline services offered when nothing a visitor looks at is open now: 24-hour lines
    first, then overnight lines, then the others (the browser shows those open now)."""
    def night(s: Service) -> int:
        if s.hours.mode == "24/7":
            return 0
        overnight = any(r.overnight or r.end == 1440 for day in s.hours.week for r in day)
        return 1 if overnight else 2 if s.hours.mode == "weekly" else 3
    lines = [s for s in d.hotlines if s.phones and night(s) < 3]
    return sorted(lines, key=night)[:limit]


def home_hotlines(d: Directory, limit: int = 6) -> list[Service]:
    """The hotlines the home page lists: those most often reachable (24-hour, overnight)
    when there are more than `limit`, in pinyin order (the browser puts the open ones first)."""
    if len(d.hotlines) <= limit:
        return d.hotlines
    chosen = [s.id for s in open_lines(d, limit)]
    chosen += [s.id for s in d.hotlines if s.id not in chosen][:limit - len(chosen)]
    keep = set(chosen)
    return [s for s in d.hotlines if s.id in keep]


def static_versions(static_dir: Path = STATIC) -> dict[str, str]:
    """File name -> short content hash, so browsers refetch a changed file."""
    versions = {}
    for path in sorted(static_dir.rglob("*")):
        if path.is_file():
            versions[path.relative_to(static_dir).as_posix()] = \
                hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    return versions


class _Compiled(jinja2.BytecodeCache):
    """Compiled templates kept for the life of the process: `serve` rebuilds (a new
    environment each time) do not compile every template again. Keyed by the template's
    name and checked against its source, so an edited template is compiled anew."""

    def __init__(self) -> None:
        self.codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.codes:
            bucket.bytecode_from_string(self.codes[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.codes[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _Compiled()


class _Vocab:
    """vocab.py for templates, its label tables in the edition's language (`KINDS[k]`)."""

    def __init__(self, lang: str, config: str) -> None:
        self._lang, self._config, self._tables = lang, config, {}

    def __getattr__(self, name: str):
        value = getattr(vocab, name)
        if not isinstance(value, dict) or self._lang == DEFAULT_LANGUAGE:
            return value
        if name not in self._tables:
            self._tables[name] = {k: i18n.translate(v, self._lang, self._config) if isinstance(v, str) else v
                                  for k, v in value.items()}
        return self._tables[name]


def environment(directory: Directory, edit_prefix: str,
                edition: i18n.Edition | None = None) -> jinja2.Environment:
    site = directory.site
    edition = edition or i18n.editions(site)[0]
    editions = i18n.editions(site)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=_COMPILED,
        extensions=["jinja2.ext.i18n"],
    )
    # `{{ _("简体中文原文") }}`: the msgid is the zh-Hans text (i18n/catalog.py).
    env.install_gettext_callables(
        lambda m: i18n.translate(m, edition.lang, site.opencc),
        lambda one, many, n: i18n.translate(one if n == 1 else many, edition.lang, site.opencc),
        newstyle=True)
    versions = static_versions()

    data_cache: dict[str, Markup] = {}

    def open_data(service: Service) -> Markup:
        """Compact JSON of a service's hours and closure, for static/open.js (cached:
        one service appears on many list pages)."""
        if service.id not in data_cache:
            data_cache[service.id] = _json({"hours": hours_mod.hours_data(service.hours),
                                            "closed": hours_mod.closure_data(service.closed)})
        return data_cache[service.id]

    def url(path: str = "") -> str:
        """A page of this edition (`regions/x/` → `/xinli/en/regions/x/`); a file (a dot in
        the last segment: feeds, data, media, Pagefind) is shared by every edition."""
        path = path.lstrip("/")
        head = path.split("#", 1)[0].split("?", 1)[0]
        if "." in head.rsplit("/", 1)[-1]:
            return site.base_path + path
        return site.base_path + edition.prefix + path

    def root_url(path: str = "") -> str:
        return site.base_path + path.lstrip("/")

    def alternates(path: str) -> list[tuple[i18n.Edition, str]]:
        """The same page in every edition (the switcher, hreflang): (edition, URL path)."""
        page = i18n.split(path)[1].removesuffix("index.html")
        if page == "404.html":  # "not found" in another language: its home page
            page = ""
        return [(e, site.base_path + e.prefix + page) for e in editions]

    def asset(name: str) -> str:
        return f"{site.base_path}static/{name}?v={versions.get(name, '0')}"

    def edit_link(record: Service | Article | Page) -> str | None:
        """`edit_url` + the record's path in the repository, for "suggest a correction"."""
        return site.edit_url + edit_prefix + record.source if site.edit_url else None

    env.globals.update(edition=edition, editions=editions, root_url=root_url, alternates=alternates)

    def mark(record, name: str | None = None) -> Markup:
        """` lang="zh-Hans"` on an element showing text of `record` that has no translation
        in this edition (i18n/localize.py): a field of a service, a whole article or page,
        or (no record) a site or area name, which have no translation fields; "" else."""
        if edition.lang != "en":
            return Markup("")
        untranslated = (record is None or (name in record.untranslated if name
                                           else bool(getattr(record, "untranslated", False))))
        return Markup(f' lang="{DEFAULT_LANGUAGE}"') if untranslated else Markup("")

    ui_strings = "" if edition.is_default else Markup(json.dumps(
        js_strings(edition.lang, site.opencc), ensure_ascii=False, sort_keys=True,
        separators=(",", ":")).replace("<", "\\u003c"))
    env.globals.update(mark=mark, from_abroad=from_abroad, ui_strings=ui_strings, english_services=[
        s for s in directory.services.values() if any(t == "en" or t.startswith("en-") for t in s.languages)
    ] if edition.lang == "en" else [])
    env.globals.update(
        site=site, d=directory, url=url, asset=asset, vocab=_Vocab(edition.lang, site.opencc),
        edit_link=edit_link,
        weekly_rows=hours_mod.weekly_rows, holidays_rule=hours_mod.holidays_rule,
        hours_summary=hours_mod.summary, today=directory.today, region_terms=region_terms,
        open_data=open_data, calendar_json=_json(hours_mod.calendar_data(directory.calendar)),
        area_text=area_text, search_filters=search_filters,
        weekly_table=hours_mod.weekly_table, phone_text=phone_text, call_name=call_name,
        static_state=static_state, open_lines=open_lines(directory),
        home_hotlines=home_hotlines(directory),
    )
    env.globals.update(page_window=paging.window, page_of=paging.page_of)
    env.globals.update(csp=headers.csp(meta=True), digits=digits, uri=uri)
    env.globals.update(  # structured data, feeds and the coverage dashboard
        service_ld=lambda s: jsonld.script(jsonld.service_data(s, directory)),
        article_ld=lambda a: jsonld.script(jsonld.article_data(a, directory)),
        feed_path=feeds.FEED_PATH, calendar_path=feeds.CALENDAR_PATH, event_path=feeds.event_path,
        percent=percent, share_chart=charts.share_chart, count_chart=charts.count_chart,
        science_minimum=SCIENCE_MINIMUM)
    vocabulary = edition_vocabulary(directory, edition)
    crisis_tels = {line.phone.tel for line in site.crisis}
    env.globals.update(
        needs=vocabulary.needs,
        search_json=_json_text(search_vocab.client_json(
            vocabulary, site.base_path + edition.prefix,
            _top_lines(directory, vocabulary, crisis_tels, edition.prefix))),
        need_words=lambda s: need_words(s, vocabulary),
        area_names=lambda r: " ".join(dict.fromkeys((r.name, short_name(r.name)))))
    env.filters.update(cn_date=cn_date, cn_datetime=cn_datetime)
    card_cache: dict[tuple[str, str, str], Markup] = {}

    def card_html(service: Service, heading: str = "h3") -> Markup:
        """A service's card (macros.html `card`): the same on every list that shows it,
        so rendered once per service and heading level."""
        key = (service.id, heading, current())
        if key not in card_cache:
            card_cache[key] = env.get_template("macros.html").module.card(service, heading)
        return card_cache[key]

    env.globals["card_html"] = card_html
    help_page = next((slug for slug in ("privacy", "help") if slug in directory.pages), None)
    env.globals.update(  # issue 12: elder mode, sharing, government footer, print
        elder_prefix=elder.PREFIX, default_share=govsite.DEFAULT_SHARE, icp_url=govsite.ICP_URL,
        quick_exit_help=f"{help_page}/#leave-safely" if help_page else None, help_page=help_page,
        qr_svg=printing.qr_svg, full_hours=printing.full_hours)
    return env


@dataclass(frozen=True)
class Job:
    """Outputs to make, not made yet: their site paths, and how to make them. Jobs are
    listed in the site's order; `stages.run_jobs` runs them serially or on a process pool."""

    paths: tuple[str, ...]
    make: Callable[[], list[Output]]
    only: frozenset[str] | None = None
    """The paths to write when not all are wanted (an incremental build reuses the others)."""
    writer: Callable[[object], None] | None = None
    """For outputs too large to hold as strings (a province's open data): writes `paths`
    itself, piece by piece, through a write.Sinks, in that order; run_jobs uses it instead
    of `make`. Such a job's `make` is `streamed(writer)`: the same texts in memory."""


def streamed(writer: Callable[[object], None]) -> Callable[[], list[Output]]:
    """`make` of a job with a `writer`: its outputs as strings (for small sites and tests)."""
    def make() -> list[Output]:
        from .write import MemorySinks
        sinks = MemorySinks()
        writer(sinks)
        return [Output(path, text) for path, text in sinks.texts()]
    return make


def render_site(directory: Directory, edit_prefix: str = "",
                wanted: Callable[[str], bool] | None = None) -> Iterator[Output]:
    """Yield every page of the site. With `wanted`, only the pages whose path it accepts:
    an incremental build is asked about each path and reuses the pages it refuses."""
    wanted = wanted or (lambda path: True)
    for job in render_jobs(directory, edit_prefix):
        keep = [path for path in job.paths if wanted(path)]
        yield from (o for o in job.make() if o.path in keep)


def _render(env: jinja2.Environment, template: str, path: str, context: dict) -> list[Output]:
    edition = env.globals["edition"]
    with i18n.use(edition.lang, env.globals["site"].opencc):  # Python-made text, too
        return [Output(path, env.get_template(template).render(path=path, **context))]


def _data(path: str, make: Callable[[], str]) -> list[Output]:
    return [Output(path, make())]


def _files(files: dict[str, str]) -> list[Output]:
    return [Output(path, text) for path, text in files.items()]


def render_jobs(directory: Directory, edit_prefix: str = "") -> list[Job]:
    """Every output of the render stage but the open data, in order, as jobs; each page
    with its elder-mode mirror (elder.py), made from the same rendering."""
    return list(iter_jobs(directory, edit_prefix))


def iter_jobs(directory: Directory, edit_prefix: str = "") -> Iterator[Job]:
    """`render_jobs` one by one (the dev server stops at the pages it wants, hot.py): every
    edition's pages (the default language's first, at the root; i18n/), each page followed
    by its elder-mode mirror. Files that are not pages (feeds, data, the search router) are
    made once, by the default edition."""
    base_path = directory.site.base_path
    opencc = directory.site.opencc
    for edition in i18n.editions(directory.site):
        with i18n.use(edition.lang, opencc):
            jobs = _outputs(localize(directory, edition), edit_prefix, edition)
        while True:
            with i18n.use(edition.lang, opencc):  # text made while listing (titles, labels)
                job = next(jobs, None)
            if job is None:
                break
            if edition.is_default or all(p.endswith(".html") or p.startswith(edition.prefix)
                                         for p in job.paths):
                yield from _mirrored(job, base_path)


def _mirrored(job: Job, base_path: str) -> Iterator[Job]:
    """`job`, its pages each followed by their elder-mode mirror (elder.py)."""
    mirrors = tuple(elder.mirror_path(p) for p in job.paths if elder.wants_mirror(p))
    if mirrors:
        job = Job(job.paths + mirrors, partial(_with_mirrors, job.make, base_path))
    yield job


def _with_mirrors(make: Callable[[], list[Output]], base_path: str) -> list[Output]:
    """The outputs of `make`, each page followed by its elder-mode mirror."""
    outputs = []
    for output in make():
        outputs.append(output)
        if elder.wants_mirror(output.path):
            outputs.append(elder.mirror(output, base_path))
    return outputs


def _outputs(directory: Directory, edit_prefix: str,
             edition: i18n.Edition | None = None) -> Iterator[Job]:
    """Every output of one edition in order, as a job (rendered when it runs); page paths
    carry the edition's prefix."""
    edition = edition or i18n.editions(directory.site)[0]
    env = environment(directory, edit_prefix, edition)
    for name in env.list_templates(extensions=["html", "xml"]):
        env.get_template(name)  # compiled once, before a process pool forks
    d = directory

    def page(template: str, path: str, **context) -> Job:
        path = edition.prefix + path
        return Job((path,), partial(_render, env, template, path, context))

    def data(path: str, make: Callable[[], str]) -> Job:
        return Job((path,), partial(_data, path, make))

    def list_pages(folder: str, full: list[paging.ListPage], **context) -> Iterator[Job]:
        """The pages of a long list's full list (see `full_list`)."""
        for p in full:
            yield page("list_page.html", paging.page_path(folder, p.number), folder=folder,
                       list_page=p, **context)

    today = d.today
    upcoming = sorted((a for a in d.articles if a.event and a.event.start.date() >= today),
                      key=lambda a: a.event.start)
    yield page("home.html", "index.html", upcoming=upcoming[:5], latest=d.articles[:5])
    yield page("services.html", "services/index.html", limit=LIST_LIMIT)
    events: dict[str, list[Article]] = {}
    for article in upcoming:
        if article.event.service is not None:
            events.setdefault(article.event.service.id, []).append(article)
    for service in d.services.values():
        yield page("service.html", f"services/{service.id}/index.html", s=service,
                   closure=_closure_notice(service, today), events=events.get(service.id, []),
                   alternative=_alternative(service, d, today))
    yield page("regions.html", "regions/index.html")
    for region in d.regions.values():
        folder, services = f"regions/{region.id}/", d.by_region.get(region.id, [])
        full = full_list(services, True)
        yield page("region.html", folder + "index.html", region=region,
                   groups=_group_by_kind(services), full=full, folder=folder)
        yield from list_pages(folder, full, region=region, title=_("{name}的心理服务").format(name=region.name))
        # A leaflet lists every service of its area up to LIST_LIMIT; a larger area's lists
        # its own services and its sub-areas' leaflets (a province's would be 4 MB).
        large = len(services) > LIST_LIMIT
        yield page("region_print.html", folder + "print/index.html", region=region,
                   services=[s for s in services if s.region.id == region.id] if large else services,
                   parts=[(c, len(d.by_region.get(c.id, []))) for c in region.children
                          if d.by_region.get(c.id)] if large else None)
    yield page("kinds.html", "kinds/index.html")
    for kind in vocab.KINDS:
        folder, services = f"kinds/{kind}/", d.by_kind.get(kind, [])
        full = full_list(services, False)
        yield page("kind.html", folder + "index.html", kind=kind, services=services,
                   areas=_count_by_area(services) if len(services) > LIST_LIMIT else None,
                   full=full, folder=folder)
        yield from list_pages(folder, full, region=None, title=_(vocab.KINDS[kind]))
    yield page("audiences.html", "audiences/index.html")
    for audience in vocab.AUDIENCES:
        folder, services = f"audiences/{audience}/", d.by_audience.get(audience, [])
        full = full_list(services, True)
        yield page("audience.html", folder + "index.html", audience=audience,
                   groups=_group_by_kind(services), full=full, folder=folder)
        yield from list_pages(folder, full, region=None,
                              title=_("面向{audience}的服务").format(audience=_(vocab.AUDIENCES[audience])))
    yield page("hotlines.html", "hotlines/index.html", services=d.hotlines)
    chunks = [d.articles[i:i + ARTICLES_PER_PAGE]
              for i in range(0, len(d.articles), ARTICLES_PER_PAGE)] or [[]]
    for number, chunk in enumerate(chunks, 1):
        path = "articles/index.html" if number == 1 else f"articles/page/{number}/index.html"
        yield page("articles.html", path, articles=chunk, number=number, pages=len(chunks))
    for article in d.articles:
        yield page("article.html", f"articles/{article.slug}/index.html", a=article)
    for p in d.pages.values():
        yield page("page.html", f"{p.slug}/index.html", p=p)
    facets = _facets(d)
    plan = search_shards.plan(d)
    router = search_route.route(d, plan)
    first = search_instant.instant(d, edition_vocabulary(d, edition),
                                   {line.phone.tel for line in d.site.crisis},
                                   partial(_card_data, d, prefix=edition.prefix))
    yield page("search.html", "search/index.html", facets=facets, route=router.buckets, top=first.buckets,
               shards=search_shards.search_page(d, [v for f in facets if f.name in ("district", "street")
                                                    for v, _label in f.options], plan_=plan))
    if router.files:
        yield Job(tuple(router.files), partial(_files, router.files))
    if first.files:  # each language's own (its names, its pages), under its prefix
        files = {edition.prefix + path: text for path, text in first.files.items()}
        yield Job(tuple(files), partial(_files, files))
    yield _coverage_page(d, page)
    yield data(feeds.FEED_PATH, lambda: feeds.atom(d))
    yield data(feeds.CALENDAR_PATH, lambda: feeds.events_calendar(d))
    for article in d.articles:
        if article.event is not None:
            yield data(feeds.event_path(article), lambda a=article: feeds.event_calendar(a, d))
    yield data("data/near.json", lambda: near_json(d))
    yield page("open-data.html", "open-data/index.html", files=open_data_files(d))
    yield from _need_pages(d, page, edition)
    yield page("404.html", "404.html")
    yield data("robots.txt",
               lambda: f"User-agent: *\nAllow: /\nSitemap: {uri(d.site.base_url)}sitemap.xml\n")
    yield data("_headers", lambda: headers.netlify(d.site.base_path))
    yield data("nginx-headers.conf", lambda: headers.nginx(d.site.base_path))


def _coverage_page(d: Directory, page: Callable[..., Job]) -> Job:
    """The coverage dashboard: the figures of coverage.py, charts beside their tables."""
    cov = coverage(d)
    return page("coverage.html", "coverage/index.html", cov=cov,
                kind_rows=[(_(vocab.KINDS[k]), n) for k, n in cov.by_kind],
                visit_rows=[(str(y.year), y.visits) for y in cov.stats],
                science_rows=lambda rows: [(r.area.name if r.area else _("全市"), r.total) for r in rows],
                science_states=lambda rows: ["met" if r.met else "unmet" if r.area else ""
                                             for r in rows])


def _json_text(text: str) -> Markup:
    """Ready-made JSON for a single-quoted HTML attribute (see _json)."""
    return Markup(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                  .replace("'", "&#39;"))


def _by_rank(services, crisis_tels: set[str]) -> list[Service]:
    return sorted(services, key=lambda s: (-search_vocab.rank(s, crisis_tels), s.sort_key, s.id))


def edition_vocabulary(d: Directory, edition: i18n.Edition) -> search_vocab.Vocabulary:
    """The search vocabulary (built in + site.yaml `search`) as `edition` shows it: need
    titles and intros in its language; in Traditional Chinese the words converted too
    (熱線 as well as 热线), in English the words kept (residents type either)."""
    vocabulary = d.site.search or search_vocab.builtin()
    if edition.is_default:
        return vocabulary
    lang, config = edition.lang, d.site.opencc

    def words(ws: tuple[str, ...]) -> tuple[str, ...]:
        if lang != "zh-Hant":
            return ws
        return tuple(dict.fromkeys(ws + tuple(i18n.translate(w, lang, config) for w in ws)))
    needs = tuple(replace(n, title=i18n.translate(n.title, lang, config),
                          intro=i18n.translate(n.intro, lang, config), words=words(n.words))
                  for n in vocabulary.needs)
    return replace(vocabulary, needs=needs, risk_words=words(vocabulary.risk_words),
                   fillers=words(vocabulary.fillers))


def _top_lines(d: Directory, vocabulary, crisis_tels: set[str],
               prefix: str = "") -> dict[str, list[dict]]:
    """For each `rank` need (热线): its first lines as search result cards, shown before
    Pagefind answers (the site's crisis lines and 24-hour lines first)."""
    top = {}
    for need in vocabulary.needs:
        if need.sort != search_vocab.RANK_SORT:
            continue
        lines = _by_rank(search_vocab.services_for(need, d.services.values()), crisis_tels)
        top[need.slug] = [_card_data(d, s, prefix) for s in lines[:search_vocab.TOP]]
    return top


def _card_data(d: Directory, s: Service, prefix: str = "") -> dict:
    """A service as a search result card made by search.js (near.js `card`), for the
    edition whose pages are under `prefix` (text in the language being rendered)."""
    return {
        "url": f"{d.site.base_path}{prefix}services/{s.id}/", "name": s.name, "kind": _(vocab.KINDS[s.kind]),
        "area": area_text(s.region), "address": s.address or "",
        "phone": s.phones[0].text if s.phones else "", "tel": s.phones[0].tel if s.phones else "",
        "open": {"hours": hours_mod.hours_data(s.hours), "closed": hours_mod.closure_data(s.closed)},
    }


def need_services(d: Directory, need) -> list[Service]:
    """The services of a need page, in its order: hotlines by rank, the others in pinyin order
    (the pages group them by kind, paging.split)."""
    services = search_vocab.services_for(need, d.services.values())
    if need.sort == search_vocab.RANK_SORT:
        return _by_rank(services, {line.phone.tel for line in d.site.crisis})
    return sorted(services, key=lambda s: (s.sort_key, s.id))


def _need_pages(d: Directory, page: Callable[..., Job], edition: i18n.Edition) -> Iterator[Job]:
    """/needs/ and the pages of each need: its services (grouped by kind; hotlines by rank),
    `paging.PAGE_SIZE` a page (the first at /needs/<slug>/, the others at
    /needs/<slug>/page/<n>/), and, on the first, the articles that mention its words."""
    vocabulary = edition_vocabulary(d, edition)
    yield page("needs.html", "needs/index.html")
    for need in vocabulary.needs:
        services = need_services(d, need)
        folder = f"needs/{need.slug}/"
        pages = paging.split(services, True)
        articles = search_vocab.articles_for(need, d.articles)
        yield page("need.html", folder + "index.html", need=need, list_page=pages[0],
                   total=len(services), articles=articles, folder=folder)
        for p in pages[1:]:
            yield page("list_page.html", paging.page_path(folder, p.number), folder=folder,
                       list_page=p, region=None, title=need.title, first_page=folder)


def sitemap(paths: list[str], base_url: str) -> Output:
    """sitemap.xml for every HTML page but 404 and search; URLs percent-encoded (a
    sitemap takes URIs, not IRIs: `/心理服务/` is `/%E5%BF%83%E7%90%86%E6%9C%8D%E5%8A%A1/`).
    With several languages, each page's entry lists the page in every language
    (`xhtml:link rel="alternate" hreflang`), as search engines ask."""
    langs = {prefix: lang for lang, prefix in EDITION_PREFIXES.items()}
    pages: dict[str, list[str]] = {}
    for path in sorted(paths):
        prefix, bare = i18n.split(path)
        if not path.endswith(".html") or bare in ("404.html", "search/index.html") \
                or elder.is_mirror(path):
            continue
        pages.setdefault(bare, []).append(prefix)
    several = any(len(prefixes) > 1 for prefixes in pages.values())
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
             + (' xmlns:xhtml="http://www.w3.org/1999/xhtml">' if several else '>')]

    def loc(prefix: str, bare: str) -> str:
        return xml_escape(uri(base_url + prefix + bare.removesuffix("index.html")))
    entries = sorted((prefix + bare, prefix, bare) for bare, prefixes in pages.items()
                     for prefix in prefixes)
    for _path, prefix, bare in entries:
        others = "".join(f'<xhtml:link rel="alternate" hreflang="{langs[p]}" href="{loc(p, bare)}"/>'
                         for p in pages[bare]) if len(pages[bare]) > 1 else ""
        lines.append(f"  <url><loc>{loc(prefix, bare)}</loc>{others}</url>")
    lines.append("</urlset>")
    return Output("sitemap.xml", "\n".join(lines) + "\n")


@dataclass(frozen=True)
class Group:
    """Services of one kind on a list page; `shown` is capped on large pages."""

    kind: str
    total: int
    shown: list[Service]


def open_data_files(d: Directory) -> list:
    """The files of /data/ for the /open-data/ page (described in exports/catalogue.py),
    their names and descriptions in the language being rendered."""
    from .exports.catalogue import FILES
    return [replace(f, title=_(f.title), format=_(f.format), description=_(f.description))
            for f in FILES]


def near_json(d: Directory) -> str:
    """data/near.json: every service with coordinates, for "near me": computed in the browser, so the
    visitor's location never leaves it. Coordinates are WGS-84 (what browsers report)."""
    rows = []
    for service in sorted(d.services.values(), key=lambda s: s.id):
        if service.point is None:
            continue
        lat, lon = service.point.wgs84
        rows.append({
            "id": service.id, "url": f"{d.site.base_path}services/{service.id}/",
            "name": service.name, "kind": _(vocab.KINDS[service.kind]),
            "area": area_text(service.region), "address": service.address or "",
            "phone": service.phones[0].text if service.phones else "",
            "tel": service.phones[0].tel if service.phones else "",
            "lat": round(lat, 6), "lon": round(lon, 6),
            "open": {"hours": hours_mod.hours_data(service.hours),
                     "closed": hours_mod.closure_data(service.closed)},
        })
    return json.dumps({"services": rows}, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


@dataclass(frozen=True)
class Facet:
    """One search filter: its URL/Pagefind name, its label, and (value, label) options."""

    name: str
    label: str
    options: list[tuple[str, str]]


def _facets(d: Directory) -> list[Facet]:
    """The filters offered on the search page, with only the values that occur."""
    used: dict[str, set[str]] = {}
    for service in d.services.values():
        for name, value in search_filters(service):
            used.setdefault(name, set()).add(value)

    def vocab_options(name: str, table: dict[str, str]) -> list[tuple[str, str]]:
        return [(k, _(v)) for k, v in table.items() if k in used.get(name, ())]

    def area_options(level: str) -> list[tuple[str, str]]:
        areas = [d.regions[i] for i in used.get(level, ())]
        if level == "street":
            return [(a.id, f"{a.parent.name} {a.name}" if a.parent else a.name)
                    for a in sorted(areas, key=lambda a: (a.parent.id if a.parent else "", a.id))]
        return [(a.id, a.name) for a in sorted(areas, key=lambda a: a.id)]

    languages = sorted(used.get("language", ()))
    facets = [
        Facet("kind", _("服务类型"), vocab_options("kind", vocab.KINDS)),
        Facet("district", _("区（县）"), area_options("district")),
        Facet("street", _("街道（乡镇）"), area_options("street")),
        Facet("audience", _("服务对象"), vocab_options("audience", vocab.AUDIENCES)),
        Facet("cost", _("费用"), vocab_options("cost", vocab.COSTS)),
        Facet("booking", _("预约方式"), vocab_options("booking", vocab.BOOKING)),
        Facet("language", _("服务语言"), [(t, _(vocab.LANGUAGE_NAMES.get(t, t))) for t in languages]),
        Facet("access", _("无障碍"), vocab_options("access", vocab.ACCESSIBILITY)),
    ]
    return [f for f in facets if f.options]


def full_list(services: list[Service], grouped: bool) -> list[paging.ListPage]:
    """The pages of a long list's full list at `<list>/page/<n>/`; none for a list
    short enough to show whole (its summary page receives them as `full`)."""
    return paging.split(services, grouped) if len(services) > LIST_LIMIT else []


def _group_by_kind(services: list[Service]) -> list[Group]:
    groups: dict[str, list[Service]] = {}
    for service in services:
        groups.setdefault(service.kind, []).append(service)
    cap = GROUP_CAP if len(services) > LIST_LIMIT else None
    return [Group(kind, len(groups[kind]), groups[kind][:cap]) for kind in vocab.KINDS
            if kind in groups]


def _count_by_area(services: list[Service]) -> list[tuple[Region, int]]:
    """Services per top area (the level just under a root), for a long kind list."""
    counts: dict[Region, int] = {}
    for service in services:
        trail = service.region.trail
        area = trail[1] if len(trail) > 1 else trail[0]
        counts[area] = counts.get(area, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0].id))


def _alternative(service: Service, d: Directory, today: date) -> Service | None:
    """The service to go to instead, while a closure naming one is current or announced."""
    c = service.closed
    if c is None or c.alternative is None or (c.until is not None and c.until < today):
        return None
    return d.services.get(c.alternative)


def _closure_notice(service: Service, today: date) -> str | None:
    """Text of the closure banner when a closure is current or announced."""
    c = service.closed
    if c is None or (c.until is not None and c.until < today):
        return None
    if c.start <= today:
        text = _("暂停服务：自{start}起至{until}") if c.until else _("暂停服务：自{start}起，恢复时间另行通知")
    else:
        text = _("即将暂停服务：自{start}起至{until}") if c.until else _("即将暂停服务：自{start}起，恢复时间另行通知")
    text = text.format(start=cn_date(c.start), until=cn_date(c.until) if c.until else "")
    return _("{notice}（{reason}）").format(notice=text, reason=c.reason) if c.reason else text

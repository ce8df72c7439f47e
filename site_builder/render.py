"""Stage 4, render: model objects in, (site path, text) pairs out.

Templates (Jinja2, autoescaped) receive model objects only. Every URL is made
by `url()`, which prefixes the base_url path, so the site works under a
sub-path. Nothing here touches the disk except reading templates and hashing
static files for cache-busting names.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Iterator
from xml.sax.saxutils import escape as xml_escape

import jinja2
from markupsafe import Markup

from . import headers
from . import hours as hours_mod
from . import vocab
from .model import Article, Directory, Page, Phone, Region, Service
from .search_terms import need_words, region_terms, short_name
from . import search_vocab

ARTICLES_PER_PAGE = 10
LIST_LIMIT = 200
"""A list page shows every card up to this many services; past it, lists are summarised
(a province has tens of thousands of services: one page must stay small for a phone)."""
GROUP_CAP = 12
"""Cards shown per kind on a large area or audience page; the rest are one tap away
on the sub-area pages, which list everything below them."""
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = PACKAGE_ROOT / "templates"
STATIC = PACKAGE_ROOT / "static"


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
    return f"{value.year}年{value.month}月{value.day}日"


def cn_datetime(value: datetime) -> str:
    return f"{cn_date(value)} {value:%H:%M}"


def digits(number: Phone | str) -> Markup:
    """A phone number as shown, and for screen readers digit by digit (`1 2 3 5 6`), so
    that none says "twelve thousand…": the visible text is hidden from them, the spaced
    digits are hidden from the eye (and from copying: `.spoken` is not selectable)."""
    text = number.text if isinstance(number, Phone) else number
    spoken = number.spoken if isinstance(number, Phone) else " ".join(c for c in text if c.isdigit())
    return Markup('<span aria-hidden="true">{}</span><span class="spoken" data-pagefind-ignore>{}</span>').format(
        text, spoken)


def static_versions(static_dir: Path = STATIC) -> dict[str, str]:
    """File name -> short content hash, so browsers refetch a changed file."""
    versions = {}
    for path in sorted(static_dir.rglob("*")):
        if path.is_file():
            versions[path.relative_to(static_dir).as_posix()] = \
                hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    return versions


def environment(directory: Directory, edit_prefix: str) -> jinja2.Environment:
    site = directory.site
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
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
        return site.base_path + path.lstrip("/")

    def asset(name: str) -> str:
        return f"{site.base_path}static/{name}?v={versions.get(name, '0')}"

    def edit_link(record: Service | Article | Page) -> str | None:
        """`edit_url` + the record's path in the repository, for "suggest a correction"."""
        return site.edit_url + edit_prefix + record.source if site.edit_url else None

    env.globals.update(
        site=site, d=directory, url=url, asset=asset, vocab=vocab, edit_link=edit_link,
        weekly_rows=hours_mod.weekly_rows, holidays_rule=hours_mod.holidays_rule,
        hours_summary=hours_mod.summary, today=directory.today, region_terms=region_terms,
        open_data=open_data, calendar_json=_json(hours_mod.calendar_data(directory.calendar)),
        area_text=area_text, search_filters=search_filters,
    )
    env.globals.update(csp=headers.csp(meta=True), digits=digits)
    vocabulary = site.search or search_vocab.builtin()
    crisis_tels = {line.phone.tel for line in site.crisis}
    env.globals.update(
        needs=vocabulary.needs,
        search_json=_json_text(search_vocab.client_json(vocabulary, site.base_path,
                                                        _top_lines(directory, vocabulary, crisis_tels))),
        need_words=lambda s: need_words(s, vocabulary),
        area_names=lambda r: " ".join(dict.fromkeys((r.name, short_name(r.name)))))
    env.filters.update(cn_date=cn_date, cn_datetime=cn_datetime)
    return env


def render_site(directory: Directory, edit_prefix: str = "",
                wanted: Callable[[str], bool] | None = None) -> Iterator[Output]:
    """Yield every page of the site. With `wanted`, only the pages whose path it accepts:
    an incremental build is asked about each path and reuses the pages it refuses."""
    outputs = _outputs(directory, edit_prefix, wanted or (lambda path: True))
    return (output for output in outputs if output is not None)


def _outputs(directory: Directory, edit_prefix: str,
             wanted: Callable[[str], bool]) -> Iterator[Output | None]:
    """Every output in order, None in place of those `wanted` refuses (not rendered)."""
    env = environment(directory, edit_prefix)
    d = directory

    def page(template: str, path: str, **context) -> Output | None:
        if not wanted(path):
            return None
        return Output(path, env.get_template(template).render(path=path, **context))

    def data(path: str, make: Callable[[], str]) -> Output | None:
        return Output(path, make()) if wanted(path) else None

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
                   closure=_closure_notice(service, today), events=events.get(service.id, []))
    yield page("regions.html", "regions/index.html")
    for region in d.regions.values():
        yield page("region.html", f"regions/{region.id}/index.html", region=region,
                   groups=_group_by_kind(d.by_region.get(region.id, [])))
    yield page("kinds.html", "kinds/index.html")
    for kind in vocab.KINDS:
        services = d.by_kind.get(kind, [])
        yield page("kind.html", f"kinds/{kind}/index.html", kind=kind, services=services,
                   areas=_count_by_area(services) if len(services) > LIST_LIMIT else None)
    yield page("audiences.html", "audiences/index.html")
    for audience in vocab.AUDIENCES:
        yield page("audience.html", f"audiences/{audience}/index.html", audience=audience,
                   groups=_group_by_kind(d.by_audience.get(audience, [])))
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
    yield page("search.html", "search/index.html", facets=_facets(d))
    yield from _need_pages(d, page)
    yield data("data/services.json", lambda: services_json(d))
    yield page("404.html", "404.html")
    yield data("robots.txt",
               lambda: f"User-agent: *\nAllow: /\nSitemap: {d.site.base_url}sitemap.xml\n")
    yield data("_headers", lambda: headers.netlify(d.site.base_path))
    yield data("nginx-headers.conf", lambda: headers.nginx(d.site.base_path))


def _json_text(text: str) -> Markup:
    """Ready-made JSON for a single-quoted HTML attribute (see _json)."""
    return Markup(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                  .replace("'", "&#39;"))


def _by_rank(services, crisis_tels: set[str]) -> list[Service]:
    return sorted(services, key=lambda s: (-search_vocab.rank(s, crisis_tels), s.sort_key, s.id))


def _top_lines(d: Directory, vocabulary, crisis_tels: set[str]) -> dict[str, list[dict]]:
    """For each `rank` need (热线): its first lines as search result cards, shown before
    Pagefind answers (the site's crisis lines and 24-hour lines first)."""
    top = {}
    for need in vocabulary.needs:
        if need.sort != search_vocab.RANK_SORT:
            continue
        lines = _by_rank(search_vocab.services_for(need, d.services.values()), crisis_tels)
        top[need.slug] = [{
            "url": f"{d.site.base_path}services/{s.id}/", "name": s.name, "kind": vocab.KINDS[s.kind],
            "area": area_text(s.region), "address": s.address or "",
            "phone": s.phones[0].text if s.phones else "", "tel": s.phones[0].tel if s.phones else "",
            "open": {"hours": hours_mod.hours_data(s.hours), "closed": hours_mod.closure_data(s.closed)},
        } for s in lines[:search_vocab.TOP]]
    return top


def _need_pages(d: Directory, page: Callable[..., Output | None]) -> Iterator[Output | None]:
    """/needs/ and one page per need: its services (grouped by kind; hotlines by rank) and
    the articles that mention its words."""
    vocabulary = d.site.search or search_vocab.builtin()
    crisis_tels = {line.phone.tel for line in d.site.crisis}
    yield page("needs.html", "needs/index.html")
    for need in vocabulary.needs:
        services = search_vocab.services_for(need, d.services.values())
        if need.sort == search_vocab.RANK_SORT:
            services = _by_rank(services, crisis_tels)
        else:
            services.sort(key=lambda s: (s.sort_key, s.id))
        articles = search_vocab.articles_for(need, d.articles)
        yield page("need.html", f"needs/{need.slug}/index.html", need=need,
                   groups=_group_by_kind(services), total=len(services), articles=articles)


def sitemap(paths: list[str], base_url: str) -> Output:
    """sitemap.xml for every HTML page but 404 and search."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for path in sorted(paths):
        if not path.endswith(".html") or path in ("404.html", "search/index.html"):
            continue
        loc = base_url + path.removesuffix("index.html")
        lines.append(f"  <url><loc>{xml_escape(loc)}</loc></url>")
    lines.append("</urlset>")
    return Output("sitemap.xml", "\n".join(lines) + "\n")


@dataclass(frozen=True)
class Group:
    """Services of one kind on a list page; `shown` is capped on large pages."""

    kind: str
    total: int
    shown: list[Service]


def services_json(d: Directory) -> str:
    """Every service with coordinates, for "near me": computed in the browser, so the
    visitor's location never leaves it. Coordinates are WGS-84 (what browsers report)."""
    rows = []
    for service in sorted(d.services.values(), key=lambda s: s.id):
        if service.point is None:
            continue
        lat, lon = service.point.wgs84
        rows.append({
            "id": service.id, "url": f"{d.site.base_path}services/{service.id}/",
            "name": service.name, "kind": vocab.KINDS[service.kind],
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
        return [(k, v) for k, v in table.items() if k in used.get(name, ())]

    def area_options(level: str) -> list[tuple[str, str]]:
        areas = [d.regions[i] for i in used.get(level, ())]
        if level == "street":
            return [(a.id, f"{a.parent.name} {a.name}" if a.parent else a.name)
                    for a in sorted(areas, key=lambda a: (a.parent.id if a.parent else "", a.id))]
        return [(a.id, a.name) for a in sorted(areas, key=lambda a: a.id)]

    languages = sorted(used.get("language", ()))
    facets = [
        Facet("kind", "服务类型", vocab_options("kind", vocab.KINDS)),
        Facet("district", "区（县）", area_options("district")),
        Facet("street", "街道（乡镇）", area_options("street")),
        Facet("audience", "服务对象", vocab_options("audience", vocab.AUDIENCES)),
        Facet("cost", "费用", vocab_options("cost", vocab.COSTS)),
        Facet("booking", "预约方式", vocab_options("booking", vocab.BOOKING)),
        Facet("language", "服务语言", [(t, vocab.LANGUAGE_NAMES.get(t, t)) for t in languages]),
        Facet("access", "无障碍", vocab_options("access", vocab.ACCESSIBILITY)),
    ]
    return [f for f in facets if f.options]


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


def _closure_notice(service: Service, today: date) -> str | None:
    """Text of the closure banner when a closure is current or announced."""
    c = service.closed
    if c is None or (c.until is not None and c.until < today):
        return None
    when = f"自{cn_date(c.start)}起" + (f"至{cn_date(c.until)}" if c.until else "，恢复时间另行通知")
    head = "暂停服务" if c.start <= today else "即将暂停服务"
    return f"{head}：{when}" + (f"（{c.reason}）" if c.reason else "")

"""The model in one edition's language: what the templates of that edition receive.

* Simplified Chinese (the default): the model as validated.
* Traditional Chinese: a record's `translations.zh-Hant` fields and `<slug>.zh-Hant.md`
  files where they exist (a human translation wins), everything else converted from the
  default text with OpenCC (site.yaml `opencc`); phone numbers, URLs, ids and codes are
  left alone (OpenCC changes Han characters only).
* English: `translations.en` fields and `<slug>.en.md` files; a field without a
  translation keeps the Chinese text and is listed in `Service.untranslated` (an article
  or page without one has `untranslated=True`), so templates mark it `lang="zh-Hans"`
  and say it has no translation yet.

Links inside descriptions, articles and pages lead to the same edition's pages.
"""
from __future__ import annotations

import re
from dataclasses import replace

from pypinyin import lazy_pinyin

from ..model import Article, CrisisLine, Directory, Event, Link, Page, Region, Service
from ..search_terms import short_name
from .catalog import translate
from .convert import to_hant
from .editions import Edition, split

TRANSLATED = ("name", "address", "hours_note", "operator", "description")
"""The fields of a service record's `translations` (content-format.md)."""


def localize(d: Directory, edition: Edition) -> Directory:
    """`d` as the pages of `edition` show it (the same object for the default edition)."""
    if edition.is_default:
        return d
    lang = edition.lang
    hant = lang == "zh-Hant"
    config = d.site.opencc

    def text(value: str | None) -> str | None:
        """Default-language text where no translation exists: converted, or kept."""
        return to_hant(value, config) if hant and value else value

    def ui(value: str) -> str:
        return translate(value, lang, config)

    relink = _relinker(d.site.base_path, edition.prefix)
    site = d.site
    site = replace(site, title=text(site.title), description=text(site.description),
                   crisis=tuple(CrisisLine(text(c.label), c.phone, text(c.note)) for c in site.crisis),
                   footer=replace(site.footer, host=text(site.footer.host),
                                  contact=text(site.footer.contact)) if site.footer else None)
    regions = _regions(d, text) if hant else d.regions
    services: dict[str, Service] = {}
    for s in d.services.values():
        mine = s.translations.get(lang, {})
        missing = {f for f in TRANSLATED if getattr(s, f if f != "description" else "description_html")
                   and not mine.get(f)}
        html = mine.get("description_html") or (text(s.description_html) if s.description_html else "")
        services[s.id] = replace(
            s, name=mine.get("name") or text(s.name),
            address=mine.get("address") or text(s.address),
            hours_note=mine.get("hours_note") or text(s.hours_note),
            operator=mine.get("operator") or text(s.operator),
            description_html=relink(html),
            region=regions[s.region.id],
            closed=replace(s.closed, reason=text(s.closed.reason)) if s.closed else None,
            phones=tuple(replace(p, label=text(p.label)) for p in s.phones),
            other_contacts=tuple(replace(c, label=text(c.label), value=text(c.value))
                                 for c in s.other_contacts),
            map_links=tuple(Link(ui(m.label), m.url) for m in s.map_links),
            search_terms=_terms(s, mine, hant, text),
            untranslated=frozenset() if hant else frozenset(missing))
    human = d.translations.get(lang, {})

    def event(e: Event | None) -> Event | None:
        if e is None:
            return None
        return replace(e, place=text(e.place), service=services.get(e.service.id) if e.service else None)

    articles = []
    for a in d.articles:
        own = human.get("articles", {}).get(a.slug)
        if own is not None:
            articles.append(replace(own, event=event(own.event), html=relink(own.html)))
        elif hant:
            articles.append(replace(a, title=text(a.title), summary=text(a.summary),
                                    tags=tuple(text(t) for t in a.tags), event=event(a.event),
                                    html=relink(text(a.html)), lang=lang))
        else:
            articles.append(replace(a, event=event(a.event), html=relink(a.html), untranslated=True))
    pages: dict[str, Page] = {}
    for slug, p in d.pages.items():
        own = human.get("pages", {}).get(slug)
        if own is not None:
            pages[slug] = replace(own, nav=p.nav, html=relink(own.html))
        elif hant:
            pages[slug] = replace(p, title=text(p.title), html=relink(text(p.html)), lang=lang)
        else:
            pages[slug] = replace(p, html=relink(p.html), untranslated=True)
    return Directory(site=site, regions=regions, roots=[regions[r.id] for r in d.roots],
                     services=services, articles=articles, pages=pages, calendar=d.calendar,
                     media=d.media, today=d.today, translations=d.translations)


def _regions(d: Directory, text) -> dict[str, Region]:
    """The region tree with converted names (same ids, same order)."""
    out: dict[str, Region] = {}

    def copy(region: Region, parent: Region | None) -> Region:
        new = Region(region.id, text(region.name), region.level, parent)
        out[region.id] = new
        new.children = [copy(c, new) for c in region.children]
        return new

    for root in d.roots:
        copy(root, None)
    for rid, region in d.regions.items():  # (every region is under a root; be safe)
        out.setdefault(rid, region)
    return out


def _terms(s: Service, mine: dict, hant: bool, text) -> str:
    """Hidden search terms of the page: converted (熱線, 諮詢 find the page on /zh-hant/),
    and in English the translated name besides the Chinese terms."""
    if hant:
        return text(s.search_terms)
    extra = [v for k, v in mine.items() if k in ("name", "address", "operator") and v]
    return " ".join([s.search_terms, *extra, romanised(s)]).strip()


def romanised(s: Service) -> str:
    """The name and its areas in pinyin, each written as one word (华林社区心理咨询室 →
    `hualinshequxinlizixunshi`, 园岭街道 → `yuanlingjiedao yuanling`): a visitor of the
    English edition types place names as street signs spell them, and Pagefind matches a
    word's beginning (`hualin`)."""
    names = [s.name] + [n for r in s.region.trail for n in dict.fromkeys((r.name, short_name(r.name)))]
    words = ("".join(lazy_pinyin(n, errors="ignore")).lower() for n in names)
    return " ".join(dict.fromkeys(w for w in words if w))


def _relinker(base_path: str, prefix: str):
    """Rewrites `href="<base>services/x/"` to the edition's `href="<base>en/services/x/"`;
    files (a dot in the last segment: media, feeds, data) stay shared."""
    pattern = re.compile(rf'href="{re.escape(base_path)}([^"]*)"')

    def one(m: re.Match) -> str:
        rest = m.group(1)
        head = rest.split("#", 1)[0].split("?", 1)[0]
        if "." in head.rsplit("/", 1)[-1] or split(rest)[0] or rest.startswith("elder/"):
            return m.group(0)
        return f'href="{base_path}{prefix}{rest}"'

    def relink(html: str) -> str:
        return pattern.sub(one, html) if html else html
    return relink

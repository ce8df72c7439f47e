"""Stage 2, validate: check loaded documents against the content format and
turn them into model objects (stage 3).

Every problem is reported with its file, line and field, and validation goes
on, so one run shows an editor everything that is wrong. A record with errors
is left out of the model; the caller refuses to build when there are errors.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import govsite, vocab
from .errors import Problems
from .exports.catalogue import OPEN_DATA_PATHS
from .fields import SLUG, Checker, _suggest
from .hours import Calendar
from .judgment import check_alternatives, judge, refuse_placeholders
from .load import INVALID, Doc, MarkdownDoc, RawContent, display_path
from .markdown import AnyId, LinkTargets, render_markdown
from .messages import M
from .model import Article, CrisisLine, Directory, Event, Page, Region, Service, Site, Target
from .parallel import map_ordered
from .schema import (AREA, ARTICLE, CRISIS_LINE, DEFAULT_LANGUAGE_ALIASES, EVENT, HOLIDAY,
                     HOLIDAYS, NEED, NEED_WORD_MAX, PAGE, SEARCH, SITE, TARGET, TARGET_STAGE,
                     TRANSLATION_LANGS, WORKDAY)
from .search_vocab import Vocabulary, builtin, extended
from .validate_service import check_phone, check_service

RESERVED_SLUGS = {"services", "regions", "kinds", "audiences", "articles", "hotlines",
                  "search", "needs", "media", "pagefind", "static", "assets", "404", "index", "data",
                  "open-data", "coverage"}

# Keys of each record type: key -> required, in the documented order. They, the length
# limits, ranges and vocabularies read below come from the declarations in schema.py,
# which also make the JSON Schemas for editors' tools (`site-builder schema`).
SITE_KEYS = SITE.keys()
REGION_KEYS = AREA.keys()
ARTICLE_KEYS = ARTICLE.keys()
EVENT_KEYS = EVENT.keys()
PAGE_KEYS = PAGE.keys()
_LEVEL_WORDS = {"county": "district", "prefecture": "city", "municipality": "province",
                "town": "street", "township": "street", "subdistrict": "street",
                "village": "community"}
"""English words for Chinese administrative levels, for the did-you-mean hint."""


def today_in(tz: str) -> date:
    try:
        return datetime.now(ZoneInfo(tz)).date()
    except ZoneInfoNotFoundError:
        return date.today()


# ---------------------------------------------------------------- site.yaml

def validate_site(doc: Doc | None, root_path: str, problems: Problems) -> Site | None:
    if doc is None:
        if not _reported(problems, root_path + "site.yaml"):  # unreadable, a link…: said so
            problems.error(root_path + "site.yaml", 0, "-", M("site.missing", "missing (every "
                           "content folder needs site.yaml with title, base_url and crisis)"))
        return None
    c = Checker(doc, problems)
    data = c.mapping(doc.data, (), SITE_KEYS, M("noun.site_yaml", "site.yaml"))
    if data is None:
        return None
    title = c.text(data.get("title"), ("title",), SITE["title"].max_len)
    base_url = c.url(data.get("base_url"), ("base_url",), ("https", "http"))
    if base_url and urlsplit(base_url).scheme == "http":
        pass  # already warned by url()
    if base_url and (urlsplit(base_url).query or urlsplit(base_url).fragment):
        c.error(("base_url",), M("site.base_url_query", "must not have ?query or #fragment "
                                 "(e.g. https://example.org/xinli/)"))
    language = data.get("language") if data.get("language") is not None else "zh-Hans"
    if language in DEFAULT_LANGUAGE_ALIASES:
        language = "zh-Hans"
    if language != "zh-Hans" and language is not INVALID:
        c.error(("language",), M("site.language", "{language!r} is not available as the default "
                "UI language (zh-Hans; more languages can be added with `languages`)",
                language=language))
    timezone = c.text(data.get("timezone"), ("timezone",)) or "Asia/Shanghai"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        c.error(("timezone",), M("site.timezone", "{timezone!r} is not a time zone (an IANA name "
                                 "such as Asia/Shanghai)", timezone=timezone))
        timezone = "Asia/Shanghai"
    crisis: list[CrisisLine] = []
    entries = c.list(data.get("crisis"), ("crisis",))
    low, high = SITE["crisis"].min_items, SITE["crisis"].max_items
    if "crisis" in data and isinstance(data.get("crisis"), list) and not low <= len(entries) <= high:
        c.error(("crisis",), M("site.crisis_count", "has {count} entries (1 to 3 hotlines for the "
                               "top of every page)", count=len(entries)), key_line=True)
    for i, entry in enumerate(entries):
        where = ("crisis", i)
        item = c.mapping(entry, where, CRISIS_LINE.keys(), M("noun.crisis_line", "a crisis line"))
        if item is None:
            continue
        label = c.text(item.get("label"), where + ("label",), CRISIS_LINE["label"].max_len)
        phone = check_phone(c, item.get("phone"), where + ("phone",), None, None)
        note = c.text(item.get("note"), where + ("note",), CRISIS_LINE["note"].max_len)
        if label and phone:
            crisis.append(CrisisLine(label, phone, note))
    days = SITE["stale_after_days"]
    stale = c.integer(data.get("stale_after_days"), ("stale_after_days",), days.low, days.high)
    far_km = c.integer(data.get("far_km"), ("far_km",), SITE["far_km"].low, SITE["far_km"].high)
    edit_url = c.url(data.get("edit_url"), ("edit_url",), ("https", "http"))
    demo = c.boolean(data.get("demo"), ("demo",))
    quick_exit = c.url(data.get("quick_exit"), ("quick_exit",), ("https", "http"))
    languages = c.choices(data.get("languages"), ("languages",), SITE["languages"].vocab)
    opencc = c.choice(data.get("opencc"), ("opencc",), SITE["opencc"].vocab)
    license_ = c.text(data.get("data_license"), ("data_license",), SITE["data_license"].max_len)
    targets = _targets(c, data.get("targets"))
    search = _search(c, data.get("search"))
    footer = govsite.read_footer(c, data.get("footer"))
    if not c.ok or not title or not base_url or not crisis:
        return None
    base_url = base_url if base_url.endswith("/") else base_url + "/"
    base_path = urlsplit(base_url).path or "/"
    return Site(title=title, description=c.text(data.get("description"), ("description",),
                                                SITE["description"].max_len),
                base_url=base_url, base_path=base_path, language=language, timezone=timezone,
                crisis=tuple(crisis), stale_after_days=stale or days.default, edit_url=edit_url,
                demo=bool(demo), quick_exit=quick_exit, languages=languages,
                data_license=license_, targets=targets, source_prefix="", search=search,
                far_km=far_km or SITE["far_km"].default, footer=footer,
                opencc=opencc or SITE["opencc"].default)


def _search(c: Checker, value: Any) -> Vocabulary:
    """site.yaml `search: {risk_words, needs, fillers}`: added to the built-in vocabulary."""
    data = c.mapping(value, ("search",), SEARCH.keys(), M("noun.search", "search")) \
        if value is not None else None
    risk: list[str] = []
    for i, word in enumerate(c.list((data or {}).get("risk_words"), ("search", "risk_words"))):
        text = c.text(word, ("search", "risk_words", i), SEARCH["risk_words"].max_len)
        if text:
            risk.append(text)
    fillers: list[str] = []
    for i, word in enumerate(c.list((data or {}).get("fillers"), ("search", "fillers"))):
        text = c.text(word, ("search", "fillers", i), SEARCH["fillers"].max_len)
        if text:
            fillers.append(text)
    needs: dict[str, dict] = {}
    raw_needs = (data or {}).get("needs")
    if raw_needs is not None and not isinstance(raw_needs, dict):
        c.error(("search", "needs"), M("search.needs_not_mapping", "must be a mapping of need "
                "words (`失眠: {{services: [counseling], title: 睡不着怎么办}}`)"))
        raw_needs = None
    for word, spec in (raw_needs or {}).items():
        where = ("search", "needs", word)
        text = str(word).strip()
        if not text or len(text) > NEED_WORD_MAX:
            c.error(where, M("search.need_word_length", "need word {word!r} must be 1 to {max} "
                             "characters", word=text, max=NEED_WORD_MAX), key_line=True)
            continue
        item = c.mapping(spec, where, NEED.keys(), M("noun.need", "the need {word!r}", word=text))
        if item is None:
            continue
        got = {k: c.choices(item.get(k), where + (k,), NEED[k].vocab)
               for k in ("kinds", "services", "audiences")}
        title = c.text(item.get("title"), where + ("title",), NEED["title"].max_len)
        if not any(item.get(k) for k in NEED.keys()) and set(spec) <= set(NEED.keys()):
            c.error(where, M("search.need_empty", "the need {word!r} names no kinds, services or "
                    "audiences (at least one of them, or a title for a built-in need word)",
                    word=text), key_line=True)
            continue
        needs[text] = {**got, "title": title}
    return extended(tuple(risk), needs, tuple(fillers))


def _reported(problems: Problems, path: str) -> bool:
    """An error was already reported for the file at `path` (when loading it)."""
    return any(p.path == path and p.severity == "error" for p in problems.items)


def _targets(c: Checker, value: Any) -> dict:
    if value is None:
        return {}
    data = c.mapping(value, ("targets",), {k: False for k in SITE["targets"].vocab},
                     M("noun.targets", "targets"))
    out = {}
    for kind, spec in (data or {}).items():
        where = ("targets", kind)
        item = c.mapping(spec, where, TARGET.keys(), M("noun.target", "the {kind} target", kind=kind))
        if item is None:
            continue
        level = c.choice(item.get("level"), where + ("level",), TARGET["level"].vocab)
        stages = _target_stages(c, item.get("share"), where + ("share",))
        if level and stages:
            out[kind] = Target(kind, level, stages)
    return out


def _target_stages(c: Checker, value: Any, where: tuple) -> tuple[tuple[int | None, float], ...]:
    """`share: 0.8`, or staged by year: `share: [{year: 2019, share: 0.2}, …]`."""
    low, high = TARGET["share"].low, TARGET["share"].high
    if not isinstance(value, list):
        share = c.number(value, where, low, high)
        return ((None, share),) if share is not None else ()
    if not value:
        c.error(where, M("target.empty_stages", "is an empty list (a share such as 0.8, or "
                         "stages [{{year: 2019, share: 0.2}}, …])"))
        return ()
    stages: dict[int, float] = {}
    ok = True
    for i, entry in enumerate(value):
        at = where + (i,)
        item = c.mapping(entry, at, TARGET_STAGE.keys(), M("noun.target_stage", "a target stage"))
        if item is None:
            ok = False
            continue
        year = c.integer(item.get("year"), at + ("year",), TARGET_STAGE["year"].low,
                         TARGET_STAGE["year"].high)
        share = c.number(item.get("share"), at + ("share",), low, high)
        if year is not None and year in stages:
            c.error(at + ("year",), M("target.year_twice", "{year} is given twice (one share per "
                                      "year)", year=year))
            ok = False
        elif year is None or share is None:
            ok = False
        else:
            stages[year] = share
    return tuple(sorted(stages.items())) if ok else ()


# ------------------------------------------------------------- regions.yaml

def validate_regions(doc: Doc | None, root_path: str, problems: Problems) -> tuple[dict[str, Region], list[Region]]:
    regions: dict[str, Region] = {}
    roots: list[Region] = []
    if doc is None:
        if not _reported(problems, root_path + "regions.yaml"):
            problems.error(root_path + "regions.yaml", 0, "-", M("regions.missing", "missing "
                           "(every content folder needs regions.yaml listing its areas)"))
        return regions, roots
    c = Checker(doc, problems)
    id_lines: dict[str, int] = {}
    items = c.list(doc.data, ())
    if doc.data is None or (isinstance(doc.data, list) and not items):
        c.error((), M("regions.empty", "lists no areas (a list of `{{id, name, level, children}}` "
                      "entries)"))
    # Iterative walk (no recursion limit on deep or wide trees).
    stack = [(item, (i,), None) for i, item in reversed(list(enumerate(items)))]
    while stack:
        value, where, parent = stack.pop()
        data = c.mapping(value, where, REGION_KEYS, M("noun.area", "an area"))
        if data is None:
            continue
        rid = c.slug(data.get("id"), where + ("id",), M("noun.area_id", "area id"))
        name = c.text(data.get("name"), where + ("name",), AREA["name"].max_len)
        level = c.choice(data.get("level"), where + ("level",), AREA["level"].vocab, _LEVEL_WORDS)
        if parent is not None and level and vocab.LEVEL_ORDER[level] <= vocab.LEVEL_ORDER[parent.level]:
            below = [lv for lv, i in vocab.LEVEL_ORDER.items() if i > vocab.LEVEL_ORDER[parent.level]]
            expected = M("regions.levels_below", "a level under it: {levels}", levels=", ".join(below)) \
                if below else M("regions.nothing_below", "nothing is below a community")
            c.error(where + ("level",), M("regions.level_not_below", "{level!r} is not below its "
                    "parent {parent!r}, which is a {parent_level} ({expected})", level=level,
                    parent=parent.id, parent_level=parent.level, expected=expected))
            level = None
        if rid and rid in regions:
            c.error(where + ("id",), M("regions.id_twice", "area id {id!r} is used twice "
                    "(each id once; it is already used on line {line})", id=rid, line=id_lines[rid]))
            rid = None
        region = None
        if rid and name and level:
            region = Region(rid, name, level, parent)
            regions[rid] = region
            id_lines[rid] = doc.line(*where, "id")
            (parent.children if parent else roots).append(region)
        children = c.list(data.get("children"), where + ("children",))
        for i in range(len(children) - 1, -1, -1):
            # Children of a broken area are still checked, attached to the last good ancestor.
            stack.append((children[i], where + ("children", i), region or parent))
    return regions, roots


# ------------------------------------------------------------ holidays.yaml

def validate_holidays(doc: Doc | None, problems: Problems) -> Calendar:
    off: dict[date, str] = {}
    workdays: dict[date, tuple[str, int]] = {}
    if doc is None or doc.data is None:
        return Calendar(off, workdays)
    c = Checker(doc, problems)
    data = c.mapping(doc.data, (), HOLIDAYS.keys(), M("noun.holidays_yaml", "holidays.yaml")) or {}
    for i, item in enumerate(c.list(data.get("off"), ("off",))):
        where = ("off", i)
        entry = c.mapping(item, where, HOLIDAY.keys(), M("noun.holiday", "a holiday"))
        if entry is None:
            continue
        name = c.text(entry.get("name"), where + ("name",), HOLIDAY["name"].max_len)
        raw = entry.get("dates")
        text = str(doc.raw.get(where + ("dates",), raw)).strip() if raw not in (None, INVALID) else None
        if text is None:
            continue
        first, _, last = text.partition("..")
        start = c.date(first, where + ("dates",))
        end = c.date(last, where + ("dates",)) if last else start
        if start and end:
            if end < start or (end - start).days > 60:
                c.error(where + ("dates",), M("holidays.bad_range", "{text!r} is not a range of up "
                        "to 60 days (FIRST..LAST, e.g. 2026-10-01..2026-10-08)", text=text))
                continue
            day = start
            while day <= end:
                off[day] = name or ""
                day += timedelta(days=1)
    for i, item in enumerate(c.list(data.get("workdays"), ("workdays",))):
        where = ("workdays", i)
        entry = c.mapping(item, where, WORKDAY.keys(), M("noun.workday", "a make-up workday"))
        if entry is None:
            continue
        day = c.date(entry.get("date"), where + ("date",))
        name = c.text(entry.get("name"), where + ("name",), WORKDAY["name"].max_len)
        as_day = c.choice(entry.get("as", WORKDAY["as"].default), where + ("as",), vocab_days())
        if day and as_day:
            if day in off:
                c.error(where + ("date",), M("holidays.off_and_workday", "{day} is also listed under "
                        "off (a day is either off or a workday)", day=day))
            workdays[day] = (name or "", vocab_days().index(as_day))
    return Calendar(off, workdays)


def vocab_days() -> tuple[str, ...]:
    return tuple(WORKDAY["as"].vocab)


# ------------------------------------------------------------- services

def _front(md: MarkdownDoc, problems: Problems, keys: dict[str, bool], what: str) -> tuple[Checker, dict | None]:
    c = Checker(md.front, problems)
    return c, c.mapping(md.front.data, (), keys, what)


def _same_as_original(c: Checker, md: MarkdownDoc, data: dict, fields: dict, original: dict) -> None:
    """A translation (`<slug>.en.md`) may leave out `date`, `category` and `event`, which it
    inherits; where it gives them, they must say what the original says (the place of an
    event may be translated)."""
    source = f"articles/{md.slug}.md"
    checks = [(("date",), fields["date"], original.get("date")),
              (("category",), fields["category"], original.get("category"))]
    mine, theirs, raw = fields["event"], original.get("event"), data.get("event")
    if isinstance(raw, dict) and mine is not None:
        for i, key in ((0, "start"), (1, "end"), (3, "service")):
            if key in raw:
                checks.append((("event", key), mine[i], theirs[i] if theirs else None))
    for where, value, expected in checks:
        if where[0] in data and value is not None and value != expected:
            c.error(where, M("translation.contradicts", "{value} differs from the original article "
                             "({expected} in {source}; a translation inherits the original's date, "
                             "category and event: leave it out or write the same)",
                             value=_shown(value), expected=_shown(expected), source=source))


def _shown(value) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    return str(value)


def validate_article(md: MarkdownDoc, services: set[str], today: date, problems: Problems,
                     inherited: dict | None) -> dict | None:
    keys = ARTICLE_KEYS if inherited is None else {**ARTICLE_KEYS, "date": False}
    c, data = _front(md, problems, keys, M("noun.article_front", "article front matter"))
    if not SLUG.match(md.slug):
        c.error((), M("article.bad_file_name", "file name {slug!r} is not a valid slug "
                      "(lowercase a-z, 0-9 and -; rename the file)", slug=md.slug))
    if data is None:
        return None
    inherited = inherited or {}
    event = None
    if data.get("event") is not None:
        ev = c.mapping(data["event"], ("event",), EVENT_KEYS, M("noun.event", "event"))
        if ev is not None:
            start = c.datetime(ev.get("start"), ("event", "start"))
            end = c.datetime(ev.get("end"), ("event", "end"))
            place = c.text(ev.get("place"), ("event", "place"), EVENT["place"].max_len)
            sid = c.text(ev.get("service"), ("event", "service"), EVENT["service"].max_len)
            if sid is not None:
                if sid not in services:
                    c.error(("event", "service"), M("event.unknown_service", "{id!r} is not a "
                            "service ({hint}a file name in services/ without .yaml)", id=sid,
                            hint=_suggest(sid, services)))
            if start and end and end < start:
                c.error(("event", "end"), M("event.end_before_start", "{end:%Y-%m-%d %H:%M} is "
                        "before the start {start:%Y-%m-%d %H:%M} (an end after the start)",
                        end=end, start=start))
            elif start and place:
                event = (start, end, place, sid)
    fields = dict(
        slug=md.slug, source=md.rel, lang=md.lang,
        title=c.text(data.get("title"), ("title",), ARTICLE["title"].max_len),
        date=c.date(data.get("date"), ("date",)) if "date" in data else inherited.get("date"),
        updated=c.date(data.get("updated"), ("updated",)),
        summary=c.text(data.get("summary"), ("summary",), ARTICLE["summary"].max_len),
        tags=tuple(t for t in (c.text(t, ("tags", i), ARTICLE["tags"].max_len) for i, t in
                               enumerate(c.list(data.get("tags"), ("tags",)))) if t),
        category=c.choice(data.get("category"), ("category",), ARTICLE["category"].vocab)
        if "category" in data else inherited.get("category"),
        audiences=c.choices(data.get("audiences"), ("audiences",), ARTICLE["audiences"].vocab),
        event=event or inherited.get("event"),
        draft=bool(c.boolean(data.get("draft"), ("draft",))),
    )
    if md.lang is not None and inherited:
        _same_as_original(c, md, data, fields, inherited)
    if fields["date"] and fields["date"] > today and not fields["draft"]:
        c.warning(("date",), M("article.date_future", "{date} is in the future (the article is "
                               "published now anyway)", date=fields["date"]))
    return fields if c.ok else None


def validate_page(md: MarkdownDoc, problems: Problems) -> dict | None:
    c, data = _front(md, problems, PAGE_KEYS, M("noun.page_front", "page front matter"))
    if not SLUG.match(md.slug):
        c.error((), M("article.bad_file_name", "file name {slug!r} is not a valid slug "
                      "(lowercase a-z, 0-9 and -; rename the file)", slug=md.slug))
    elif md.slug in RESERVED_SLUGS:
        c.error((), M("page.reserved", "the page name {slug!r} is used by the site itself "
                "(rename the file; reserved: {reserved})", slug=md.slug,
                reserved=", ".join(sorted(RESERVED_SLUGS))))
    if data is None:
        return None
    fields = dict(slug=md.slug, source=md.rel, lang=md.lang,
                  title=c.text(data.get("title"), ("title",), PAGE["title"].max_len),
                  nav=c.integer(data.get("nav"), ("nav",), PAGE["nav"].low, PAGE["nav"].high))
    return fields if c.ok else None


def _translated(docs: list[MarkdownDoc], folder: str, problems: Problems) -> tuple[list, list]:
    """Split default-language files from translations, checking the language suffix."""
    base, translations = [], []
    for md in docs:
        lang = md.lang
        if lang is None and md.rel.count(".") > 1:
            lang = "?"
        if lang is None:
            base.append(md)
        elif lang not in TRANSLATION_LANGS:
            problems.error(md.path, 0, "-", M("translation.unknown_language", "{name!r}: unknown "
                           "translation language (name translations <slug>.en.md or "
                           "<slug>.zh-Hant.md)", name=md.rel.rsplit("/", 1)[-1]))
        else:
            translations.append(md)
    return base, translations


# ------------------------------------------------------------------ all

class Memo:
    """What each record's own checks found, kept between validations by the dev server
    (hot.py): a record whose document is the very object checked last time is not checked
    again, and its problems are reported again as they were. What those checks read from
    other files (the date, the ids of services, articles and pages, the base path) is
    compared here and clears a section when it differs; site.yaml, regions.yaml,
    holidays.yaml and media/ are not: the caller starts a new Memo when one of them changes."""

    def __init__(self) -> None:
        self._sections: dict[str, tuple[object, dict[int, tuple[object, object]]]] = {}
        self._used: dict[str, set[int]] = {}

    def section(self, name: str, context: object) -> dict[int, tuple[object, object]]:
        old = self._sections.get(name)
        if old is None or old[0] != context:
            old = self._sections[name] = (context, {})
        self._used[name] = set()
        return old[1]

    def get(self, name: str, obj: object):
        hit = self._sections[name][1].get(id(obj))
        self._used[name].add(id(obj))
        return hit[1] if hit is not None and hit[0] is obj else None

    def put(self, name: str, obj: object, value):
        self._sections[name][1][id(obj)] = (obj, value)
        self._used[name].add(id(obj))
        return value

    def prune(self) -> None:
        """Forget the records not asked for in this validation (replaced or deleted files)."""
        for name, (_, results) in self._sections.items():
            used = self._used.get(name, set())
            for key in [k for k in results if k not in used]:
                del results[key]


def _memoised(memo: Memo | None, name: str, obj: object, problems: Problems, check):
    """`check(sub_problems)` once per document object (see Memo), its problems added to
    `problems` each time."""
    hit = memo.get(name, obj) if memo is not None else None
    if hit is None:
        found = Problems()
        value = check(found)
        hit = (value, found) if memo is None else memo.put(name, obj, (value, found))
    value, found = hit
    problems.items.extend(found.items)
    problems.placeholders.extend(found.placeholders)
    return dict(value) if isinstance(value, dict) else value


def validate(raw: RawContent, problems: Problems, today: date | None = None,
             root_display: str = "", publishing: bool = False,
             memo: Memo | None = None) -> Directory | None:
    """Validate everything; return the model, or None when there are errors.
    `publishing` (build, serve): placeholders of `site-builder new` are errors. `memo`
    (the dev server): records unchanged since the last validation are not checked again."""
    site = validate_site(raw.site, root_display, problems)
    if site is not None and raw.site is not None and isinstance(raw.site.data, dict) \
            and "share_image" in raw.site.data:  # needs media/ (govsite.py: og:image)
        site = replace(site, share_image=govsite.read_share_image(
            Checker(raw.site, problems), raw.site.data["share_image"], raw.root / "media",
            {m.rel for m in raw.media}))
    tz = site.timezone if site else "Asia/Shanghai"
    today = today or today_in(tz)
    regions, roots = validate_regions(raw.regions, root_display, problems)
    calendar = validate_holidays(raw.holidays, problems)

    articles, article_tr = _translated(raw.articles, "articles", problems)
    pages, page_tr = _translated(raw.pages, "pages", problems)
    service_ids = {doc.rel[len("services/"):-len(".yaml")] for doc in raw.services}
    # A file that could not be read has its own errors: what points at it is not wrong.
    unreadable = {rel.split("/", 1)[0]: set() for rel in ("services/", "articles/", "pages/")}
    for rel in raw.unreadable:
        folder, name = rel.split("/", 1)
        unreadable[folder].add(name.split(".", 1)[0])
    area_ids = set(regions) if raw.regions is not None or not (raw.root / "regions.yaml").is_file() \
        else AnyId()  # regions.yaml could not be read: links to areas are not judged
    targets = LinkTargets(services=service_ids | unreadable["services"], regions=area_ids,
                          pages={p.slug for p in pages} | unreadable["pages"],
                          media={m.rel for m in raw.media},
                          generated=_generated_paths())
    base_path = site.base_path if site else "/"

    # Events may name any loaded service (a broken record already has its own errors,
    # and should not cause a second, misleading "not a service" error here).
    services_stub = service_ids | unreadable["services"]
    article_fields = []
    by_slug = {}
    if memo is not None:
        memo.section("article", (today, frozenset(services_stub)))
    for md in articles:
        fields = _memoised(memo, "article", md, problems, lambda found, md=md: validate_article(
            md, services_stub, today, found, None))
        if fields is not None:
            article_fields.append((md, fields))
            by_slug[md.slug] = fields
    targets.articles = {f["slug"] for _, f in article_fields if not f["draft"]} | unreadable["articles"]
    article_slugs = {a.slug for a in articles}  # once: not once per translation
    article_tr_fields = []
    for md in article_tr:
        if md.slug in unreadable["articles"]:
            continue  # what it inherits is unknown until the article can be read
        if md.slug not in article_slugs:
            problems.error(md.path, 0, "-", M("translation.no_article", "translation of {slug!r}, "
                           "but articles/{slug}.md does not exist (the default-language article "
                           "must exist)", slug=md.slug))
            continue
        translated = validate_article(md, services_stub, today, problems, by_slug.get(md.slug))
        if translated is not None:
            article_tr_fields.append((md, translated))
    page_fields = [(md, f) for md in pages if (f := validate_page(md, problems)) is not None]
    page_tr_fields = []
    for md in page_tr:
        if md.slug not in targets.pages:  # (unreadable pages are in targets.pages)
            problems.error(md.path, 0, "-", M("translation.no_page", "translation of {slug!r}, "
                           "but pages/{slug}.md does not exist (the default-language page must "
                           "exist)", slug=md.slug))
        elif (translated := validate_page(md, problems)) is not None:
            page_tr_fields.append((md, translated))
    # Each service record on its own (its description's links may point at any article), on every core (parallel.map_ordered): its fields, its
    # description's markdown, its search terms and pinyin sort key, and its problems.
    def one(i: int) -> tuple[dict | None, Problems, tuple | None]:
        return check_service(raw.services[i], regions, site, today, targets, base_path)

    if memo is not None:  # what a record's own checks read from elsewhere
        context = (today, frozenset(targets.services), frozenset(targets.articles),
                   frozenset(targets.pages), base_path)
        memo.section("service", context)
        memo.section("html", context)
        todo = [i for i, doc in enumerate(raw.services) if memo.get("service", doc) is None]
        for i, result in zip(todo, map_ordered(lambda j: one(todo[j]), len(todo))):
            memo.put("service", raw.services[i], result)
        results = [memo.get("service", doc) for doc in raw.services]
    else:
        results = map_ordered(one, len(raw.services))
    checked: list[tuple[Doc, dict]] = []
    derived: dict[str, tuple] = {}
    for doc, (fields, found, extra) in zip(raw.services, results):
        problems.items.extend(found.items)  # (and `new`'s placeholders, for refuse_placeholders)
        problems.placeholders.extend(found.placeholders)
        if fields is not None:  # the region was sent back by id (one region tree)
            fields = {**fields, "region": regions[fields["region"]]}
            checked.append((doc, fields))
            derived[fields["id"]] = extra
    check_alternatives(checked, service_ids | unreadable["services"], problems)
    # Drafts are rendered as well: a broken link should not wait for publication day.
    html = {md.rel: _memoised(memo, "html", md, problems, lambda found, md=md: render_markdown(
                md.body, path=md.path, body_line=md.body_line, targets=targets,
                base_path=base_path, problems=found))
            for md in raw.articles + raw.pages}
    if memo is not None:
        memo.prune()

    _media_warnings(raw, problems)

    if publishing and not (site and site.demo):
        drafts = {md.path for md, f in article_fields if f["draft"]}
        refuse_placeholders(problems, drafts)
    if problems.errors or site is None:
        return None

    services: dict[str, Service] = {}
    for doc, fields in checked:
        service = Service(**fields)
        service.map_links, service.search_terms, service.sort_key = derived[service.id]
        services[service.id] = service
    judge(checked, site.far_km, problems)

    def article(md, fields) -> Article | None:
        if fields.pop("draft"):
            return None
        if fields["event"] is not None:
            start, end, place, sid = fields["event"]
            fields["event"] = Event(start, end, place, services.get(sid) if sid else None)
        return Article(**fields, html=html[md.rel])

    published = [a for md, fields in article_fields if (a := article(md, dict(fields)))]
    published.sort(key=lambda a: (a.date, a.slug), reverse=True)
    page_objs = {md.slug: Page(**fields, html=html[md.rel]) for md, fields in page_fields}
    translations: dict[str, dict[str, dict]] = {}
    shown = {a.slug for a in published}
    for md, fields in article_tr_fields:  # a translation of a draft is not published either
        if md.slug in shown and (a := article(md, dict(fields))) is not None:
            translations.setdefault(md.lang, {"articles": {}, "pages": {}})["articles"][md.slug] = a
    for md, fields in page_tr_fields:
        translations.setdefault(md.lang, {"articles": {}, "pages": {}})["pages"][md.slug] = \
            Page(**fields, html=html[md.rel])
    return Directory(site=site, regions=regions, roots=roots, services=services,
                     articles=published, pages=page_objs, calendar=calendar,
                     media=raw.media, today=today, translations=translations)


def _generated_paths() -> set[str]:
    paths = {"services/", "regions/", "articles/", "hotlines/", "search/", "kinds/", "audiences/",
             "needs/", "404.html", "sitemap.xml", "robots.txt", "open-data/"}
    paths |= set(OPEN_DATA_PATHS)  # /data/services.csv … (exports/)
    paths |= {f"kinds/{k}/" for k in vocab.KINDS} | {f"audiences/{a}/" for a in vocab.AUDIENCES}
    paths |= {f"needs/{n.slug}/" for n in builtin().needs}
    return paths | {p.rstrip("/") for p in paths}


def _media_warnings(raw: RawContent, problems: Problems) -> None:
    for media in raw.media:
        if media.size > 500_000:
            problems.warning(display_path(media.source, raw.root), 0, "-",
                             M("media.heavy", "{kb} KB is heavy for residents on slow phones "
                               "(keep media files under 500 KB)", kb=media.size // 1000))

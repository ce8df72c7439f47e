"""Stage 3, model: the plain objects that templates receive.

Built by `validate` from checked content; nothing here parses YAML or renders
HTML. `Directory` holds every record and the look-ups templates need, each
keyed by id so that nothing is quadratic in the number of records.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from .coords import Point
from .hours import Calendar, Closure, Hours
from .search_vocab import Vocabulary


@dataclass(frozen=True)
class CrisisLine:
    label: str
    phone: "Phone"
    note: str | None


@dataclass(frozen=True)
class Target:
    """A coverage target of site.yaml: the share of areas of `level` that should have at
    least one service of `kind`, either one share or staged by year."""

    kind: str
    level: str
    stages: tuple[tuple[int | None, float], ...]
    """(year, share) in year order; a single share is one stage with year None (always
    in force)."""

    def stage_on(self, day: date) -> tuple[int | None, float] | None:
        """The stage in force on `day`: the latest whose year has begun (None: none yet)."""
        found = None
        for year, share in self.stages:
            if year is None or year <= day.year:
                found = (year, share)
        return found

    def share_on(self, day: date) -> float | None:
        stage = self.stage_on(day)
        return stage[1] if stage else None


@dataclass(frozen=True)
class Site:
    title: str
    description: str | None
    base_url: str
    """Absolute URL ending in `/`."""
    base_path: str
    """Path part of base_url, starting and ending with `/` (`/xinli/`)."""
    language: str
    timezone: str
    crisis: tuple[CrisisLine, ...]
    stale_after_days: int
    edit_url: str | None
    demo: bool
    quick_exit: str | None
    languages: tuple[str, ...]
    data_license: str | None
    targets: dict[str, "Target"]
    """Kind -> its coverage target, in the order of site.yaml."""
    source_prefix: str
    """Path of the content folder inside its repository, for edit links (`content/`)."""
    search: "Vocabulary | None" = None
    """Risk and need words (built in + site.yaml `search`); None means the built-in ones."""
    far_km: int = 30
    """Points farther than this from their district's other services are warned about."""
    footer: "Footer | None" = None
    """The government-site footer (govsite.py): host, filing numbers, site code."""
    share_image: "ShareImage | None" = None
    """site.yaml `share_image` (og:image); None: the picture made from the title."""
    opencc: str = "s2hk"
    """OpenCC configuration of the Traditional Chinese edition (site.yaml `opencc`)."""


@dataclass
class Region:
    id: str
    name: str
    level: str
    parent: "Region | None" = None
    children: list["Region"] = field(default_factory=list)

    @property
    def ancestors(self) -> list["Region"]:
        """From the root down to the parent (for breadcrumbs)."""
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]

    @property
    def trail(self) -> list["Region"]:
        return self.ancestors + [self]

    def __hash__(self) -> int:
        return hash(self.id)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Region) and other.id == self.id


@dataclass(frozen=True)
class Phone:
    text: str
    """As the editor wrote it (shown to the visitor)."""
    tel: str
    """`tel:` URI (E.164 where the number allows, with `;ext=`)."""
    label: str | None = None
    ext: str | None = None


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Contact:
    """A channel without a field of its own (QQ, mini-program): shown as text only."""

    label: str
    value: str


@dataclass(frozen=True)
class Stat:
    year: int
    visits: int | None
    satisfaction: float | None


@dataclass
class Service:
    id: str
    source: str
    """Path relative to the content folder (`services/x.yaml`)."""
    name: str
    kind: str
    region: Region
    address: str | None
    point: Point | None
    phones: tuple[Phone, ...]
    website: str | None
    email: str | None
    wechat: str | None
    other_contacts: tuple[Contact, ...]
    hours: Hours
    hours_note: str | None
    audiences: tuple[str, ...]
    services: tuple[str, ...]
    cost: str | None
    booking: tuple[str, ...]
    languages: tuple[str, ...]
    accessibility: tuple[str, ...]
    operator: str | None
    description_html: str
    verified: date
    closed: Closure | None
    stats: tuple[Stat, ...]
    translations: dict
    stale: bool = False
    map_links: tuple[Link, ...] = ()
    sort_key: str = ""
    """The name in pinyin (`yuan2 ling3 jie1 dao4 …`): lists are sorted the way a Chinese
    reader expects, not by code point."""
    search_terms: str = ""
    """Name variants and short distinctive words, indexed but not shown."""
    description: str | None = None
    """The description as written (markdown), for the open-data exports."""
    untranslated: frozenset[str] = frozenset()
    """In an edition of another language (i18n/localize.py): the shown fields that have no
    translation and are in the default language (templates mark them `lang`)."""


@dataclass(frozen=True)
class Event:
    start: datetime
    end: datetime | None
    place: str
    service: Service | None


@dataclass
class Article:
    slug: str
    source: str
    title: str
    date: date
    updated: date | None
    summary: str | None
    tags: tuple[str, ...]
    category: str | None
    audiences: tuple[str, ...]
    event: Event | None
    html: str
    lang: str | None = None
    untranslated: bool = False
    """In another language's edition: shown in the default language (no translation)."""


@dataclass
class Page:
    slug: str
    source: str
    title: str
    nav: int | None
    html: str
    lang: str | None = None
    untranslated: bool = False


@dataclass
class Directory:
    """The whole validated site: records plus indexes by id."""

    site: Site
    regions: dict[str, Region]
    roots: list[Region]
    services: dict[str, Service]
    articles: list[Article]
    """Published default-language articles, newest first."""
    pages: dict[str, Page]
    calendar: Calendar
    media: list
    today: date
    by_region: dict[str, list[Service]] = field(default_factory=dict)
    """Region id -> services in that region *or below it*, sorted by name."""
    by_kind: dict[str, list[Service]] = field(default_factory=dict)
    by_audience: dict[str, list[Service]] = field(default_factory=dict)
    translations: dict[str, dict[str, dict]] = field(default_factory=dict)
    """Human translations of articles and pages: language -> {"articles": {slug: Article},
    "pages": {slug: Page}} (i18n/localize.py makes each edition's model from them)."""

    def __post_init__(self) -> None:
        by_region: dict[str, list[Service]] = defaultdict(list)
        by_kind: dict[str, list[Service]] = defaultdict(list)
        by_audience: dict[str, list[Service]] = defaultdict(list)
        for service in sorted(self.services.values(), key=lambda s: (s.sort_key, s.id)):
            for region in service.region.trail:
                by_region[region.id].append(service)
            by_kind[service.kind].append(service)
            for audience in service.audiences:
                by_audience[audience].append(service)
        self.by_region, self.by_kind, self.by_audience = dict(by_region), dict(by_kind), dict(by_audience)

    @property
    def nav_pages(self) -> list[Page]:
        return sorted((p for p in self.pages.values() if p.nav is not None),
                      key=lambda p: (p.nav, p.slug))

    @property
    def hotlines(self) -> list[Service]:
        return self.by_kind.get("hotline", [])

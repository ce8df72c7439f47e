"""The coverage picture of the service network: pure functions over the model.

What the policy asks pilot areas to track, computed once for the dashboard
(`/coverage/`, templates/coverage.html) and for `site-builder report coverage`:

* for each target of site.yaml (`targets`): how many areas of the target's level have
  at least one service of its kind in them or below them, the share, and whether the
  share in force on the build date is met; in total and per district and per street
  (an area counts in the district or street it lies in; an area whose tree skips that
  level is counted in the total only); the areas without such a service, by name;
* services by kind and by audience;
* the published yearly `stats` of the services, added up by year;
* science-popularisation activities per district and year against the minimum of six:
  published articles with `category: science` and events (articles with an `event`),
  each counted once, in the year of the event's start (else of the article's date). An
  activity belongs to a district through its event's service, else through a tag that
  is the district's name (`tags: [罗湖区]`); the others count for the whole site.

Shares are compared exactly (fractions; 0.8 means 4/5), so 4 of 5 areas meet 0.8.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from . import vocab
from .model import Article, Directory, Region, Target

SCIENCE_MINIMUM = 6
"""Science-popularisation activities a year that each district should hold."""
GROUP_LEVELS = ("district", "street")
"""The levels the coverage of a target is broken down by (when they lie above it)."""


def ancestor_at(region: Region, level: str) -> Region | None:
    return next((r for r in region.trail if r.level == level), None)


@dataclass(frozen=True)
class Tally:
    """Areas of a target's level inside one area (or the whole site: `area` None)."""

    area: Region | None
    areas: int
    covered: int
    target: float | None

    @property
    def share(self) -> Fraction | None:
        return Fraction(self.covered, self.areas) if self.areas else None

    @property
    def met(self) -> bool | None:
        """None when there is no target in force or no area to cover."""
        if self.target is None or not self.areas:
            return None
        return Fraction(self.covered, self.areas) >= Fraction(repr(self.target))


@dataclass(frozen=True)
class TargetCoverage:
    kind: str
    level: str
    target: Target
    stage: tuple[int | None, float] | None
    """The stage in force on the build date (None: none has begun)."""
    total: Tally
    groups: dict[str, list[Tally]]
    """Group level (district, street) -> a tally per area of that level, in tree order."""
    uncovered: list[Region]
    """Areas of the target's level without a service of the kind, in tree order."""

    @property
    def share(self) -> float | None:
        return self.stage[1] if self.stage else None

    @property
    def next_stage(self) -> tuple[int | None, float] | None:
        """The first stage that has not begun yet, if any."""
        year = self.stage[0] if self.stage else None
        for stage in self.target.stages:
            if stage[0] is not None and (year is None or stage[0] > year):
                return stage
        return None


@dataclass(frozen=True)
class YearStats:
    year: int
    services: int
    """Services that published figures for the year."""
    visits: int
    visits_reported: int
    satisfaction: float | None
    """Mean of the satisfaction figures published for the year (0–100)."""
    satisfaction_reported: int


@dataclass(frozen=True)
class Activities:
    """Science-popularisation activities of one district (None: the whole site) in a year."""

    area: Region | None
    year: int
    articles: int
    events: int

    @property
    def total(self) -> int:
        return self.articles + self.events

    @property
    def met(self) -> bool:
        return self.total >= SCIENCE_MINIMUM


@dataclass(frozen=True)
class Coverage:
    today: date
    targets: list[TargetCoverage]
    by_kind: list[tuple[str, int]]
    """(kind, services), every kind in vocabulary order."""
    by_audience: list[tuple[str, int]]
    stats: list[YearStats]
    """Oldest year first."""
    science_years: list[int]
    """Newest first: from the build year back to the earliest year with an activity."""
    science: dict[int, list[Activities]]
    """Year -> one entry per district (tree order), then the whole site's, if any."""
    districts: list[Region]

    @property
    def science_this_year(self) -> list[Activities]:
        return self.science.get(self.today.year, [])


def coverage(d: Directory) -> Coverage:
    """The whole picture for the directory, on its build date (`d.today`)."""
    districts = [r for r in d.regions.values() if r.level == "district"]
    years, science = science_activities(d, districts)
    return Coverage(
        today=d.today,
        targets=[target_coverage(d, t) for t in d.site.targets.values()],
        by_kind=[(k, len(d.by_kind.get(k, []))) for k in vocab.KINDS],
        by_audience=[(a, len(d.by_audience.get(a, []))) for a in vocab.AUDIENCES],
        stats=year_stats(d.services.values()),
        science_years=years, science=science, districts=districts)


def target_coverage(d: Directory, target: Target) -> TargetCoverage:
    """Coverage of one target: which areas of its level have a service of its kind."""
    stage = target.stage_on(d.today)
    share = stage[1] if stage else None
    covered_ids = {r.id for s in d.by_kind.get(target.kind, []) for r in s.region.trail}
    areas = [r for r in d.regions.values() if r.level == target.level]
    rank = vocab.LEVEL_ORDER[target.level]
    groups: dict[str, list[Tally]] = {}
    for level in GROUP_LEVELS:
        if vocab.LEVEL_ORDER[level] >= rank:
            continue
        counts: dict[str, list[int]] = {r.id: [0, 0] for r in d.regions.values() if r.level == level}
        for area in areas:
            group = ancestor_at(area, level)
            if group is not None:
                counts[group.id][0] += 1
                counts[group.id][1] += area.id in covered_ids
        groups[level] = [Tally(d.regions[rid], n, c, share) for rid, (n, c) in counts.items()]
    covered = sum(1 for a in areas if a.id in covered_ids)
    return TargetCoverage(
        kind=target.kind, level=target.level, target=target, stage=stage,
        total=Tally(None, len(areas), covered, share), groups=groups,
        uncovered=[a for a in areas if a.id not in covered_ids])


def year_stats(services) -> list[YearStats]:
    """The services' published figures, added up per year."""
    rows: dict[int, list] = {}
    for service in services:
        for stat in service.stats:
            row = rows.setdefault(stat.year, [0, 0, 0, 0.0, 0])
            row[0] += 1
            if stat.visits is not None:
                row[1] += stat.visits
                row[2] += 1
            if stat.satisfaction is not None:
                row[3] += stat.satisfaction
                row[4] += 1
    return [YearStats(year, n, visits, nv, round(sat / ns, 1) if ns else None, ns)
            for year, (n, visits, nv, sat, ns) in sorted(rows.items())]


def is_activity(article: Article) -> bool:
    return article.event is not None or article.category == "science"


def activity_year(article: Article) -> int:
    return article.event.start.year if article.event is not None else article.date.year


def activity_district(article: Article, districts_by_name: dict[str, Region]) -> Region | None:
    """The district an activity belongs to: its event's service's, else a tag naming one."""
    if article.event is not None and article.event.service is not None:
        found = ancestor_at(article.event.service.region, "district")
        if found is not None:
            return found
    for tag in article.tags:
        if tag in districts_by_name:
            return districts_by_name[tag]
    return None


def science_activities(d: Directory, districts: list[Region]
                       ) -> tuple[list[int], dict[int, list[Activities]]]:
    """Activities per year and district (every district, also those with none)."""
    by_name: dict[str, Region] = {}
    for district in districts:
        by_name.setdefault(district.name, district)
    counts: dict[tuple[int, str | None], list[int]] = {}
    for article in d.articles:
        if not is_activity(article):
            continue
        area = activity_district(article, by_name)
        row = counts.setdefault((activity_year(article), area.id if area else None), [0, 0])
        row[1 if article.event is not None else 0] += 1
    first = min((year for year, _ in counts), default=d.today.year)
    years = list(range(max(d.today.year, max((y for y, _ in counts), default=0)), first - 1, -1))
    table: dict[int, list[Activities]] = {}
    for year in years:
        rows = [Activities(r, year, *counts.get((year, r.id), [0, 0])) for r in districts]
        if (year, None) in counts:
            rows.append(Activities(None, year, *counts[(year, None)]))
        table[year] = rows
    return years, table


def percent(value: Fraction | float | None) -> str:
    """`80%`, `66.7%`, or `—` when there is nothing to divide."""
    if value is None:
        return "—"
    number = float(value) * 100
    return f"{number:.1f}".rstrip("0").rstrip(".") + "%"

"""`site-builder report coverage` output: the dashboard's figures as text, CSV or JSON.

The figures come from coverage.py (the same as /coverage/). The CSV is one table with a
`section` column (`target`, `target_district`, `target_street`, `uncovered`, `kind`,
`audience`, `stats`, `science`) and empty cells where a column does not apply, so that
a planner can filter it in a spreadsheet; text cells are neutralised against formulas.
"""
from __future__ import annotations

import csv
import io
import json
from fractions import Fraction

from . import vocab
from .coverage import SCIENCE_MINIMUM, Coverage, Tally, TargetCoverage, percent
from .csvsafe import cell as neutralise_cell
from .messages import say
from .model import Region

BOM = "\ufeff"
"""Excel opens a UTF-8 CSV as UTF-8 only with a byte-order mark."""
CSV_COLUMNS = ["section", "key", "label", "level", "area_id", "area", "parent", "year", "covered",
               "areas", "share", "target", "met", "count", "visits", "satisfaction", "articles",
               "events"]


def _share(value: Fraction | float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def _met(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _parent(region: Region | None) -> str:
    return region.parent.name if region is not None and region.parent else ""


# ------------------------------------------------------------------------ CSV

def to_csv(cov: Coverage) -> str:
    rows: list[dict] = []
    for tc in cov.targets:
        base = {"key": tc.kind, "label": vocab.KINDS[tc.kind], "level": tc.level,
                "target": tc.share, "year": tc.stage[0] if tc.stage else None}
        rows.append({"section": "target", **base, **_tally(tc.total)})
        for level, tallies in tc.groups.items():
            for t in tallies:
                rows.append({"section": f"target_{level}", **base, **_tally(t),
                             "area_id": t.area.id, "area": t.area.name, "parent": _parent(t.area)})
        for r in tc.uncovered:
            rows.append({"section": "uncovered", "key": tc.kind, "label": vocab.KINDS[tc.kind],
                         "level": tc.level, "area_id": r.id, "area": r.name, "parent": _parent(r)})
    rows += [{"section": "kind", "key": k, "label": vocab.KINDS[k], "count": n} for k, n in cov.by_kind]
    rows += [{"section": "audience", "key": a, "label": vocab.AUDIENCES[a], "count": n}
             for a, n in cov.by_audience]
    rows += [{"section": "stats", "year": y.year, "count": y.services,
              "visits": y.visits if y.visits_reported else None, "satisfaction": y.satisfaction}
             for y in cov.stats]
    for year in cov.science_years:
        for a in cov.science[year]:
            rows.append({"section": "science", "year": year, "area_id": a.area.id if a.area else "",
                         "area": a.area.name if a.area else "全市（未指定区）",
                         "articles": a.articles, "events": a.events, "count": a.total,
                         "target": SCIENCE_MINIMUM if a.area else None,
                         "met": _met(a.met) if a.area else ""})
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in CSV_COLUMNS])
    return BOM + buf.getvalue()


def _tally(t: Tally) -> dict:
    return {"covered": t.covered, "areas": t.areas, "share": _share(t.share), "met": _met(t.met)}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise_cell(value)
    return str(value)


# ----------------------------------------------------------------------- JSON

def _tally_json(t: Tally) -> dict:
    out = {"areas": t.areas, "covered": t.covered, "share": _share(t.share), "met": t.met}
    if t.area is not None:
        out = {"id": t.area.id, "name": t.area.name, **out}
    return out


def _target_json(tc: TargetCoverage) -> dict:
    def stage(s):
        return None if s is None else {"year": s[0], "share": s[1]}
    return {
        "kind": tc.kind, "level": tc.level, "in_force": stage(tc.stage),
        "stages": [stage(s) for s in tc.target.stages], "next": stage(tc.next_stage),
        "total": _tally_json(tc.total),
        **{f"by_{level}": [_tally_json(t) for t in tallies] for level, tallies in tc.groups.items()},
        "uncovered": [{"id": r.id, "name": r.name, "parent": r.parent.id if r.parent else None}
                      for r in tc.uncovered],
    }


def to_json(cov: Coverage) -> str:
    doc = {
        "date": cov.today.isoformat(),
        "targets": [_target_json(tc) for tc in cov.targets],
        "kinds": dict(cov.by_kind),
        "audiences": dict(cov.by_audience),
        "stats": [{"year": y.year, "services": y.services,
                   "visits": y.visits if y.visits_reported else None,
                   "satisfaction": y.satisfaction} for y in cov.stats],
        "science": {"minimum": SCIENCE_MINIMUM, "years": [
            {"year": year, "districts": [
                {"id": a.area.id if a.area else None, "name": a.area.name if a.area else None,
                 "articles": a.articles, "events": a.events, "total": a.total,
                 "met": a.met if a.area else None} for a in cov.science[year]]}
            for year in cov.science_years]},
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


# ----------------------------------------------------------------------- text

def _line(t: Tally) -> str:
    met = {None: "", True: say("coverage.met", "  met"),
           False: say("coverage.not_met", "  NOT met")}[t.met]
    return f"{t.covered}/{t.areas} ({percent(t.share)}){met}"


def to_text(cov: Coverage) -> str:
    out = [say("coverage.title", "Coverage on {date}", date=cov.today.isoformat()), ""]
    if not cov.targets:
        out.append(say("coverage.no_targets", "No targets in site.yaml (targets: {{kind: {{level, "
                       "share}}}})."))
    for tc in cov.targets:
        target = (say("coverage.no_target_yet", "no target in force yet") if tc.stage is None else
                  say("coverage.target", "target {share}", share=percent(tc.share)) +
                  (say("coverage.since", " since {year}", year=tc.stage[0]) if tc.stage[0] else ""))
        out.append(say("coverage.kind_line", "{kind} per {level}: {line}; {target}", kind=tc.kind,
                       level=tc.level, line=_line(tc.total), target=target))
        for level, tallies in tc.groups.items():
            for t in tallies:
                out.append(f"  {level} {t.area.name} ({t.area.id}): {_line(t)}")
        if tc.uncovered:
            out.append(say("coverage.without", "  without {kind} ({count}): {areas}", kind=tc.kind,
                           count=len(tc.uncovered),
                           areas=", ".join(f"{r.name} ({r.id})" for r in tc.uncovered)))
        out.append("")
    out.append(say("coverage.by_kind", "Services by kind: {counts}",
                   counts=", ".join(f"{k} {n}" for k, n in cov.by_kind)))
    out.append(say("coverage.by_audience", "Services by audience: {counts}",
                   counts=", ".join(f"{a} {n}" for a, n in cov.by_audience)))
    out.append("")
    for y in cov.stats:
        visits = say("coverage.visits", "{visits:,} visits", visits=y.visits) \
            if y.visits_reported else say("coverage.no_visits", "no visits")
        sat = say("coverage.satisfaction", ", satisfaction {value:g}%", value=y.satisfaction) \
            if y.satisfaction is not None else ""
        out.append(say("coverage.stats", "Stats {year}: {count} service(s), {visits}{sat}",
                       year=y.year, count=y.services, visits=visits, sat=sat))
    if cov.stats:
        out.append("")
    for year in cov.science_years:
        rows = [f"{a.area.name if a.area else say('coverage.whole_site', 'whole site')} {a.total}"
                + ("" if a.area is None else ("" if a.met else f" (< {SCIENCE_MINIMUM})"))
                for a in cov.science[year]]
        out.append(say("coverage.science", "Science activities {year}: {rows}", year=year,
                       rows=", ".join(rows)))
    return "\n".join(out).rstrip("\n") + "\n"

"""Read an HSDS 3.0 dataset, JSON documents or the CSV data package (a folder of tables,
or the tabular form in one JSON document), as nested HSDS service objects: the one shape
that imports/hsds.py maps to records."""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from .. import csvsafe
from ..messages import M


class ImportError_(Exception):
    """The dataset cannot be read at all (not JSON, no services table …)."""


@dataclass
class Source:
    """One HSDS service object and the file it came from (for the notes)."""

    service: dict
    path: str


def read_dataset(path: Path) -> list[Source]:
    """Every service of an HSDS dataset: a JSON file (a service, a list of them, a page
    with `contents`, organizations with `services`, service_at_locations with `service`)
    or a folder (or its datapackage.json) of the CSV tables."""
    if path.is_dir() or path.name == "datapackage.json":
        folder = path if path.is_dir() else path.parent
        if (folder / "services.csv").is_file():
            return _read_tables(folder)
        files = sorted(folder.glob("*.json"))
        if not files:
            raise ImportError_(M("hsds.no_files", "{path}: no services.csv and no .json file (an "
                                 "HSDS data package folder or JSON document was expected)",
                                 path=path))
        out: list[Source] = []
        for f in files:
            out += _read_json(f)
        return _dedupe(out)
    if not path.is_file():
        raise ImportError_(M("hsds.no_path", "{path} does not exist", path=path))
    return _dedupe(_read_json(path))


def _read_json(path: Path) -> list[Source]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportError_(M("hsds.not_json_file", "{path}: not a JSON document ({error})",
                             path=path, error=exc)) from None
    if isinstance(data, dict) and isinstance(data.get("services.csv"), list):
        # HSDS's tabular form in one JSON document: {"services.csv": [rows], …}
        tables = {name: [{k: v for k, v in row.items() if v not in (None, "")}
                         for row in data.get(f"{name}.csv") or [] if isinstance(row, dict)]
                  for name in _TABLES}
        return _nest(tables, str(path))
    items = data.get("contents", data) if isinstance(data, dict) else data
    items = items if isinstance(items, list) else [items]
    out = []
    for item in items:
        if not isinstance(item, dict):
            continue
        if isinstance(item.get("services"), list) or ("status" not in item and (
                "locations" in item or "organization_identifiers" in item)):  # an organization
            org = {k: v for k, v in item.items() if k != "services"}
            out += [Source({**s, "organization": s.get("organization") or org}, str(path))
                    for s in item.get("services") or [] if isinstance(s, dict)]
        elif isinstance(item.get("service"), dict):  # a service_at_location
            sal = {k: v for k, v in item.items() if k != "service"}
            service = dict(item["service"])
            service.setdefault("service_at_locations", [sal])
            out.append(Source(service, str(path)))
        elif "name" in item or "status" in item:
            out.append(Source(item, str(path)))
    return out


def _dedupe(sources: list[Source]) -> list[Source]:
    seen, out = set(), []
    for s in sources:
        key = s.service.get("id") or id(s)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


def _read_csv(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [{k: csvsafe.uncell(v) for k, v in row.items() if k and v not in (None, "")}
                for row in csv.DictReader(f)]


_TABLES = ("services", "organizations", "phones", "schedules", "service_areas", "languages",
           "service_at_location", "locations", "addresses", "accessibility", "attributes",
           "taxonomy_terms", "contacts", "funding", "cost_options", "required_documents")


def _read_tables(folder: Path) -> list[Source]:
    return _nest({name: _read_csv(folder / f"{name}.csv") for name in _TABLES},
                 str(folder / "services.csv"))


def _nest(t: dict[str, list[dict]], path: str) -> list[Source]:
    """Nest the tables into service objects (foreign keys `*_id` → nested lists)."""

    def by(table: str, key: str) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = {}
        for row in t[table]:
            if key in row:
                out.setdefault(row[key], []).append(row)
        return out

    orgs = {o["id"]: o for o in t["organizations"] if "id" in o}
    terms = {o["id"]: o for o in t["taxonomy_terms"] if "id" in o}
    locations = {o["id"]: o for o in t["locations"] if "id" in o}
    phones, schedules = by("phones", "service_id"), by("schedules", "service_id")
    loc_phones, loc_schedules = by("phones", "location_id"), by("schedules", "location_id")
    areas, languages = by("service_areas", "service_id"), by("languages", "service_id")
    sals, addresses = by("service_at_location", "service_id"), by("addresses", "location_id")
    access, attributes = by("accessibility", "location_id"), by("attributes", "link_id")
    extras = {name: by(name, "service_id") for name in ("contacts", "funding", "cost_options",
                                                         "required_documents")}
    numbers = {"latitude", "longitude", "extension", "timezone", "interval", "count",
               "minimum_age", "maximum_age"}

    def typed(row: dict) -> dict:
        out = dict(row)
        for k in numbers & out.keys():
            try:
                out[k] = float(out[k])
            except ValueError:
                pass
        return out

    def location(lid: str) -> dict:
        loc = typed(locations.get(lid, {"id": lid}))
        loc["addresses"] = addresses.get(lid, [])
        loc["accessibility"] = access.get(lid, [])
        loc["phones"] = [typed(p) for p in loc_phones.get(lid, [])]
        loc["schedules"] = [typed(s) for s in loc_schedules.get(lid, [])]
        return loc

    out = []
    for row in t["services"]:
        sid = row.get("id", "")
        service = typed(row)
        service["organization"] = orgs.get(row.get("organization_id", ""))
        service["phones"] = [typed(p) for p in phones.get(sid, [])]
        service["schedules"] = [typed(s) for s in schedules.get(sid, [])]
        service["service_areas"] = areas.get(sid, [])
        service["languages"] = languages.get(sid, [])
        service["attributes"] = [{**a, "taxonomy_term": terms.get(a.get("taxonomy_term_id", ""))}
                                 for a in attributes.get(sid, [])]
        service["service_at_locations"] = [{**sal, "location": location(sal.get("location_id", ""))}
                                           for sal in sals.get(sid, [])]
        for name, rows in extras.items():
            if rows.get(sid):
                service[name] = rows[sid]
        out.append(Source(service, path))
    return out



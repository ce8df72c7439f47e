"""services.json, services.csv and services.geojson: the directory in site-builder's own
documented shape (one record per service, the fields of the content format), and the
JSON Schema of services.json (`SCHEMA`, published beside it).

Model objects in, text out; see docs/open-data.md for what each field means.
"""
from __future__ import annotations

import csv
import io
import json

from .. import csvsafe, vocab
from ..hours import hours_data, summary
from ..model import Directory, Service
from ..render import area_text
from .catalogue import LIST_SEPARATOR, SCHEMA_VERSION
from .common import range_text, service_url

SCHEMA_URL = "services.schema.json"
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def hours_mapping(service: Service) -> str | dict:
    """The hours as the content format writes them: a mode, or a mapping of each open day
    (and `holidays` when the service opens on public holidays) to its ranges."""
    h = service.hours
    if h.mode != "weekly":
        return h.mode
    out: dict[str, str] = {}
    for day, ranges in zip(_DAYS, h.week):
        if ranges:
            out[day] = ", ".join(range_text(r) for r in ranges)
    if h.holidays is not None:
        out["holidays"] = ", ".join(range_text(r) for r in h.holidays) or "closed"
    return out


def record(d: Directory, s: Service) -> dict:
    """One service as a plain JSON object (keys always present; null when not given)."""
    point = s.point
    return {
        "id": s.id,
        "url": service_url(d, s),
        "name": s.name,
        "kind": s.kind,
        "kind_label": vocab.KINDS[s.kind],
        "region": s.region.id,
        "area": [{"id": r.id, "name": r.name, "level": r.level} for r in s.region.trail],
        "address": s.address,
        "location": None if point is None else {
            "wgs84": {"lat": point.wgs84[0], "lon": point.wgs84[1]},
            "gcj02": {"lat": point.gcj02[0], "lon": point.gcj02[1]},
            "bd09": {"lat": point.bd09[0], "lon": point.bd09[1]},
        },
        "phones": [{"number": p.text, "ext": p.ext, "label": p.label, "tel": p.tel}
                   for p in s.phones],
        "website": s.website,
        "email": s.email,
        "wechat": s.wechat,
        "other_contacts": [{"label": c.label, "value": c.value} for c in s.other_contacts],
        "hours": hours_mapping(s),
        "hours_summary": summary(s.hours),
        "hours_data": hours_data(s.hours),
        "hours_note": s.hours_note,
        "audiences": list(s.audiences),
        "services": list(s.services),
        "cost": s.cost,
        "booking": list(s.booking),
        "languages": list(s.languages),
        "accessibility": list(s.accessibility),
        "operator": s.operator,
        "description": s.description,
        "verified": s.verified.isoformat(),
        "stale": s.stale,
        "closed": None if s.closed is None else {
            "from": s.closed.start.isoformat(),
            "until": s.closed.until.isoformat() if s.closed.until else None,
            "reason": s.closed.reason,
        },
    }


def services_json(d: Directory) -> str:
    doc = {
        "$schema": SCHEMA_URL,
        "schema_version": SCHEMA_VERSION,
        "title": d.site.title,
        "source": d.site.base_url,
        "license": d.site.data_license,
        "generated": d.today.isoformat(),
        "timezone": d.site.timezone,
        "services": [record(d, s) for s in sorted(d.services.values(), key=lambda s: s.id)],
    }
    # Compact (C encoder; one line a service would be nicer to read, but 10× slower).
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"


# ----------------------------------------------------------------- JSON Schema

def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


_TEXT = {"type": "string"}
_LATLON = {"type": "object", "required": ["lat", "lon"], "additionalProperties": False,
           "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}}}
_RANGES = [[{"type": "integer"}, {"type": "integer"}]]


def _enum(table: dict) -> dict:
    return {"enum": list(table)}


SERVICE_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z0-9-]{1,64}$",
               "description": "record id (the file name in services/); stable"},
        "url": {"type": "string", "format": "uri", "description": "the service's page"},
        "name": _TEXT,
        "kind": {**_enum(vocab.KINDS), "description": "service kind (content format)"},
        "kind_label": {**_TEXT, "description": "Chinese label of kind"},
        "region": {**_TEXT, "description": "id of its area in regions.yaml"},
        "area": {"type": "array", "description": "from the root area down to `region`",
                 "items": {"type": "object", "required": ["id", "name", "level"],
                           "additionalProperties": False,
                           "properties": {"id": _TEXT, "name": _TEXT,
                                          "level": _enum(vocab.LEVELS)}}},
        "address": _nullable(_TEXT),
        "location": _nullable({
            "type": "object", "required": ["wgs84", "gcj02", "bd09"], "additionalProperties": False,
            "description": "the point in WGS-84 (GPS, OpenStreetMap), GCJ-02 (Amap, Tencent) "
                           "and BD-09 (Baidu); the record's own system is exact, the others "
                           "converted",
            "properties": {"wgs84": _LATLON, "gcj02": _LATLON, "bd09": _LATLON}}),
        "phones": {"type": "array", "items": {
            "type": "object", "required": ["number", "ext", "label", "tel"],
            "additionalProperties": False,
            "properties": {"number": {**_TEXT, "description": "as published"},
                           "ext": _nullable(_TEXT), "label": _nullable(_TEXT),
                           "tel": {**_TEXT, "description": "tel: URI, E.164 where possible"}}}},
        "website": _nullable({"type": "string", "format": "uri"}),
        "email": _nullable({"type": "string", "format": "email"}),
        "wechat": _nullable(_TEXT),
        "other_contacts": {"type": "array", "items": {
            "type": "object", "required": ["label", "value"], "additionalProperties": False,
            "properties": {"label": _TEXT, "value": _TEXT}}},
        "hours": {"description": "as in the content format: 24/7, by_appointment, unknown, or "
                                 "day (mon…sun, holidays) -> \"HH:MM-HH:MM, …\" (days not "
                                 "named are closed; an end before the start is the next day)",
                  "anyOf": [{"enum": ["24/7", "by_appointment", "unknown"]},
                            {"type": "object", "additionalProperties": False,
                             "properties": {k: _TEXT for k in _DAYS + ("holidays",)}}]},
        "hours_summary": {**_TEXT, "description": "one Chinese line, as on the cards"},
        "hours_data": {
            "type": "object", "required": ["mode", "week", "holidays"], "additionalProperties": False,
            "description": "hours in minutes from 00:00: week is Monday..Sunday, each a list of "
                           "[start, end] (end <= start: past midnight; 1440 = 24:00); holidays "
                           "null = closed on public holidays",
            "properties": {"mode": {"enum": ["weekly", "24/7", "by_appointment", "unknown"]},
                           "week": {"type": "array", "items": {"type": "array", "items": {
                               "type": "array", "prefixItems": _RANGES[0], "items": False}}},
                           "holidays": _nullable({"type": "array", "items": {
                               "type": "array", "prefixItems": _RANGES[0], "items": False}})}},
        "hours_note": _nullable(_TEXT),
        "audiences": {"type": "array", "items": _enum(vocab.AUDIENCES)},
        "services": {"type": "array", "items": _enum(vocab.SERVICES)},
        "cost": _nullable(_enum(vocab.COSTS)),
        "booking": {"type": "array", "items": _enum(vocab.BOOKING)},
        "languages": {"type": "array", "items": {**_TEXT, "description": "BCP 47"}},
        "accessibility": {"type": "array", "items": _enum(vocab.ACCESSIBILITY)},
        "operator": _nullable(_TEXT),
        "description": _nullable({**_TEXT, "description": "markdown"}),
        "verified": {"type": "string", "format": "date",
                     "description": "date the record was last checked"},
        "stale": {"type": "boolean", "description": "verified is older than the site's "
                                                    "stale_after_days"},
        "closed": _nullable({
            "type": "object", "required": ["from", "until", "reason"], "additionalProperties": False,
            "description": "a closure (both days included; until null: until further notice)",
            "properties": {"from": {"type": "string", "format": "date"},
                           "until": _nullable({"type": "string", "format": "date"}),
                           "reason": _nullable(_TEXT)}}),
    },
}
SERVICE_SCHEMA["required"] = list(SERVICE_SCHEMA["properties"])

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": SCHEMA_URL,
    "title": "site-builder services.json",
    "description": f"Every service of the directory, schema version {SCHEMA_VERSION}. "
                   "Documented in docs/open-data.md of site-builder.",
    "type": "object",
    "required": ["$schema", "schema_version", "title", "source", "license", "generated",
                 "timezone", "services"],
    "additionalProperties": False,
    "properties": {
        "$schema": _TEXT,
        "schema_version": {"const": SCHEMA_VERSION},
        "title": _TEXT,
        "source": {"type": "string", "format": "uri", "description": "the site's base_url"},
        "license": _nullable({**_TEXT, "description": "site.yaml data_license"}),
        "generated": {"type": "string", "format": "date", "description": "build date"},
        "timezone": {**_TEXT, "description": "IANA zone all hours are in"},
        "services": {"type": "array", "items": SERVICE_SCHEMA},
    },
}


def schema_json() -> str:
    return json.dumps(SCHEMA, ensure_ascii=False, indent=1) + "\n"


# ----------------------------------------------------------------- CSV

CSV_COLUMNS = ("id", "name", "kind", "kind_label", "region", "area", "address", "lat", "lon",
               "phones", "website", "email", "wechat", "hours", "hours_summary", "hours_note",
               "audiences", "services", "cost", "booking", "languages", "accessibility",
               "operator", "verified", "closed_from", "closed_until", "url")
"""Columns of services.csv: lat/lon are WGS-84; list fields are joined by LIST_SEPARATOR;
hours is the content format's text (`mon: 08:30-12:00; …` for weekly hours)."""


def _hours_cell(s: Service) -> str:
    h = hours_mapping(s)
    return h if isinstance(h, str) else "; ".join(f"{k}: {v}" for k, v in h.items())


def csv_row(d: Directory, s: Service) -> list[str]:
    lat, lon = (f"{v:.6f}" for v in s.point.wgs84) if s.point else ("", "")
    join = LIST_SEPARATOR.join
    phones = join(p.text + (f" ext. {p.ext}" if p.ext else "") for p in s.phones)
    values = {
        "id": s.id, "name": s.name, "kind": s.kind, "kind_label": vocab.KINDS[s.kind],
        "region": s.region.id, "area": area_text(s.region), "address": s.address or "",
        "lat": lat, "lon": lon, "phones": phones, "website": s.website or "",
        "email": s.email or "", "wechat": s.wechat or "", "hours": _hours_cell(s),
        "hours_summary": summary(s.hours), "hours_note": s.hours_note or "",
        "audiences": join(s.audiences), "services": join(s.services), "cost": s.cost or "",
        "booking": join(s.booking), "languages": join(s.languages),
        "accessibility": join(s.accessibility), "operator": s.operator or "",
        "verified": s.verified.isoformat(),
        "closed_from": s.closed.start.isoformat() if s.closed else "",
        "closed_until": s.closed.until.isoformat() if s.closed and s.closed.until else "",
        "url": service_url(d, s),
    }
    # Numbers and dates are ours and safe; text from content is neutralised. (A
    # negative coordinate never occurs: China is north and east.)
    return [csvsafe.cell(values[c]) for c in CSV_COLUMNS]


def services_csv(d: Directory) -> str:
    """UTF-8 with a BOM (Excel on Chinese Windows reads a file without one as GBK),
    RFC 4180 quoting, CRLF line ends, one row per service."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for s in sorted(d.services.values(), key=lambda s: s.id):
        writer.writerow(csv_row(d, s))
    return "\ufeff" + buffer.getvalue()


# ----------------------------------------------------------------- GeoJSON

def services_geojson(d: Directory) -> str:
    """RFC 7946: WGS-84 [lon, lat] points, converted from each record's own system."""
    features = []
    for s in sorted(d.services.values(), key=lambda s: s.id):
        if s.point is None:
            continue
        lat, lon = s.point.wgs84
        features.append({
            "type": "Feature", "id": s.id,
            "geometry": {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]},
            "properties": {
                "id": s.id, "name": s.name, "kind": s.kind, "kind_label": vocab.KINDS[s.kind],
                "region": s.region.id, "area": area_text(s.region), "address": s.address,
                "phone": s.phones[0].text if s.phones else None,
                "hours_summary": summary(s.hours), "url": service_url(d, s),
                "verified": s.verified.isoformat(),
            },
        })
    doc = {"type": "FeatureCollection", "features": features}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"

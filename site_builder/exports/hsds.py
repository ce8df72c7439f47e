"""Open Referral HSDS 3.0 export: the directory as HSDS tables (organization, service,
location, service_at_location, phone, address, schedule, service_area, language,
accessibility, and a taxonomy of site-builder's vocabularies with attributes), written
both as JSON documents (services, organizations, service_at_locations: arrays of the
nested objects of HSDS's `*_package` schemas) and as the tabular CSV data package.

The flat tables are made first (`tables`); the JSON documents nest them, the CSV files
write them as they are. Every id is a UUIDv5 of the record id (stable across builds).
How each field of the content format maps to HSDS is documented in docs/open-data.md;
`site_builder/imports/hsds.py` reads the same conventions back.
"""
from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Iterator

from .. import csvsafe, vocab
from ..hours import Hours, Range
from ..model import Directory, Service
from ..render import Output, area_text
from .catalogue import HSDS_TABLES, HSDS_VERSION, SCHEMA_VERSION
from .common import ancestor, hhmm, region_url, stable_id, utc_offset_hours

TABLES_FILE = Path(__file__).with_name("hsds-3.0-tables.json")
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
TAXONOMY = "site-builder"
"""The taxonomy of the content format's vocabularies (kind, audiences, services …)."""
VOCABULARIES = {"kind": vocab.KINDS, "audience": vocab.AUDIENCES, "service": vocab.SERVICES,
                "cost": vocab.COSTS, "booking": vocab.BOOKING}
"""Vocabulary fields exported as attributes: term code `kind:clinic` and so on."""
VALUE_TERMS = {
    "record_id": "记录编号（site-builder 的服务 id，也是服务页地址的一部分）",
    "operator": "运营单位（内容格式的 operator；没有时 HSDS 机构就是服务点本身）",
    "wechat": "微信公众号",
    "other_contact": "其他联系方式（“名称：内容”）",
    "stats": "公开的服务数据（JSON：[{year, visits, satisfaction}]）",
    "translations": "译文（JSON：{语言: {name, address, hours_note, description, operator}}）",
}
"""Attributes that carry a value: fields of the content format HSDS has no place for."""
HOLIDAY_WORD = "法定节假日"
CLOSURE_WORD = "暂停服务"
WORKDAY_WORD = "调休"
ALL_DAYS = ",".join(BYDAY)


def table_schemas() -> list[dict]:
    """Table Schemas of the exported tables, from HSDS 3.0 (see scripts/hsds_tables.py)."""
    return json.loads(TABLES_FILE.read_text(encoding="utf-8"))


# ----------------------------------------------------------------- flat tables

class _Tables:
    def __init__(self, d: Directory):
        self.d = d
        self.rows: dict[str, list[dict]] = {name: [] for name in HSDS_TABLES}
        self.counts: dict[str, int] = {name: 0 for name in HSDS_TABLES}
        self._orgs: dict[str, dict] = {}
        self._terms: dict[str, str] = {}
        self.term_rows: dict[str, dict] = {}
        self.org_rows: dict[str, dict] = {}
        """Rows of the terms and organizations made so far, by id (the JSON documents nest them)."""
        self._periods: list | None = None
        self.tz = utc_offset_hours(d)
        self.taxonomy_id = self.id("taxonomy", TAXONOMY)
        self.counts["taxonomy"] += 1
        self.rows["taxonomy"].append({
            "id": self.taxonomy_id, "name": TAXONOMY,
            "description": "site-builder 内容格式的固定词表：服务类型、服务对象、服务内容、费用、"
                           "预约方式，以及 HSDS 没有对应字段的内容（微信公众号等）",
            "uri": d.site.base_url + "open-data/", "version": SCHEMA_VERSION})

    def id(self, kind: str, key: str) -> str:
        return stable_id(self.d, kind, key)

    def add(self, table: str, row: dict) -> dict:
        row = {k: v for k, v in row.items() if v is not None and v != ""}
        self.rows[table].append(row)
        self.counts[table] += 1
        return row

    def flush(self) -> dict[str, list[dict]]:
        """The rows added since the last flush (the export streams them service by service;
        organizations and terms, made once, stay known)."""
        rows, self.rows = self.rows, {name: [] for name in HSDS_TABLES}
        return rows

    def organization(self, service: Service) -> str:
        """The operator's organization; a service without operator is its own."""
        name = service.operator or service.name
        org = self._orgs.get(name)
        if org is None:
            org = self._orgs[name] = self.add("organization", {
                "id": self.id("organization", name), "name": name,
                "description": f"{name}（{self.d.site.title}收录的服务机构）"})
            self.org_rows[org["id"]] = org
        return org["id"]

    def term(self, code: str, name: str, description: str) -> str:
        if code not in self._terms:
            self._terms[code] = self.id("taxonomy_term", code)
            row = self.add("taxonomy_term", {"id": self._terms[code], "code": code, "name": name,
                                             "description": description, "taxonomy": TAXONOMY,
                                             "taxonomy_id": self.taxonomy_id, "language": "zh"})
            self.term_rows[row["id"]] = row
        return self._terms[code]

    def attribute(self, service: Service, code: str, value: str, key: str) -> None:
        field, _, item = code.partition(":")
        if field in VOCABULARIES:
            label = VOCABULARIES[field][item]
            description = vocab.KIND_DESCRIPTIONS.get(item, label) if field == "kind" else label
            term = self.term(code, label, description)
        else:
            term = self.term(code, code, VALUE_TERMS[code])
        self.add("attribute", {"id": self.id("attribute", f"{service.id}/{code}/{key}"),
                               "link_id": self.id("service", service.id),
                               "taxonomy_term_id": term, "link_type": field,
                               "link_entity": "service", "value": value})

    def service(self, s: Service) -> None:
        d, sid = self.d, self.id("service", s.id)
        closure = s.closed
        closed_now = closure is not None and closure.covers(d.today)
        self.add("service", {
            "id": sid, "organization_id": self.organization(s), "name": s.name,
            "description": s.description, "url": s.website, "email": s.email,
            "status": "temporarily closed" if closed_now else "active",
            "fees_description": vocab.COSTS.get(s.cost or ""),
            "application_process": "、".join(vocab.BOOKING[b] for b in s.booking),
            "eligibility_description": "、".join(vocab.AUDIENCES[a] for a in s.audiences),
            "assured_date": s.verified.isoformat(),
            "alert": _closure_text(closure) if closure and (closure.until is None
                                                            or closure.until >= d.today) else None,
        })
        for i, phone in enumerate(s.phones):
            self.add("phone", {"id": self.id("phone", f"{s.id}/{i}"), "service_id": sid,
                               "number": phone.text, "extension": int(phone.ext) if phone.ext else None,
                               "type": "voice", "description": phone.label})
        location = self.location(s)
        if location is not None:
            self.add("service_at_location", {"id": self.id("service_at_location", s.id),
                                             "service_id": sid, "location_id": location})
        for row in self.schedules(s):
            self.add("schedule", {"id": self.id("schedule", f"{s.id}/{self.counts['schedule']}"),
                                  "service_id": sid, **row})
        self.add("service_area", {"id": self.id("service_area", s.id), "service_id": sid,
                                  "name": area_text(s.region) if len(s.region.trail) > 1
                                  else s.region.name,
                                  "description": " › ".join(r.name for r in s.region.trail),
                                  "extent_type": "text", "uri": region_url(d, s.region)})
        for code in s.languages:
            self.add("language", {"id": self.id("language", f"{s.id}/{code}"), "service_id": sid,
                                  "name": vocab.LANGUAGE_NAMES.get(code, code), "code": code})
        self.attributes(s)

    def location(self, s: Service) -> str | None:
        if s.address is None and s.point is None:
            if s.kind == "online" and s.website:
                lid = self.id("location", s.id)
                self.add("location", {"id": lid, "location_type": "virtual", "url": s.website,
                                      "organization_id": self.organization(s), "name": s.name})
                return lid
            return None
        lid = self.id("location", s.id)
        lat, lon = s.point.wgs84 if s.point else (None, None)
        self.add("location", {"id": lid, "location_type": "physical", "name": s.name,
                              "organization_id": self.organization(s),
                              "latitude": lat, "longitude": lon})
        if s.address:
            trail = s.region.trail
            province = ancestor(s.region, "province")
            city = ancestor(s.region, "city") or province or trail[0]
            district = ancestor(s.region, "district")
            self.add("address", {"id": self.id("address", s.id), "location_id": lid,
                                 "address_1": s.address, "city": city.name,
                                 "region": district.name if district else "",
                                 # HSDS requires these keys; unknown values are empty strings.
                                 "state_province": province.name if province else "",
                                 "postal_code": "", "country": "CN",
                                 "address_type": "physical"})
            # (add() drops empty values: put the required ones back)
            row = self.rows["address"][-1]
            row.setdefault("state_province", "")
            row.setdefault("postal_code", "")
        for key in s.accessibility:
            self.add("accessibility", {"id": self.id("accessibility", f"{s.id}/{key}"),
                                       "location_id": lid,
                                       "description": vocab.ACCESSIBILITY[key], "details": key})
        return lid

    def schedules(self, s: Service) -> Iterator[dict]:
        """HSDS schedules: weekly hours as RRULE-like WEEKLY entries (one per range, with the
        days it applies to); holidays, make-up workdays and closures as dated entries."""
        h, note, tz = s.hours, s.hours_note, self.tz
        if h.mode == "24/7":
            yield {"freq": "WEEKLY", "wkst": "MO", "byday": ALL_DAYS, "opens_at": "00:00:00",
                   "closes_at": "00:00:00", "timezone": tz,
                   "description": "全天 24 小时，" + "节假日照常", "notes": note}
        elif h.mode == "by_appointment":
            yield {"description": "需预约", "notes": note}
        elif h.mode == "unknown":
            yield {"description": "时间未公布，请先致电", "notes": note}
        else:
            yield from self._weekly(h, note)
            yield from self._holidays(h)
        if s.closed is not None:
            c = s.closed
            yield {"valid_from": c.start.isoformat(),
                   "valid_to": c.until.isoformat() if c.until else None,
                   "description": _closure_text(c),
                   # Where to go instead (`closed.alternative`), as its record id.
                   "notes": f"{ALTERNATIVE_NOTE}{c.alternative}" if c.alternative else None}

    def _weekly(self, h: Hours, note: str | None) -> Iterator[dict]:
        days_of: dict[Range, list[int]] = {}
        for day, ranges in enumerate(h.week):
            for r in ranges:
                days_of.setdefault(r, []).append(day)
        for r, days in sorted(days_of.items(), key=lambda item: (item[1][0], item[0].start)):
            yield {"freq": "WEEKLY", "wkst": "MO", "byday": ",".join(BYDAY[i] for i in days),
                   **_times(r, self.tz),
                   "description": f"{'、'.join(_DAY_NAMES[i] for i in days)} {_span(r)}",
                   "notes": note}

    def _holidays(self, h: Hours) -> Iterator[dict]:
        cal = self.d.calendar
        if self._periods is None:
            self._periods = list(_periods(cal.off))
        for first, last, name in self._periods:
            base = {"valid_from": first.isoformat(), "valid_to": last.isoformat(), "freq": "WEEKLY",
                    "wkst": "MO", "byday": ALL_DAYS}
            if h.holidays is None:
                yield {**base, "description": f"{name}：休息（{HOLIDAY_WORD}）"}
            for r in h.holidays or ():
                yield {**base, **_times(r, self.tz), "description": f"{name}（{HOLIDAY_WORD}）{_span(r)}"}
        for day, (name, weekday) in sorted(cal.workdays.items()):
            for r in h.week[weekday]:
                yield {"valid_from": day.isoformat(), "valid_to": day.isoformat(), "freq": "WEEKLY",
                       "wkst": "MO", "byday": BYDAY[day.weekday()], **_times(r, self.tz),
                       "description": f"{name}（{WORKDAY_WORD}上班，按{_DAY_NAMES[weekday]}时间）"}

    def attributes(self, s: Service) -> None:
        self.attribute(s, "record_id", s.id, "")
        self.attribute(s, f"kind:{s.kind}", "", "")
        for field, values in (("audience", s.audiences), ("service", s.services),
                              ("cost", (s.cost,) if s.cost else ()), ("booking", s.booking)):
            for value in values:
                self.attribute(s, f"{field}:{value}", "", "")
        if s.operator:
            self.attribute(s, "operator", s.operator, "")
        if s.wechat:
            self.attribute(s, "wechat", s.wechat, "")
        for i, c in enumerate(s.other_contacts):
            self.attribute(s, "other_contact", f"{c.label}：{c.value}", str(i))
        if s.stats:
            self.attribute(s, "stats", json.dumps(
                [{"year": st.year, "visits": st.visits, "satisfaction": st.satisfaction}
                 for st in s.stats], ensure_ascii=False), "")
        translations = {lang: {k: v for k, v in texts.items() if k != "description_html" and v}
                        for lang, texts in s.translations.items()}
        if any(translations.values()):
            self.attribute(s, "translations", json.dumps(translations, ensure_ascii=False,
                                                         sort_keys=True), "")


_DAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def _span(r: Range) -> str:
    return f"{hhmm(r.start)}–{'次日' if r.overnight and r.end != 1440 else ''}{hhmm(r.end) if r.end != 1440 else '24:00'}"


def _times(r: Range, tz) -> dict:
    """opens_at/closes_at as HH:MM:SS; a closing time at or before the opening time is on
    the next day (an overnight range); 24:00 is written 00:00:00."""
    return {"opens_at": hhmm(r.start) + ":00", "closes_at": hhmm(r.end) + ":00", "timezone": tz}


ALTERNATIVE_NOTE = "alternative service: "
"""A closure schedule's `notes` start with this before the id of the service to go to."""


def _closure_text(c) -> str:
    until = f"至 {c.until.isoformat()}" if c.until else "，恢复时间另行通知"
    return f"{CLOSURE_WORD}：自 {c.start.isoformat()} 起{until}" + (f"（{c.reason}）" if c.reason else "")


def _periods(off: dict[date, str]) -> Iterator[tuple[date, date, str]]:
    """Consecutive holiday dates of one name as (first, last, name)."""
    days = sorted(off)
    i = 0
    while i < len(days):
        first = last = days[i]
        while i + 1 < len(days) and days[i + 1] == last + timedelta(days=1) \
                and off[days[i + 1]] == off[first]:
            i += 1
            last = days[i]
        yield first, last, off[first] or HOLIDAY_WORD
        i += 1


def tables(d: Directory) -> dict[str, list[dict]]:
    """Every HSDS table the export fills, as lists of flat rows (foreign keys as `*_id`).
    (The export itself streams them: `write`.)"""
    t = _Tables(d)
    for service in sorted(d.services.values(), key=lambda s: s.id):
        t.service(service)
    return t.rows


# ----------------------------------------------------------------- JSON documents

_DROP = {"service": ("organization_id",), "phone": ("service_id", "location_id"),
         "schedule": ("service_id", "location_id", "service_at_location_id"),
         "service_area": ("service_id",), "language": ("service_id", "location_id", "phone_id"),
         "address": ("location_id",), "accessibility": ("location_id",),
         "service_at_location": ("service_id", "location_id"), "location": ("organization_id",)}
"""Foreign keys left out of nested objects (the nesting says it). They may stay; HSDS's
own examples leave them out."""


def _strip(table: str, row: dict) -> dict:
    out = dict(row)
    for key in _DROP.get(table, ()):
        out.pop(key, None)
    return out


def _by(rows: list[dict], key: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for row in rows:
        if key in row:
            out.setdefault(row[key], []).append(row)
    return out


def _nest(rows: dict[str, list[dict]], t: _Tables) -> tuple[list[dict], list[dict], dict]:
    """The service objects (HSDS `service_package`) and service_at_location objects of
    one batch of rows (one service's, or the whole table's), and its locations by id:
    the parts of the JSON documents."""
    phones, schedules, areas = _by(rows["phone"], "service_id"), _by(rows["schedule"], "service_id"), \
        _by(rows["service_area"], "service_id")
    languages, sals = _by(rows["language"], "service_id"), _by(rows["service_at_location"], "service_id")
    addresses, access = _by(rows["address"], "location_id"), _by(rows["accessibility"], "location_id")
    attributes = _by(rows["attribute"], "link_id")
    terms, orgs = t.term_rows, t.org_rows
    locations = {row["id"]: row for row in rows["location"]}
    loc_cache: dict[str, dict] = {}

    def location(lid: str) -> dict:
        if lid not in loc_cache:
            loc = _strip("location", locations[lid])
            loc["addresses"] = [_strip("address", a) for a in addresses.get(lid, [])]
            loc["accessibility"] = [_strip("accessibility", a) for a in access.get(lid, [])]
            loc_cache[lid] = loc
        return loc_cache[lid]

    def attribute(row: dict) -> dict:
        return {**row, "taxonomy_term": terms[row["taxonomy_term_id"]]}

    services = []
    for row in rows["service"]:  # each part nested once, shared by the three documents
        sid = row["id"]
        parts = {
            "phones": [_strip("phone", p) for p in phones.get(sid, [])],
            "schedules": [_strip("schedule", s) for s in schedules.get(sid, [])],
            "service_areas": [_strip("service_area", a) for a in areas.get(sid, [])],
            "languages": [_strip("language", lang) for lang in languages.get(sid, [])],
            "attributes": [attribute(a) for a in attributes.get(sid, [])],
        }
        at = [{**_strip("service_at_location", sal), "location": location(sal["location_id"])}
              for sal in sals.get(sid, [])]
        services.append({**row, **parts, "service_at_locations": at,
                         "organization": orgs[row["organization_id"]]})
    # The other two documents link to services.json by id instead of nesting each service
    # again (`services` and `service` are optional in HSDS): a province's files stay small.
    at_locations = [{**sal, "location": location(sal["location_id"])}
                    for sal in rows["service_at_location"]]
    return services, at_locations, {lid: location(lid) for lid in locations}


def _compact(value) -> str:
    # Compact: the nesting repeats each location and term (a province's file is large).
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# ----------------------------------------------------------------- CSV data package

def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value == int(value) else repr(value)
    return str(value)


class _Table:
    """One table as CSV, written row by row, with every column of its HSDS table schema in
    that order. Plain UTF-8 without BOM (the data package says so); RFC 4180 quoting, CRLF."""

    def __init__(self, schema: dict, out):
        self.names = [f["name"] for f in schema["schema"]["fields"]]
        self.out, self.buffer = out, io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\r\n")
        self.writer.writerow(self.names)

    def rows(self, rows: list[dict]) -> None:
        starts, safe, writerow, names = csvsafe.FORMULA_STARTS, csvsafe.cell, self.writer.writerow, self.names

        def value(v) -> str:  # csvsafe.cell(_cell(v)), with the common cases inline (~400k cells at 1k)
            if v is None:
                return ""
            if type(v) is str:
                return v if not v.startswith(starts) or v == "-" else safe(v)
            return safe(_cell(v))

        for row in rows:
            # Text from content is neutralised as in every CSV we write (`import hsds` undoes it).
            get = row.get
            writerow([value(get(name)) for name in names])
        if self.buffer.tell() > 1 << 16:
            self.flush()

    def flush(self) -> None:
        self.out.write(self.buffer.getvalue())
        self.buffer.seek(0)
        self.buffer.truncate()


def csv_text(schema: dict, rows: list[dict]) -> str:
    """One table as CSV (see _Table)."""
    out = io.StringIO()
    table = _Table(schema, out)
    table.rows(rows)
    table.flush()
    return out.getvalue()


def datapackage(d: Directory, schemas: list[dict]) -> dict:
    """datapackage.json of the CSV tables (Frictionless Tabular Data Package)."""
    license_ = d.site.data_license
    package = {
        "profile": "tabular-data-package",
        "name": "site-builder-hsds",
        "title": f"{d.site.title}：Open Referral HSDS {HSDS_VERSION}",
        "description": "HSDS 3.0 tabular export made by site-builder. Table schemas from the "
                       "Human Services Data Specification: an Open Referral resource "
                       "(https://openreferral.org/), CC BY-SA 4.0.",
        "version": SCHEMA_VERSION,
        "created": d.today.isoformat(),
        "homepage": d.site.base_url + "open-data/",
        "sources": [{"title": f"Human Services Data Specification {HSDS_VERSION}",
                     "path": "https://docs.openreferral.org/en/latest/"}],
        "resources": schemas,
    }
    if license_:
        package["licenses"] = [_license(license_)]
    return package


def _license(text: str) -> dict:
    """`CC-BY-4.0` -> {name, path}; a name with a URL keeps both."""
    words = text.split()
    url = next((w for w in words if w.startswith(("http://", "https://"))), None)
    name = " ".join(w for w in words if w != url) or text
    out = {"name": name}
    if url:
        out["path"] = url
    elif name.upper().startswith("CC-"):
        parts = name.split("-")  # CC-BY-4.0 -> https://creativecommons.org/licenses/by/4.0/
        out["path"] = (f"https://creativecommons.org/licenses/{'-'.join(parts[1:-1]).lower()}/"
                       f"{parts[-1]}/")
    return out


def write(d: Directory, sinks) -> None:
    """Write the export through `sinks` (write.Sinks), service by service: only one
    service's rows are held at a time (at 10,000 services the whole tables and nested
    documents held ~570 MB), the organizations' locations as JSON text until the end.
    The files are opened, so listed, in the order of `exports.hsds_paths`."""
    t = _Tables(d)
    services_json = sinks.open("data/hsds/services.json")
    orgs_json = sinks.open("data/hsds/organizations.json")
    sals_json = sinks.open("data/hsds/service_at_locations.json")
    schemas = table_schemas()
    csvs = {schema["name"]: _Table(schema, sinks.open(f"data/hsds/{schema['path']}"))
            for schema in schemas}
    package = sinks.open("data/hsds/datapackage.json")
    org_locations: dict[str, list[str]] = {}  # organization id → its locations, as JSON
    first_service = first_sal = True
    services_json.write("[")
    sals_json.write("[")
    for service in sorted(d.services.values(), key=lambda s: s.id):
        t.service(service)
        rows = t.flush()
        nested, at_locations, locations = _nest(rows, t)
        for item in nested:
            services_json.write(("" if first_service else ",") + _compact(item))
            first_service = False
        for item in at_locations:
            sals_json.write(("" if first_sal else ",") + _compact(item))
            first_sal = False
        for row in rows["location"]:
            org_locations.setdefault(row["organization_id"], []).append(_compact(locations[row["id"]]))
        for name, table in csvs.items():
            table.rows(rows[name])
    services_json.write("]\n")
    sals_json.write("]\n")
    orgs_json.write("[")
    for i, org in enumerate(t.org_rows.values()):  # in the order they were made
        text = _compact({**org, "locations": []})
        assert text.endswith('"locations":[]}')
        orgs_json.write(("," if i else "") + text[:-2] + ",".join(org_locations.get(org["id"], ())) + "]}")
    orgs_json.write("]\n")
    for table in csvs.values():
        table.flush()
    package.write(json.dumps(datapackage(d, schemas), ensure_ascii=False, indent=1) + "\n")


def outputs(d: Directory) -> list[Output]:
    """The export's files as strings (`write` into memory)."""
    from ..render import streamed
    return streamed(lambda sinks: write(d, sinks))()

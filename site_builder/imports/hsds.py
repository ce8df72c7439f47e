"""Import an Open Referral HSDS 3.0 dataset (JSON documents or the CSV data package) as
service records of the content format (`site-builder import hsds PATH --out DIR`).

Reading (`read_dataset`, in reading.py) turns either form into nested HSDS service objects; mapping
(`map_service`) turns one into the fields of a record and a list of notes for what could
not be mapped (file, record id, field, why): nothing is dropped silently. Writing
(`write_records`) puts each record in DIR/services/<id>.yaml. The conventions of
site-builder's own export (exports/hsds.py: its taxonomy, holiday and closure schedules)
are read back, so that export → import → build gives the same pages.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from .. import vocab
from ..coords import in_china_bbox
from ..exports.hsds import ALTERNATIVE_NOTE, BYDAY, CLOSURE_WORD, HOLIDAY_WORD, TAXONOMY, VOCABULARIES, WORKDAY_WORD
from ..fields import SLUG
from ..messages import M
from ..messages import text as message_text
from ..phones import PhoneError, parse_phone
from ..schema import LANG_TAG
from .reading import ImportError_, Source, read_dataset
from .yamlout import phone_entry, record_yaml

__all__ = ["ImportError_", "Note", "Options", "Result", "import_hsds", "load_regions",
           "map_service", "read_dataset"]

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$")
FREE_TEXT = {"alternate_name": "别名", "eligibility_description": "服务对象",
             "fees_description": "费用", "fees": "费用", "application_process": "如何申请",
             "interpretation_services": "翻译服务", "wait_time": "等候时间",
             "accreditations": "资质", "licenses": "许可证", "alert": "提示"}
"""Free-text HSDS fields the content format has no field for: added to the description."""
NOT_MAPPED = {"contacts": M("hsds.no_contacts", "named contacts have no field in the content format"),
              "funding": M("hsds.no_funding", "funding has no field in the content format"),
              "cost_options": M("hsds.no_cost_options", "structured costs have no field in the "
                                "content format (see cost)"),
              "required_documents": M("hsds.no_documents", "required documents have no field in "
                                      "the content format"),
              "program": M("hsds.no_program", "programs have no field in the content format"),
              "metadata": M("hsds.no_metadata", "change history is not kept in records")}


@dataclass(frozen=True)
class Note:
    path: str
    record: str
    field: str
    why: str

    def __str__(self) -> str:
        return f"{self.path}: record {self.record}: {self.field}: {message_text(self.why)}"


@dataclass
class Options:
    regions: dict[str, str] = field(default_factory=dict)
    """Known area ids -> names (from --content's regions.yaml); empty: not checked."""
    region: str | None = None
    """Default area id for records whose area cannot be found."""
    kind: str = "organization"
    today: date = field(default_factory=date.today)
    timezone_offset: float = 8


# ----------------------------------------------------------------- mapping

class _Mapper:
    def __init__(self, source: Source, options: Options, used_ids: set[str]):
        self.s, self.o, self.used = source.service, options, used_ids
        self.path = source.path
        self.hid = str(self.s.get("id") or self.s.get("name") or "?")
        self.notes: list[Note] = []
        self.attrs = self._attributes()
        self.ours = any(code == "record_id" for code, _ in self.attrs)
        """Made by site-builder's export: its derived free-text fields are not news."""

    def note(self, field_name: str, why: str) -> None:
        self.notes.append(Note(self.path, self.hid, field_name, why))

    def items(self, owner: Any, key: str) -> list[dict]:
        """`owner[key]` as a list of objects; anything else is reported and left out."""
        value = owner.get(key) if isinstance(owner, dict) else None
        if value in (None, "", []):
            return []
        if not isinstance(value, list):
            self.note(key, M("hsds.not_a_list", "is {type}, not a list of objects: left out",
                             type=type(value).__name__))
            return []
        bad = [v for v in value if not isinstance(v, dict)]
        if bad:
            self.note(key, M("hsds.entry_not_object", "{count} entry is not objects: left out",
                             count=len(bad)) if len(bad) == 1 else
                      M("hsds.entries_not_objects", "{count} entries are not objects: left out",
                        count=len(bad)))
        return [v for v in value if isinstance(v, dict)]

    def _attributes(self) -> list[tuple[str, str]]:
        out = []
        for a in self.items(self.s, "attributes"):
            term = a.get("taxonomy_term") or {}
            code = term.get("code") or ""
            if term.get("taxonomy") == TAXONOMY and code:
                out.append((code, a.get("value") or ""))
            else:
                self.note("attributes", M("hsds.other_taxonomy", "attribute {name!r} of another "
                          "taxonomy has no field in the content format",
                          name=term.get("name") or code or a.get("id")))
        return out

    def values(self, code: str) -> list[str]:
        return [v for c, v in self.attrs if c == code]

    def vocab_values(self, field_name: str) -> list[str]:
        table = VOCABULARIES[field_name]
        return [c.partition(":")[2] for c, _ in self.attrs
                if c.startswith(field_name + ":") and c.partition(":")[2] in table]

    def record(self) -> tuple[str, dict] | None:
        s = self.s
        name = _text(s.get("name"))
        if not name:
            self.note("name", M("hsds.no_name", "missing (a record needs a name): not imported"))
            return None
        status = s.get("status")
        if status in ("inactive", "defunct"):
            self.note("status", M("hsds.inactive", "{status!r}: the service no longer runs; not "
                                  "imported", status=status))
            return None
        rec: dict[str, Any] = {"name": name}
        kinds = self.vocab_values("kind")
        rec["kind"] = kinds[0] if kinds else self.o.kind
        if not kinds:
            self.note("kind", M("hsds.no_kind", "HSDS has no service kind: set to {kind!r} (check "
                                "it, or pass --kind)", kind=self.o.kind))
        rec["region"] = self.region()
        if rec["region"] is None:
            return None
        location = self.location()
        address = self.address(location)
        if address:
            rec["address"] = address
        elif rec["kind"] not in ("hotline", "online"):
            self.note("address", M("hsds.no_address", "no address: kind set to 'online' (a {kind} "
                                   "needs one)", kind=rec["kind"]))
            rec["kind"] = "online"
        point = self.point(location)
        if point:
            rec["location"] = point
        phones = self.phones(location)
        if phones:
            rec["phones"] = phones
        url = _text(s.get("url"))
        if url and re.match(r"^https?://", url):
            rec["website"] = url
        elif url:
            self.note("url", M("hsds.bad_url", "{url!r} is not an http(s) address: left out",
                               url=url))
        email = _text(s.get("email"))
        if email:
            rec["email"] = email
        for value in self.values("wechat")[:1]:
            rec["wechat"] = value
        others = [v.partition("：") for v in self.values("other_contact")]
        if others:
            rec["other_contacts"] = [{"label": k, "value": v} for k, _, v in others]
        if not any(k in rec for k in ("phones", "website", "email", "wechat")):
            org = s.get("organization") or {}
            if _text(org.get("website")) and re.match(r"^https?://", org["website"]):
                rec["website"] = org["website"]
                self.note("url", M("hsds.org_website", "no way to reach the service itself: the "
                                   "organization's website is used"))
            elif _text(org.get("email")):
                rec["email"] = org["email"]
                self.note("email", M("hsds.org_email", "no way to reach the service itself: the "
                                     "organization's e-mail is used"))
            else:
                self.note("phones", M("hsds.no_contact", "no phone, website or e-mail (a record "
                                      "needs one): not imported"))
                return None
        hours, note, closed = self.hours()
        rec["hours"] = hours
        if note:
            rec["hours_note"] = note
        for field_name, key in (("audience", "audiences"), ("service", "services"),
                                ("booking", "booking")):
            values = self.vocab_values(field_name)
            if values:
                rec[key] = values
        cost = self.vocab_values("cost")
        if cost:
            rec["cost"] = cost[0]
        languages = self.languages()
        if languages:
            rec["languages"] = languages
        access = self.accessibility(location)
        if access:
            rec["accessibility"] = access
        org = s.get("organization") or {}
        if self.ours:  # site-builder's export says which organizations are operators
            for value in self.values("operator")[:1]:
                rec["operator"] = value
        elif _text(org.get("name")) and org["name"] != name:
            rec["operator"] = org["name"]
        description = self.description()
        if description:
            rec["description"] = description
        rec["verified"] = self.verified()
        if closed:
            rec["closed"] = closed
        elif status == "temporarily closed":
            rec["closed"] = {"from": self.o.today}
            self.note("status", M("hsds.closed_no_dates", "temporarily closed without dates: "
                                  "closed from {today} until further notice", today=self.o.today))
        for value in self.values("stats")[:1]:
            self._json_field(rec, "stats", value)
        for value in self.values("translations")[:1]:
            self._json_field(rec, "translations", value)
        for key, why in NOT_MAPPED.items():
            if s.get(key):
                self.note(key, why)
        return self.record_id(name), rec

    def _json_field(self, rec: dict, key: str, value: str) -> None:
        try:
            rec[key] = json.loads(value)
        except json.JSONDecodeError:
            self.note(key, M("hsds.not_json", "attribute value is not JSON: left out"))
        if key == "stats" and isinstance(rec.get(key), list):
            rec[key] = [{k: v for k, v in st.items() if v is not None} for st in rec[key]
                        if isinstance(st, dict)]

    def record_id(self, name: str) -> str:
        wanted = next((v for v in self.values("record_id") if SLUG.match(v)), None) or _slug(name)
        rid, n = wanted, 2
        while rid in self.used:
            suffix = f"-{n}"
            rid, n = wanted[:64 - len(suffix)] + suffix, n + 1
        self.used.add(rid)
        return rid

    def region(self) -> str | None:
        known, default = self.o.regions, self.o.region
        names = {v: k for k, v in known.items()}
        for area in self.items(self.s, "service_areas"):
            uri = _text(area.get("uri")) or ""
            m = re.search(r"/regions/([a-z0-9-]{1,64})/?$", uri)
            if m and (not known or m.group(1) in known):
                return m.group(1)
            for text in (area.get("description"), area.get("name")):
                for part in reversed(re.split(r"\s*›\s*|[,，、/]\s*", _text(text) or "")):
                    if part in names:
                        return names[part]
        for sal in self.items(self.s, "service_at_locations"):
            for a in self.items(sal.get("location") or {}, "addresses"):
                for key in ("region", "city", "state_province"):
                    if _text(a.get(key)) in names:
                        return names[a[key]]
        if default:
            self.note("region", M("hsds.region_default", "no area in regions.yaml matches the "
                                  "service area or address: set to {region!r} (--region)",
                                  region=default))
            return default
        self.note("region", M("hsds.no_region", "no area in regions.yaml matches (pass --content "
                              "with its regions.yaml, or --region ID): not imported"))
        return None

    def location(self) -> dict:
        sals = self.items(self.s, "service_at_locations")
        locations = [sal["location"] if isinstance(sal.get("location"), dict) else {} for sal in sals]
        if len(locations) > 1:
            self.note("service_at_locations", M("hsds.many_locations", "{count} locations: the "
                      "first is imported (a record is one service point; import the others as "
                      "records)", count=len(locations)))
        return locations[0] if locations else {}

    def address(self, location: dict) -> str | None:
        found = self.items(location, "addresses")
        addresses = [a for a in found if a.get("address_type") != "postal"] or found
        if not addresses:
            return None
        a = addresses[0]
        text = " ".join(p for p in (_text(a.get("address_1")), _text(a.get("address_2"))) if p)
        if self.ours and text:  # address_1 is the address as written; the rest is derived
            return text
        for key in ("city", "state_province", "postal_code"):
            part = _text(a.get(key))
            if part and part not in text:
                text = f"{text}, {part}" if text else part
        country = _text(a.get("country"))
        if country and country.upper() not in ("CN", "CHN") and country not in text:
            text += f", {country}"
        return text or None

    def point(self, location: dict) -> dict | None:
        lat, lon = location.get("latitude"), location.get("longitude")
        if lat is None and lon is None:
            return None
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and -90 <= v <= 180
                   for v in (lat, lon)) or not -90 <= lat <= 90 or not in_china_bbox(lat, lon):
            self.note("location", M("hsds.bad_point", "{lat}, {lon} is not a point in China "
                                    "(WGS-84): left out", lat=lat, lon=lon))
            return None
        return {"lat": lat, "lon": lon, "crs": "wgs84"}

    def phones(self, location: dict) -> list:
        out, seen = [], set()
        for p in self.items(self.s, "phones") + self.items(location, "phones"):
            number = (_text(p.get("number")) or "").strip('"\' ')
            ext = p.get("extension")
            ext_text = None if ext in (None, "") else str(int(ext)) if isinstance(ext, float) \
                and ext == int(ext) else str(ext)
            if (number, ext_text) in seen:
                continue
            seen.add((number, ext_text))
            try:
                parse_phone(number, ext_text)
            except PhoneError as exc:
                self.note("phones", M("hsds.bad_phone", "{why}: left out", why=exc.args[0]))
                continue
            label = _text(p.get("description"))
            if label and len(label) > 40:
                self.note("phones", M("hsds.long_label", "description of {number} is too long "
                                      "for a label: left out", number=number))
                label = None
            out.append(phone_entry(number, ext_text, label))
        return out

    def hours(self) -> tuple[Any, str | None, dict | None]:
        """(hours, hours_note, closed) from the schedules."""
        schedules = self.items(self.s, "schedules")
        for sal in self.items(self.s, "service_at_locations"):
            schedules += self.items(sal, "schedules")
            schedules += self.items(sal.get("location") or {}, "schedules")
        unique: dict[str, dict] = {}
        for sch in schedules:  # one schedule may be nested under the service and its location
            unique.setdefault(str(sch.get("id") or len(unique)), sch)
        schedules = list(unique.values())
        week: dict[int, list[tuple[int, int]]] = {}
        holidays: list[tuple[int, int]] = []
        notes, texts, closed, mode, failed = [], [], None, None, False
        for sch in schedules:
            desc = _text(sch.get("description")) or ""
            note = _text(sch.get("notes"))
            if note and note.startswith(ALTERNATIVE_NOTE):
                note = None  # a closure's alternative service, read by _closure
            if note and note not in notes:
                notes.append(note)
            opens, closes = sch.get("opens_at"), sch.get("closes_at")
            dated = sch.get("valid_from") or sch.get("valid_to")
            if dated:
                if desc.startswith(CLOSURE_WORD) and not opens:
                    closed = self._closure(sch, desc)
                elif HOLIDAY_WORD in desc and opens:
                    span = self._span(sch)
                    if span and span not in holidays:
                        holidays.append(span)
                elif HOLIDAY_WORD in desc or WORKDAY_WORD in desc:
                    pass  # the default, and make-up days come from holidays.yaml
                else:
                    failed = True
                    texts.append(desc or f"{sch.get('valid_from', '')}–{sch.get('valid_to', '')}")
                    self.note("schedules", M("hsds.dated_schedule", "schedule {id} is dated "
                              "({dated}): the hours format has weekly hours only (kept in "
                              "hours_note)", id=sch.get("id"), dated=dated))
                continue
            if not opens and not closes:
                if "预约" in desc or "appointment" in desc.lower():
                    mode = "by_appointment"
                elif desc and "未公布" not in desc:
                    texts.append(desc)
                continue
            span, days = self._span(sch), self._days(sch)
            if span is None or days is None:
                failed = True
                if desc:
                    texts.append(desc)
                continue
            if desc.startswith("全天 24 小时"):
                mode = "24/7"
            for day in days:
                if span not in week.setdefault(day, []):
                    week[day].append(span)
        note = "；".join(notes + [t for t in texts if t not in notes]) or None
        if note and len(note) > 500:
            note = note[:499] + "…"
        if mode and not week:
            return mode, note, closed
        if mode == "24/7" or failed or not week:
            if failed:
                return "unknown", note, closed
            return (mode or "unknown"), note, closed
        hours = {DAY_KEYS[d]: ", ".join(_range(r) for r in sorted(week[d])) for d in sorted(week)}
        if holidays:
            hours["holidays"] = ", ".join(_range(r) for r in sorted(holidays))
        return hours, note, closed

    def _closure(self, sch: dict, desc: str) -> dict | None:
        try:
            start = date.fromisoformat(str(sch.get("valid_from")))
        except ValueError:
            self.note("schedules", M("hsds.closure_no_start", "closure {id} has no valid_from "
                                     "date: left out", id=sch.get("id")))
            return None
        out: dict[str, Any] = {"from": start}
        if sch.get("valid_to"):
            try:
                out["until"] = date.fromisoformat(str(sch["valid_to"]))
            except ValueError:
                self.note("schedules", M("hsds.closure_bad_end", "closure {id}: valid_to is not a "
                                         "date", id=sch.get("id")))
        m = re.search(r"（([^（）]*)）$", desc)
        if m:
            out["reason"] = m.group(1)
        notes = str(sch.get("notes") or "")
        if notes.startswith(ALTERNATIVE_NOTE):
            out["alternative"] = notes[len(ALTERNATIVE_NOTE):].strip()
        return out

    def _span(self, sch: dict) -> tuple[int, int] | None:
        times = []
        for key in ("opens_at", "closes_at"):
            m = _TIME.match(str(sch.get(key) or "").strip())
            if not m or int(m.group(1)) > 24 or int(m.group(2)) > 59:
                self.note("schedules", M("hsds.bad_time", "schedule {id}: {key} {value!r} is not "
                                         "a time (HH:MM)", id=sch.get("id"), key=key,
                                         value=sch.get(key)))
                return None
            zone = m.group(4)
            if zone and zone != "Z" and _offset(zone) != self.o.timezone_offset:
                self.note("schedules", M("hsds.time_zone", "schedule {id}: {key} is in UTC{zone}, "
                                         "not the site's zone (times kept as written)",
                                         id=sch.get("id"), key=key, zone=zone))
            times.append(int(m.group(1)) * 60 + int(m.group(2)))
        tz = sch.get("timezone")
        if isinstance(tz, (int, float)) and tz != self.o.timezone_offset:
            self.note("schedules", M("hsds.timezone", "schedule {id}: timezone UTC{tz:+g} is not "
                                     "the site's (UTC{site:+g}; times kept as written)",
                                     id=sch.get("id"), tz=tz, site=self.o.timezone_offset))
        start, end = times
        if start >= 1440:
            return None
        return start, 1440 if end in (0, 1440) else end

    def _days(self, sch: dict) -> list[int] | None:
        why = None
        if (sch.get("freq") or "WEEKLY") != "WEEKLY":
            why = M("hsds.why_freq", "freq {freq} (only WEEKLY maps to weekly hours)",
                    freq=sch.get("freq"))
        elif sch.get("interval") not in (None, 1, 1.0):
            why = M("hsds.why_interval", "every {interval} weeks (weekly hours repeat every week)",
                    interval=sch.get("interval"))
        elif any(sch.get(k) for k in ("byweekno", "bymonthday", "byyearday", "count", "until")):
            why = M("hsds.why_limits", "byweekno/bymonthday/byyearday/count/until limit the days "
                    "(weekly hours cannot)")
        if why:
            self.note("schedules", M("hsds.schedule_unknown", "schedule {id}: {why}: hours set to "
                                     "unknown, the schedule text kept in hours_note",
                                     id=sch.get("id"), why=why))
            return None
        byday = str(sch.get("byday") or "")
        if not byday:
            self.note("schedules", M("hsds.no_byday", "schedule {id}: no byday: taken as every day",
                                     id=sch.get("id")))
            return list(range(7))
        days = []
        for part in byday.replace(" ", "").split(","):
            if part.upper() not in BYDAY:
                self.note("schedules", M("hsds.bad_byday", "schedule {id}: byday {part!r} is not a "
                                         "weekday (MO…SU): hours set to unknown", id=sch.get("id"),
                                         part=part))
                return None
            days.append(BYDAY.index(part.upper()))
        return days

    def languages(self) -> list[str]:
        out = []
        for lang in self.items(self.s, "languages"):
            code = _text(lang.get("code"))
            if code and LANG_TAG.match(code):
                if code not in out:
                    out.append(code)
            else:
                self.note("languages", M("hsds.bad_language", "{code!r} is not a language tag "
                                         "(BCP 47): left out", code=code or lang.get("name")))
        return out

    def accessibility(self, location: dict) -> list[str]:
        out = []
        labels = {v: k for k, v in vocab.ACCESSIBILITY.items()}
        for a in self.items(location, "accessibility"):
            key = _text(a.get("details"))
            key = key if key in vocab.ACCESSIBILITY else labels.get(_text(a.get("description")) or "")
            if key:
                out.append(key)
            else:
                self.note("accessibility", M("hsds.bad_accessibility", "{text!r} is not one of "
                          "{choices}: left out (add it to the description)",
                          text=(a.get("description") or "")[:60],
                          choices=", ".join(vocab.ACCESSIBILITY)))
        return out

    def description(self) -> str | None:
        text = _text(self.s.get("description")) or ""
        if not self.ours:
            extra = []
            for key, label in FREE_TEXT.items():
                value = _text(self.s.get(key))
                if value and value not in text:
                    extra.append(f"{label}：{value}")
                    self.note(key, M("hsds.to_description", "no field in the content format: added to "
                                     "the description"))
            for key in ("minimum_age", "maximum_age"):
                if self.s.get(key) not in (None, ""):
                    extra.append(f"{'最低' if key == 'minimum_age' else '最高'}年龄：{self.s[key]:g}"
                                 if isinstance(self.s[key], (int, float)) else str(self.s[key]))
                    self.note(key, M("hsds.to_description", "no field in the content format: added to "
                                     "the description"))
            text = "\n\n".join(p for p in [text.strip()] + extra if p)
        if len(text) > 2000:
            self.note("description", M("hsds.description_cut", "longer than 2000 characters: cut"))
            text = text[:1999] + "…"
        return text or None

    def verified(self) -> date:
        for key in ("assured_date", "last_modified"):
            value = _text(self.s.get(key))
            if value:
                try:
                    day = date.fromisoformat(value[:10])
                except ValueError:
                    self.note(key, M("hsds.bad_date", "{value!r} is not a date", value=value))
                    continue
                if day <= self.o.today:
                    return day
                self.note(key, M("hsds.future_date", "{day} is in the future", day=day))
        self.note("verified", M("hsds.no_assured_date", "no assured_date: set to the import date "
                                "{today} (check the record)", today=self.o.today))
        return self.o.today


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _offset(zone: str) -> float:
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    return sign * (int(digits[:2]) + int(digits[2:4] or 0) / 60)


def _range(r: tuple[int, int]) -> str:
    start, end = r
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


def _slug(name: str) -> str:
    try:
        from pypinyin import lazy_pinyin
        words = lazy_pinyin(name)
    except ImportError:  # pragma: no cover - pypinyin is a dependency
        words = [name]
    text = re.sub(r"[^a-z0-9]+", "-", "-".join(words).lower()).strip("-")
    return (text[:64].rstrip("-") or "service")


def map_service(source: Source, options: Options, used_ids: set[str]) -> tuple[tuple[str, dict] | None, list[Note]]:
    """One HSDS service as (record id, record fields), or None; and the notes."""
    try:
        mapper = _Mapper(source, options, used_ids)
        return mapper.record(), mapper.notes
    except (AttributeError, TypeError, ValueError, KeyError) as exc:
        # Foreign data of a shape HSDS does not allow (a phone that is a number, a list
        # where an object belongs): the record is reported, the others go on.
        rid = source.service.get("id", "?") if isinstance(source.service, dict) else "?"
        return None, [Note(source.path, str(rid), "-", M("hsds.not_hsds", "not HSDS 3.0 as "
                                                         "expected ({error}): not imported",
                                                         error=f"{type(exc).__name__}: {exc}"))]


# ----------------------------------------------------------------- writing

@dataclass
class Result:
    written: list[Path] = field(default_factory=list)
    skipped: int = 0
    notes: list[Note] = field(default_factory=list)


def load_regions(content: Path) -> dict[str, str]:
    """Area ids -> names of a content folder's regions.yaml (read loosely: `check` is the
    place for its errors)."""
    try:
        data = yaml.safe_load((content / "regions.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    out, stack = {}, list(data or []) if isinstance(data, list) else []
    while stack:
        item = stack.pop()
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            out[item["id"]] = str(item.get("name", ""))
            stack += item.get("children") or []
    return out


def import_hsds(path: Path, out: Path, options: Options) -> Result:
    """Read the dataset, map every service and write DIR/services/<id>.yaml (an existing
    file is never replaced: that record is reported instead)."""
    sources = read_dataset(path)
    result = Result()
    folder = out / "services"
    used = {p.stem for p in folder.glob("*.yaml")} if folder.is_dir() else set()
    existing = set(used)
    records = []
    for source in sources:
        mapped, notes = map_service(source, options, used)
        result.notes += notes
        if mapped is None:
            result.skipped += 1
        else:
            records.append((source, mapped))
    folder.mkdir(parents=True, exist_ok=True)
    for source, (rid, rec) in records:
        target = folder / f"{rid}.yaml"
        if rid in existing or target.exists():  # pragma: no cover - ids avoid existing files
            result.notes.append(Note(source.path, str(source.service.get("id")), "id",
                                     M("hsds.exists", "services/{id}.yaml exists: not replaced",
                                       id=rid)))
            result.skipped += 1
            continue
        header = f"Imported from HSDS {source.path} (id {source.service.get('id', '?')}) on {options.today}"
        target.write_text(record_yaml(rec, header), encoding="utf-8")
        result.written.append(target)
    return result

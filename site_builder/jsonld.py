"""schema.org structured data (JSON-LD) for service, article and event pages.

Pure functions from model objects to plain dicts, and `script()` to put one in a page:
`<script type="application/ld+json">` is data, not executed, so the strict CSP allows it;
`<`, `>` and `&` are written as JSON escapes, so no text can close the element.

Opening hours follow schema.org's OpeningHoursSpecification: one entry per set of days
with the same range, `opens`/`closes` as HH:MM; a range past midnight is split at it
(Monday 20:00–08:00 is Monday 20:00–23:59 and Tuesday 00:00–08:00); 24/7 is every day
00:00–23:59. Public holidays and make-up workdays of holidays.yaml that are not over on
the build date (and start within a year of it) are dated entries (`validFrom`,
`validThrough`): closed (`opens` = `closes` = 00:00), the holiday's own ranges, or the
ranges of the weekday a make-up day is worked as. A closure is a closed dated entry.
"""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from markupsafe import Markup

from . import vocab
from .hours import Calendar, Range
from .i18n import _
from .model import Article, Directory, Region, Service

CONTEXT = "https://schema.org"
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WINDOW_DAYS = 366
"""Dated holiday entries reach this far past the build date."""
TYPES = {
    "guidance_center": "GovernmentOffice",
    "service_station": "GovernmentOffice",
    "counseling_room": "GovernmentOffice",
    "clinic": "MedicalClinic",
    "rehabilitation": "MedicalBusiness",
    "school": "EducationalOrganization",
    "organization": "LocalBusiness",
    "hotline": "Organization",
    "online": "Organization",
}
"""schema.org type of each kind. All but the last two are places (address, geo, opening
hours, `isAccessibleForFree`); a hotline or an online platform is an organisation whose
hours are those of its contact point."""
PLACES = {k for k, t in TYPES.items() if t != "Organization"}


def script(data: dict) -> Markup:
    """The JSON for a `<script type="application/ld+json">` element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))


def _hhmm(minutes: int) -> str:
    minutes = min(minutes, 1439)  # 24:00 is written 23:59
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _day_parts(day: int, r: Range) -> list[tuple[int, str, str]]:
    """(weekday, opens, closes) of one range, split at midnight."""
    if not r.overnight:
        return [(day, _hhmm(r.start), _hhmm(r.end))]
    parts = [(day, _hhmm(r.start), "23:59")]
    if r.end > 0:
        parts.append(((day + 1) % 7, "00:00", _hhmm(r.end)))
    return parts


@lru_cache(maxsize=4096)
def _weekly(week: tuple[tuple[Range, ...], ...]) -> tuple[dict, ...]:
    """Weekly ranges grouped by (opens, closes), each with its days in week order (cached:
    many services share a week; the entries are never changed afterwards)."""
    days: dict[tuple[str, str], set[int]] = {}
    for day, ranges in enumerate(week):
        for r in ranges:
            for weekday, opens, closes in _day_parts(day, r):
                days.setdefault((opens, closes), set()).add(weekday)
    out = []
    for (opens, closes), found in sorted(days.items(), key=lambda kv: (min(kv[1]), kv[0])):
        out.append({"@type": "OpeningHoursSpecification",
                    "dayOfWeek": [f"{CONTEXT}/{DAY_NAMES[i]}" for i in sorted(found)],
                    "opens": opens, "closes": closes})
    return tuple(out)


def _dated(first: date, last: date, ranges: tuple[Range, ...]) -> list[dict]:
    """Entries for the days first..last: their ranges (cut at midnight), or closed."""
    span = {"validFrom": first.isoformat(), "validThrough": last.isoformat()}
    if not ranges:
        return [{"@type": "OpeningHoursSpecification", "opens": "00:00", "closes": "00:00", **span}]
    return [{"@type": "OpeningHoursSpecification", "opens": _hhmm(r.start),
             "closes": "23:59" if r.overnight else _hhmm(r.end), **span} for r in ranges]


def _special_days(service: Service, calendar: Calendar, today: date) -> list[dict]:
    """Holidays (runs of consecutive days with one name) and make-up workdays."""
    h = service.hours
    end = today + timedelta(days=WINDOW_DAYS)
    days = sorted(d for d in calendar.off if today <= d <= end)
    runs: list[list[date]] = []
    for day in days:
        if runs and day - runs[-1][-1] == timedelta(days=1) \
                and calendar.off[day] == calendar.off[runs[-1][-1]]:
            runs[-1].append(day)
        else:
            runs.append([day])
    entries = [(run[0], run[-1], h.holidays or ()) for run in runs]
    entries += [(day, day, h.week[weekday]) for day, (_, weekday) in calendar.workdays.items()
                if today <= day <= end and day not in calendar.off]
    out = []
    for first, last, ranges in sorted(entries, key=lambda e: e[0]):
        out += _dated(first, last, ranges)
    return out


def opening_hours(service: Service, calendar: Calendar, today: date) -> list[dict]:
    """The OpeningHoursSpecification entries of a service (empty: hours not published or
    by appointment only)."""
    h = service.hours
    if h.mode == "24/7":
        out = [{"@type": "OpeningHoursSpecification",
                "dayOfWeek": [f"{CONTEXT}/{d}" for d in DAY_NAMES], "opens": "00:00", "closes": "23:59"}]
    elif h.mode == "weekly":
        out = list(_weekly(h.week)) + _special_days(service, calendar, today)
    else:
        return []
    c = service.closed
    if c is not None and (c.until is None or c.until >= today):
        closed = {"@type": "OpeningHoursSpecification", "opens": "00:00", "closes": "00:00",
                  "validFrom": c.start.isoformat()}
        if c.until is not None:
            closed["validThrough"] = c.until.isoformat()
        out.append(closed)
    return out


def _telephone(tel: str) -> str:
    return tel.removeprefix("tel:")


def _address(service: Service) -> dict:
    trail = service.region.trail
    out = {"@type": "PostalAddress", "streetAddress": service.address, "addressCountry": "CN"}
    locality = next((r for r in reversed(trail) if r.level in ("city", "district")), None)
    province = next((r for r in trail if r.level == "province"), None)
    if locality is not None:
        out["addressLocality"] = locality.name
    if province is not None:
        out["addressRegion"] = province.name
    return out


def _area(region: Region) -> dict:
    return {"@type": "AdministrativeArea", "name": region.name}


def service_data(service: Service, d: Directory) -> dict:
    """The JSON-LD of a service page."""
    url = f"{d.site.base_url}services/{service.id}/"
    data: dict = {"@context": CONTEXT, "@type": TYPES[service.kind], "@id": url + "#service",
                  "name": service.name, "url": url}
    if service.address:
        data["address"] = _address(service)
    if service.point is not None:
        lat, lon = service.point.wgs84
        data["geo"] = {"@type": "GeoCoordinates", "latitude": round(lat, 6), "longitude": round(lon, 6)}
    if service.phones:
        data["telephone"] = _telephone(service.phones[0].tel)
    if service.email:
        data["email"] = service.email
    if service.website:
        data["sameAs"] = [service.website]
    hours = opening_hours(service, d.calendar, d.today)
    place = service.kind in PLACES
    if hours and place:
        data["openingHoursSpecification"] = hours
    if place and service.cost in ("free", "paid"):
        data["isAccessibleForFree"] = service.cost == "free"
    if service.kind == "clinic":
        data["medicalSpecialty"] = f"{CONTEXT}/Psychiatric"
    if not place:
        data["areaServed"] = _area(service.region)
    points = []
    for phone in service.phones or ():
        point = {"@type": "ContactPoint", "telephone": _telephone(phone.tel),
                 "availableLanguage": list(service.languages)}
        if phone.label:
            point["contactType"] = phone.label
        points.append(point)
    if not points:
        point = {"@type": "ContactPoint", "availableLanguage": list(service.languages)}
        if service.email:
            point["email"] = service.email
        if service.website:
            point["url"] = service.website
        points.append(point)
    if hours and not place:  # a hotline's hours are those of its contact points
        for point in points:
            point["hoursAvailable"] = hours
    data["contactPoint"] = points
    data["knowsAbout"] = [_(vocab.SERVICES[s]) for s in service.services] or [_(vocab.KINDS[service.kind])]
    return data


def _aware(moment: datetime, tz: str) -> str:
    return moment.replace(tzinfo=ZoneInfo(tz)).isoformat()


def article_data(article: Article, d: Directory) -> dict:
    """The JSON-LD of an article page: an Article, and an Event when it announces one."""
    site = d.site
    url = f"{site.base_url}articles/{article.slug}/"
    data: dict = {"@type": "Article", "@id": url + "#article", "headline": article.title,
                  "url": url, "mainEntityOfPage": url,
                  "datePublished": article.date.isoformat(),
                  "dateModified": (article.updated or article.date).isoformat(),
                  "inLanguage": article.lang or site.language,
                  "publisher": {"@type": "Organization", "name": site.title, "url": site.base_url}}
    if article.summary:
        data["description"] = article.summary
    if article.tags:
        data["keywords"] = list(article.tags)
    if article.category:
        data["articleSection"] = _(vocab.CATEGORIES[article.category])
    if article.event is None:
        return {"@context": CONTEXT, **data}
    e = article.event
    place: dict = {"@type": "Place", "name": e.place, "address": e.place}
    event: dict = {"@type": "Event", "@id": url + "#event", "name": article.title, "url": url,
                   "startDate": _aware(e.start, site.timezone),
                   "eventAttendanceMode": f"{CONTEXT}/OfflineEventAttendanceMode",
                   "eventStatus": f"{CONTEXT}/EventScheduled", "location": place}
    if e.end is not None:
        event["endDate"] = _aware(e.end, site.timezone)
    if article.summary:
        event["description"] = article.summary
    if e.service is not None:  # the host; the event's place may be elsewhere
        s = e.service
        event["organizer"] = {"@type": TYPES[s.kind], "name": s.name,
                              "url": f"{site.base_url}services/{s.id}/"}
    else:
        event["organizer"] = {"@type": "Organization", "name": site.title, "url": site.base_url}
    return {"@context": CONTEXT, "@graph": [data, event]}

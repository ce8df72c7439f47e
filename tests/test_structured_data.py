"""schema.org JSON-LD on service, article and event pages, parsed back and compared with
the records: type, name, address, geo, telephone, opening hours (overnight, 24/7,
holidays, make-up workdays, closures), free of charge, languages; events in the site's
time zone."""
from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from conftest import SITE, TODAY, article, service
from sitecheck import SAMPLE, build_site, copy_content
from site_builder import jsonld
from site_builder.build import build, check

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    content = copy_content(SAMPLE, tmp_path_factory.mktemp("ld") / "content")
    return build_site(content, content.parent / "build", index=False)


@pytest.fixture(scope="module")
def directory():
    return check(SAMPLE, TODAY).directory


def ld(page_file) -> list[dict]:
    """Every JSON-LD object of a page (a @graph is flattened)."""
    tree = HTMLParser(page_file.read_text(encoding="utf-8"))
    out = []
    for node in tree.css('script[type="application/ld+json"]'):
        data = json.loads(node.text())
        assert data["@context"] == "https://schema.org"
        out += data.get("@graph", [data])
    return out


def _minutes(hhmm: str, closing: bool = False) -> int:
    h, m = map(int, hhmm.split(":"))
    value = h * 60 + m
    return 1440 if closing and value == 1439 else value  # 23:59 closes the day


def weekly_minutes_from_ld(specs: list[dict]) -> set[tuple[int, int]]:
    """(weekday, minute) pairs open each week, from the entries without dates."""
    out = set()
    for spec in specs:
        if "validFrom" in spec:
            continue
        for day in spec["dayOfWeek"]:
            i = DAYS.index(day.removeprefix("https://schema.org/"))
            out |= {(i, m) for m in range(_minutes(spec["opens"]), _minutes(spec["closes"], True))}
    return out


def weekly_minutes_from_record(hours) -> set[tuple[int, int]]:
    """The same from the record; an overnight range runs into the next day."""
    if hours.mode == "24/7":
        return {(d, m) for d in range(7) for m in range(1440)}
    out = set()
    for day, ranges in enumerate(hours.week):
        for r in ranges:
            for m in range(r.start, r.stop):
                out.add(((day + m // 1440) % 7, m % 1440))
    return out


def test_every_service_page_describes_its_record(site, directory):
    seen_overnight = seen_247 = False
    for s in directory.services.values():
        [data] = ld(site / "services" / s.id / "index.html")
        assert data["@type"] == jsonld.TYPES[s.kind]
        assert data["name"] == s.name
        assert data["url"] == f"https://example.org/xinli/services/{s.id}/"
        if s.address:
            assert data["address"]["streetAddress"] == s.address
            assert data["address"]["addressCountry"] == "CN"
        else:
            assert "address" not in data
        if s.point:
            assert (data["geo"]["latitude"], data["geo"]["longitude"]) == pytest.approx(s.point.wgs84, abs=1e-6)
        else:
            assert "geo" not in data
        if s.phones:
            assert data["telephone"] == s.phones[0].tel.removeprefix("tel:")
            assert [c["telephone"] for c in data["contactPoint"]] == [p.tel.removeprefix("tel:") for p in s.phones]
        assert all(c["availableLanguage"] == list(s.languages) for c in data["contactPoint"])
        place = s.kind in jsonld.PLACES
        if place and s.cost in ("free", "paid"):
            assert data["isAccessibleForFree"] is (s.cost == "free")
        else:
            assert "isAccessibleForFree" not in data
        specs = data.get("openingHoursSpecification") if place else \
            data["contactPoint"][0].get("hoursAvailable")
        if s.hours.mode in ("weekly", "24/7"):
            assert weekly_minutes_from_ld(specs) == weekly_minutes_from_record(s.hours), s.id
            seen_247 |= s.hours.mode == "24/7"
            seen_overnight |= any(r.overnight for day in s.hours.week for r in day)
        else:  # by appointment, not published: no hours are claimed
            assert specs is None
    assert seen_overnight and seen_247  # the sample has both cases


def test_closure_is_a_dated_closed_entry(site, directory):
    s = next(s for s in directory.services.values() if s.closed and s.closed.covers(TODAY))
    [data] = ld(site / "services" / s.id / "index.html")
    specs = data.get("openingHoursSpecification") or data["contactPoint"][0]["hoursAvailable"]
    closed = [x for x in specs if x.get("validFrom") == s.closed.start.isoformat()]
    assert closed and closed[0]["opens"] == closed[0]["closes"] == "00:00"
    if s.closed.until:
        assert closed[0]["validThrough"] == s.closed.until.isoformat()


HOLIDAYS = """\
off:
  - {dates: 2026-10-01..2026-10-07, name: 国庆节}
  - {dates: 2027-01-01, name: 元旦}
  - {dates: 2026-05-01, name: 劳动节}
workdays:
  - {date: 2026-10-10, name: 国庆节调休上班, as: fri}
"""


@pytest.mark.parametrize("holidays, expected", [
    ("  holidays: closed", [("2026-10-01", "2026-10-07", "00:00", "00:00"),
                           ("2026-10-10", "2026-10-10", "20:00", "23:59"),
                           ("2027-01-01", "2027-01-01", "00:00", "00:00")]),
    ('  holidays: "10:00-12:00"', [("2026-10-01", "2026-10-07", "10:00", "12:00"),
                                  ("2026-10-10", "2026-10-10", "20:00", "23:59"),
                                  ("2027-01-01", "2027-01-01", "10:00", "12:00")]),
])
def test_holidays_and_make_up_days_are_dated_entries(run_check, holidays, expected):
    # Overnight on Fridays; a make-up Saturday worked as a Friday opens at 20:00.
    hours = f'\n  mon-thu: "08:30-17:30"\n  fri: "20:00-02:00"\n{holidays}'
    report = run_check({"holidays.yaml": HOLIDAYS, "services/station.yaml": service(hours=hours)})
    d = report.directory
    d.today = datetime(2026, 9, 1).date()  # 劳动节 is over: left out
    specs = jsonld.opening_hours(d.services["station"], d.calendar, d.today)
    dated = [(x["validFrom"], x["validThrough"], x["opens"], x["closes"]) for x in specs if "validFrom" in x]
    assert dated == expected
    weekly = weekly_minutes_from_ld(specs)
    assert (5, 60) in weekly and (5, 120) not in weekly  # Friday night runs into Saturday 02:00


def test_article_and_event_data(site, directory):
    plain = next(a for a in directory.articles if a.event is None)
    [data] = ld(site / "articles" / plain.slug / "index.html")
    assert data["@type"] == "Article" and data["headline"] == plain.title
    assert data["datePublished"] == plain.date.isoformat()
    assert data["dateModified"] == (plain.updated or plain.date).isoformat()
    event_article = next(a for a in directory.articles if a.event is not None)
    found = ld(site / "articles" / event_article.slug / "index.html")
    assert [x["@type"] for x in found] == ["Article", "Event"]
    event = found[1]
    e = event_article.event
    assert datetime.fromisoformat(event["startDate"]) == e.start.replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    assert event["startDate"].endswith("+08:00")
    assert event["location"]["name"] == e.place
    if e.service:
        assert event["organizer"]["name"] == e.service.name


def test_event_time_zone_follows_the_site(tmp_path, content_dir):
    files = {"site.yaml": SITE + "timezone: Asia/Urumqi\n",
             "articles/talk.md": article('title: 讲座\ndate: 2026-11-20\n'
                                         'event: {start: "2026-12-08 14:00", place: 活动室}\n')}
    out = tmp_path / "out"
    build(content_dir(files), out, today=TODAY, index=False)
    [_, event] = ld(out / "articles" / "talk" / "index.html")
    assert event["startDate"] == "2026-12-08T14:00:00+06:00"


def test_json_cannot_close_its_script_element(tmp_path, content_dir):
    name = '危险</script><script src="https://evil.example/x.js"></script>'
    out = tmp_path / "out"
    build(content_dir({"services/station.yaml": service(name=f"'{name}'")}), out, today=TODAY, index=False)
    html = (out / "services" / "station" / "index.html").read_text(encoding="utf-8")
    # The name stays inside the JSON: no element of its own, no script loaded from it.
    assert not any("evil" in (n.attributes.get("src") or "") for n in HTMLParser(html).css("script"))
    assert "</script><script" not in html.split("application/ld+json", 1)[1].split("</head>")[0][:-10]
    [data] = ld(out / "services" / "station" / "index.html")
    assert data["name"] == name

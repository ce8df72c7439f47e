"""The Atom feed of articles and the iCalendar files of events, parsed back (feedparser,
icalendar) and compared with the content; autodiscovery and 加入日历 links."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import feedparser
import icalendar
import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from conftest import SITE, TODAY, article
from sitecheck import SAMPLE, build_site, copy_content, html_pages
from site_builder.build import build, check

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    content = copy_content(SAMPLE, tmp_path_factory.mktemp("feeds") / "content")
    return build_site(content, content.parent / "build", index=False)


@pytest.fixture(scope="module")
def directory():
    return check(SAMPLE, TODAY).directory


def test_atom_feed_lists_the_articles_newest_first(site, directory):
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert feed.feed.title == directory.site.title
    assert feed.feed.id == "https://example.org/xinli/"
    links = {link.rel: link.href for link in feed.feed.links}
    assert links["self"] == "https://example.org/xinli/feed.xml"
    assert [e.link for e in feed.entries] == [
        f"https://example.org/xinli/articles/{a.slug}/" for a in directory.articles]
    for entry, a in zip(feed.entries, directory.articles):
        assert entry.title == a.title
        # Local midnight of the article's dates, in the site's zone (not the build's clock).
        assert entry.published == f"{a.date.isoformat()}T00:00:00+08:00"
        assert entry.updated == f"{(a.updated or a.date).isoformat()}T00:00:00+08:00"
        if a.summary:
            assert entry.summary == a.summary
    assert all("草稿" not in e.title for e in feed.entries)  # drafts stay out
    newest = max(a.updated or a.date for a in directory.articles)
    assert feed.feed.updated == f"{newest.isoformat()}T00:00:00+08:00"


def test_every_page_advertises_the_feed(site):
    for name, tree in html_pages(site).items():
        links = tree.css('head link[rel="alternate"][type="application/atom+xml"]')
        assert [n.attributes["href"] for n in links] == ["/xinli/feed.xml"], name


def _events(path) -> list:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    assert cal["VERSION"] == "2.0" and cal.get("PRODID")
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    return list(cal.walk("VEVENT"))


def test_calendar_of_upcoming_events(site, directory):
    upcoming = [a for a in directory.articles if a.event and a.event.start.date() >= TODAY]
    past = [a for a in directory.articles if a.event and a.event.start.date() < TODAY]
    assert upcoming and past  # the sample has both
    events = _events(site / "events.ics")
    assert [str(e["URL"]) for e in events] == [
        f"https://example.org/xinli/articles/{a.slug}/" for a in
        sorted(upcoming, key=lambda a: a.event.start)]
    for event, a in zip(events, sorted(upcoming, key=lambda a: a.event.start)):
        start = event.decoded("DTSTART")
        assert start == a.event.start.replace(tzinfo=TZ) and start.utcoffset() == timedelta(hours=8)
        assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
        if a.event.end:
            assert event.decoded("DTEND") == a.event.end.replace(tzinfo=TZ)
        assert str(event["LOCATION"]) == a.event.place
        assert str(event["SUMMARY"]) == a.title
        assert event.get("UID") and event.get("DTSTAMP")


def test_one_calendar_file_per_event_linked_from_its_page(site, directory):
    for a in (a for a in directory.articles if a.event):
        [event] = _events(site / "articles" / a.slug / "event.ics")
        assert event.decoded("DTSTART") == a.event.start.replace(tzinfo=TZ)
        assert str(event["URL"]) == f"https://example.org/xinli/articles/{a.slug}/"
        page = HTMLParser((site / "articles" / a.slug / "index.html").read_text(encoding="utf-8"))
        link = page.css_first("a.add-calendar")
        if a.event.start.date() >= TODAY:
            assert link.text() == "加入日历"
            assert link.attributes["href"] == f"/xinli/articles/{a.slug}/event.ics"
        else:  # a past event offers no calendar entry
            assert link is None
    # …and articles without an event have no calendar file.
    plain = next(a for a in directory.articles if a.event is None)
    assert not (site / "articles" / plain.slug / "event.ics").exists()


def test_event_without_end_lasts_an_hour_in_the_site_zone(tmp_path, content_dir):
    files = {"site.yaml": SITE + "timezone: Asia/Urumqi\n",
             "articles/talk.md": article('title: 讲座\ndate: 2026-11-20\n'
                                         'event: {start: "2026-12-08 14:00", place: 活动室}\n')}
    out = tmp_path / "out"
    build(content_dir(files), out, today=TODAY, index=False)
    [event] = _events_tz(out / "events.ics", "Asia/Urumqi")
    start = event.decoded("DTSTART")
    assert start.utcoffset() == timedelta(hours=6) and start.hour == 14
    assert event.decoded("DURATION") == timedelta(hours=1)


def _events_tz(path, tzid: str) -> list:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == [tzid]
    return list(cal.walk("VEVENT"))


def test_feeds_without_articles(tmp_path, content_dir):
    out = tmp_path / "out"
    build(content_dir(), out, today=TODAY, index=False)
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not feed.bozo and feed.entries == []
    cal = icalendar.Calendar.from_ical((out / "events.ics").read_bytes())
    assert list(cal.walk("VEVENT")) == []

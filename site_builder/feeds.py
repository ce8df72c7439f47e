"""Feeds: an Atom feed of the articles, iCalendar files of the events.

* `feed.xml` (feedgen): the newest articles, each with its summary and its sanitised
  HTML. Every page links it for autodiscovery (templates/base.html).
* `events.ics` (icalendar): the events that have not started before the build date;
  `articles/<slug>/event.ics`: one event each (every event, so a saved link keeps
  working), linked as 加入日历 from the event's page.

Times are the site's wall-clock times with its VTIMEZONE (TZID=Asia/Shanghai), so a
calendar in another zone shows them right. Nothing here reads the clock: `updated` is
the newest article date and each event's DTSTAMP is its article's last date, so two
builds of the same content are byte-identical.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from feedgen.feed import FeedGenerator

from .i18n import _
from .model import Article, Directory

FEED_ENTRIES = 50
"""Articles in the Atom feed, newest first."""
FEED_PATH = "feed.xml"
CALENDAR_PATH = "events.ics"


def event_path(article: Article) -> str:
    return f"articles/{article.slug}/event.ics"


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=tz)


def atom(d: Directory) -> str:
    """The Atom feed of the newest articles."""
    site, tz = d.site, ZoneInfo(d.site.timezone)
    articles = d.articles[:FEED_ENTRIES]
    fg = FeedGenerator()
    fg.id(site.base_url)
    fg.title(site.title)
    if site.description:
        fg.subtitle(site.description)
    fg.language(site.language)
    fg.link(href=site.base_url + FEED_PATH, rel="self", type="application/atom+xml")
    fg.link(href=site.base_url + "articles/", rel="alternate", type="text/html")
    fg.author({"name": site.title})
    if site.data_license:
        fg.rights(site.data_license)
    fg.generator("site-builder")
    newest = max((a.updated or a.date for a in articles), default=d.today)
    fg.updated(_midnight(newest, tz))
    for article in articles:
        url = f"{site.base_url}articles/{article.slug}/"
        entry = fg.add_entry(order="append")
        entry.id(url)
        entry.title(article.title)
        entry.link(href=url, rel="alternate", type="text/html")
        entry.published(_midnight(article.date, tz))
        entry.updated(_midnight(article.updated or article.date, tz))
        if article.summary:
            entry.summary(article.summary)
        entry.content(article.html, type="html")
        for tag in article.tags:
            entry.category(term=tag)
    return fg.atom_str(pretty=True).decode("utf-8")


def upcoming_events(d: Directory) -> list[Article]:
    """Event articles whose event starts on or after the build date, soonest first."""
    return sorted((a for a in d.articles if a.event and a.event.start.date() >= d.today),
                  key=lambda a: (a.event.start, a.slug))


def _vevent(article: Article, d: Directory) -> icalendar.Event:
    site, tz = d.site, ZoneInfo(d.site.timezone)
    e = article.event
    url = f"{site.base_url}articles/{article.slug}/"
    event = icalendar.Event()
    event.add("uid", f"{article.slug}@{urlsplit(site.base_url).netloc}{site.base_path}")
    event.add("dtstamp", _midnight(article.updated or article.date, tz).astimezone(ZoneInfo("UTC")))
    event.add("summary", article.title)
    event.add("dtstart", e.start.replace(tzinfo=tz))
    if e.end is not None:
        event.add("dtend", e.end.replace(tzinfo=tz))
    else:
        event.add("duration", timedelta(hours=1))
    event.add("location", e.place)
    event.add("url", url)
    host = _("主办：{name}").format(name=e.service.name) + "\n" if e.service is not None else ""
    event.add("description", (article.summary + "\n" if article.summary else "") + host + url)
    if article.category:
        event.add("categories", [article.category])
    return event


def calendar(d: Directory, articles: list[Article], name: str) -> str:
    """An iCalendar file of `articles`' events, with the site's VTIMEZONE."""
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//site-builder//{urlsplit(d.site.base_url).netloc}//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", d.site.timezone)
    for article in articles:
        cal.add_component(_vevent(article, d))
    if articles:  # the zone's rules for the years of these events only (not since 1970)
        years = [a.event.start.year for a in articles] + [a.event.end.year for a in articles
                                                           if a.event.end is not None]
        _add_timezones(cal, date(min(years), 1, 1), date(max(years) + 1, 1, 1))
    return cal.to_ical().decode("utf-8")


def _add_timezones(cal: icalendar.Calendar, first: date, last: date) -> None:
    """`cal.add_missing_timezones(first, last)`, each VTIMEZONE made once per process:
    icalendar derives it from the zone's rules in ~0.3 s, and every event has a calendar."""
    at = len(cal.timezones)
    for tzid in cal.get_missing_tzids():
        timezone = _timezone(tzid, first, last)
        if timezone is not None:
            cal.subcomponents.insert(at, timezone)
            at += 1


@lru_cache(maxsize=32)
def _timezone(tzid: str, first: date, last: date) -> icalendar.Timezone | None:
    try:
        return icalendar.Timezone.from_tzid(tzid, first_date=first, last_date=last)
    except ValueError:  # a zone icalendar does not know is left out, as add_missing_timezones does
        return None


def events_calendar(d: Directory) -> str:
    return calendar(d, upcoming_events(d), _("{site} · 活动").format(site=d.site.title))


def event_calendar(article: Article, d: Directory) -> str:
    return calendar(d, [article], article.title)

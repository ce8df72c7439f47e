"""Every kind of page the site has, as URLs of the sample site, and how to open each one
in the browser until it is ready (search results shown, "near me" results listed).

Used by the quality-gate tests (accessibility, privacy, CSP) so that each of them visits
the same page types: home, a service page of each hours variant, area, kind, audience,
hotlines, article list, article and an upcoming event, a page, the coverage dashboard,
search with results, with none and with filters, "near me" with results, and the 404
page.
"""
from __future__ import annotations

from dataclasses import dataclass

from site_builder.model import Directory

BASE = "/xinli/"
HERE = (22.5431, 114.0579)
"""A fake position for "near me" (深圳市民中心, WGS-84)."""
QUICK_EXIT = "https://www.example.com/weather"
"""The quick-exit target the tests set in site.yaml (never fetched: tests route it)."""


@dataclass(frozen=True)
class PageType:
    name: str
    path: str
    """Below the base path: `services/x/`, `search/?q=失眠`."""
    action: str = ""
    """`near`: tap "near me" (with a granted fake location) and wait for the results;
    `search`: wait until the search status says what was found."""


def page_types(d: Directory) -> list[PageType]:
    services = sorted(d.services.values(), key=lambda s: s.id)

    def first(test) -> str:
        return next(s.id for s in services if test(s))

    closed = first(lambda s: s.closed is not None and s.closed.covers(d.today))
    weekly = first(lambda s: s.hours.mode == "weekly" and s.closed is None)
    kind = next(k for k in ("clinic", "counseling_room") if d.by_kind.get(k))
    audience = next(a for a, found in d.by_audience.items() if found)
    district = next(r for r in d.regions.values() if r.level == "district")
    article = d.articles[0]
    event = next(a for a in d.articles if a.event and a.event.start.date() >= d.today)
    page = sorted(d.pages)[0]
    return [
        PageType("home", ""),
        PageType("service-weekly", f"services/{weekly}/"),
        PageType("service-24-7", f"services/{first(lambda s: s.hours.mode == '24/7')}/"),
        PageType("service-appointment", f"services/{first(lambda s: s.hours.mode == 'by_appointment')}/"),
        PageType("service-unknown", f"services/{first(lambda s: s.hours.mode == 'unknown')}/"),
        PageType("service-closed", f"services/{closed}/"),
        PageType("services", "services/"),
        PageType("areas", "regions/"),
        PageType("area", f"regions/{district.id}/"),
        PageType("kinds", "kinds/"),
        PageType("kind", f"kinds/{kind}/"),
        PageType("audiences", "audiences/"),
        PageType("audience", f"audiences/{audience}/"),
        PageType("hotlines", "hotlines/"),
        PageType("articles", "articles/"),
        PageType("article", f"articles/{article.slug}/"),
        PageType("event", f"articles/{event.slug}/"),
        PageType("page", f"{page}/"),
        PageType("open-data", "open-data/"),
        PageType("search", "search/"),
        PageType("search-results", "search/?q=失眠", "search"),
        PageType("search-none", "search/?q=qzxjvwk", "search"),
        PageType("search-filters", f"search/?kind={kind}&district={district.id}&sort=name", "search"),
        PageType("near-me", "", "near"),
        PageType("coverage", "coverage/"),
        PageType("404", "no-such-page/"),
    ]


def open_page(page, origin: str, t: PageType):
    """Go to the page and wait until it shows what it is for; returns the response of
    the page. The context must have geolocation granted (at HERE) for `near`."""
    response = page.goto(f"{origin}{BASE}{t.path}")
    # Predicates as functions: the page's CSP refuses string evaluation.
    if t.action == "search":
        page.wait_for_function("() => /结果/.test(document.getElementById('search-status').textContent)")
    elif t.action == "near":
        page.locator("[data-near-button]").first.click()
        page.wait_for_function("() => document.querySelectorAll('[data-near-results] > li').length > 0")
    else:
        page.wait_for_load_state("load")
    return response


def near_context(browser, **options):
    """A browser context with the location granted at HERE (and zh-CN, a phone's width)."""
    options.setdefault("viewport", {"width": 390, "height": 844})
    context = browser.new_context(locale="zh-CN", geolocation={"latitude": HERE[0], "longitude": HERE[1]},
                                  permissions=["geolocation"], **options)
    return context

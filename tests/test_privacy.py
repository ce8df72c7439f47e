"""No third parties, no tracking: what the privacy page promises, checked in Chromium.

Every page type is visited (search with results and filters, "near me" with a granted
fake location, the list tools, the quick exit). The test fails on any request that
leaves the site's origin (the quick exit's own navigation excepted: it is routed to a
stub, and must carry no Referer), on any cookie, and on anything written to
localStorage, sessionStorage, IndexedDB, the Cache API or a service worker.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from browser import serve
from pagetypes import BASE, QUICK_EXIT, near_context, open_page, page_types
from sitecheck import SAMPLE, TODAY, build_site, copy_content
from site_builder.build import check

TYPES = page_types(check(SAMPLE, TODAY).directory)

STORED = """async () => ({
  cookie: document.cookie,
  localStorage: Object.keys(localStorage),
  sessionStorage: Object.keys(sessionStorage),
  indexedDB: (await indexedDB.databases()).map(d => d.name),
  caches: await caches.keys(),
  serviceWorkers: (await navigator.serviceWorker.getRegistrations()).length,
})"""
NOTHING = {"cookie": "", "localStorage": [], "sessionStorage": [], "indexedDB": [], "caches": [],
           "serviceWorkers": 0}


@pytest.fixture(scope="module")
def origin(tmp_path_factory):
    content = copy_content(SAMPLE, tmp_path_factory.mktemp("privacy") / "content")
    site_yaml = content / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + f"quick_exit: {QUICK_EXIT}\n",
                         encoding="utf-8")
    site = build_site(content, content.parent / "build")
    with serve(site, BASE) as origin:
        yield origin


def test_no_request_leaves_the_site_and_nothing_is_stored(browser, origin):
    context = near_context(browser)
    requests: list[tuple[str, dict]] = []
    context.on("request", lambda r: requests.append((r.url, r.headers)))

    def elsewhere(route):  # never let a request out; the quick exit gets a stub page
        if route.request.url == QUICK_EXIT:
            route.fulfill(body="<title>天气</title>", content_type="text/html")
        else:
            route.abort()

    context.route(lambda url: not url.startswith(origin), elsewhere)
    stored = {}
    try:
        page = context.new_page()
        for t in TYPES:
            open_page(page, origin, t)
            found = page.evaluate(STORED)
            if found != NOTHING:
                stored[t.name] = found
        # The rest of what a visitor does: filters, sorting by distance, open now.
        area = next(t for t in TYPES if t.name == "area")
        open_page(page, origin, area)
        page.locator(".list-tools select").first.select_option("distance")
        page.wait_for_function("() => document.querySelector('.list-note').textContent === '已按距离排序'")
        page.locator(".list-tools input[type=checkbox]").first.check()
        page.goto(f"{origin}{BASE}search/?q=热线&sort=distance&open=1")
        page.wait_for_function("() => /结果/.test(document.getElementById('search-status').textContent)")
        page.locator("#f-kind").select_option(index=1)
        page.wait_for_url("**kind=**")
        found = page.evaluate(STORED)
        if found != NOTHING:
            stored["search-tools"] = found
        assert context.cookies() == []
        # Quick exit: the page is replaced by the neutral site.
        page.get_by_role("link", name="快速离开").click()
        page.wait_for_url(QUICK_EXIT)
    finally:
        context.close()
    assert stored == {}
    outside = [url for url, _ in requests if not url.startswith(origin)]
    assert outside == [QUICK_EXIT]
    exit_headers = next(h for url, h in requests if url == QUICK_EXIT)
    assert "referer" not in {k.lower() for k in exit_headers}  # the neutral site learns nothing
    assert {urlsplit(url).path.split("/")[2] for url, _ in requests if url.startswith(origin)} >= \
        {"static", "pagefind", "data"}  # the test did load scripts, the index and services.json


def test_the_privacy_page_says_what_is_stored():
    text = (SAMPLE / "pages" / "privacy.md").read_text(encoding="utf-8")
    for word in ("Cookie", "localStorage", "sessionStorage", "IndexedDB", "不保存任何"):
        assert word in text, word

"""Accessibility of every page type, in Debian's Chromium.

axe-core (bundled by axe-playwright-python, offline) with the WCAG 2.2 AA tags finds no
violation on any page type, in the light and in the dark colour scheme (contrast
included). Then what axe cannot see: a skip link (the first stop, before the quick exit,
the crisis hotlines and the menu), focus always visible and never hidden under the sticky
quick-exit bar, no
horizontal scrolling at 320 px and at 200 % zoom, targets of at least 24 × 24 px, no
motion when reduced motion is asked for, `lang` on every page, call links whose names
contain the number as shown (grouped as written) and say whom they call, and a service
page printing on one A4 sheet.
"""
from __future__ import annotations

import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from browser import serve
from pagetypes import BASE, QUICK_EXIT, near_context, open_page, page_types
from sitecheck import REAL, SAMPLE, TODAY, build_site, copy_content, html_pages
from site_builder.build import check

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE = Axe()
DIRECTORY = check(SAMPLE, TODAY).directory
TYPES = page_types(DIRECTORY)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The sample site with the quick-exit button on (it is fixed on screen: it must not
    hide focus nor cause scrolling)."""
    content = copy_content(SAMPLE, tmp_path_factory.mktemp("a11y") / "content")
    site_yaml = content / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + f"quick_exit: {QUICK_EXIT}\n",
                         encoding="utf-8")
    return build_site(content, content.parent / "build")


@pytest.fixture(scope="module")
def origin(site):
    with serve(site, BASE) as origin:
        yield origin


def axe_violations(page) -> list[str]:
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:5]]}"
            for v in results.response["violations"]]


@pytest.mark.parametrize("t", TYPES, ids=[t.name for t in TYPES])
def test_axe_finds_no_wcag_22_aa_violation_in_light_and_dark(browser, origin, t):
    context = near_context(browser)
    try:
        page = context.new_page()
        open_page(page, origin, t)
        # Open every <details> (the search filters) so that axe sees their controls too.
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        found = {}
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            background = page.evaluate("() => getComputedStyle(document.documentElement).backgroundColor")
            assert (background == "rgb(255, 255, 255)") == (scheme == "light"), (scheme, background)
            found[scheme] = axe_violations(page)
        assert found == {"light": [], "dark": []}
    finally:
        context.close()


NO_SCROLL = "() => document.scrollingElement.scrollWidth <= window.innerWidth"


@pytest.mark.parametrize("viewport, scale", [({"width": 320, "height": 640}, 1),
                                             ({"width": 640, "height": 400}, 2)],
                         ids=["320px", "zoom-200"])
def test_no_horizontal_scrolling_at_320_px_or_200_percent_zoom(browser, origin, viewport, scale):
    """320 CSS px is WCAG's reflow width; a 1280 px window zoomed to 200 % is 640 CSS px."""
    context = near_context(browser, viewport=viewport, device_scale_factor=scale)
    wide = []
    try:
        page = context.new_page()
        for t in TYPES:
            open_page(page, origin, t)
            page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
            if not page.evaluate(NO_SCROLL):
                wide.append((t.name, page.evaluate(
                    "() => [document.scrollingElement.scrollWidth, window.innerWidth]")))
    finally:
        context.close()
    assert wide == []


SMALL_TARGETS = """() => {
  const small = [];
  const inline = el => getComputedStyle(el).display === 'inline';
  for (const el of document.querySelectorAll('a[href], button, input, select, summary, textarea')) {
    if (!el.getClientRects().length || el.closest('[hidden], .visually-hidden')) continue;
    if (el.tagName === 'A' && inline(el)) {
      // An inline text link in a sentence is exempt (WCAG 2.5.8): find its block and
      // see whether the block holds other text than the link.
      let block = el.parentElement;
      while (block && inline(block)) block = block.parentElement;
      if (block && block.textContent.trim() !== el.textContent.trim()) continue;
    }
    const r = el.getBoundingClientRect();
    if (r.width < 24 || r.height < 24) {
      small.push(`${el.tagName.toLowerCase()} "${(el.textContent || el.name || '').trim().slice(0, 20)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  }
  return small;
}"""


def test_targets_are_at_least_24_px(browser, origin):
    context = near_context(browser)
    small = {}
    try:
        page = context.new_page()
        for t in TYPES:
            open_page(page, origin, t)
            page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
            found = page.evaluate(SMALL_TARGETS)
            if found:
                small[t.name] = found
    finally:
        context.close()
    assert small == {}


FOCUS_PROBLEMS = """() => {
  const problems = [];
  const tabbable = [...document.querySelectorAll('a[href], button, input, select, summary, textarea, [tabindex]')]
    .filter(el => el.tabIndex >= 0 && !el.disabled && el.getClientRects().length && !el.closest('[hidden]')
      && getComputedStyle(el).visibility !== 'hidden');  // not a tab stop (the call button at the top)
  for (const el of tabbable) {
    el.focus();
    const name = `${el.tagName.toLowerCase()} "${(el.textContent || el.name || '').trim().slice(0, 20)}"`;
    if (document.activeElement !== el) { problems.push(`${name}: cannot be focused`); continue; }
    const st = getComputedStyle(el);
    const ring = (st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 2) || st.boxShadow !== 'none';
    if (!el.matches(':focus-visible') || !ring) problems.push(`${name}: no visible focus indicator`);
    const r = el.getClientRects()[0];  // the first line of a link that wraps
    const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
    const y = Math.min(Math.max(r.top + Math.min(r.height / 2, 10), 0), innerHeight - 1);
    const top = document.elementFromPoint(x, y);
    if (r.bottom < 0 || r.top > innerHeight || r.right < 0 || r.left > innerWidth) {
      problems.push(`${name}: focused but off screen`);
    } else if (top && top !== el && !el.contains(top) && !top.contains(el)) {
      problems.push(`${name}: hidden under ${top.tagName.toLowerCase()}.${top.className}`);
    }
  }
  return problems;
}"""


@pytest.mark.parametrize("t", TYPES, ids=[t.name for t in TYPES])
def test_skip_link_and_focus_always_visible(browser, origin, t):
    """The skip link comes first, then the quick exit and the crisis hotlines (a person in
    crisis who presses Tab reaches them at once), before the menu."""
    context = near_context(browser)
    try:
        page = context.new_page()
        open_page(page, origin, t)
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        if t.action != "near":  # after tapping "near me", Tab would go on from the button
            stops = []
            for _ in range(3):
                page.keyboard.press("Tab")  # a keyboard user: focus rings from here on
                stops.append(page.evaluate("""() => { const a = document.activeElement, r = a.getBoundingClientRect();
                    return [a.className, a.getAttribute('href'), r.left >= 0 && r.top >= 0 && r.width > 0]; }"""))
            # The skip link first, then the quick exit (when set), then the crisis lines.
            assert stops[0] == ["skip", "#main", True], stops
            assert [cls for cls, _, _ in stops[1:]] == ["quick-exit", "exit-help"], stops
            page.keyboard.press("Tab")
            assert page.evaluate("() => document.activeElement.className") == "crisis-call"
            page.keyboard.press("Shift+Tab")
            page.keyboard.press("Shift+Tab")
            page.keyboard.press("Shift+Tab")
            assert page.evaluate("() => document.activeElement.className") == "skip"
            if t.name in ("home", "service-weekly"):
                page.keyboard.press("Enter")
                assert page.evaluate("() => document.activeElement.id") == "main"
                page.keyboard.press("Tab")  # the next stop is inside the main content
                assert page.evaluate("() => !!document.activeElement.closest('main')")
        else:
            page.keyboard.press("Tab")
        assert page.evaluate(FOCUS_PROBLEMS) == []
    finally:
        context.close()


MOVING = """() => [...document.querySelectorAll('*')].filter(el => {
  const st = getComputedStyle(el);
  const durations = (st.transitionDuration + ',' + st.animationDuration).split(',').map(parseFloat);
  return (st.animationName !== 'none' && durations.some(d => d > 0))
    || durations.some(d => d > 0.01) || st.scrollBehavior === 'smooth';
}).map(el => el.tagName + '.' + el.className)"""


def test_nothing_moves_when_reduced_motion_is_asked_for(browser, origin):
    context = near_context(browser, reduced_motion="reduce")
    try:
        page = context.new_page()
        moving = {}
        for t in TYPES:
            open_page(page, origin, t)
            found = page.evaluate(MOVING)
            if found:
                moving[t.name] = found
        assert moving == {}
    finally:
        context.close()


def test_every_page_declares_its_language(site, tmp_path):
    real = []
    if REAL.is_dir():
        real = list(html_pages(build_site(REAL, tmp_path / "real", index=False)).items())
    pages = list(html_pages(site).items()) + real
    assert len(pages) > 100
    for name, tree in pages:
        lang = tree.css_first("html").attributes.get("lang") or ""
        assert re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", lang), (name, lang)


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def check_call_link(where: str, shown: str, name: str) -> None:
    """WCAG 2.5.3 (label in name): the accessible name contains what the link shows, so
    that "点击 0755-5550 0121" works with voice control; the number in it is grouped as
    written (not spaced digit by digit), and the name says what the link does."""
    shown = " ".join(shown.split())
    assert re.search(r"\d{3}", shown), f"{where}: {shown!r} shows no number"
    assert shown in name, f"{where}: {name!r} does not contain what is shown, {shown!r}"
    assert name.startswith(("拨打", "撥打", "Call ")), f"{where}: {name!r} does not say it calls"
    assert not re.search(r"\d \d \d", name), f"{where}: {name!r} spells the number digit by digit"


def test_call_links_are_named_with_the_number_as_shown_in_every_page(site):
    links = 0
    for name, tree in html_pages(site).items():
        for a in tree.css('a[href^="tel:"]'):
            check_call_link(name, a.text(), a.attributes.get("aria-label") or a.text())
            assert digits(a.attributes["href"].split(";")[0])[-5:] in digits(a.text()), (name, a.html)
            links += 1
    assert links > 100


# Accessible names as Chromium computes them, for the call links of the page and those
# made by scripts (search results, "near me"). Links in a hidden part (the search page's
# crisis card before a risk word is typed) are not read, so not counted.
CALL_TEXTS = """() => [...document.querySelectorAll('a[href^="tel:"]')].filter(a => a.checkVisibility({visibilityProperty: true})).map(a => a.textContent)"""


@pytest.mark.parametrize("name", ["service-weekly", "search-results", "near-me"])
def test_screen_readers_and_voice_control_get_the_number_as_shown(browser, origin, name):
    t = next(t for t in TYPES if t.name == name)
    context = near_context(browser)
    try:
        page = context.new_page()
        open_page(page, origin, t)
        links = page.locator('a[href^="tel:"]:visible')
        shown = page.evaluate(CALL_TEXTS)
        assert len(shown) == links.count() >= 4
        if name != "service-weekly":
            assert page.locator('#search-results a[href^="tel:"], [data-near-results] a[href^="tel:"]').count()
        for i, text in enumerate(shown):
            if not links.nth(i).is_visible():
                continue  # the lines kept for "nothing is open now", the call button at the top
            snapshot = links.nth(i).aria_snapshot()  # - link "拨打 全国心理援助热线 12356"
            accessible = re.search(r'link "([^"]*)"', snapshot).group(1)
            check_call_link(name, text, accessible)
        if name == "service-weekly":
            first = page.locator("main a.call").first
            assert re.search(r'link "拨打 ' + re.escape(DIRECTORY.services[t.path.split("/")[1]].name),
                             first.aria_snapshot())
    finally:
        context.close()


def test_a_service_page_prints_on_one_a4_sheet(browser, origin):
    from pypdf import PdfReader

    variants = [t.path for t in TYPES if t.name.startswith("service-")]
    # ... and the three records with the most to print.
    longest = sorted(DIRECTORY.services.values(), key=lambda s: -(
        len(s.description_html or "") + 40 * len(s.phones) + 30 * len(s.other_contacts)))[:3]
    paths = variants + [f"services/{s.id}/" for s in longest]
    context = browser.new_context(locale="zh-CN", color_scheme="dark")  # paper stays light
    try:
        page = context.new_page()
        sheets = {}
        for path in paths:
            page.goto(f"{origin}{BASE}{path}")
            pdf = page.pdf(format="A4")
            sheets[path] = len(PdfReader(io.BytesIO(pdf)).pages)
            text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
            assert "12356" in text  # the hotline is on the sheet
        assert set(sheets.values()) == {1}, sheets
        page.emulate_media(media="print")
        ink = page.evaluate("() => getComputedStyle(document.querySelector('h1')).color")
        assert ink == "rgb(0, 0, 0)"
    finally:
        context.close()

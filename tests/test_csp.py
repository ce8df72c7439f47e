"""A strict Content Security Policy holds on every page type.

The pages carry no inline script or style (markdown's `style=` and event attributes are
removed by the sanitiser), so the policy of site_builder/headers.py works: in each page's
meta element, and in the `_headers` / `nginx-headers.conf` files. In Chromium, with the
policy sent as HTTP headers (read from the built `_headers`) and in the meta element,
no page type reports a violation, search (Pagefind's WebAssembly) included.
"""
from __future__ import annotations

import json
import re

import pytest

from hosting import headers_for, parse_headers_file, serve_with_headers
from pagetypes import BASE, QUICK_EXIT, near_context, open_page, page_types
from sitecheck import REAL, SAMPLE, TODAY, build_site, copy_content, html_pages
from site_builder import headers
from site_builder.build import check

TYPES = page_types(check(SAMPLE, TODAY).directory)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    content = copy_content(SAMPLE, tmp_path_factory.mktemp("csp") / "content")
    site_yaml = content / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + f"quick_exit: {QUICK_EXIT}\n",
                         encoding="utf-8")
    # Raw HTML with styles and handlers in an article: the sanitiser must drop them all.
    (content / "articles" / "styled.md").write_text(
        "---\ntitle: 样式测试\ndate: 2026-11-01\n---\n"
        '<p style="color:red" onclick="alert(1)">红字</p>\n\n'
        '<div style="position:fixed">块</div> <span style="x">行内</span>\n\n'
        "<style>p { color: red }</style>\n\n"
        '<a href="/hotlines/" style="color:red">链接</a>\n\n'
        '![外站图片](https://tracker.example/pixel.gif) <img src="//tracker.example/p.gif" alt="像素">\n',
        encoding="utf-8")
    return build_site(content, content.parent / "build")


@pytest.fixture(scope="module")
def origin(site):
    with serve_with_headers(site, BASE) as origin:
        yield origin


def test_policy_is_strict():
    policy = dict(d.split(" ", 1) for d in headers.csp().split("; "))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self' 'wasm-unsafe-eval'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert not re.search(r"unsafe-inline|'unsafe-eval'|\*|https?:|data:", headers.csp())
    assert "frame-ancestors" not in headers.csp(meta=True)  # ignored in a meta element


def test_header_files_carry_the_same_policy(site):
    rules = parse_headers_file((site / "_headers").read_text(encoding="utf-8"))
    assert all(pattern.startswith(BASE) for pattern, _ in rules)
    sent = headers_for(rules, f"{BASE}services/x/")
    assert sent["Content-Security-Policy"] == headers.csp()
    assert sent["Referrer-Policy"] == "no-referrer"
    assert sent["X-Content-Type-Options"] == "nosniff"
    assert "geolocation=(self)" in sent["Permissions-Policy"]
    assert "camera=()" in sent["Permissions-Policy"] and "microphone=()" in sent["Permissions-Policy"]
    assert "immutable" in headers_for(rules, f"{BASE}static/style.css")["Cache-Control"]
    nginx = (site / "nginx-headers.conf").read_text(encoding="utf-8")
    lines = [line for line in nginx.splitlines() if line and not line.startswith("#")]
    assert lines == [f'add_header {name} "{value}" always;' for name, value in headers.headers()]


def test_pages_have_the_meta_policy_and_nothing_inline(site, tmp_path):
    pages = list(html_pages(site).items())
    if REAL.is_dir():
        pages += list(html_pages(build_site(REAL, tmp_path / "real", index=False)).items())
    for name, tree in pages:
        head = tree.css_first("head")
        first = [n for n in head.iter() if n.tag != "-text"][:2]
        assert first[0].attributes.get("charset") == "utf-8", name
        # The policy comes before anything it governs.
        assert first[1].attributes.get("http-equiv") == "Content-Security-Policy", name
        assert first[1].attributes.get("content") == headers.csp(meta=True), name
        assert tree.css_first("style") is None, name
        for script in tree.css("script"):
            if script.attributes.get("type") in ("application/ld+json", "application/json"):  # data, never run
                assert not script.attributes.get("src") and json.loads(script.text()), name
                continue
            assert script.attributes.get("src"), f"{name}: inline script"
            assert not (script.text() or "").strip(), f"{name}: inline script"
        for node in tree.css("*"):
            for attr, value in node.attributes.items():
                assert attr != "style", f"{name}: style attribute on <{node.tag}>"
                assert not attr.startswith("on"), f"{name}: {attr} on <{node.tag}>"
                if attr in ("href", "src", "action"):
                    assert not (value or "").strip().lower().startswith("javascript:"), name
                if attr == "src":  # nothing is loaded from another site
                    assert not re.match(r"(?i)\s*([a-z][a-z0-9+.-]*:|//)", value or ""), (name, value)
    styled = dict(pages)["articles/styled/index.html"]
    assert "红字" in styled.css_first("main").text()
    assert "color:red" not in styled.html and "position:fixed" not in styled.html
    assert "tracker.example" not in styled.html
    assert "外站图片" in styled.text() and "像素" in styled.text()  # the alt texts stand instead


def test_images_from_other_sites_are_warned_about(site):
    warnings = [str(p) for p in check(site.parent / "content", TODAY).problems.warnings
                if "from another site" in p.message]
    assert len(warnings) == 2 and all("articles/styled.md:13" in w for w in warnings), warnings


# Records CSP violations from the first script on (the listener is installed through the
# DevTools protocol, which the page's policy does not govern).
LISTEN = """window.__csp = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
});"""


def test_no_page_type_violates_the_policy_in_chromium(browser, site, origin):
    context = near_context(browser)
    context.add_init_script(LISTEN)
    context.route(QUICK_EXIT, lambda route: route.fulfill(body="<title>天气</title>", content_type="text/html"))
    console: list[str] = []
    violations: dict[str, list[str]] = {}
    try:
        page = context.new_page()
        page.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning") else None)
        for t in TYPES:
            response = open_page(page, origin, t)
            assert response.headers["content-security-policy"] == headers.csp(), t.name
            assert response.headers["x-content-type-options"] == "nosniff", t.name
            found = page.evaluate("() => window.__csp")
            if found:
                violations[t.name] = found
        # Search really ran: Pagefind's WebAssembly is allowed by 'wasm-unsafe-eval'.
        open_page(page, origin, next(t for t in TYPES if t.name == "search-results"))
        assert page.locator("#search-results > li").count() > 0
        # The sanitised article too.
        page.goto(f"{origin}{BASE}articles/styled/")
        assert page.evaluate("() => window.__csp") == []
        policy_messages = [m for m in console if "Content Security Policy" in m or "Policy" in m]
        # The listener works: an inline script is refused and reported.
        page.evaluate("""() => { const s = document.createElement('script');
            s.textContent = 'window.__ran = 1'; document.body.appendChild(s); }""")
        assert page.evaluate("() => window.__ran") is None
        assert any(v.startswith("script-src") for v in page.evaluate("() => window.__csp"))
    finally:
        context.close()
    assert violations == {}
    assert policy_messages == []  # nor a console word about the CSP or Permissions-Policy

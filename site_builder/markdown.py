"""Markdown to safe HTML, with every internal link checked and re-based.

markdown-it-py parses (CommonMark + tables + strikethrough + heading anchors);
raw HTML is allowed through the parser and then reduced to a safe subset by
nh3 (Ammonia). Dangerous raw HTML is reported as a warning at its line, and the
build goes on without it.
"""
from __future__ import annotations

import html as html_lib
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin

from . import urls
from .errors import Problems
from .fields import bidi_control
from .lines import Lines
from .messages import M

ALLOWED_SCHEMES = set(urls.WEB + urls.CONTACT)
_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "details", "dd", "dl", "dt", "em",
    "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd",
    "li", "mark", "ol", "p", "pre", "q", "s", "small", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
    "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "abbr": {"title"},
}
_DANGEROUS = re.compile(
    r"<\s*(script|iframe|object|embed|style|form|input|button|link|meta|base|svg|math|frame)"
    r"|\son[a-z]+\s*=|javascript\s*:|vbscript\s*:|data\s*:\s*text/html",
    re.I,
)
MAX_HTML_DEPTH = 100
"""Raw HTML nested deeper than this is an error: the sanitiser's time grows with the square
of the depth of some elements (200,000 nested <div> in a 1 MB file take minutes)."""
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)\b[^>]*>")
_NOT_NESTING = {  # void elements, and those that a new one of their kind closes
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rt", "rp",
    "thead", "tbody", "tfoot", "colgroup"}


def _html_depth(html: str) -> int:
    """Deepest nesting of elements in `html`, counted on its tags (an upper bound)."""
    depth = deepest = 0
    for match in _TAG.finditer(html):
        if match.group(2).lower() in _NOT_NESTING or match.group(0).endswith("/>"):
            continue
        if match.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


class AnyId(set):
    """Every id: the ids of a file that could not be read are unknown, not missing."""

    def __contains__(self, item: object) -> bool:
        return True


@dataclass
class LinkTargets:
    """Everything an internal link may point at, by id."""

    services: set[str] = field(default_factory=set)
    regions: set[str] = field(default_factory=set)
    articles: set[str] = field(default_factory=set)
    pages: set[str] = field(default_factory=set)
    media: set[str] = field(default_factory=set)
    generated: set[str] = field(default_factory=set)
    """Paths of generated listing pages (`hotlines/`, `kinds/clinic/`…), no leading `/`."""

    def exists(self, path: str) -> bool:
        """`path` is a site path without the leading `/` and without query/fragment."""
        if path in ("", "index.html") or path in self.generated:
            return True
        parts = path.split("/")
        if parts[0] == "media":
            return "/".join(parts[1:]) in self.media
        tail_ok = len(parts) == 2 and parts[1] in ("", "index.html") or len(parts) == 1
        if parts[0] in ("services", "regions", "articles") and len(parts) in (2, 3):
            pool = {"services": self.services, "regions": self.regions,
                    "articles": self.articles}[parts[0]]
            return parts[1] in pool and (len(parts) == 2 or parts[2] in ("", "index.html"))
        return tail_ok and parts[0] in self.pages


def slugify(text: str) -> str:
    """Heading anchor: keeps Chinese characters, letters and digits."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return re.sub(r"\s+", "-", text) or "section"


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    # markdown-it leaves `[x](javascript:…)` as plain text without a word; let every link
    # through to `_check_url`, which drops a bad scheme and tells the editor (warning).
    md.validateLink = lambda url: True
    anchors_plugin(md, min_level=2, max_level=4, slug_func=slugify)
    return md


_MD = _parser()


def render_markdown(text: str, *, path: str, body_line: int, targets: LinkTargets,
                    base_path: str, problems: Problems, field_name: str = "body") -> str:
    """Render `text` to sanitised HTML. Internal links (`/services/x/`) are
    checked against `targets` (a dangling one is an error at its line) and
    prefixed with `base_path`; other links must be http, https, tel or mailto."""
    bidi = bidi_control(text)
    if bidi is not None:
        index, message = bidi
        problems.error(path, body_line + text.count("\n", 0, index), field_name, message)
        return ""
    tokens = _MD.parse(text)
    lines = Lines(text, body_line, _MD.normalizeLinkText)  # line lookups in linear time
    checked: set[tuple[str, str]] = set()
    """(element, URL) of markdown links and images, already checked and re-based."""
    raw_lines: dict[str, int] = {}
    """href/src values of raw HTML, by the line they are on."""
    for token in tokens:
        if token.type == "html_block":
            first = lines.block(token.map, token.content.strip()[:20])
            _check_raw_html(token.content, first, path, field_name, problems)
            _raw_urls(token.content, body_line + token.map[0] if token.map else first, raw_lines)
        if token.type != "inline" or not token.children:
            continue
        for child, line in lines.children(token):
            if child.type == "html_inline":
                _check_raw_html(child.content, line, path, field_name, problems)
                _raw_urls(child.content, line, raw_lines)
            attr = "href" if child.type == "link_open" else "src" if child.type == "image" else None
            if attr is None:
                continue
            url = str(child.attrGet(attr) or "")
            if child.type == "image" and not child.content.strip():
                problems.warning(path, line, field_name, M("markdown.image_no_alt", "image {url} "
                                 "has no alt text (describe the image: ![description](/media/…))",
                                 url=url))
            if child.type == "image" and urls.parse(url).leaves_site:
                # The pages load nothing from other sites (their CSP would block it, and the
                # other site would learn who reads the page): the alt text stands instead.
                problems.warning(path, line, field_name, M("markdown.image_offsite", "image {url} "
                                 "from another site is not shown (copy the file into media/ and "
                                 "write ![…](/media/…))", url=url))
                child.content = "".join(t.content for t in child.children or []
                                        if t.type in ("text", "code_inline"))
                child.type, child.children, child.attrs = "text", None, {}
                continue
            new = _check_url(url, targets, base_path, path, line, field_name, problems)
            if new is None:
                child.attrs.pop(attr, None)
            else:
                child.attrSet(attr, new)
                checked.add(("a" if attr == "href" else "img", new))
            if child.type == "image":
                child.attrSet("loading", "lazy")
    html = _MD.renderer.render(tokens, _MD.options, {})
    if _html_depth(html) > MAX_HTML_DEPTH:
        problems.error(path, body_line, field_name, M("markdown.html_too_deep", "HTML nested too "
                       "deeply (at most {max} levels: close the tags you open)", max=MAX_HTML_DEPTH))
        return ""
    clean = nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=ALLOWED_SCHEMES,
                      link_rel="noopener noreferrer",
                      attribute_filter=_RawUrls(targets, base_path, path, field_name, problems,
                                                checked, raw_lines, body_line),
                      clean_content_tags={"script", "style", "iframe", "object", "embed",
                                          "textarea", "select", "noscript", "template"})
    # Code blocks and tables scroll inside themselves on a narrow screen (style.css):
    # a keyboard must be able to reach them to scroll them (WCAG 2.1.1).
    clean = _SCROLLER.sub(r'<\1 tabindex="0"', clean)
    # An image whose source was from another site: its alt text stands instead.
    return _SRCLESS_IMG.sub(lambda m: m.group(1) or "", clean) if "<img" in clean else clean


_SCROLLER = re.compile(r"<(pre|table)(?=[\s>])")
_SRCLESS_IMG = re.compile(r'<img(?![^>]*\ssrc=)(?:[^>]*\salt="([^"]*)")?[^>]*>')
_RAW_URL = re.compile(r"""\s(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.I)


def _raw_urls(html: str, first_line: int, found: dict[str, int]) -> None:
    """Record the line of every href/src value of raw HTML (as the sanitiser will see it:
    with character references decoded)."""
    for match in _RAW_URL.finditer(html):
        value = html_lib.unescape(next(g for g in match.groups()[1:] if g is not None))
        found.setdefault(value, first_line + html.count("\n", 0, match.start()))


class _RawUrls:
    """nh3's attribute filter: the links and images of raw HTML (`<a href>`, `<img src>`)
    get the checks of markdown links: re-based under the base path, dangling ones reported,
    only http/https/tel/mailto to other sites, and no image from another site."""

    def __init__(self, targets: LinkTargets, base_path: str, path: str, field_name: str,
                 problems: Problems, checked: set[tuple[str, str]], lines: dict[str, int],
                 fallback: int):
        self.targets, self.base_path, self.path, self.field = targets, base_path, path, field_name
        self.problems, self.checked, self.lines, self.fallback = problems, checked, lines, fallback

    def __call__(self, element: str, attribute: str, value: str) -> str | None:
        if (element, attribute) not in (("a", "href"), ("img", "src")) \
                or (element, value) in self.checked:
            return value
        line = self.lines.get(value, self.fallback)
        if element == "img" and urls.parse(value).leaves_site:
            self.problems.warning(self.path, line, self.field, M("markdown.raw_image_offsite",
                                  "raw HTML image {url} from another site is not shown (copy the "
                                  "file into media/ and write ![…](/media/…))", url=value))
            return None
        return _check_url(value, self.targets, self.base_path, self.path, line, self.field,
                          self.problems)


def _check_raw_html(html: str, line: int, path: str, field_name: str, problems: Problems) -> None:
    match = _DANGEROUS.search(html)
    if match:
        problems.warning(path, line, field_name,
                         M("markdown.raw_html_removed", "raw HTML {html!r} removed (scripts, "
                           "event handlers, iframes, forms and javascript: links are not allowed "
                           "in content)", html=match.group(0).strip()))


_PATH_SAFE = "/!$&'()*+,;=:@~"
"""Characters left as they are in a published site path (as markdown-it leaves them)."""


def _check_url(url: str, targets: LinkTargets, base_path: str, path: str, line: int,
               field_name: str, problems: Problems) -> str | None:
    """The URL to publish for a link or image written `url`, or None to drop it. It is read
    as a browser reads it (see urls.py), so `http:host`, `//host`, `\\\\host` and `/\\host`
    are other sites, and `/media/图.png` is the file 图.png."""
    parsed = urls.parse(url)
    if parsed.kind == "scheme":
        problems.warning(path, line, field_name, M("markdown.link_scheme", "link {url!r} removed "
                         "(only http, https, tel and mailto links are allowed)", url=url))
        return None
    if parsed.kind == "offsite":
        problems.warning(path, line, field_name, M("markdown.link_offsite", "link {url!r} removed "
                         "(a link to another site starts with https://)", url=url))
        return None
    if parsed.kind == "malformed":
        problems.warning(path, line, field_name, M("markdown.link_malformed", "link {url!r} "
                                                   "removed ({why})", url=url, why=parsed.why))
        return None
    if parsed.kind != "internal":
        return parsed.url  # web, contact, #anchor, or a relative link
    written, rest = re.match(r"/([^?#]*)(.*)", parsed.url, re.S).groups()
    target = unicodedata.normalize("NFC", unquote(written))
    if ".." in target.split("/"):
        problems.error(path, line, field_name, M("markdown.link_dotdot", "link {url} leaves the "
                                                 "site (no `..` in links)", url=url))
        return None
    if not targets.exists(target):
        problems.error(path, line, field_name, M("markdown.link_nothing", "link {url} points at "
                       "nothing ({expected})", url=url, expected=_expected(target)))
    # Written `/media/心理 手册.pdf` (raw HTML) or `/media/%E5%BF%83…` (markdown): one encoding.
    return base_path + quote(target, safe=_PATH_SAFE) + rest


def _expected(target: str) -> str:
    head = target.split("/")[0]
    return {
        "services": M("markdown.expect_service", "an existing service: /services/<id>/ with <id> "
                      "a file in services/"),
        "regions": M("markdown.expect_region", "an existing area: /regions/<id>/ with <id> from "
                     "regions.yaml"),
        "articles": M("markdown.expect_article", "an existing published article: /articles/<slug>/"),
        "media": M("markdown.expect_media", "a file in media/: /media/<path>"),
    }.get(head) or M("markdown.expect_page", "a page /<slug>/ from pages/, or /services/, "
                     "/regions/, /articles/, /media/ paths")

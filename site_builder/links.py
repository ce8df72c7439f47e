"""`site-builder check --external`: are the links to other sites still alive?

Collects every external http(s) URL of the content with its file and line: a service's
`website` and the links of its `description`, links in article and page bodies, and the
site's `quick_exit` target. Each distinct URL is fetched once, a few at a time (stdlib
urllib in a thread pool): HEAD first, then GET when a server refuses HEAD; redirects are
followed up to MAX_REDIRECTS; every socket operation has a timeout, and each URL a total
DEADLINE (a server that trickles its answer a byte at a time never trips the first): past
it, its connections are shut down and the link counts as dead. A dead link is a
warning (`path:line: field: link … is dead (HTTP 404)`), never an error: a site that is
down today may be back tomorrow, and the build does not depend on it.
"""
from __future__ import annotations

import http.client
import socket
import ssl
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from markdown_it import MarkdownIt

from . import urls
from .errors import Problem, Problems
from .lines import Lines
from .load import Doc, load
from .messages import M
from .urls import uri

TIMEOUT = 10.0
"""Seconds for each connect and read."""
DEADLINE = 30.0
"""Seconds for everything about one URL: HEAD, GET, redirects, however slow the bytes come."""
WORKERS = 8
"""URLs fetched at once."""
MAX_REDIRECTS = 5
USER_AGENT = "Mozilla/5.0 (compatible; site-builder link check)"
RETRY_WITH_GET = {400, 403, 404, 405, 406, 429, 500, 501, 502, 503}
"""Statuses after which a GET is tried: many servers answer HEAD badly."""


@dataclass(frozen=True)
class Link:
    url: str
    path: str
    """The content file, as shown to the editor."""
    line: int
    field: str


@dataclass(frozen=True)
class Outcome:
    url: str
    status: int | None
    """Final HTTP status (after redirects), None when no answer came."""
    error: str | None = None
    """Why there was no answer: "timed out after 10 s", "connection refused"…"""

    @property
    def dead(self) -> bool:
        return self.status is None or self.status >= 400

    def reason(self) -> str:
        if self.status is None:
            return self.error or "no answer"
        phrase = http.client.responses.get(self.status, "")
        return f"HTTP {self.status}" + (f" {phrase}" if phrase else "")


def _external(url: object) -> bool:
    """A well-formed http(s) link to another site, read as a browser reads it (urls.py);
    the other forms are removed from the pages, with a warning, and not fetched."""
    return isinstance(url, str) and urls.parse(url).kind == "web"


_MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
_MD.validateLink = lambda url: True


def markdown_links(text: str, first_line: int) -> Iterable[tuple[str, int]]:
    """External URLs of links and images in markdown `text`, with the file line of each
    (`first_line` is the line of the text's first line)."""
    lines = Lines(text, first_line, _MD.normalizeLinkText)
    for token in _MD.parse(text):
        if token.type != "inline" or not token.children:
            continue
        for child, line in lines.children(token):
            url = child.attrGet("href") if child.type == "link_open" else \
                child.attrGet("src") if child.type == "image" else None
            if _external(url):
                yield str(url), line


def _doc_links(doc: Doc, fields: tuple[str, ...], markdown_fields: tuple[str, ...]) -> Iterable[Link]:
    data = doc.data if isinstance(doc.data, dict) else {}
    for name in fields:
        if _external(data.get(name)):
            yield Link(data[name].strip(), doc.path, doc.line(name), name)
    for name in markdown_fields:
        value = data.get(name)
        if isinstance(value, str):
            for url, line in markdown_links(value, doc.line(name)):
                yield Link(url, doc.path, line, name)


def collect(content: Path) -> list[Link]:
    """Every external link of the content folder, in file order."""
    raw = load(content, Problems())  # problems are `check`'s to report
    found: list[Link] = []
    if raw.site is not None:
        found += _doc_links(raw.site, ("quick_exit",), ())
    for doc in raw.services:
        found += _doc_links(doc, ("website",), ("description",))
    for md in raw.articles + raw.pages:
        found += [Link(url, md.path, line, "body") for url, line in markdown_links(md.body, md.body_line)]
    return found


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS


class _Guard:
    """The sockets of one URL's fetch, shut down at once when its deadline passes (a read
    that is blocked on them then returns), and any opened later too."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.expired = False

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if not self.expired:
                return
        self._shut(sock)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed


class _Guarded:
    """An HTTP(S) connection that hands its socket to a `_Guard` once connected."""

    guard: _Guard

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        self.guard.add(self.sock)  # type: ignore[attr-defined]


def _guarded_handlers(guard: _Guard) -> list[urllib.request.BaseHandler]:
    http_class = type("_HTTP", (_Guarded, http.client.HTTPConnection), {"guard": guard})
    https_class = type("_HTTPS", (_Guarded, http.client.HTTPSConnection), {"guard": guard})

    class HTTP(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(http_class, req)

    class HTTPS(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(https_class, req, context=self._context)

    return [HTTP(), HTTPS()]


def _opener(guard: _Guard | None = None) -> urllib.request.OpenerDirector:
    # No ProxyHandler from the environment: a link check talks to the sites themselves.
    return urllib.request.build_opener(urllib.request.ProxyHandler({}), _Redirects(),
                                       *_guarded_handlers(guard or _Guard()))


def _uri(url: str) -> str:
    """An IRI as editors write it (`https://例子.cn/服务?q=心理`) as the ASCII URI to send."""
    return uri(url.strip(), keep_fragment=False)


def fetch(url: str, timeout: float = TIMEOUT, deadline: float = DEADLINE) -> Outcome:
    """HEAD `url`, then GET when the answer is an error that HEAD often causes; dead when
    the whole does not finish within `deadline` seconds."""
    guard = _Guard()
    result: list[Outcome] = []
    worker = threading.Thread(target=lambda: result.append(_fetch(url, timeout, guard)),
                              name="link-check", daemon=True)
    worker.start()
    worker.join(deadline)
    if result:
        return result[0]
    # Shutting the sockets down ends the blocked read; a daemon thread still connecting
    # (TLS handshake) ends by its own timeouts and never keeps the process alive.
    guard.expire()
    return Outcome(url, None, f"timed out: the answer took longer than {deadline:g} s")


def _fetch(url: str, timeout: float, guard: _Guard) -> Outcome:
    opener = _opener(guard)
    outcome = Outcome(url, None, "no answer")
    try:
        target = _uri(url)
    except ValueError as exc:
        return Outcome(url, None, f"not a valid URL: {exc}")
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(target, method=method, headers={
            "User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.8"})
        try:
            with opener.open(request, timeout=timeout) as response:
                if method == "GET":
                    response.read(1024)  # a byte of the body: the server did answer
                return Outcome(url, response.status)
        except urllib.error.HTTPError as exc:
            exc.close()
            if 300 <= exc.code < 400:  # urllib gave up following: a loop, or too many
                return Outcome(url, None, f"more than {MAX_REDIRECTS} redirects")
            outcome = Outcome(url, exc.code)
            if exc.code not in RETRY_WITH_GET:
                return outcome
        except (TimeoutError, socket.timeout):
            return Outcome(url, None, f"timed out after {timeout:g} s")
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                return Outcome(url, None, f"timed out after {timeout:g} s")
            if isinstance(reason, ConnectionRefusedError):
                return Outcome(url, None, "connection refused")
            if isinstance(reason, socket.gaierror):
                return Outcome(url, None, "host not found")
            if isinstance(reason, ssl.SSLError):
                return Outcome(url, None, f"TLS error: {getattr(reason, 'reason', None) or reason}")
            return Outcome(url, None, str(reason))
        except (http.client.HTTPException, ConnectionError, OSError, ValueError) as exc:
            outcome = Outcome(url, None, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
    return outcome


def check_links(links: list[Link], timeout: float | None = None,
                workers: int | None = None, deadline: float | None = None) -> list[Problem]:
    """Fetch each distinct URL once; a warning at every place a dead one is linked."""
    timeout, workers, deadline = timeout or TIMEOUT, workers or WORKERS, deadline or DEADLINE
    urls = sorted({link.url for link in links})
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(urls) or 1))) as pool:
        outcomes = dict(zip(urls, pool.map(lambda u: fetch(u, timeout, deadline), urls)))
    problems = Problems()
    for link in links:
        outcome = outcomes[link.url]
        if outcome.dead:
            problems.warning(link.path, link.line, link.field,
                             M("links.dead", "link {url} is dead ({why})", url=link.url,
                               why=outcome.reason()))
    return problems.warnings


def check_external(content: Path, timeout: float | None = None,
                   workers: int | None = None, deadline: float | None = None) -> list[Problem]:
    """`check --external`: warnings for the dead external links of `content`."""
    return check_links(collect(content), timeout, workers, deadline)

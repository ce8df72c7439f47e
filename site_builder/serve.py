"""Serve a built site on 127.0.0.1 under its base_url path (`/xinli/`).

The root redirects to the base path; unknown paths get the site's 404 page.

With a `Live` state (`site-builder serve`), the server also reloads open tabs: every
HTML response gets a small script that listens to server-sent events at
`<base>__reload`, and, while the last build failed, an overlay listing the content
errors above the last good site. Both are added to the response only, never to the
files on disk. Files are opened under `Live.lock`, which the builder holds while it
swaps the new output in, so a request never sees half of a swap.
"""
from __future__ import annotations

import functools
import html
import http.server
import posixpath
import sys
import threading
from pathlib import Path
from urllib.parse import parse_qs, unquote_to_bytes, urlsplit

from .messages import say
from .urls import path_text, uri

RELOAD = "__reload"
"""Path under the base path of the event stream; `.js` and `.css` are its script and style.
Site paths are lowercase slugs, so no page can take this name."""
KEEPALIVE_SECONDS = 15.0

_CLIENT_JS = b"""\
// site-builder serve: reload this page when the site is rebuilt (not in the built files).
(() => {
  const script = document.currentScript;
  const version = script.dataset.version;
  const events = new EventSource(script.src.replace(/\\.js(\\?.*)?$/, "") + "?v=" + version
                                 + "&p=" + encodeURIComponent(location.pathname));
  events.addEventListener("reload", () => { events.close(); location.reload(); });
})();
"""

_CLIENT_CSS = b"""\
/* site-builder serve: the content-error overlay (not in the built files). */
#site-builder-errors { position: fixed; inset: 0 0 auto 0; z-index: 2147483647; max-height: 60vh;
  overflow: auto; margin: 0; padding: 1rem; background: #fff4f4; color: #7a0000;
  border-bottom: 3px solid #b00020; font: 14px/1.5 monospace; box-shadow: 0 2px 8px #0004; }
#site-builder-errors h2 { margin: 0 0 .5rem; font-size: 1rem; }
#site-builder-errors pre { margin: 0; white-space: pre-wrap; }
"""


class Live:
    """What the dev server shows besides the files: a version that moves on every build
    (open tabs reload when it does) and the errors of the last build, if it failed."""

    def __init__(self, base_path: str = "/") -> None:
        self.base_path = base_path
        """Path part of base_url; follows site.yaml from build to build."""
        self.lock = threading.Lock()
        """Held by the builder while it swaps the output, and by requests opening files."""
        self.changed = threading.Condition()
        self.version = 0
        self.errors: list[str] = []
        """`path:line: field: message` lines of the last build; empty when it succeeded."""
        self.closing = False
        self.touched: dict[int, frozenset[str] | None] = {}
        """Version → the site paths it changed (None: any page), for the recent versions."""

    def publish(self, errors: list[str] | None = None, base_path: str | None = None,
                paths: set[str] | None = None) -> None:
        """A build finished (with `errors` when it failed): tell the open tabs; with
        `paths` (site paths, a quick edit's), only the tabs showing one of them."""
        with self.changed:
            if errors or self.errors:
                paths = None  # the overlay comes or goes on every page
            self.errors = list(errors or [])
            self.base_path = base_path or self.base_path
            self.version += 1
            self.touched[self.version] = None if paths is None else frozenset(paths)
            self.touched.pop(self.version - 1000, None)
            self.changed.notify_all()

    def concerns(self, seen: int, version: int, page: str | None) -> bool:
        """Whether a tab showing `page` (a site path; None: unknown) at version `seen`
        must reload for `version`."""
        if page is None:
            return True
        with self.changed:
            for v in range(seen + 1, version + 1):
                paths = self.touched.get(v)
                if paths is None or page in paths:
                    return True
        return False

    def close(self) -> None:
        """End every event stream (the server is stopping)."""
        with self.changed:
            self.closing = True
            self.changed.notify_all()

    def wait(self, seen: int, timeout: float) -> int | None:
        """The version once it differs from `seen` (or after `timeout`); None when closing."""
        with self.changed:
            self.changed.wait_for(lambda: self.version != seen or self.closing, timeout)
            return None if self.closing else self.version

    def decorate(self, body: bytes, base_path: str) -> bytes:
        """`body` (an HTML page) with the reload script and, after a failed build, the
        error overlay, just before `</body>`."""
        with self.changed:
            version, errors = self.version, list(self.errors)
        parts = [f'\n<link rel="stylesheet" href="{base_path}{RELOAD}.css">']
        if errors:
            lines = html.escape("\n".join(errors), quote=False)
            title = html.escape(say("serve.overlay_title", "Content errors: the site was not "
                                    "updated (showing the last good build)"), quote=False)
            parts.append(f'<div id="site-builder-errors" role="alert"><h2>{title}</h2>'
                         f'<pre>{lines}</pre></div>')
        parts.append(f'<script src="{base_path}{RELOAD}.js" data-version="{version}"></script>')
        extra = "\n".join(parts).encode("utf-8") + b"\n"
        at = body.lower().rfind(b"</body>")
        return body + extra if at < 0 else body[:at] + extra + body[at:]


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Maps `<base_path>x` to `<site>/x`; everything else is redirected or 404."""

    def __init__(self, *args, site: Path, base_path: str, live: Live | None = None, **kwargs):
        self.site, self.live = site, live
        self.base_path = live.base_path if live is not None else base_path
        super().__init__(*args, directory=str(site), **kwargs)

    def log_message(self, format: str, *args) -> None:  # quieter than the default
        pass

    def end_headers(self) -> None:
        if self.live is not None:  # a dev server: always show the latest build
            self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def send_head(self):
        # Both as text: the browser sends `/%E5%BF%83…/` for the base path `/心理服务/`.
        path, base = request_path(self.path), path_text(self.base_path)
        if not path.startswith(base):
            if path in ("/", "") or path + "/" == base:
                return self._redirect(base, 302)
            return self._not_found()
        inner = "/" + path[len(base):]
        if self.live is not None and inner.startswith("/" + RELOAD):
            return self._live_request(inner[1:])
        target = Path(self._file(inner))
        handle = None
        with self.live.lock if self.live is not None else _NO_LOCK:
            # Resolved and opened under the lock: a build never swaps between the two.
            is_dir = target.is_dir()
            if is_dir:
                target = target / "index.html"
            if not is_dir or path.endswith("/"):
                try:
                    handle = open(target, "rb")
                except OSError:
                    pass
        if is_dir and not path.endswith("/"):
            return self._redirect(path + "/")
        if handle is None:
            return self._not_found()
        with handle:
            body = handle.read()
        ctype = self.guess_type(str(target))
        if ctype == "text/html" and self.live is not None:
            body = self.live.decorate(body, self.base_path)
        return self._send(200, ctype, body)

    def translate_path(self, path: str) -> str:
        return self._file(request_path(path))

    def _file(self, path: str) -> str:
        """The file of a decoded site path; never outside the site."""
        path = posixpath.normpath(path)
        parts = [p for p in path.split("/") if p and p not in (".", "..")]
        return str(self.site.joinpath(*parts))

    def _redirect(self, location: str, status: int = 301):
        """Redirect to a path given as text: HTTP headers are Latin-1, so it is sent
        percent-encoded (a non-ASCII one raised in `send_header` and killed the request)."""
        self.send_response(status)
        self.send_header("Location", uri(location))
        self.send_header("Content-Length", "0")
        self.end_headers()
        return None

    def _send(self, status: int, ctype: str, body: bytes):
        if ctype.startswith("text/") or ctype in ("application/javascript", "application/json"):
            ctype += "; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return None

    def _not_found(self):
        with self.live.lock if self.live is not None else _NO_LOCK:
            try:
                body = (self.site / "404.html").read_bytes()
            except OSError:
                body = b"<!DOCTYPE html><title>Not found</title><body><p>Not found</p></body>"
        if self.live is not None:
            body = self.live.decorate(body, self.base_path)
        return self._send(404, "text/html", body)

    def _live_request(self, name: str):
        if name == RELOAD + ".js":
            return self._send(200, "text/javascript", _CLIENT_JS)
        if name == RELOAD + ".css":
            return self._send(200, "text/css", _CLIENT_CSS)
        if name == RELOAD:
            self._event_stream()
            return None
        return self._not_found()

    def _event_stream(self) -> None:
        """Server-sent events: `reload` as soon as the site's version differs from the one
        the page was served with (`?v=`), so a build that ends before the page connects
        still reloads it; a comment every few seconds keeps the connection open."""
        live = self.live
        assert live is not None
        query = parse_qs(urlsplit(self.path).query)
        try:
            seen = int(query.get("v", [""])[0])
        except ValueError:
            seen = live.version
        page = self._site_path(query.get("p", [""])[0])
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.end_headers()
        if self.command == "HEAD":
            return
        try:
            self.wfile.write(b"retry: 500\n\n")
            self.wfile.flush()
            while True:
                version = live.wait(seen, KEEPALIVE_SECONDS)
                if version is None:
                    return
                if version != seen and live.concerns(seen, version, page):
                    self.wfile.write(f"event: reload\ndata: {version}\n\n".encode("ascii"))
                    seen = version
                elif version != seen:  # a quick edit of other pages
                    seen = version
                    continue
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return  # the tab was closed or reloaded


    def _site_path(self, shown: str) -> str | None:
        """The site path (`services/x/index.html`) of a page's path as the browser shows
        it (`/xinli/services/x/`); None when unknown."""
        if not shown:
            return None
        path, base = request_path(shown), path_text(self.base_path)
        if not path.startswith(base):
            return None
        inner = path[len(base):]
        return inner + "index.html" if inner.endswith("/") or not inner else inner


def request_path(target: str) -> str:
    """The path of a request target as text. Percent-escapes are decoded as UTF-8, and so
    are raw UTF-8 bytes in the request line (which http.server has read as Latin-1)."""
    raw = urlsplit(target).path.encode("latin-1", errors="replace")
    return unquote_to_bytes(raw).decode("utf-8", errors="replace")


class _NoLock:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc) -> None:
        return None


_NO_LOCK = _NoLock()


class Server(http.server.ThreadingHTTPServer):
    """A threaded server whose request threads never keep the process alive (an open
    event stream must not stop Ctrl-C)."""

    daemon_threads = True
    block_on_close = False

    def handle_error(self, request, client_address) -> None:
        """A browser that leaves a page before it has loaded closes its connection: not an
        error worth a traceback in the editor's terminal. Anything else is reported."""
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


def make_server(site: Path, base_path: str, port: int, host: str = "127.0.0.1",
                live: Live | None = None) -> Server:
    """A server for `site` under `base_path`; with `live`, one that reloads open tabs."""
    if live is not None:
        live.base_path = base_path
    handler = functools.partial(SiteHandler, site=site.absolute(), base_path=base_path, live=live)
    return Server((host, port), handler)

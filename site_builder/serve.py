"""Serve a built site on 127.0.0.1 under its base_url path (`/xinli/`).

The root redirects to the base path; unknown paths get the site's 404 page.
"""
from __future__ import annotations

import functools
import http.server
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Maps `<base_path>x` to `<site>/x`; everything else is redirected or 404."""

    def __init__(self, *args, site: Path, base_path: str, **kwargs):
        self.site, self.base_path = site, base_path
        super().__init__(*args, directory=str(site), **kwargs)

    def log_message(self, format: str, *args) -> None:  # quieter than the default
        pass

    def send_head(self):
        path = urlsplit(self.path).path
        if not path.startswith(self.base_path):
            if path in ("/", "") or path + "/" == self.base_path:
                self.send_response(302)
                self.send_header("Location", self.base_path)
                self.end_headers()
                return None
            return self._not_found()
        inner = "/" + path[len(self.base_path):]
        target = Path(self.translate_path(inner))
        if target.is_dir() and not (target / "index.html").exists() or not target.exists():
            return self._not_found()
        self.path = inner
        return super().send_head()

    def translate_path(self, path: str) -> str:
        path = posixpath.normpath(unquote(urlsplit(path).path))
        parts = [p for p in path.split("/") if p and p not in (".", "..")]
        return str(self.site.joinpath(*parts))

    def _not_found(self):
        page = self.site / "404.html"
        body = page.read_bytes() if page.exists() else b"Not found"
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return None


def make_server(site: Path, base_path: str, port: int, host: str = "127.0.0.1"):
    handler = functools.partial(SiteHandler, site=site.absolute(), base_path=base_path)
    return http.server.ThreadingHTTPServer((host, port), handler)

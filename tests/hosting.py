"""Serve a built site the way Netlify or Cloudflare Pages would: under its base path,
with the headers its generated `_headers` file asks for, the site's 404 page for
unknown paths. Used by the CSP and Lighthouse tests (the dev server sends no such
headers)."""
from __future__ import annotations

import functools
import http.server
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from browser import running

Rules = list[tuple[str, list[tuple[str, str]]]]


def parse_headers_file(text: str) -> Rules:
    """Netlify/Cloudflare `_headers`: a path pattern, then indented `Name: value` lines."""
    rules: Rules = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            rules.append((line.strip(), []))
        else:
            name, _, value = line.strip().partition(":")
            rules[-1][1].append((name.strip(), value.strip()))
    return rules


def headers_for(rules: Rules, path: str) -> dict[str, str]:
    """Headers of every rule whose pattern matches `path` (`*` at the end: any rest)."""
    found: dict[str, str] = {}
    for pattern, pairs in rules:
        if path == pattern or pattern.endswith("*") and path.startswith(pattern[:-1]):
            found.update(pairs)
    return found


class _Handler(http.server.SimpleHTTPRequestHandler):
    base = "/"
    rules: Rules = []

    def log_message(self, format, *args):
        pass

    def translate_path(self, path):
        path = unquote(urlsplit(path).path)
        if not path.startswith(self.base):
            return str(Path(self.directory) / ".outside-the-site")  # a 404
        inner = path[len(self.base):]
        parts = [p for p in inner.split("/") if p not in ("", ".", "..")]
        return str(Path(self.directory).joinpath(*parts)) + ("/" if inner.endswith("/") else "")

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.exists():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def end_headers(self):
        for name, value in headers_for(self.rules, unquote(urlsplit(self.path).path)).items():
            self.send_header(name, value)
        super().end_headers()


@contextmanager
def serve_with_headers(site: Path, base: str):
    rules = parse_headers_file((site / "_headers").read_text(encoding="utf-8"))
    handler = type("Handler", (_Handler,), {"rules": rules, "base": base})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    with running(server) as origin:
        yield origin

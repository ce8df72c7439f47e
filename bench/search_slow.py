#!/usr/bin/env python3
"""Search on a slow link: time from Enter to the first result on screen, and the bytes
moved before it, for a built site served through a throttled local server; then the
time and bytes until the whole query is answered, and how many search bundles it used.

    python bench/generate.py --services 10000 --articles 1000 --out /tmp/bench-10k
    site-builder build --content /tmp/bench-10k --out /tmp/bench-10k-site
    python bench/search_slow.py --site /tmp/bench-10k-site --query 热线 --query 失眠
    python bench/search_slow.py --site /tmp/bench-10k-site --query 心理 --filter district=sz-futian

Chromium's own throttling does not reach Pagefind's Web Worker (../shared/README.md),
so the link is made here, in the server: one shared bandwidth budget for all requests
(default 400 kbit/s), a fixed delay before each response (default 400 ms) and gzip for
text (HTML, JS, CSS, JSON; Pagefind's index files are compressed already). Bytes are
counted as they leave the server. Two cases per query: Enter pressed at once after the
search box gets focus, and after two seconds of typing (the bundle starts loading on focus).

One line per query and case:
  first_result_s          Enter → the first result (a card or a Pagefind result) on screen
  kb_search_before_first  every search byte (Pagefind's files, the router, the first
                          cards) moved before that moment, whenever it started (focus,
                          typing or after Enter)
  before_first            the same by kind: js, wasm, entry, meta (page lists), index
                          (chunks), filter, fragment (result records), route, top (the
                          first cards of a query the site knows), page
  answered_s              Enter → the answer described and nothing more in flight
  bundles_first/bundles   search bundles fetched from before the first result / in all
  first_kept              the first result is still first when the answer is complete

Against a local server without a throttle (issue 11's "results on screen ≤ 1 s"):

    python bench/search_slow.py --site /tmp/bench-10k-site --kbps 0 --latency 0 --typing 0
"""
from __future__ import annotations

import argparse
import gzip
import mimetypes
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

TEXT = {".html", ".js", ".css", ".json", ".svg", ".xml", ".txt", ".mjs"}


class Link:
    """A shared link: bandwidth in bytes/s, spent in order by every response."""

    def __init__(self, rate: float, latency: float):
        self.rate, self.latency = rate, latency
        self.lock = threading.Lock()
        self.free_at = 0.0
        self.sent = 0
        self.log: list[tuple[float, str, int]] = []
        self.chunks: list[tuple[float, str, int]] = []
        """(time sent, path, bytes) of every piece, to count what moved before a moment."""

    def send(self, write, data: bytes, path: str = "", chunk: int = 4096) -> None:
        for i in range(0, len(data), chunk):
            part = data[i:i + chunk]
            with self.lock:
                if self.rate:
                    start = max(time.monotonic(), self.free_at)
                    self.free_at = start + len(part) / self.rate
                    done = self.free_at
                else:
                    done = 0.0
                self.sent += len(part)
            delay = done - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            write(part)
            with self.lock:
                self.chunks.append((time.monotonic(), path, len(part)))

    def before(self, moment: float, since: float = 0.0) -> dict[str, int]:
        """Bytes sent between `since` and `moment`, by kind of search file."""
        kinds: dict[str, int] = {}
        with self.lock:
            for at, path, n in self.chunks:
                if since <= at <= moment:
                    k = kind_of(path)
                    kinds[k] = kinds.get(k, 0) + n
        return kinds


def kind_of(path: str) -> str:
    """What a request fetched: Pagefind's parts by name, the router, the first cards, or
    the page itself."""
    if "/search/route/" in path:
        return "route"
    if "/search/top/" in path:
        return "top"
    if "/pagefind/" not in path:
        return "page"
    name = path.rsplit("/", 1)[1]
    for part, k in (("/fragment/", "fragment"), ("/index/", "index"), ("/filter/", "filter")):
        if part in path:
            return k
    if name.endswith(".pf_meta"):
        return "meta"
    if name.startswith("wasm."):
        return "wasm"
    if name == "pagefind-entry.json":
        return "entry"
    return "js" if name.endswith(".js") else "other"


def make_server(site: Path, base: str, link: Link) -> ThreadingHTTPServer:
    cache: dict[tuple[str, bool], bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def do_GET(self):
            path = unquote(urlsplit(self.path).path)
            if not path.startswith(base):
                self.send_error(404)
                return
            target = site / path[len(base):]
            if target.is_dir() or path.endswith("/"):
                target = target / "index.html"
            if not target.is_file():
                target, status = site / "404.html", 404
            else:
                status = 200
            zipped = "gzip" in self.headers.get("Accept-Encoding", "") and target.suffix in TEXT
            key = (str(target), zipped)
            if key not in cache:
                body = target.read_bytes()
                cache[key] = gzip.compress(body, 6) if zipped else body
            body = cache[key]
            time.sleep(link.latency)
            self.send_response(status)
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if target.suffix == ".js":
                kind = "text/javascript"
            self.send_header("Content-Type", kind + ("; charset=utf-8" if target.suffix in TEXT else ""))
            self.send_header("Content-Length", str(len(body)))
            if zipped:
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            link.log.append((time.monotonic(), path, len(body)))
            link.send(self.wfile.write, body, path)

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request, client_address):  # a closed tab mid-response
            pass

    return Server(("127.0.0.1", 0), Handler)


def base_path(site: Path) -> str:
    html = (site / "index.html").read_text(encoding="utf-8")
    match = re.search(r'<link rel="canonical" href="https?://[^/]+(/[^"]*)"', html)
    return match.group(1) if match else "/"


def measure(browser, origin: str, base: str, query: str, link: Link, typing: float,
            extra: str = "") -> dict:
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN")
    page = context.new_page()
    opened = time.monotonic()
    page.goto(f"{origin}{base}search/{'?' + extra if extra else ''}", wait_until="load", timeout=120_000)
    page_bytes = link.sent
    box = page.locator("#q")
    box.focus()
    box.fill(query)
    if typing:
        time.sleep(typing)
    before = link.sent
    start = time.monotonic()
    box.press("Enter")
    page.wait_for_selector("#search-results > li", timeout=120_000)
    shown = time.monotonic()
    seconds = shown - start
    moved = link.sent - before
    first = page.locator("#search-results > li a").first.get_attribute("href")
    # Every search byte moved before the first result, whenever it started (on page
    # load, on focus, while typing or after Enter): Pagefind's files, the router and the
    # first cards.
    kinds = link.before(shown, opened)
    search_bytes = sum(n for k, n in kinds.items() if k != "page")
    bundles_first = sorted({p.split("/pagefind/")[1].split("/")[0] for at, p, _ in link.chunks
                            if at <= shown and "/pagefind/" in p and p.split("/pagefind/")[1].count("/")})
    # The whole query: every bundle merged and the answer described (aria-busy gone).
    page.wait_for_function("() => /找到/.test(document.getElementById('search-status').textContent)"
                           " && !document.getElementById('search-results').hasAttribute('aria-busy')",
                           timeout=120_000)
    done = time.monotonic() - start
    total = link.sent - page_bytes
    final_first = page.locator("#search-results > li a").first.get_attribute("href")
    bundles = sorted({p.split("/pagefind/")[1].split("/")[0] for _, p, _ in link.log
                      if "/pagefind/" in p and p.split("/pagefind/")[1].count("/")})
    context.close()
    return {"query": query, "typing_s": typing, "first_result_s": round(seconds, 2),
            "kb_search_before_first": round(search_bytes / 1000, 1),
            "kb_after_enter": round(moved / 1000, 1),
            "answered_s": round(done, 2), "kb_query_total": round(total / 1000, 1),
            "kb_page": round(page_bytes / 1000, 1), "bundles_first": len(bundles_first),
            "bundles": len(bundles), "first": first, "first_kept": first == final_first,
            "before_first": " ".join(f"{k}:{n / 1000:.1f}" for k, n in sorted(kinds.items()))}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--site", required=True, type=Path, help="a built site folder")
    p.add_argument("--query", action="append", help="queries (default: 热线, 失眠, a street name)")
    p.add_argument("--kbps", type=float, default=400, help="shared bandwidth, kbit/s (0: unlimited)")
    p.add_argument("--latency", type=float, default=0.4, help="seconds before each response")
    p.add_argument("--log", action="store_true", help="list the requests after each search")
    p.add_argument("--filter", default="", help="URL parameters of a filter, e.g. district=sz-futian")
    p.add_argument("--typing", type=float, action="append", help="seconds of typing (default 0 and 2)")
    args = p.parse_args(argv)
    from browser import chromium
    queries = args.query or ["热线", "失眠", "抑郁"]
    base = base_path(args.site)
    for typing in args.typing or (0.0, 2.0):
        for query in queries:
            link = Link(args.kbps * 1000 / 8, args.latency)  # rate 0: no bandwidth limit
            server = make_server(args.site, base, link)
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            try:
                with chromium() as browser:
                    row = measure(browser, f"http://127.0.0.1:{server.server_address[1]}", base,
                                  query, link, typing, args.filter)
            finally:
                server.shutdown()
                server.server_close()
            print(" ".join(f"{k}={v}" for k, v in row.items()), flush=True)
            if args.log:
                for _, path, size in link.log:
                    print(f"    {size / 1000:7.1f} KB  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

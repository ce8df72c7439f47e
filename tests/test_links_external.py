"""`site-builder check --external`: dead external links are warnings with file and line.

Every URL here points at a server on 127.0.0.1 that this test starts: 200, 404, 500, a
timeout, redirects (one, a loop), HEAD refused, a Chinese path. No other host is ever
contacted (the sample site's links are only collected, never fetched)."""
from __future__ import annotations

import http.server
import threading
import time
from contextlib import contextmanager
from urllib.parse import unquote, urlsplit

import pytest

from conftest import SERVICE, article
from sitecheck import SAMPLE
from site_builder import cli, links


class _Handler(http.server.BaseHTTPRequestHandler):
    seen: list[tuple[str, str]]
    active = [0, 0]  # now, most at once
    lock = threading.Lock()

    def log_message(self, format, *args):
        pass

    def _answer(self):
        path = unquote(urlsplit(self.path).path)
        self.seen.append((self.command, path))
        with self.lock:
            self.active[0] += 1
            self.active[1] = max(self.active)
        try:
            if path.startswith("/trickle"):
                return self._trickle(path)
            if path.startswith("/slow"):
                time.sleep(2)
            elif path.startswith("/busy"):
                time.sleep(0.2)
            status, location = {
                "/ok": (200, None), "/gone": (404, None), "/broken": (500, None),
                "/moved": (301, "/ok"), "/moved-gone": (302, "/gone"), "/loop": (302, "/loop"),
                "/head-refused": (405 if self.command == "HEAD" else 200, None),
                "/服务/心理": (200, None),
            }.get(path, (200 if path.startswith(("/busy", "/slow")) else 404, None))
            body = b"<!doctype html><title>x</title>"
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command == "GET":
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with self.lock:
                self.active[0] -= 1

    def _trickle(self, path: str) -> None:
        """An answer one byte every 50 ms (each read gets a byte long before its timeout):
        the status line and headers (`/trickle-head`) or, after a HEAD refused, the body."""
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n"
        if path == "/trickle-body" and self.command == "HEAD":
            self.send_response(405)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = head if path == "/trickle-head" else head + b"x" * 100_000
        sent = 0 if path == "/trickle-head" else len(head)
        if sent:
            self.wfile.write(head)
            self.wfile.flush()
        for i in range(sent, len(data)):  # gives up when the client has gone
            time.sleep(0.05)
            self.wfile.write(data[i:i + 1])
            self.wfile.flush()

    do_GET = do_HEAD = _answer


@contextmanager
def local_server():
    handler = type("Handler", (_Handler,), {"seen": [], "active": [0, 0]})
    server_class = type("Server", (http.server.ThreadingHTTPServer,),
                        {"request_queue_size": 64, "daemon_threads": True})  # no SYN dropped
    server = server_class(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def local():
    with local_server() as (origin, handler):
        yield origin, handler


def service_with(website: str, description: str | None = None) -> str:
    text = SERVICE + f"website: {website}\n"
    if description is not None:
        text += f"description: |\n  {description}\n"
    return text


def test_dead_links_are_warnings_with_file_and_line(local, content_dir, capsys, monkeypatch):
    origin, handler = local
    monkeypatch.setattr(links, "TIMEOUT", 0.5)
    content_dir({
        "services/station.yaml": service_with(f"{origin}/ok", f"见 [网站]({origin}/gone) 和 [镜像]({origin}/moved)"),
        "services/broken.yaml": service_with(f"{origin}/broken"),
        "services/slow.yaml": service_with(f"{origin}/slow"),
        "services/moved.yaml": service_with(f"{origin}/moved-gone"),
        "services/loop.yaml": service_with(f"{origin}/loop"),
        "services/head.yaml": service_with(f"{origin}/head-refused"),
        "services/chinese.yaml": service_with(f"{origin}/服务/心理"),
        "articles/links.md": article(body=f"正文。\n\n第二段 [死链]({origin}/gone)，"
                                     f"[好链]({origin}/ok)。\n\n![图]({origin}/gone)\n"),
    })
    code = cli.main(["check", "--external"])
    out = capsys.readouterr()
    assert code == 0, out.err  # dead links are warnings: they do not fail the check
    warnings = [line for line in out.err.splitlines() if line.startswith("warning: ") and "dead" in line]
    assert warnings == [
        f"warning: content/articles/links.md:7: body: link {origin}/gone is dead (HTTP 404 Not Found)",
        f"warning: content/articles/links.md:9: body: link {origin}/gone is dead (HTTP 404 Not Found)",
        f"warning: content/services/broken.yaml:11: website: link {origin}/broken is dead "
        "(HTTP 500 Internal Server Error)",
        f"warning: content/services/loop.yaml:11: website: link {origin}/loop is dead "
        f"(more than {links.MAX_REDIRECTS} redirects)",
        f"warning: content/services/moved.yaml:11: website: link {origin}/moved-gone is dead "
        "(HTTP 404 Not Found)",
        f"warning: content/services/slow.yaml:11: website: link {origin}/slow is dead (timed out after 0.5 s)",
        f"warning: content/services/station.yaml:13: description: link {origin}/gone is dead "
        "(HTTP 404 Not Found)",
    ]
    # Each URL was asked for once (HEAD; GET only where HEAD failed), whatever its uses.
    heads = [path for method, path in handler.seen if method == "HEAD"]
    assert sorted(heads) == sorted(set(heads))
    assert ("GET", "/head-refused") in handler.seen  # refused HEAD, then a GET: alive


def test_without_external_no_link_is_fetched(local, content_dir, capsys):
    origin, handler = local
    content_dir({"services/station.yaml": service_with(f"{origin}/gone")})
    assert cli.main(["check"]) == 0
    assert handler.seen == []
    assert "dead" not in capsys.readouterr().err


def test_at_most_workers_fetches_at_once(local):
    origin, handler = local
    found = [links.Link(f"{origin}/busy/{i}", "x.yaml", 1, "website") for i in range(8)]
    start = time.perf_counter()
    assert links.check_links(found, timeout=5, workers=2) == []
    assert handler.active[1] == 2
    assert time.perf_counter() - start >= 0.2 * 8 / 2 * 0.9


def test_unreachable_and_invalid_urls_are_dead(local):
    origin, _ = local
    import socket
    with socket.socket() as s:  # a port that nothing listens on
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}/"
    found = [links.Link(closed, "a.yaml", 3, "website"), links.Link("http://", "b.yaml", 4, "website")]
    messages = [p.message for p in links.check_links(found, timeout=2)]
    assert messages[0] == f"link {closed} is dead (connection refused)"
    assert messages[1].startswith("link http:// is dead (")


def test_the_sample_links_are_collected_with_lines():
    """Collected only: the sample's links point at example.org, never fetched here."""
    found = links.collect(SAMPLE)
    websites = [f for f in found if f.field == "website"]
    assert len(websites) >= 5
    for link in found:
        assert link.url.startswith(("http://", "https://")) and link.line > 0
        source = (SAMPLE.parent / link.path).read_text(encoding="utf-8").splitlines()
        assert link.url in source[link.line - 1], link


def test_a_server_that_trickles_its_answer_meets_the_deadline(local):
    """Each read gets a byte well within its 1 s timeout, so only the total deadline per
    URL stops the fetch: both URLs are dead after ~1.5 s, not after minutes."""
    origin, handler = local
    found = [links.Link(f"{origin}/trickle-head", "a.yaml", 3, "website"),
             links.Link(f"{origin}/trickle-body", "b.yaml", 4, "website"),
             links.Link(f"{origin}/ok", "c.yaml", 5, "website")]
    start = time.perf_counter()
    messages = [p.message for p in links.check_links(found, timeout=1, deadline=1.5)]
    seconds = time.perf_counter() - start
    assert messages == [
        f"link {origin}/trickle-head is dead (timed out: the answer took longer than 1.5 s)",
        f"link {origin}/trickle-body is dead (timed out: the answer took longer than 1.5 s)",
    ]
    assert 1.5 <= seconds < 4
    assert ("GET", "/trickle-body") in handler.seen  # the body was being read when it stopped


def test_the_deadline_is_the_default_of_check_external(local, content_dir, capsys, monkeypatch):
    origin, _ = local
    monkeypatch.setattr(links, "TIMEOUT", 1)
    monkeypatch.setattr(links, "DEADLINE", 1)
    content_dir({"services/station.yaml": service_with(f"{origin}/trickle-head")})
    start = time.perf_counter()
    assert cli.main(["check", "--external"]) == 0
    assert time.perf_counter() - start < 5
    assert (f"content/services/station.yaml:11: website: link {origin}/trickle-head is dead "
            "(timed out: the answer took longer than 1 s)") in capsys.readouterr().err

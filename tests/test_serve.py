"""`site-builder serve`: live reload, the error overlay, recovery, deletion, Ctrl-C; and
the pieces it is made of (the watcher's debounce, the served-only additions)."""
from __future__ import annotations

import http.client
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import quote
from urllib.request import HTTPRedirectHandler, build_opener, urlopen

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from sitecheck import SAMPLE, TODAY, copy_content
from site_builder.build import build
from site_builder.serve import Live, make_server
from site_builder.watch import Rebuilder, is_editor_noise
from test_incremental import assert_same_tree, set_line

BASE = "/xinli/"
STATION = "services/futian-huafu-station.yaml"
STATION_PAGE = BASE + "services/futian-huafu-station/"


class Served:
    """A `site-builder serve` process: its output lines, its URL, its event stream."""

    def __init__(self, content: Path, out: Path, cache: Path, startup: float = 60):
        env = {**os.environ, "SITE_BUILDER_TODAY": TODAY.isoformat(), "PYTHONUNBUFFERED": "1"}
        env.pop("CI", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "site_builder", "serve", "--content", str(content),
             "--out", str(out), "--cache", str(cache), "--port", "0"],
            cwd=content.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, start_new_session=True)
        self.lines: list[str] = []
        self._new = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        found = self.wait_for(r"serving .* at (http://127\.0\.0\.1:\d+)/xinli/", timeout=startup)
        self.origin = re.search(r"http://127\.0\.0\.1:\d+", found).group(0)
        self.events: queue.Queue[str] = queue.Queue()

    def _read(self) -> None:
        for line in self.proc.stdout:
            with self._new:
                self.lines.append(line.rstrip("\n"))
                self._new.notify_all()

    def wait_for(self, pattern: str, timeout: float = 30, start: int = 0) -> str:
        """The first output line from `start` on that matches `pattern`."""
        deadline = time.monotonic() + timeout
        with self._new:
            while True:
                for line in self.lines[start:]:
                    if re.search(pattern, line):
                        return line
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise AssertionError(f"no line like {pattern!r} in:\n" + "\n".join(self.lines))
                self._new.wait(left)

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urlopen(self.origin + path, timeout=10) as response:
                return response.status, response.read().decode("utf-8")
        except HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def listen(self, version: str, page: str | None = None) -> None:
        """Follow the event stream in the background, as `page` served at `version` would."""
        conn = http.client.HTTPConnection(self.origin.removeprefix("http://"), timeout=60)
        conn.request("GET", f"{BASE}__reload?v={version}" + (f"&p={quote(page)}" if page else ""))
        response = conn.getresponse()
        assert response.status == 200
        assert response.getheader("Content-Type").startswith("text/event-stream")

        def read() -> None:
            try:
                for raw in response:
                    line = raw.decode("utf-8").rstrip("\n")
                    if line.startswith("event: "):
                        self.events.put(line.removeprefix("event: "))
            except OSError:
                pass

        threading.Thread(target=read, daemon=True).start()

    def next_event(self, timeout: float = 30) -> str:
        return self.events.get(timeout=timeout)

    def stop(self, timeout: float = 30) -> tuple[int, str]:
        """Ctrl-C; the exit status and everything the process printed."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        time.sleep(0.1)  # let the reader thread take the last lines
        return code, "\n".join(self.lines)


@pytest.fixture
def serve(tmp_path):
    started: list[Served] = []

    def start(content: Path, startup: float = 60) -> Served:
        served = Served(content, tmp_path / "build", tmp_path / "cache", startup)
        started.append(served)
        return served

    yield start
    for served in started:
        if served.proc.poll() is None:
            served.proc.kill()
            served.proc.wait()


def page_version(page: str) -> str:
    return re.search(r'__reload\.js" data-version="(\d+)"', page).group(1)


def overlay(page: str) -> str | None:
    node = HTMLParser(page).css_first("#site-builder-errors pre")
    return None if node is None else node.text()


def test_serve_reloads_shows_errors_recovers_and_stops(tmp_path, serve):
    content = copy_content(SAMPLE, tmp_path / "content")
    served = serve(content)

    # The root redirects to the base path; pages carry the reload script, the files do not.
    no_redirect = build_opener(type("NoRedirect", (HTTPRedirectHandler,),
                                    {"redirect_request": lambda *a: None}))
    with pytest.raises(HTTPError) as redirect:
        no_redirect.open(served.origin + "/", timeout=10)
    assert (redirect.value.code, redirect.value.headers["Location"]) == (302, BASE)
    status, page = served.get(STATION_PAGE)
    assert status == 200 and "华富街道心理服务站" in page and overlay(page) is None
    on_disk = (tmp_path / "build" / "services/futian-huafu-station/index.html").read_text("utf-8")
    assert "__reload" not in on_disk and "__reload" in page
    served.listen(page_version(page), STATION_PAGE)

    # A change: one reload event, and the page shows it.
    first = len(served.lines)
    set_line(content / STATION, "name", "华富街道心理服务站（新址）")
    assert served.next_event() == "reload"
    built = served.wait_for(r"^built .* in [\d.]+ s: .*incremental: \d+ rendered", start=first)
    status, page = served.get(STATION_PAGE)
    assert status == 200 and "华富街道心理服务站（新址）" in page
    # The pages went live first, with the last search bundle; then search caught up.
    assert "search being updated" in built, built
    served.wait_for(r"^search updated in [\d.]+ s: \d+ pages indexed", start=first)

    # A content error: the terminal and the overlay show the same line; the last good
    # site is still served.
    mark = len(served.lines)
    set_line(content / STATION, "kind", "nonsense")
    assert served.next_event() == "reload"
    error = served.wait_for(r"futian-huafu-station\.yaml:\d+: kind: ", start=mark)
    assert error.startswith("content/services/futian-huafu-station.yaml:2: kind: 'nonsense'")
    status, page = served.get(STATION_PAGE)
    assert status == 200 and "华富街道心理服务站（新址）" in page
    assert overlay(page) == error
    assert overlay(served.get(BASE)[1]) == error  # on every page
    assert overlay(served.get(BASE + "no/such/page/")[1]) == error  # the 404 page too

    # Fixed: the overlay is gone and the new content is served.
    station = content / STATION
    text = station.read_text(encoding="utf-8")
    station.write_text(text.replace("kind: nonsense", "kind: service_station")
                       .replace("华富街道心理服务站（新址）", "华富心理驿站"), encoding="utf-8")
    assert served.next_event() == "reload"
    status, page = served.get(STATION_PAGE)
    assert status == 200 and "华富心理驿站" in page and overlay(page) is None

    # A deleted record's page is gone.
    (content / STATION).unlink()
    assert served.next_event() == "reload"
    assert served.get(STATION_PAGE)[0] == 404

    # Ctrl-C: a clean stop, and the files on disk are those of a clean build.
    code, output = served.stop()
    assert code == 0, output
    assert "Traceback" not in output and output.endswith("stopped")
    build(content, tmp_path / "clean", TODAY)
    assert_same_tree(tmp_path / "build", tmp_path / "clean")


def test_an_editor_save_is_one_rebuild_and_temp_files_none(tmp_path, serve):
    content = copy_content(SAMPLE, tmp_path / "content")
    served = serve(content)
    services = content / "services"
    noise = [services / name for name in (".futian-huafu-station.yaml.swp", "4913",
                                          "futian-huafu-station.yaml~", "#futian-huafu-station.yaml#")]
    for path in noise:
        path.write_text("garbage: [", encoding="utf-8")
    for path in noise:  # editors remove them (the loader would refuse some)
        path.unlink()
    time.sleep(1.0)
    assert not any("change detected" in line for line in served.lines), served.lines
    mark = len(served.lines)
    for name in ("futian-huafu-station.yaml", "futian-xiasha-room.yaml", "luohu-cuizhu-station.yaml"):
        path = services / name
        set_line(path, "name", get_name(path) + "甲")
        time.sleep(0.05)
    served.wait_for(r"^built ", start=mark)
    time.sleep(0.8)
    assert sum("change detected" in line for line in served.lines[mark:]) == 1, served.lines[mark:]
    code, output = served.stop()
    assert code == 0 and "Traceback" not in output


def get_name(path: Path) -> str:
    return re.search(r"(?m)^name: (.*)$", path.read_text(encoding="utf-8")).group(1)


def test_a_first_build_that_fails_still_serves_the_errors(tmp_path, serve):
    content = copy_content(SAMPLE, tmp_path / "content")
    set_line(content / STATION, "kind", "nonsense")
    served = serve(content)
    status, page = served.get(STATION_PAGE)
    assert status == 404 and "kind: 'nonsense'" in overlay(page)
    set_line(content / STATION, "kind", "service_station")
    served.wait_for(r"^built ")
    status, page = served.get(STATION_PAGE)
    assert status == 200 and overlay(page) is None
    code, output = served.stop()
    assert code == 0 and "Traceback" not in output


# ------------------------------------------------------------------ the pieces

def test_editor_noise():
    for name in (".x.yaml.swp", "x.yaml~", "4913", "#x.yaml#", ".#x.yaml", "x.yaml.tmp",
                 "x.yaml___jb_tmp___", ".git/index", "services/.hidden.yaml"):
        assert is_editor_noise(name), name
    for name in ("services/x.yaml", "articles/sleep.en.md", "site.yaml", "media/a.png"):
        assert not is_editor_noise(name), name


def test_rebuilder_debounces_a_burst_into_one_build(tmp_path):
    calls = []
    rebuilder = Rebuilder(lambda: calls.append(time.monotonic()), [tmp_path],
                          ignore=[tmp_path / "build"], quiet=0.2)
    rebuilder.start()
    try:
        for i in range(3):
            (tmp_path / f"{i}.yaml").write_text("x", encoding="utf-8")
            time.sleep(0.05)
        (tmp_path / "build").mkdir()
        (tmp_path / "build" / "page.html").write_text("x", encoding="utf-8")
        deadline = time.monotonic() + 5
        while not calls and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        assert len(calls) == 1
        (tmp_path / "0.yaml").unlink()
        time.sleep(0.6)
        assert len(calls) == 2
    finally:
        assert rebuilder.stop(timeout=5)


def test_served_additions_go_before_body_end():
    live = Live("/xinli/")
    page = b"<html><body><p>x</p></body></html>"
    plain = live.decorate(page, "/xinli/")
    assert plain.startswith(b"<html><body><p>x</p>\n<link") and plain.endswith(b"</body></html>")
    assert b"site-builder-errors" not in plain and b'data-version="0"' in plain
    live.publish(["content/services/x.yaml:2: kind: 'a' & <b>"])
    shown = live.decorate(page, "/xinli/").decode("utf-8")
    assert overlay(shown) == "content/services/x.yaml:2: kind: 'a' & <b>"
    assert 'data-version="1"' in shown


def test_a_plain_server_adds_nothing(tmp_path):
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text("<body>a</body>", encoding="utf-8")
    server = make_server(site, "/xinli/", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        origin = f"http://127.0.0.1:{server.server_address[1]}"
        with urlopen(origin + "/xinli/a/", timeout=10) as response:
            assert response.read() == b"<body>a</body>"
        with pytest.raises(HTTPError) as missing:
            urlopen(origin + "/xinli/__reload", timeout=10)
        assert missing.value.code == 404
    finally:
        server.shutdown()
        server.server_close()


def test_a_visitor_leaving_mid_page_prints_no_traceback(tmp_path, capsys):
    """A browser that closes its connection before a page has been sent (a tab closed, a
    page left while it loads) is normal; the editor's terminal shows no traceback. Other
    errors in a request still do."""
    site = tmp_path / "site"
    site.mkdir()
    server = make_server(site, "/xinli/", 0)
    try:
        for gone in (BrokenPipeError(32, "Broken pipe"), ConnectionResetError(104, "reset")):
            try:
                raise gone
            except OSError:
                server.handle_error(None, ("127.0.0.1", 5000))
        assert capsys.readouterr().err == ""
        try:
            raise ValueError("a real bug")
        except ValueError:
            server.handle_error(None, ("127.0.0.1", 5000))
        assert "ValueError: a real bug" in capsys.readouterr().err
    finally:
        server.server_close()


def test_a_browser_tab_reloads_itself_and_shows_the_overlay(tmp_path, serve):
    """The served-only script in a real browser, under the pages' Content Security Policy."""
    from browser import chromium

    content = copy_content(SAMPLE, tmp_path / "content")
    served = serve(content)
    with chromium() as browser:
        page = browser.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(served.origin + STATION_PAGE)
        page.wait_for_timeout(300)  # the event stream connects
        set_line(content / STATION, "name", "华富心理驿站")
        page.wait_for_function("() => document.querySelector('h1').textContent === '华富心理驿站'",
                               timeout=30_000)
        set_line(content / STATION, "kind", "nonsense")
        page.wait_for_selector("#site-builder-errors", state="visible", timeout=30_000)
        assert "kind: 'nonsense'" in page.locator("#site-builder-errors pre").text_content()
        assert page.locator("h1").text_content() == "华富心理驿站"  # the last good page
        set_line(content / STATION, "kind", "service_station")
        page.wait_for_selector("#site-builder-errors", state="detached", timeout=30_000)
        assert problems == []


# ------------------------------------------------- a replaced folder, a non-ASCII base

def test_a_content_folder_replaced_anew_is_still_watched(tmp_path, serve):
    """Unzipping a fresh copy (delete, make anew) or moving another folder in its place
    left the watch on the old inode: no rebuild ever came again."""
    content = copy_content(SAMPLE, tmp_path / "content")
    served = serve(content)
    status, page = served.get(STATION_PAGE)
    served.listen(page_version(page))

    shutil.rmtree(content)  # as `rm -r content && unzip content.zip`
    copy_content(SAMPLE, content)
    set_line(content / STATION, "name", "解压后的服务站")
    assert served.next_event() == "reload"
    assert "解压后的服务站" in served.get(STATION_PAGE)[1]
    set_line(content / STATION, "name", "解压后再改")  # the new folder is watched
    assert served.next_event() == "reload"
    assert "解压后再改" in served.get(STATION_PAGE)[1]

    content.rename(tmp_path / "content.old")  # as `mv content content.old && mv new content`
    fresh = copy_content(SAMPLE, tmp_path / "fresh")
    set_line(fresh / STATION, "name", "换进来的服务站")
    fresh.rename(content)
    assert served.next_event() == "reload"
    deadline = time.monotonic() + 30  # the rename may come as two bursts: wait for the last
    while "换进来的服务站" not in served.get(STATION_PAGE)[1] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "换进来的服务站" in served.get(STATION_PAGE)[1]
    mark = len(served.lines)
    set_line(tmp_path / "content.old" / STATION, "name", "旧文件夹")  # not watched any more
    set_line(content / STATION, "name", "换进来后再改")
    served.wait_for(r"^built ", start=mark)
    assert "换进来后再改" in served.get(STATION_PAGE)[1]
    code, output = served.stop()
    assert code == 0 and "Traceback" not in output


NON_ASCII = "/心理服务/"
ENCODED = quote(NON_ASCII)


def raw_get(origin: str, target: str) -> tuple[int, dict[str, str], bytes]:
    """A request with `target` sent as it is (http.client would refuse raw UTF-8)."""
    conn = http.client.HTTPConnection(origin.removeprefix("http://"), timeout=10)
    conn.putrequest("GET", "/", skip_accept_encoding=True)  # replaced below
    conn._buffer[0] = b"GET " + target.encode("utf-8") + b" HTTP/1.1"
    conn.endheaders()
    response = conn.getresponse()
    try:
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


@pytest.mark.parametrize("live", [False, True])
def test_a_non_ascii_base_path_is_served(tmp_path, live, capfd):
    """`base_url: https://example.org/心理服务/`: browsers ask for `/%E5%BF%83…/`; the
    server answered 404, and its redirect to the base path (a non-Latin-1 Location
    header) raised in the request handler."""
    content = copy_content(SAMPLE, tmp_path / "content", base_url="https://example.org" + NON_ASCII)
    out = tmp_path / "out"
    build(content, out, TODAY, index=False)
    server = make_server(out, NON_ASCII, 0, live=Live(NON_ASCII) if live else None)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        status, headers, _ = raw_get(origin, "/")
        assert (status, headers["Location"]) == (302, ENCODED)
        status, _, body = raw_get(origin, ENCODED + "services/futian-huafu-station/")
        assert status == 200 and "华富街道心理服务站" in body.decode("utf-8")
        status, _, body = raw_get(origin, NON_ASCII + "services/futian-huafu-station/")  # raw UTF-8
        assert status == 200 and "华富街道心理服务站" in body.decode("utf-8")
        status, headers, _ = raw_get(origin, ENCODED + "services")
        assert (status, headers["Location"]) == (301, ENCODED + "services/")
        status, headers, _ = raw_get(origin, ENCODED[:-1])
        assert (status, headers["Location"]) == (302, ENCODED)
        assert raw_get(origin, ENCODED + "no/such/")[0] == 404
        with urlopen(origin + "/", timeout=10) as response:  # as a browser follows it
            assert response.status == 200 and response.url == origin + ENCODED
        if live:
            page = raw_get(origin, ENCODED)[2].decode("utf-8")
            assert f'src="{NON_ASCII}__reload.js"' in page
            status, _, script = raw_get(origin, ENCODED + "__reload.js")
            assert status == 200 and b"EventSource" in script
    finally:
        server.shutdown()
        server.server_close()
    assert "Traceback" not in capfd.readouterr().err


def test_machine_read_urls_of_a_non_ascii_base_are_percent_encoded(tmp_path):
    content = copy_content(SAMPLE, tmp_path / "content", base_url="https://例子.cn" + NON_ASCII)
    out = tmp_path / "out"
    build(content, out, TODAY, index=False)
    origin = "https://xn--fsqu00a.cn" + ENCODED
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    locs = re.findall(r"<loc>([^<]*)</loc>", sitemap)
    assert locs and all(loc.isascii() and loc.startswith(origin) for loc in locs)
    assert f"<loc>{origin}services/futian-huafu-station/</loc>" in sitemap
    assert f"Sitemap: {origin}sitemap.xml" in (out / "robots.txt").read_text(encoding="utf-8")
    page = (out / "services/futian-huafu-station/index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{origin}services/futian-huafu-station/">' in page
    # Links inside the pages stay readable IRIs, which browsers encode themselves.
    assert f'href="{NON_ASCII}services/' in page
    # Netlify and Cloudflare Pages get the rules for the path as written and as requested.
    rules = (out / "_headers").read_text(encoding="utf-8").splitlines()
    assert f"{NON_ASCII}*" in rules and f"{ENCODED}*" in rules and f"{ENCODED}static/*" in rules


# ------------------------------------------------------------------ quick edits at scale

GENERATE = Path(__file__).resolve().parent.parent / "bench" / "generate.py"


def test_a_quick_edit_of_a_generated_site_is_on_its_page_and_found_by_search(tmp_path, serve):
    """1,200 generated services: an edited record's page shows the edit after a quick edit
    (its pages only, not the site), search finds the new name in Chromium, a broken edit
    shows its error and keeps the page, and a deleted record's page is gone."""
    from browser import chromium

    content = tmp_path / "content"
    subprocess.run([sys.executable, str(GENERATE), "--services", "1200", "--out", str(content)],
                   check=True, capture_output=True)
    served = serve(content, startup=600)
    served.wait_for(r"^ready for quick edits", timeout=300)
    record = sorted((content / "services").glob("*-room.yaml"))[100]
    sid = record.stem
    page_path = f"{BASE}services/{sid}/"
    status, page = served.get(page_path)
    assert status == 200
    served.listen(page_version(page), page_path)

    mark = len(served.lines)
    set_line(record, "name", '"听风社区心理咨询室"')
    assert served.next_event() == "reload"
    built = served.wait_for(r"^built .* incremental: (\d+) rendered", start=mark)
    assert int(re.search(r"incremental: (\d+) rendered", built).group(1)) < 300, built  # of ~7,000
    assert "听风社区心理咨询室" in served.get(page_path)[1]
    assert "听风社区心理咨询室" in served.get(f"{BASE}elder/services/{sid}/")[1]
    searched = served.wait_for(r"^search updated in [\d.]+ s: \d+ pages indexed", start=mark, timeout=300)
    with chromium() as browser:
        tab = browser.new_page()
        tab.goto(f"{served.origin}{BASE}search/?q=听风社区心理咨询室")
        tab.wait_for_selector("#search-results li a[href*='/services/']", timeout=30_000)
        first = tab.eval_on_selector("#search-results li a[href*='/services/']", "e => e.href")
        assert first.endswith(f"/services/{sid}/"), (first, searched)

    # A broken edit: the error at its line in the terminal and on the page; the page as it was.
    mark = len(served.lines)
    set_line(record, "kind", "nonsense")
    assert served.next_event() == "reload"
    error = served.wait_for(rf"{sid}\.yaml:\d+: kind: ", start=mark)
    assert error.startswith(f"content/services/{sid}.yaml:2: kind: 'nonsense'"), error
    status, page = served.get(page_path)
    assert status == 200 and "听风社区心理咨询室" in page and overlay(page) == error

    set_line(record, "kind", "counseling_room")  # mended
    assert served.next_event() == "reload"
    status, page = served.get(page_path)
    assert status == 200 and overlay(page) is None

    mark = len(served.lines)
    record.unlink()  # deleted: its page and its mirror are gone
    assert served.next_event() == "reload"
    assert served.get(page_path)[0] == 404
    assert served.get(f"{BASE}elder/services/{sid}/")[0] == 404
    served.wait_for(r"^open data updated", start=mark, timeout=300)
    code, output = served.stop(timeout=300)  # (a loaded machine's Pagefind may still run)
    assert code == 0 and "Traceback" not in output

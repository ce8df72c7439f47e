"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, and a
local server for a built site. Never `playwright install`: it downloads."""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from site_builder.serve import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
"""Debian's chromium here and in CI; GitHub's Ubuntu runners point CHROMIUM_PATH at their Chrome."""
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]


def require_chromium() -> None:
    """Skip where Chromium is missing, except in CI, where that is a failure."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI (.ci/run must install Debian's chromium)")
        pytest.skip(f"{CHROMIUM} is not installed (bash scripts/setup.sh test installs it)")


@contextmanager
def running(server):
    """Run an http.server in a thread; yields its origin, stops it afterwards."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def serve(site: Path, base_path: str):
    with running(make_server(site, base_path, 0)) as origin:
        yield origin


@contextmanager
def chromium():
    require_chromium()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()

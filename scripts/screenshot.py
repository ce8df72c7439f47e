"""Take the README's screenshot of the sample site in headless Chromium.

Usage: .venv/bin/python scripts/screenshot.py [--page services/x/] [--out docs/screenshot.png]
Builds nothing: run `site-builder build` first. Uses Debian's /usr/bin/chromium.
"""
from __future__ import annotations

import argparse
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

from site_builder.serve import make_server


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--site", default="build")
    p.add_argument("--base", default="/xinli/")
    p.add_argument("--page", default="")
    p.add_argument("--out", default="docs/screenshot.png")
    p.add_argument("--width", type=int, default=390)
    p.add_argument("--full", action="store_true")
    args = p.parse_args()
    server = make_server(Path(args.site), args.base, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}{args.base}{args.page}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": args.width, "height": 844}, device_scale_factor=2)
        page.goto(url)
        page.screenshot(path=args.out, full_page=args.full)
        browser.close()
    server.shutdown()
    print(f"wrote {args.out} from {url}")


if __name__ == "__main__":
    main()

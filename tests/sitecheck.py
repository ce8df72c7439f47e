"""Helpers shared by the build and browser tests: build a content folder once,
read the pages back, and walk every link."""
from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from site_builder.build import build

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content"
REAL = ROOT.parent / "shared" / "data" / "real-cn"
TODAY = date(2026, 11, 25)


def require_real() -> Path:
    """The real published data (../shared/data/real-cn). CI always has it beside the
    clone, so there its absence is a failure; elsewhere the test is skipped."""
    if not REAL.is_dir():
        message = f"{REAL} is absent (the shared/ folder must sit beside the project)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return REAL


def copy_content(source: Path, target: Path, base_url: str | None = None) -> Path:
    shutil.copytree(source, target)
    if base_url is not None:
        site = target / "site.yaml"
        lines = [f"base_url: {base_url}" if line.startswith("base_url:") else line
                 for line in site.read_text(encoding="utf-8").splitlines()]
        site.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def build_site(content: Path, out: Path, index: bool = True) -> Path:
    build(content, out, today=TODAY, index=index)
    return out


def html_pages(site: Path) -> dict[str, HTMLParser]:
    return {p.relative_to(site).as_posix(): HTMLParser(p.read_text(encoding="utf-8"))
            for p in sorted(site.rglob("*.html")) if "pagefind" not in p.parts}


def resolve(site: Path, base_path: str, url: str) -> Path | None:
    """The file a site URL points at, or None when it leaves the base path."""
    path = urlsplit(url).path
    if not path.startswith(base_path):
        return None
    inner = path[len(base_path):]
    target = site / inner
    if inner == "" or inner.endswith("/"):
        target = target / "index.html"
    return target


def broken_links(site: Path, base_path: str) -> list[str]:
    """Every href/src in every page that does not lead to a file of the site."""
    broken = []
    indexed = (site / "pagefind").is_dir()
    for name, tree in html_pages(site).items():
        for node in tree.css("a[href], link[href], script[src], img[src]"):
            url = node.attributes.get("href") or node.attributes.get("src") or ""
            scheme = urlsplit(url).scheme
            if scheme in ("http", "https", "tel", "mailto", "geo") or url.startswith("#"):
                continue
            if not indexed and url.startswith(base_path + "pagefind/"):
                continue  # built with index=False: the search page's preloads of Pagefind
            target = resolve(site, base_path, url)
            if target is None or not target.is_file():
                broken.append(f"{name}: {url}")
    return broken

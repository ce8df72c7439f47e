"""Every service can be reached by browsing: long lists are also published whole, in pages.

The crowded site below has what used to be dead ends: a district without sub-areas
holding 230 counselling rooms (its page showed 12 and said "choose a sub-area above"),
a kind list of 350 and an audience list of 490 (both summarised). Generated content
(bench/generate.py, 1,000 services in a province) is the other case.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from collections import deque
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from conftest import REGIONS, SITE, write_content
from sitecheck import ROOT, TODAY, broken_links
from site_builder import paging, render
from site_builder.build import build
from tools import VNU_JAR, require

BASE = "/xinli/"
CROWDED_REGIONS = """\
- id: city
  name: 测试市
  level: city
  children:
    - {id: leaf, name: 独立区, level: district}
    - id: tree
      name: 分区
      level: district
      children:
        - {id: north, name: 北街道, level: street}
        - {id: south, name: 南街道, level: street}
"""


def crowded_files() -> dict[str, str]:
    files = {"regions.yaml": CROWDED_REGIONS, "services/station.yaml": None}
    kinds = ["counseling_room", "service_station", "clinic", "organization"]
    places = [("leaf", 230, lambda i: "counseling_room"), ("north", 130, lambda i: kinds[i % 4]),
              ("south", 130, lambda i: kinds[(i + 1) % 4])]
    n = 0
    for region, count, kind in places:
        for i in range(count):
            n += 1
            files[f"services/s{n:03d}.yaml"] = (
                f"name: {region}第{i:03d}心理服务点\nkind: {kind(i)}\nregion: {region}\n"
                f"address: 测试市测试路 {n} 号\nlocation: {{lat: 22.54, lon: 114.05, crs: gcj02}}\n"
                f'phones: ["0755-5550{n:04d}"]\nhours: 24/7\naudiences: [students]\n'
                "verified: 2026-11-01\n")
    return files


@pytest.fixture(scope="module")
def crowded(tmp_path_factory) -> Path:
    content = write_content(tmp_path_factory.mktemp("crowded"), crowded_files())
    out = content.parent / "out"
    build(content, out, TODAY, index=False)
    return out


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("generated")
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--services", "1000",
                    "--out", str(root / "content")], check=True, capture_output=True)
    build(root / "content", root / "out", TODAY, index=False)
    return root / "out"


def read(site: Path, path: str) -> HTMLParser:
    return HTMLParser((site / path).read_text(encoding="utf-8"))


def crawl(site: Path) -> set[str]:
    """Every page reached from the home page by following links (no script, no search)."""
    seen, queue = {"index.html"}, deque(["index.html"])
    while queue:
        tree = read(site, queue.popleft())
        for a in tree.css("main a[href], header a[href]"):
            url = urlsplit(a.attributes["href"])
            if url.scheme or not url.path.startswith(BASE) or url.path.startswith(BASE + "search"):
                continue
            inner = url.path[len(BASE):]
            path = inner + "index.html" if inner == "" or inner.endswith("/") else inner
            if path.endswith(".html") and path not in seen and (site / path).is_file():
                seen.add(path)
                queue.append(path)
    return seen


def service_pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in (site / "services").glob("*/index.html")}


def list_pages(site: Path, folder: str) -> list[str]:
    found = sorted((site / folder / "page").glob("*/index.html"), key=lambda p: int(p.parent.name))
    return [p.relative_to(site).as_posix() for p in found]


def card_links(tree: HTMLParser) -> list[str]:
    return [a.attributes["href"] for a in tree.css("main .card-title a")]


# ------------------------------------------------------------------ reachability

def test_every_service_is_reachable_by_following_links_from_home(crowded):
    assert len(service_pages(crowded)) == 490
    assert service_pages(crowded) - crawl(crowded) == set()


def test_every_service_of_a_generated_province_is_reachable(generated):
    assert len(service_pages(generated)) == 1000
    assert service_pages(generated) - crawl(generated) == set()
    assert broken_links(generated, BASE) == []


def test_no_area_sends_residents_to_sub_areas_it_does_not_have(crowded, generated):
    for site in (crowded, generated):
        for path in (site / "regions").glob("*/index.html"):
            tree = HTMLParser(path.read_text(encoding="utf-8"))
            if tree.css_first("#sub-h") is None:
                assert "上方的下辖地区" not in tree.css_first("main").text(), path


def test_area_without_sub_areas_leads_to_every_service(crowded):
    summary = read(crowded, "regions/leaf/index.html")
    assert len(card_links(summary)) == render.GROUP_CAP
    more = summary.css_first("main p.more")
    assert more.text(strip=True).startswith("另有 218 个未在此列出")
    assert "上方的下辖地区" not in more.text()
    # The link goes to the page with the 13th counselling room, at the kind's heading.
    link = more.css_first("a").attributes["href"]
    assert link == f"{BASE}regions/leaf/page/1/#k-counseling_room"
    pages = list_pages(crowded, "regions/leaf")
    assert len(pages) == 6  # 230 services, 40 a page
    shown = [href for p in pages for href in card_links(read(crowded, p))]
    first_page = card_links(read(crowded, pages[0]))
    assert card_links(summary)[-1] == first_page[render.GROUP_CAP - 1]
    assert first_page[render.GROUP_CAP].startswith(f"{BASE}services/")
    assert len(shown) == len(set(shown)) == 230


def test_full_list_is_the_list_in_order_a_page_at_a_time(crowded):
    pages = list_pages(crowded, "audiences/students")
    assert len(pages) == 13  # 490 services
    cards = [(p, href) for p in pages for href in card_links(read(crowded, p))]
    assert all(sum(1 for page, _ in cards if page == p) <= paging.PAGE_SIZE for p in pages)
    # Grouped by kind as on the summary page, in the vocabulary's order, each exactly once.
    kinds = [read(crowded, p).css_first(f'main a[href="{href}"]').parent.parent
             .attributes["data-kind"] for p, href in cards]
    order = ["service_station", "counseling_room", "clinic", "organization"]
    assert [k for i, k in enumerate(kinds) if i == 0 or kinds[i - 1] != k] == order
    assert len({href for _, href in cards}) == 490


def test_a_kind_continued_from_the_previous_page_says_so(crowded):
    # 66 service stations, then 295 counselling rooms: page 2 ends the stations and
    # starts the rooms, page 3 goes on with them.
    def headings(n):
        return [h.text(strip=True) for h in read(crowded, f"regions/city/page/{n}/index.html").css("main h2")]
    assert headings(1) == ["心理服务站（66）"]
    assert headings(2) == ["心理服务站（66，续前页）", "心理咨询室（295）"]
    assert headings(3) == ["心理咨询室（295，续前页）"]


def test_pager_has_numbers_previous_next_and_marks_this_page(crowded):
    tree = read(crowded, "audiences/students/page/7/index.html")
    nav = tree.css_first('main nav.list-pager[aria-label="分页"]')
    assert nav is not None
    current = nav.css_first('a[aria-current="page"]')
    assert current.text(strip=True) == "第7页" and current.attributes["href"] == f"{BASE}audiences/students/page/7/"
    assert nav.css_first('a[rel="prev"]').attributes["href"] == f"{BASE}audiences/students/page/6/"
    assert nav.css_first('a[rel="next"]').attributes["href"] == f"{BASE}audiences/students/page/8/"
    numbers = [a.text(strip=True) for a in nav.css("a:not([rel])")]
    assert numbers == ["第1页", "第6页", "第7页", "第8页", "第13页"]
    assert "第 241–280 个" in tree.css_first("main").text()
    last = read(crowded, "audiences/students/page/13/index.html").css_first("nav.list-pager")
    assert last.css_first('a[rel="next"]') is None
    first = read(crowded, "audiences/students/page/1/index.html").css_first("nav.list-pager")
    assert first.css_first('a[rel="prev"]') is None


def test_summaries_link_to_their_full_lists(crowded):
    for folder, count in [("regions/city/", 490), ("regions/tree/", 260), ("kinds/counseling_room/", 295),
                          ("audiences/students/", 490)]:
        tree = read(crowded, folder + "index.html")
        section = tree.css_first("main section.full-list")
        assert section is not None, folder
        assert section.css_first("h2").text(strip=True) == f"全部 {count} 个服务"
        assert section.css_first("a").attributes["href"] == f"{BASE}{folder}page/1/"
        assert section.css_first('nav[aria-label="全部服务的分页"]') is not None
    # Short lists are shown whole, without a full list.
    assert read(crowded, "regions/north/index.html").css_first("section.full-list") is None
    assert not (crowded / "regions/north/page").exists()


def test_list_pages_are_small_and_in_the_sitemap(crowded):
    sitemap = (crowded / "sitemap.xml").read_text(encoding="utf-8")
    paths = [p.relative_to(crowded).as_posix() for p in crowded.rglob("page/*/index.html")]
    paths = [p for p in paths if not p.startswith("elder/")]  # elder mode's copies: not in the sitemap
    assert len(paths) > 30
    for path in paths:
        assert f"<loc>https://example.org/xinli/{path.removesuffix('index.html')}</loc>" in sitemap
        assert (crowded / path).stat().st_size < 60_000, path


def test_list_pages_are_not_indexed_for_search(crowded):
    # Only the services' own pages (and the summaries) carry data-pagefind-body.
    assert read(crowded, "regions/leaf/page/2/index.html").css_first("[data-pagefind-body]") is None


def test_list_pages_and_summaries_are_valid_html(crowded, tmp_path):
    java = require(VNU_JAR, "java")
    for path in ["regions/leaf/index.html", "regions/tree/index.html", "regions/city/page/2/index.html",
                 "audiences/students/index.html", "audiences/students/page/7/index.html",
                 "kinds/counseling_room/index.html", "kinds/counseling_room/page/8/index.html"]:
        target = tmp_path / path.replace("/", "_")
        shutil.copy(crowded / path, target)
    done = subprocess.run([java, "-jar", str(VNU_JAR), "--errors-only", str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and not (done.stdout + done.stderr).strip(), done.stdout + done.stderr


# ------------------------------------------------------------------ paging.py

def test_window_keeps_first_last_and_neighbours():
    assert paging.window(1, 1) == [1]
    assert paging.window(3, 5) == [1, 2, 3, 4, 5]
    assert paging.window(7, 20) == [1, None, 6, 7, 8, None, 20]
    assert paging.window(3, 20) == [1, 2, 3, 4, None, 20]
    assert paging.window(0, 20) == [1, 2, 3, None, 20]


# ------------------------------------------------------------------ need pages

def test_need_pages_list_every_matching_service_a_page_at_a_time(generated):
    """/needs/<slug>/ is the first page (same URL as before paging), the others are at
    /needs/<slug>/page/<n>/: each page stays small, and together they list every
    matching service exactly once, in the order of the need (grouped by kind)."""
    from site_builder import search_vocab
    from site_builder.load import load
    from site_builder.errors import Problems
    from site_builder.validate import validate
    d = validate(load(generated.parent / "content", Problems()), Problems(), today=TODAY)
    paged = 0
    for need in search_vocab.builtin().needs:
        folder = f"needs/{need.slug}/"
        first = read(generated, folder + "index.html")
        pages = [folder + "index.html"] + list_pages(generated, folder.rstrip("/"))
        assert not (generated / folder / "page/1").exists()  # page 1 is the need page itself
        shown = [href for p in pages for href in card_links(read(generated, p))]
        expected = [f"{BASE}services/{s.id}/" for s in render.need_services(d, need)]
        assert sorted(shown) == sorted(expected) and len(shown) == len(set(shown)), need.slug
        for p in pages:
            assert len(card_links(read(generated, p))) <= paging.PAGE_SIZE, p
            assert (generated / p).stat().st_size < 60_000, p
        if len(pages) > 1:
            paged += 1
            nav = first.css_first('main nav.list-pager[aria-label="分页"]')
            assert nav.css_first('a[aria-current="page"]').attributes["href"] == f"{BASE}{folder}"
            assert nav.css_first('a[rel="next"]').attributes["href"] == f"{BASE}{folder}page/2/"
            second = read(generated, pages[1]).css_first("nav.list-pager")
            assert second.css_first('a[rel="prev"]').attributes["href"] == f"{BASE}{folder}"
            assert read(generated, pages[1]).css_first("[data-pagefind-body]") is None
    assert paged >= 3  # generated content has needs with more than one page


# ------------------------------------------------------------------ notice-board leaflets

def test_a_large_area_leaflet_leads_to_its_sub_areas_leaflets_every_service_on_one(generated):
    """A leaflet lists its area's services up to LIST_LIMIT; a larger area's (a province's
    would be megabytes) lists its own services and links each sub-area's leaflet, so that
    every service is on the leaflet of some area, and each leaflet stays small."""
    from site_builder.build import check
    d = check(generated.parent / "content", TODAY).directory
    on_a_leaflet = set()
    for region in d.regions.values():
        tree = read(generated, f"regions/{region.id}/print/index.html")
        names = [h.text() for h in tree.css(".leaflet-services h3")]
        services = d.by_region.get(region.id, [])
        parts = [a.attributes["href"] for a in tree.css(".leaflet-parts a")]
        if len(services) <= render.LIST_LIMIT:
            assert names == [s.name for s in services] and parts == []
            on_a_leaflet.update(s.id for s in services)
        else:
            own = [s for s in services if s.region.id == region.id]
            assert names == [s.name for s in own]
            on_a_leaflet.update(s.id for s in own)
            assert parts == [f"{BASE}regions/{c.id}/print/" for c in region.children
                             if d.by_region.get(c.id)]
            assert len(tree.html.encode()) < 300_000
    assert on_a_leaflet == set(s.id for s in d.services.values())
    assert len(d.by_region[next(iter(d.regions))]) > render.LIST_LIMIT  # the province

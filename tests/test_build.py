"""A full build of the sample site: pages, links, sub-paths, safety, determinism."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from sitecheck import (REAL, ROOT, SAMPLE, TODAY, broken_links, build_site, copy_content,
                       html_pages, require_real)
from site_builder.build import build
from site_builder.errors import ContentError


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_site(SAMPLE, tmp_path_factory.mktemp("sample") / "build")


def page(site: Path, path: str) -> HTMLParser:
    return HTMLParser((site / path).read_text(encoding="utf-8"))


def text(tree: HTMLParser, css: str) -> str:
    node = tree.css_first(css)
    assert node is not None, f"no {css}"
    return node.text(separator=" ", strip=True)


def test_every_record_has_its_page(site):
    services = sorted(p.stem for p in (SAMPLE / "services").glob("*.yaml"))
    for sid in services:
        assert (site / "services" / sid / "index.html").is_file(), sid
    for path in ["index.html", "services/index.html", "regions/index.html", "hotlines/index.html",
                 "kinds/clinic/index.html", "audiences/elderly/index.html", "articles/index.html",
                 "search/index.html", "404.html", "sitemap.xml", "robots.txt",
                 "about/index.html", "privacy/index.html", "help/index.html",
                 "regions/futian/index.html", "regions/futian-yuanling-hualin/index.html",
                 "pagefind/site/pagefind.js", "pagefind/shards.json", "static/style.css", "static/search.js"]:
        assert (site / path).is_file(), path


def test_drafts_are_never_published(site):
    assert not (site / "articles" / "exam-stress").exists()
    assert "exam-stress" not in (site / "sitemap.xml").read_text()
    assert "exam-stress" not in (site / "articles" / "index.html").read_text()


def test_no_broken_links_under_the_sub_path(site):
    assert broken_links(site, "/xinli/") == []


def test_crisis_bar_is_first_on_every_page(site):
    """First after the skip link (keyboard order: skip link first, issue 12)."""
    for name, tree in html_pages(site).items():
        skip, first = tree.css("body a")[:2]
        assert skip.attributes["href"] == "#main", name
        assert first is not None and first.attributes["href"] == "tel:12356", name
        assert "12356" in first.text(), name
        assert tree.css_first("p.demo") is not None, name  # demo: true in site.yaml


def test_service_page_shows_place_hours_and_phone(site):
    tree = page(site, "services/futian-guidance-center/index.html")
    assert text(tree, "h1") == "福田区社会心理服务指导中心"
    crumbs = [a.text() for a in tree.css(".breadcrumb li")]
    assert crumbs[:2] == ["深圳市", "福田区"]
    assert "红荔西路 8008 号" in text(tree, "dd.address")
    tels = [a.attributes["href"] for a in tree.css(".phones a")]
    assert tels[0] == "tel:+8675555500101"
    rows = [(r.css_first("th").text(), r.css_first("td").text()) for r in tree.css(".hours-table tr")]
    assert rows[0] == ("周一至周五", "08:30–12:00、14:00–17:30")
    assert rows[-1] == ("节假日", "法定节假日休息")
    maps = {a.text(): a.attributes["href"] for a in tree.css(".maps a")}
    assert set(maps) == {"高德地图", "百度地图", "Apple 地图", "其他地图应用"}
    assert maps["高德地图"].startswith("https://uri.amap.com/marker?position=")
    assert "coord_type=bd09ll" in maps["百度地图"]
    assert maps["其他地图应用"].startswith("geo:")
    edit = tree.css_first(".record-footer a").attributes["href"]
    assert edit == "https://example.org/xinli-content/edit/main/content/services/futian-guidance-center.yaml"


def test_overnight_24h_and_unknown_hours_read_naturally(site):
    night = page(site, "services/shenzhen-night-line/index.html")
    assert "20:00–次日08:00" in text(night, ".hours-table")
    allday = page(site, "services/shenzhen-psych-aid-line/index.html")
    assert "24 小时" in text(allday, ".hours")
    unknown = page(site, "services/health-12320/index.html")
    assert "请先致电" in text(unknown, ".hours")


def test_stale_and_closed_records_are_flagged(site):
    stale = page(site, "services/nanshan-dachong-room/index.html")
    assert "可能已经过时" in text(stale, ".notice-stale")
    fresh = page(site, "services/futian-guidance-center/index.html")
    assert fresh.css_first(".notice-stale") is None
    closed = page(site, "services/nanshan-zhaoshang-station/index.html")
    assert text(closed, ".notice-closed").startswith("暂停服务：自2026年11月20日起至2026年12月10日")


def test_listing_pages(site):
    region = page(site, "regions/futian/index.html")
    assert text(region, "h1").replace(" ", "") == "福田区的心理服务"  # two spans, one line
    streets = [a.text() for a in region.css("#sub-h + .chips a")]
    assert [s.split("（")[0] for s in streets] == ["园岭街道", "华富街道", "莲花街道", "香蜜湖街道", "沙头街道"]
    assert all(s.endswith("）") for s in streets)
    kinds = [h.text() for h in region.css("section[aria-labelledby^=k-] h2")]
    assert kinds[0] == "心理服务指导中心（1）"
    listed = {a.attributes["href"] for a in region.css(".card-title a")}
    assert "/xinli/services/futian-hualin-room/" in listed  # a community two levels below
    hotlines = page(site, "hotlines/index.html")
    assert "全国心理援助热线 12356" in text(hotlines, "main")
    home = page(site, "index.html")
    assert home.css_first("form[role=search]").attributes["action"] == "/xinli/search/"
    assert "家长" in text(home, "#events-h + ul")  # the upcoming event


def test_event_article_links_its_service(site):
    tree = page(site, "articles/parent-workshop-2026-12/index.html")
    event = text(tree, ".event")
    assert "2026年12月5日 14:00" in event
    assert tree.css_first(".event a").attributes["href"] == "/xinli/services/futian-guidance-center/"


def test_only_main_content_is_indexed(site):
    tree = page(site, "services/futian-guidance-center/index.html")
    body = tree.css_first("[data-pagefind-body]")
    assert body is not None
    assert body.css_first(".crisis") is None and tree.css_first(".crisis") is not None
    assert tree.css_first("header [data-pagefind-body], footer [data-pagefind-body]") is None
    assert page(site, "index.html").css_first("[data-pagefind-body]") is None


def test_sitemap_and_robots_use_the_base_url(site):
    sitemap = (site / "sitemap.xml").read_text()
    assert "<loc>https://example.org/xinli/services/futian-guidance-center/</loc>" in sitemap
    assert "404" not in sitemap
    assert "Sitemap: https://example.org/xinli/sitemap.xml" in (site / "robots.txt").read_text()


@pytest.mark.parametrize("base_url, base_path", [
    ("https://example.org/", "/"),
    ("https://health.example.gov.cn/a/b/xinli", "/a/b/xinli/"),
])
def test_other_base_paths(tmp_path, base_url, base_path):
    content = copy_content(SAMPLE, tmp_path / "content", base_url)
    out = build_site(content, tmp_path / "out", index=False)
    assert broken_links(out, base_path) == []
    home = page(out, "index.html")
    assert home.css_first("link[rel=stylesheet]").attributes["href"].startswith(base_path + "static/")


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(site, tmp_path):
    again = build_site(SAMPLE, tmp_path / "again")
    assert _snapshot(again) == _snapshot(site)


def test_failed_build_leaves_the_previous_site_untouched(tmp_path):
    content = copy_content(SAMPLE, tmp_path / "content")
    out = build_site(content, tmp_path / "out", index=False)
    before = _snapshot(out)
    service = content / "services" / "futian-guidance-center.yaml"
    service.write_text(service.read_text(encoding="utf-8").replace("kind: guidance_center",
                                                                   "kind: guidance"), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        build(content, out, today=TODAY)
    assert [str(p) for p in caught.value.problems][0].endswith(
        "futian-guidance-center.yaml:2: kind: 'guidance' is not allowed (did you mean "
        "'guidance_center'? one of: guidance_center, service_station, counseling_room, clinic, "
        "hotline, school, online, organization, rehabilitation)")
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "out"]  # no staging left


def test_output_folder_that_is_not_ours_is_refused(tmp_path):
    out = tmp_path / "precious"
    out.mkdir()
    (out / "thesis.docx").write_text("do not delete")
    result = subprocess.run([sys.executable, "-m", "site_builder", "build", "--content", str(SAMPLE),
                             "--out", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2
    assert "was not made by site-builder" in result.stderr
    assert (out / "thesis.docx").read_text() == "do not delete"


def test_cli_build_prints_a_summary(tmp_path):
    env = dict(os.environ, SITE_BUILDER_TODAY=TODAY.isoformat())
    result = subprocess.run([sys.executable, "-m", "site_builder", "build", "--out",
                             str(tmp_path / "b")], capture_output=True, text=True, cwd=ROOT, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"built {tmp_path / 'b'}: ")
    assert "55 services" in result.stdout and "indexed for search" in result.stdout
    assert "Traceback" not in result.stderr


def test_real_published_data_builds(tmp_path):
    require_real()
    out = build_site(REAL, tmp_path / "real", index=False)
    assert broken_links(out, "/help/") == []
    tree = page(out, "services/tianjin-suicide-line/index.html")
    assert "17:00–次日07:00" in text(tree, ".hours-table")
    assert "可能已经过时" in text(tree, ".notice-stale")

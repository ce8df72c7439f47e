"""Reach (issue 12), in the built files: the government-site footer and its validation,
Open Graph for sharing (WeChat), the elder-mode mirror under elder/, and what a printed
page carries (full hours, the page's address, a QR code of it)."""
from __future__ import annotations

import io
import re

import pytest
import segno
from PIL import Image

from conftest import SITE, only_error
from sitecheck import SAMPLE, TODAY, broken_links, build_site, copy_content, html_pages
from site_builder import printing, render
from site_builder.build import check

FOOTER = """footer:
  host: 深圳市卫生健康委员会
  icp: 粤ICP备12345678号-1
  police_filing: 粤公网安备44030402000001号
  gov_site_code: 4403000001
  contact: xinli@example.org
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    content = copy_content(SAMPLE, tmp_path_factory.mktemp("reach") / "content")
    site_yaml = content / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + FOOTER, encoding="utf-8")
    return build_site(content, content.parent / "build", index=False)


@pytest.fixture(scope="module")
def pages(site):
    return html_pages(site)


# ------------------------------------------------------------- government footer

def test_footer_shows_host_filing_numbers_and_site_code_on_every_page(pages):
    standard = {name: tree for name, tree in pages.items() if not name.startswith("elder/")}
    assert len(standard) > 100
    for name, tree in standard.items():
        footer = tree.css_first(".gov-footer")
        assert footer is not None, name
        text = footer.text()
        labels = {"en/": ("Run by: 深圳市卫生健康委员会", "Government website code: 4403000001"),
                  "zh-hant/": ("主辦單位：深圳市衞生健康委員會", "政府網站標識碼：4403000001")}
        # The filing numbers are codes: the same in every language.
        for shown in labels.get(name[:name.find("/") + 1], ("主办单位：深圳市卫生健康委员会", "政府网站标识码：4403000001")) + (
                "粤ICP备12345678号-1", "粤公网安备44030402000001号"):
            assert shown in text, (name, shown)
        links = {a.text(): a.attributes["href"] for a in footer.css("a")}
        assert links["粤ICP备12345678号-1"] == "https://beian.miit.gov.cn/"
        assert links["粤公网安备44030402000001号"] == \
            "https://beian.mps.gov.cn/#/query/webSearch?code=44030402000001"
        assert links["xinli@example.org"] == "mailto:xinli@example.org"


@pytest.mark.parametrize("line, field, words", [
    ("  icp: 粤ICP12345678号", "footer.icp", "ICP filing number"),
    ("  icp: ICP备12345678号", "footer.icp", "ICP filing number"),
    ("  police_filing: 粤公网安备4403040200号", "footer.police_filing", "14 digits"),
    ("  gov_site_code: 44030001", "footer.gov_site_code", "10 digits"),
    ("  gov_site_code: xx12345678", "footer.gov_site_code", "10 digits"),
    ("  icq: 粤ICP备12345678号", "footer.icq", "icp"),
])
def test_a_malformed_footer_number_is_an_error_at_its_line(run_check, line, field, words):
    report = run_check({"site.yaml": SITE + "footer:\n  host: 测试市卫健委\n" + line + "\n"})
    problem = only_error(report)
    assert (problem.path, problem.line, problem.field) == ("content/site.yaml", 7, field)
    assert words in problem.message


def test_footer_numbers_are_accepted_in_their_official_shapes(run_check):
    report = run_check({"site.yaml": SITE + "footer:\n  icp: 京ICP备 05070602 号\n"
                        "  police_filing: 京公网安备11010202000001号\n  gov_site_code: bm09000001\n"})
    assert not report.problems.errors, report.problems.errors
    assert report.directory.site.footer.icp == "京ICP备05070602号"
    assert report.directory.site.footer.police_url.endswith("code=11010202000001")


# ----------------------------------------------------------------- sharing

def meta(tree, prop: str) -> str:
    node = tree.css_first(f'meta[property="{prop}"]')
    return node.attributes["content"] if node is not None else ""


def test_every_page_has_open_graph_from_its_own_record(pages, site):
    d = check(SAMPLE, TODAY).directory
    s = d.services["futian-hualin-room"]
    service = pages["services/futian-hualin-room/index.html"]
    assert meta(service, "og:title") == s.name
    assert s.address in meta(service, "og:description")
    assert meta(service, "og:url") == "https://example.org/xinli/services/futian-hualin-room/"
    article = d.articles[0]
    tree = pages[f"articles/{article.slug}/index.html"]
    assert meta(tree, "og:title") == article.title
    assert meta(tree, "og:description") == (article.summary or article.title)
    # Area, hotline and search pages say what they hold, not the site's description.
    descriptions = {meta(pages[p], "og:description") for p in
                    ("regions/futian/index.html", "hotlines/index.html", "search/index.html", "index.html")}
    assert len(descriptions) == 4
    area = meta(pages["regions/futian/index.html"], "og:description")
    assert "福田区" in area and f"{len(d.by_region['futian'])} 个" in area
    assert f"{len(d.hotlines)} 条" in meta(pages["hotlines/index.html"], "og:description")
    for name, tree in pages.items():
        assert meta(tree, "og:title") and meta(tree, "og:description"), name
        assert meta(tree, "og:image") == "https://example.org/xinli/share.png", name
        assert tree.css_first('meta[name="description"]').attributes["content"] == meta(tree, "og:description")


def test_the_default_share_picture_is_a_png_of_at_least_300_px(site, pages):
    with Image.open(site / "share.png") as img:
        assert img.format == "PNG"
        assert img.size[0] >= 300 and img.size[1] >= 300
        assert len(img.getcolors(100_000) or []) > 2  # the title is drawn on it, not a blank square
    tree = pages["index.html"]
    assert (meta(tree, "og:image:width"), meta(tree, "og:image:height")) == ("600", "600")


def png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def test_share_image_from_media_is_used_when_large_enough(content_dir, tmp_path):
    content = content_dir({"site.yaml": SITE + "share_image: logo.png\n", "media/logo.png": png((512, 400))})
    out = build_site(content, tmp_path / "out", index=False)
    tree = html_pages(out)["index.html"]
    assert meta(tree, "og:image") == "https://example.org/xinli/media/logo.png"
    assert (meta(tree, "og:image:width"), meta(tree, "og:image:height")) == ("512", "400")
    assert not (out / "share.png").exists()


@pytest.mark.parametrize("files, words", [
    ({"media/logo.png": png((200, 200))}, "200×200 px (at least 300×300"),
    ({"media/logo.png": b"GIF89a not really"}, "is not a PNG or JPEG"),
    ({}, "media/logo.png does not exist"),
])
def test_a_share_image_that_wechat_cannot_show_is_an_error(run_check, files, words):
    report = run_check({"site.yaml": SITE + "share_image: logo.png\n", **files})
    problem = only_error(report)
    assert (problem.path, problem.line, problem.field) == ("content/site.yaml", 5, "share_image")
    assert words in problem.message


# -------------------------------------------------------------- elder mode

def test_every_page_has_an_elder_mirror_that_stays_in_elder_mode(site, pages):
    standard = [n for n in pages if not n.startswith("elder/")]
    assert all(f"elder/{n}" in pages for n in standard)
    for name in standard:
        tree = pages[f"elder/{name}"]
        assert "elder" in tree.css_first("html").attributes["class"].split()
        assert tree.css_first("[data-pagefind-body]") is None  # search lists the standard page
        switch = tree.css_first('a[data-elder="off"]')  # back to the same standard page
        assert switch.attributes["href"] == "/xinli/" + name.removesuffix("index.html"), name
        assert pages[name].css_first('a[data-elder="on"]').attributes["href"] == \
            "/xinli/elder/" + name.removesuffix("index.html")
        for a in tree.css("a[href^='/xinli/']"):
            href = a.attributes["href"]
            if "data-keep" in a.attributes or re.search(r"\.(xml|ics|json|csv|geojson|zip)$", href.split("#")[0]):
                continue
            assert href.startswith("/xinli/elder/"), (name, href)
        canonical = tree.css_first('link[rel="canonical"]').attributes["href"]
        assert canonical == pages[name].css_first('link[rel="canonical"]').attributes["href"]
    assert broken_links(site, "/xinli/") == []
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "/elder/" not in sitemap and "/xinli/services/futian-hualin-room/" in sitemap


# ----------------------------------------------------------------- printing

def test_printed_pages_carry_their_address_and_a_qr_code_of_it(pages):
    for name in ("services/futian-hualin-room/index.html", "regions/futian/index.html"):
        tree = pages[name]
        box = tree.css_first(".print-address")
        url = "https://example.org/xinli/" + name.removesuffix("index.html")
        assert box.css_first(".print-url").text() == url
        # The SVG is the QR code of exactly that address.
        shown = box.css_first("svg.qr path").attributes["d"]
        code = segno.make(url, error="m", micro=False, mask=printing.QR_MASK)
        out = io.BytesIO()
        code.save(out, kind="svg", border=2)
        assert f'd="{shown}"' in out.getvalue().decode()
        assert box.css_first("svg.qr").attributes["aria-hidden"] == "true"  # the URL is the text


def test_cards_carry_the_whole_week_for_paper(pages):
    d = check(SAMPLE, TODAY).directory
    tree = pages["regions/futian/index.html"]
    weekly = [s for s in d.by_region["futian"] if s.hours.mode == "weekly" and not s.closed]
    assert weekly
    texts = [p.text() for p in tree.css(".card-week")]
    for s in weekly:
        full = printing.full_hours(s.hours)
        assert "…" not in full and full in texts
        assert full.count("；") >= 1  # more than the first row: the holiday rule at least


def test_every_area_has_a_notice_board_leaflet(pages):
    d = check(SAMPLE, TODAY).directory
    for region in d.regions.values():
        tree = pages[f"regions/{region.id}/print/index.html"]
        names = [h.text() for h in tree.css(".leaflet-services h3")]
        services = d.by_region.get(region.id, [])
        assert len(services) <= render.LIST_LIMIT  # a larger area: test_paging.py
        assert names == [s.name for s in services]
        assert "12356" in tree.css_first(".leaflet-crisis").text()
        assert tree.css_first(".leaflet-qr svg.qr") is not None
        assert pages[f"regions/{region.id}/index.html"].css_first(
            f'a[href="/xinli/regions/{region.id}/print/"]') is not None


@pytest.mark.parametrize("url", ["https://example.org/xinli/services/a/",
                                 "https://example.org/xinli/regions/gz-yuexiu-beijing-huayuan/print/",
                                 "https://例子.中国/心理/服务/" + "社区" * 40 + "/"])
def test_qr_codes_are_the_svg_segno_writes(url):
    """qr_svg draws the path itself (segno's writer was slow): the same bytes as segno's."""
    from site_builder.urls import uri
    code = segno.make(uri(url), error="m", micro=False, mask=printing.QR_MASK)
    assert printing.qr_svg(url) == printing.segno_svg(code)


def test_qr_codes_match_segno_at_every_length():
    """qr.rows draws the modules from a template per version: the same code segno makes,
    for addresses short and long (versions 3 to 29, with and without version information)."""
    from site_builder import qr
    from site_builder.urls import uri
    for n in range(1, 260, 7):
        url = uri(f"https://example.org/xinli/services/{'社区a' * (n // 4)}{'b' * (n % 4)}/")
        code = segno.make(url, error="m", micro=False, mask=printing.QR_MASK)
        assert qr.rows(url, mask=printing.QR_MASK) == [
            "".join(str(v) for v in row) for row in code.matrix], (n, code.version)
        assert printing.qr_svg(url) == printing.segno_svg(code)

"""Hostile and surprising files: active media, symbolic links, links that a browser takes
to another site, text that displays as something else, cells that Excel runs, media names
in Chinese and with spaces."""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import SITE, TODAY, article, as_tuples, service, write_content
from sitecheck import html_pages
from site_builder.build import build, check
from site_builder.cli import main
from site_builder.csvsafe import cell
from site_builder.load import MEDIA_EXTENSIONS

SYMLINK = ("is a symbolic link, which is not followed (site-builder reads only files inside "
           "the content folder: copy the file or folder itself here)")
RLO = "\u202e"


def errors_at(report) -> dict[str, str]:
    return {f"{p.path}:{p.line}": p.message for p in report.problems.errors}


# ------------------------------------------------------------ 4. active media

@pytest.mark.parametrize("name", ["page.html", "page.HTM", "x.xhtml", "logo.svg", "app.js",
                                  "mod.mjs", "feed.xml", "x.svgz", "README", "a.swf", "run.exe"])
def test_active_or_unknown_media_is_refused_at_its_path(run_check, name):
    report = run_check({f"media/sub/{name}": "<script>alert(document.domain)</script>"})
    message = errors_at(report)[f"content/media/sub/{name}:0"]
    assert "not published from media/" in message
    assert "allowed: images: png, jpg, jpeg, gif, webp, avif; documents: pdf" in message
    if name.endswith(".svg"):
        assert "SVG image can hold scripts: export it as PNG" in message


def test_inert_media_are_published_and_os_debris_skipped(tmp_path):
    content = write_content(tmp_path, {
        **{f"media/all/f.{ext}": b"x" for ext in sorted(MEDIA_EXTENSIONS)},
        "media/Photo.JPG": b"x",
        "media/Thumbs.db": b"x", "media/all/desktop.ini": b"x", "media/.DS_Store": b"x",
        "media/._Photo.JPG": b"x", "media/__MACOSX/._f.png": b"x", "media/ehthumbs.db": b"x",
        "services/Thumbs.db": b"x", "articles/.DS_Store": b"x",
    })
    report = build(content, tmp_path / "out", today=TODAY, index=False)
    assert report.problems.errors == [] and report.problems.warnings == []
    published = sorted(p.relative_to(tmp_path / "out" / "media").as_posix()
                       for p in (tmp_path / "out" / "media").rglob("*") if p.is_file())
    assert published == ["Photo.JPG"] + [f"all/f.{ext}" for ext in sorted(MEDIA_EXTENSIONS)]


# --------------------------------------------------------------- 5. symlinks

@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder beside the content folder, with a secret and valid content files."""
    out = tmp_path / "outside"
    (out / "folder").mkdir(parents=True)
    (out / "secret.png").write_bytes(b"secret")
    (out / "folder" / "secret.png").write_bytes(b"secret")
    (out / "x.yaml").write_text(service(), encoding="utf-8")
    (out / "a.md").write_text(article(), encoding="utf-8")
    (out / "site.yaml").write_text(SITE, encoding="utf-8")
    (out / "services").mkdir()
    (out / "services" / "y.yaml").write_text(service(), encoding="utf-8")
    return out


@pytest.mark.parametrize("link, target", [
    ("media", "folder"),                 # the media folder itself
    ("media/sub", "folder"),             # a sub-folder of media
    ("media/deep/er/p.png", "secret.png"),
    ("media/dead.png", "nowhere.png"),   # a dangling link
    ("services/x.yaml", "x.yaml"),
    ("services", "services"),            # a content folder itself
    ("articles/a.md", "a.md"),
    ("pages/a.md", "a.md"),
    ("site.yaml", "site.yaml"),
])
def test_symbolic_links_are_refused_at_their_path(content_dir, outside, link, target):
    files = {"media/ok.png": b"x", "site.yaml": SITE, "services/station.yaml": service()}
    content = content_dir({k: None if k.startswith(link) else v for k, v in files.items()})
    path = content / link
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(outside / target, path)
    report = check(content, today=TODAY)
    assert errors_at(report).get(f"content/{link}:0") == SYMLINK, report.problems.items
    assert not any("secret" in str(p) or "outside" in str(p) for p in report.problems.items)
    if link.startswith("media"):
        assert len(report.problems.errors) == 1
        raw_media = {m.rel for m in (report.directory.media if report.directory else [])}
        assert not any("secret" in m for m in raw_media)


def test_a_build_with_a_symbolic_link_publishes_nothing(content_dir, outside, tmp_path):
    content = content_dir()
    os.symlink(outside / "folder", content / "media")
    with pytest.raises(Exception):
        build(content, tmp_path / "out", today=TODAY, index=False)
    assert not (tmp_path / "out").exists()


# ----------------------------------------- 6. links and images to other sites

OFFSITE_BODY = """\
# 链接

[a](http:evil.example/a) [b](https:\\\\evil.example/b) [c](http:/evil.example/c)

<a href="/\\evil.example/d">d</a> <a href="\\\\evil.example\\e">e</a>

<a href="https://www.gov.cn@evil.example/f">f</a> <a href=" //evil.example/g">g</a>

<a href="/&#92;evil.example/h">h</a> <a href="ht&#9;tps://evil.example/i">i</a>

<img src="http:evil.example/j.gif" alt="j"> <img src="/\\evil.example/k.gif" alt="k">

![l](https:\\\\evil.example/l.gif) <img src="\\\\evil.example\\m.gif" alt="m">

<a href="/media/手册.pdf">n</a> <img src="/media/p.gif" alt="o"> <a href="/services/station/">p</a>

<a href="https://example.net/ok">q</a> <a href="tel:+8675512345678">r</a>

[s](https://example.net/s.gif) <img src="https://example.net/s.gif" alt="t">
"""


@pytest.fixture(scope="module")
def offsite(tmp_path_factory):
    root = tmp_path_factory.mktemp("offsite")
    content = write_content(root, {"articles/links.md": article(body=OFFSITE_BODY),
                                   "media/手册.pdf": b"%PDF", "media/p.gif": b"GIF89a"})
    report = build(content, root / "out", today=TODAY, index=False)
    return root / "out", report


def test_offsite_forms_are_reported_at_their_lines(offsite):
    _, report = offsite
    assert report.problems.errors == []
    lines = {}
    for p in report.problems.warnings:
        if p.path.endswith("links.md"):
            lines.setdefault(p.line, []).append(p.message)
    # Body line n is file line n + 4 (---, title, date, ---).
    assert len(lines[7]) == 3 and all("removed" in m for m in lines[7])  # a b c
    assert len(lines[9]) == 2  # d e
    assert any("no user name before the host" in m for m in lines[11])  # f
    assert any("another site" in m for m in lines[11])  # g
    assert len(lines[13]) == 2  # h i
    assert len(lines[15]) == 2 and all("not shown" in m for m in lines[15])  # j k
    assert len(lines[17]) == 2 and all("not shown" in m for m in lines[17])  # l m
    assert 19 not in lines and 21 not in lines
    assert len(lines[23]) == 1 and "not shown" in lines[23][0]  # t, though s links the URL


def test_browsers_resolve_no_link_or_image_to_another_site(offsite, browser):
    """Chromium itself resolves every href and src of the page: all stay on the site,
    except the one well-formed external link."""
    from browser import serve
    site, _ = offsite
    with serve(site, "/xinli/") as origin:
        page = browser.new_page()
        blocked = []
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(origin)
                   else (blocked.append(route.request.url), route.abort()))
        page.goto(origin + "/xinli/articles/links/")
        found = page.eval_on_selector_all(
            "main a[href], main img[src]",
            "els => els.map(e => [e.textContent || e.alt, e.href || e.src])")
        page.close()
    hosts = {text: urlsplit(url).netloc for text, url in found}
    assert blocked == []
    assert hosts.pop("q") == hosts.pop("s") == "example.net"
    assert dict(found)["r"] == "tel:+8675512345678" and hosts.pop("r") == ""
    assert set(hosts.values()) == {urlsplit(origin).netloc}, hosts
    assert {k: v for k, v in found if k in "nop" and k} == {
        "n": f"{origin}/xinli/media/%E6%89%8B%E5%86%8C.pdf", "o": f"{origin}/xinli/media/p.gif",
        "p": f"{origin}/xinli/services/station/"}


def test_raw_html_links_are_checked_like_markdown_links(run_check):
    body = ('段落\n\n<a href="/media/none.pdf">x</a>\n\n<p><img src="/media/none.gif" alt="y">'
            '</p>\n\n文字 <a href="/services/nope/">z</a>\n')
    report = run_check({"articles/a.md": article(body=body)})
    assert as_tuples(report.problems.errors) == [
        ("content/articles/a.md", 7, "body", "link /media/none.pdf points at nothing "
         "(a file in media/: /media/<path>)"),
        ("content/articles/a.md", 9, "body", "link /media/none.gif points at nothing "
         "(a file in media/: /media/<path>)"),
        ("content/articles/a.md", 11, "body", "link /services/nope/ points at nothing "
         "(an existing service: /services/<id>/ with <id> a file in services/)"),
    ]


# ------------------------------------------------------------ 7. text that lies

@pytest.mark.parametrize("files, where", [
    ({"services/station.yaml": service(name=f'"测试站{RLO}65321"')}, "content/services/station.yaml:1"),
    ({"site.yaml": SITE.replace("label: 全国心理援助热线", f'label: "热线{RLO}"')}, "content/site.yaml:4"),
    ({"site.yaml": SITE.replace('phone: "12356"', f'phone: "{RLO}65321"')}, "content/site.yaml:4"),
    ({"services/station.yaml": service(address='"测试路\u2067 1 号"')}, "content/services/station.yaml:4"),
    ({"articles/a.md": article(body=f"正文\n\n请拨打 {RLO}65321\n")}, "content/articles/a.md:7"),
])
def test_direction_controls_are_refused(run_check, files, where):
    message = errors_at(run_check(files))[where]
    assert "invisible direction control U+" in message


@pytest.mark.parametrize("value, why", [
    ('"http://example.org/ 或致电前台"', "without spaces"),
    ('"https://example.org/\\n或致电前台"', "without spaces or line breaks"),
    ('"https://www.gov.cn@evil.example/"', "no user name before the host"),
    ('"https:\\\\example.org"', "is not a web address"),
    ('"http:example.org"', "is not a web address"),
    ('"https://exa mple.org/"', "without spaces"),
])
def test_website_must_be_one_well_formed_address(run_check, value, why):
    message = errors_at(run_check({"services/station.yaml": service(website=value)}))[
        "content/services/station.yaml:11"]
    assert why in message and "a full URL starting with https://" in message


def test_a_line_break_in_base_url_is_an_error(run_check):
    site = SITE.replace("base_url: https://example.org/xinli/",
                        'base_url: "https://example.org/xinli/\\nDisallow: /"')
    message = errors_at(run_check({"site.yaml": site}))["content/site.yaml:2"]
    assert "without spaces or line breaks" in message


# ------------------------------------------------------- 8. Excel-bound exports

def test_stale_csv_cells_are_not_formulas(content_dir, capsys, monkeypatch):
    monkeypatch.setenv("SITE_BUILDER_TODAY", TODAY.isoformat())
    content_dir({"services/station.yaml": service(
        name='"=HYPERLINK(\\"http://evil.example\\",\\"点此\\")"', verified="2020-01-01",
        operator='"@SUM(A1)"')})
    assert main(["check", "--content", "content", "--stale", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out[1:])))
    assert rows[1][:4] == ["'@SUM(A1)", "测试区", "station",
                           "'=HYPERLINK(\"http://evil.example\",\"点此\")"]
    assert rows[1][6] == "2520"  # numbers stay numbers


def test_problems_csv_cells_are_not_formulas(content_dir, capsys):
    content_dir({"services/station.yaml": service() + '"=cmd|\' /C calc\'!A0": 1\n'})
    assert main(["check", "--content", "content", "--format", "csv"]) == 1
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out[1:])))
    assert rows[1][:4] == ["error", "content/services/station.yaml", "11", "'=cmd|' /C calc'!A0"]


@pytest.mark.parametrize("value, written", [
    ("=1+1", "'=1+1"), ("+86 755", "'+86 755"), ("-2", "'-2"), ("@x", "'@x"),
    ("\t=1", "'\t=1"), ("＝1", "'＝1"), ("-", "-"), ("a=1", "a=1"), (12, 12), ("", "")])
def test_cell(value, written):
    assert cell(value) == written


# ----------------------------------------------------------- 12. media names

def test_media_names_with_chinese_and_spaces_can_be_linked(tmp_path):
    body = ("[手册](</media/心理 手册.pdf>) [再次](/media/心理%20手册.pdf)\n\n"
            "![海报](/media/图片/海报 2026.png)\n\n"  # not a link in CommonMark: text
            "![海报](</media/图片/海报 2026.png>) <img src=\"/media/图片/海报 2026.png\" alt=\"海报\">\n\n"
            "[满意度](</media/100% 满意%231.pdf>) <a href=\"/media/100% 满意%231.pdf\">满意度</a>\n\n"
            "![咖啡馆](/media/caf\u00e9.png)\n")
    content = write_content(tmp_path, {"articles/a.md": article(body=body),
                                       "media/心理 手册.pdf": b"%PDF",
                                       "media/100% 满意#1.pdf": b"%PDF",
                                       "media/cafe\u0301.png": b"png",  # NFD, as macOS saves it
                                       "media/图片/海报 2026.png": b"png"})
    report = build(content, tmp_path / "out", today=TODAY, index=False)
    assert report.problems.errors == []
    tree = html_pages(tmp_path / "out")["articles/a/index.html"]
    urls = [n.attributes.get("href") or n.attributes.get("src")
            for n in tree.css("main a[href], main img[src]") if "media" in str(n.attributes)]
    assert len(urls) == 7
    for url in urls:
        path = unquote(urlsplit(url).path)
        assert path.startswith("/xinli/media/")
        assert (tmp_path / "out" / path[len("/xinli/"):]).is_file(), url


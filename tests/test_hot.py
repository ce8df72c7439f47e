"""Quick edits of service records (hot.py), in process: after each edit the output is the
same, file for file, as a clean build of the content; a broken edit reports exactly what a
full check reports and changes nothing; what a quick edit cannot do is a full build."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

from sitecheck import SAMPLE, TODAY, copy_content
from site_builder.build import build, check
from site_builder.errors import ContentError
from site_builder.hot import Hot, NotQuick, service_folders
from test_incremental import assert_same_tree, set_line, tree

STATION = "futian-huafu-station"


@pytest.fixture
def hot_site(tmp_path):
    content = copy_content(SAMPLE, tmp_path / "content")
    out = tmp_path / "out"
    report = build(content, out, TODAY, index=False, cache=tmp_path / "cache")
    hot = Hot(content, out, TODAY)
    hot.prime(report.directory)
    return content, out, hot


def edit(hot: Hot, content: Path, *names: str):
    lock = threading.Lock()
    done = hot.apply([str((content / "services" / f"{n}.yaml").absolute()) for n in names], lock)
    hot.open_data(lock)
    return done


def same_as_clean(content: Path, out: Path, tmp_path: Path, step: str) -> None:
    clean = tmp_path / f"clean-{step}"
    build(content, clean, TODAY, index=False)
    assert_same_tree(out, clean, step)


def test_quick_edits_give_the_site_a_clean_build_gives(hot_site, tmp_path):
    content, out, hot = hot_site
    services = content / "services"
    page = out / "services" / STATION / "index.html"

    set_line(services / f"{STATION}.yaml", "name", "华富心理驿站")  # its name: lists re-sort
    done = edit(hot, content, STATION)
    assert "华富心理驿站" in page.read_text(encoding="utf-8")
    assert f"services/{STATION}/index.html" in done.changed
    assert len(done.changed) < 200, done.changed  # not the whole site
    same_as_clean(content, out, tmp_path, "name")

    set_line(services / f"{STATION}.yaml", "mon-fri", '"08:30-12:00"', indent="  ")  # its hours
    edit(hot, content, STATION)
    assert "08:30" in page.read_text(encoding="utf-8")
    same_as_clean(content, out, tmp_path, "hours")

    set_line(services / f"{STATION}.yaml", "region", "luohu-cuizhu")  # another area
    edit(hot, content, STATION)
    same_as_clean(content, out, tmp_path, "region")

    set_line(services / f"{STATION}.yaml", "audiences", "[students, elderly]")  # other lists
    set_line(services / "futian-xiasha-room.yaml", "name", "下沙社区心理室")  # two files at once
    edit(hot, content, STATION, "futian-xiasha-room")
    same_as_clean(content, out, tmp_path, "two files")

    copy = services / "futian-huafu-copy.yaml"  # a new record: a new page, in the sitemap
    copy.write_text((services / "luohu-hubei-room.yaml").read_text(encoding="utf-8")
                    .replace("55500321", "55509321").replace("湖贝社区", "湖贝新"), encoding="utf-8")
    edit(hot, content, "futian-huafu-copy")
    assert (out / "services/futian-huafu-copy/index.html").is_file()
    same_as_clean(content, out, tmp_path, "added")

    (services / f"{STATION}.yaml").unlink()  # a deleted record: its page is gone
    edit(hot, content, STATION)
    assert not page.exists() and not (out / "elder/services" / STATION).exists()
    same_as_clean(content, out, tmp_path, "deleted")


def test_a_broken_edit_reports_what_check_reports_and_changes_nothing(hot_site, tmp_path):
    content, out, hot = hot_site
    record = content / "services" / f"{STATION}.yaml"
    before = tree(out)
    set_line(record, "kind", "nonsense")
    set_line(content / "services" / "futian-xiasha-room.yaml", "region", "no-such-area")
    with pytest.raises(ContentError) as raised:
        edit(hot, content, STATION, "futian-xiasha-room")
    full = check(content, TODAY, publishing=True).problems.errors
    assert [str(p) for p in raised.value.problems] == [str(p) for p in full]
    assert any(":2: kind: 'nonsense'" in str(p) for p in full)
    assert tree(out) == before

    record.write_text("name: [unclosed\n", encoding="utf-8")  # not even YAML
    with pytest.raises(ContentError) as raised:
        edit(hot, content, STATION)
    assert [str(p) for p in raised.value.problems] == \
        [str(p) for p in check(content, TODAY, publishing=True).problems.errors]
    assert tree(out) == before

    # Mended: both edits show at once (the second file was read while it was broken).
    record.write_text((SAMPLE / "services" / f"{STATION}.yaml").read_text(encoding="utf-8")
                      .replace("华富街道心理服务站", "华富站（修好了）"), encoding="utf-8")
    set_line(content / "services" / "futian-xiasha-room.yaml", "region", "futian-shatou-xiasha")
    edit(hot, content, STATION, "futian-xiasha-room")
    assert "华富站（修好了）" in (out / "services" / STATION / "index.html").read_text(encoding="utf-8")
    same_as_clean(content, out, tmp_path, "mended")


def test_other_files_need_a_full_build(hot_site):
    content, out, hot = hot_site
    for path in (content / "site.yaml", content / "regions.yaml", content / "articles" / "exam-stress.md",
                 content / "services" / "notes.txt", content):
        with pytest.raises(NotQuick):
            hot.service_files([str(path.absolute())])


def test_the_pages_of_a_service(hot_site):
    _, _, hot = hot_site
    folders = service_folders(hot.live, STATION)
    assert {f"services/{STATION}/", "regions/futian-huafu/", "regions/futian/", "regions/shenzhen/",
            "kinds/service_station/", "audiences/families/"} <= folders
    assert not any(f.startswith("regions/luohu") for f in folders)

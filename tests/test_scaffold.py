"""`site-builder new service|article`: the file it writes passes `check` at once, what is
left to write is marked 待填写 (and warned about), bad arguments get a did-you-mean, and
an existing file is never overwritten."""
from __future__ import annotations

import pytest

from conftest import TODAY
from site_builder import vocab
from site_builder.build import check
from site_builder.cli import main

PLACEHOLDER_WARNING = "is a placeholder to fill in (the real text in place of 待填写…)"


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setenv("SITE_BUILDER_TODAY", TODAY.isoformat())


def new(*args: str) -> int:
    return main(["new", *args])


@pytest.mark.parametrize("kind", list(vocab.KINDS))
def test_new_service_of_every_kind_passes_check(content_dir, capsys, kind):
    content = content_dir()
    assert new("service", "new-one", "--kind", kind, "--region", "street", "--content", str(content)) == 0
    assert capsys.readouterr().out == ("created content/services/new-one.yaml: replace every 待填写：… "
                                       "with the real text, then run `site-builder check`\n")
    report = check(content, today=TODAY)
    assert report.problems.errors == [], [str(p) for p in report.problems.errors]
    service = report.directory.services["new-one"]
    assert (service.kind, service.region.id, service.verified) == (kind, "street", TODAY)
    assert service.hours.mode == "unknown"
    placeholders = sorted(p.field for p in report.problems.warnings if PLACEHOLDER_WARNING in p.message)
    expected = ["name", "operator", "wechat"] + ([] if kind in ("hotline", "online") else ["address"])
    assert placeholders == sorted(expected)


def test_new_service_file_reads_well(content_dir):
    content = content_dir()
    assert new("service", "new-clinic", "--kind", "clinic", "--region", "street", "--content",
               str(content)) == 0
    text = (content / "services/new-clinic.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "# 服务点：心理门诊（由 site-builder new 生成于 2026-11-25）"
    assert "name: 待填写：服务点名称" in lines
    assert "kind: clinic" in lines
    assert "region: street" in lines
    assert "# 所在地区的 id（regions.yaml 里的 id）：street 是 测试市 › 测试区 › 测试街道" in lines
    assert "address: 待填写：街道地址，如 ××市××区××路 1 号 2 楼" in lines
    assert "# location: {lat: 22.5478, lon: 114.0553, crs: gcj02}" in lines
    assert 'hours: unknown' in lines and '#   mon-fri: "08:30-12:00, 14:00-17:30"   # 上午、下午两段，中间午休' in lines
    assert lines[-1] == "verified: 2026-11-25"
    # Comment lines stay short enough to read (a Chinese character is two columns wide).
    import unicodedata
    width = max(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line) for line in lines)
    assert width <= 80
    # Vocabularies in the comments come from vocab.py: every kind is listed.
    assert all(f"{k}（{label}）" in text for k, label in vocab.KINDS.items())


def test_uncommented_examples_are_valid(content_dir):
    """An editor who only removes `# ` from the examples gets a valid record."""
    content = content_dir()
    assert new("service", "new-room", "--kind", "counseling_room", "--region", "community",
               "--content", str(content)) == 0
    path = content / "services/new-room.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("hours: unknown\n", "")
    for example in ("# location:", "# phones:", '#   - {number:', '#   - "1380', "# hours:",
                    '#   mon-fri:', '#   sat:', "#   holidays:", "# audiences:", "# services:",
                    "# cost:", "# booking:", "# accessibility:", "# languages:", "# website:",
                    "# email:", "# hours_note:", "# description:", "#   第一段", "#   第二段"):
        text = text.replace(example, example[2:])
    text = text.replace("\n#\n#   第二段", "\n\n  第二段").replace("#\n  第二段", "\n  第二段")
    path.write_text(text, encoding="utf-8")
    report = check(content, today=TODAY)
    assert report.problems.errors == [], [str(p) for p in report.problems.errors]
    service = report.directory.services["new-room"]
    assert service.point is not None and [p.text for p in service.phones] == ["0755-55501234", "13800138000"]
    assert service.hours.mode == "weekly" and service.cost == "free"


def test_new_article_is_a_draft_that_passes_check(content_dir, capsys):
    content = content_dir()
    assert new("article", "new-article", "--content", str(content)) == 0
    assert "created content/articles/new-article.md" in capsys.readouterr().out
    text = (content / "articles/new-article.md").read_text(encoding="utf-8")
    assert "date: 2026-11-25\n" in text and "draft: true\n" in text
    report = check(content, today=TODAY)
    assert report.problems.errors == [], [str(p) for p in report.problems.errors]
    assert report.directory.articles == []  # a draft is not published
    assert sorted(p.field for p in report.problems.warnings) == ["summary", "title"]


def test_existing_file_is_never_overwritten(content_dir, capsys):
    content = content_dir()
    before = (content / "services/station.yaml").read_bytes()
    assert new("service", "station", "--kind", "clinic", "--region", "street", "--content",
               str(content)) == 1
    assert capsys.readouterr().err == ("error: content/services/station.yaml already exists and was "
                                       "not changed (choose another name, or edit that file)\n")
    assert (content / "services/station.yaml").read_bytes() == before
    assert new("article", "a", "--content", str(content)) == 0
    assert new("article", "a", "--content", str(content)) == 1
    assert "content/articles/a.md already exists" in capsys.readouterr().err


@pytest.mark.parametrize("args, message", [
    (["service", "new-one", "--kind", "clinc", "--region", "street"],
     "--kind 'clinc' is not a kind (did you mean 'clinic'? one of: guidance_center, service_station, "
     "counseling_room, clinic, hotline, school, online, organization, rehabilitation)"),
    (["service", "new-one", "--kind", "心理门诊", "--region", "street"],
     "--kind '心理门诊' is not a kind (did you mean 'clinic'? one of: guidance_center, service_station, "
     "counseling_room, clinic, hotline, school, online, organization, rehabilitation)"),
    (["service", "new-one", "--kind", "clinic", "--region", "stret"],
     "--region 'stret' is not an area in regions.yaml (did you mean 'street'? an id from regions.yaml)"),
    (["service", "new-one", "--kind", "clinic", "--region", "测试街道"],
     "--region '测试街道' is not an area in regions.yaml (did you mean 'street'? an id from regions.yaml)"),
    (["service", "new-one", "--kind", "clinic", "--region", "nowhere"],
     "--region 'nowhere' is not an area in regions.yaml (an id from regions.yaml)"),
    (["service", "New_One", "--kind", "clinic", "--region", "street"],
     "'New_One' is not a valid service id (did you mean 'new-one'? 1–64 characters: lowercase a-z, "
     "0-9 and -)"),
    (["service", "华富站", "--kind", "clinic", "--region", "street"],
     "'华富站' is not a valid service id (did you mean 'hua-fu-zhan'? 1–64 characters: lowercase "
     "a-z, 0-9 and -)"),
    (["article", "Sleep Well"],
     "'Sleep Well' is not a valid article slug (did you mean 'sleep-well'? 1–64 characters: "
     "lowercase a-z, 0-9 and -)"),
])
def test_bad_arguments_say_what_to_write(content_dir, capsys, args, message):
    content = content_dir()
    assert new(*args, "--content", str(content)) == 2
    assert capsys.readouterr().err == f"error: {message}\n"
    assert sorted(p.name for p in (content / "services").iterdir()) == ["station.yaml"]
    assert not (content / "articles").exists()


def test_missing_content_folder(tmp_path, capsys):
    assert new("article", "a", "--content", str(tmp_path / "nope")) == 2
    assert f"content folder {tmp_path / 'nope'} does not exist" in capsys.readouterr().err

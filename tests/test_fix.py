"""`check --fix`: what has exactly one sensible reading is rewritten in place (comments and
the rest of the file kept), a diff of each change is printed, a second run changes nothing,
and what is ambiguous is left alone (and stays an error). Without `--fix`, each error the
fix would correct says so."""
from __future__ import annotations

import pytest

from conftest import SERVICE, TODAY, service
from site_builder.build import check
from site_builder.cli import main
from site_builder.fixes.rewrite import fix_yaml

FIXABLE = "; `check --fix` can correct this"

# (name, the broken service file, the same file as `check --fix` leaves it)
CASES = [
    ("full-width-times",
     '# 时间从微信复制\nhours:\n  mon-fri: "８：３０－１２：００，１３：３０－１７：３０"  # 上午、下午\n',
     '# 时间从微信复制\nhours:\n  mon-fri: "08:30-12:00, 13:30-17:30"  # 上午、下午\n'),
    ("zhi-and-tilde-ranges",
     "hours:\n  mon-fri: 08:30至12:00，13:30～17:30\n  sat: 9:00到12:00\n",
     'hours:\n  mon-fri: "08:30-12:00, 13:30-17:30"\n  sat: "09:00-12:00"\n'),
    ("chinese-day-key", 'hours:\n  周一至周五: "09:00-17:00"\n  周六: 休息\n',
     'hours:\n  mon-fri: "09:00-17:00"\n  sat: closed\n'),
    ("one-line-hours", "hours: 周一至周五 9:00-17:00\nverified: 2026-11-01\n",
     'hours:\n  mon-fri: "09:00-17:00"\nverified: 2026-11-01\n'),
    ("one-line-hours-parts",
     "hours: 周一至周五 08:30-12:00，14:00-17:30；周六 09:00-12:00；节假日休息  # 区里报的\n",
     'hours:  # 区里报的\n  mon-fri: "08:30-12:00, 14:00-17:30"\n  sat: "09:00-12:00"\n'
     "  holidays: closed\n"),
    ("zhuan-extension", 'phones:\n  - "0482-8211001转8021"   # 总机转心理科\n  - "12356"\n',
     'phones:\n  - {number: "0482-8211001", ext: "8021"}   # 总机转心理科\n  - "12356"\n'),
    ("fenji-in-a-flow-entry", 'phones: [{number: "0755-5550 0121 分机 8021", label: 预约}]\n',
     'phones: [{number: "0755-5550 0121", ext: "8021", label: 预约}]\n'),
    ("zhuan-in-a-block-entry", 'phones:\n  - number: "0755-55500121转12"\n    label: 总台\n',
     'phones:\n  - number: "0755-55500121"\n    ext: "12"\n    label: 总台\n'),
    ("curly-quotes", 'phones: [“0755-55500121”]\nhours:\n  sat: “09:00-12:00”\n',
     'phones: ["0755-55500121"]\nhours:\n  sat: "09:00-12:00"\n'),
    ("full-width-commas-between-items", 'phones: ["0755-55500121"，"0755-55500122"]\n',
     'phones: ["0755-55500121", "0755-55500122"]\n'),
    ("full-width-comma-in-a-flow-mapping", "location: {lat: 22.5546，lon: 114.0946, crs: gcj02}\n",
     "location: {lat: 22.5546, lon: 114.0946, crs: gcj02}\n"),
    ("full-width-commas-in-choices", "audiences: [elderly，families]\nbooking: walk_in、appointment\n",
     "audiences: [elderly, families]\nbooking: [walk_in, appointment]\n"),
    ("hours-in-words", "hours: 全天 24 小时\n", "hours: 24/7\n"),
    ("morning-and-afternoon", "hours: 周一至周五上午9:00-12:00，下午2:00-5:30；周六、周日 9:00-12:00\n",
     'hours:\n  mon-fri: "09:00-12:00, 14:00-17:30"\n  sat-sun: "09:00-12:00"\n'),
    ("day-list", "hours: 周一、周三、周五 14:00-17:30\n",
     'hours:\n  mon: "14:00-17:30"\n  wed: "14:00-17:30"\n  fri: "14:00-17:30"\n'),
    ("phones-not-a-list", "phones: 0755-55500121、0755-55500122  # 两部电话\n",
     'phones: ["0755-55500121", "0755-55500122"]  # 两部电话\n'),
    ("two-numbers-in-one-entry", 'phones:\n  - "0755-55500121/0755-55500122"\n  - "12356"\n',
     'phones:\n  - "0755-55500121"\n  - "0755-55500122"\n  - "12356"\n'),
    ("lng", "location: {lat: 22.5, lng: 114.05, crs: gcj02}\n", "location: {lat: 22.5, lon: 114.05, crs: gcj02}\n"),
    ("chinese-date", "verified: 2026年11月1日\n", "verified: 2026-11-01\n"),
    ("slashed-date", "verified: 2026/11/1  # 电话核实\n", "verified: 2026-11-01  # 电话核实\n"),
    ("closure-dates", "closed: {from: 2026/11/20, until: 2026年12月10日, reason: 装修}\n",
     "closed: {from: 2026-11-20, until: 2026-12-10, reason: 装修}\n"),
    ("crs-spelling", "location: {lat: 22.54, lon: 114.05, crs: GCJ-02}\n",
     "location: {lat: 22.54, lon: 114.05, crs: gcj02}\n"),
    ("crs-gaode", "location:\n  lat: 22.54\n  lon: 114.05\n  crs: 高德\n",
     "location:\n  lat: 22.54\n  lon: 114.05\n  crs: gcj02\n"),
    ("crs-baidu", "location: {lat: 22.54, lon: 114.05, crs: 百度}\n",
     "location: {lat: 22.54, lon: 114.05, crs: bd09}\n"),
    ("swapped-lat-lon", "location: {lat: 114.0553, lon: 22.5478, crs: gcj02}\n",
     "location: {lat: 22.5478, lon: 114.0553, crs: gcj02}\n"),
    ("amap-string", "location: 113.883812,22.554071\n",
     "location: {lat: 22.554071, lon: 113.883812, crs: gcj02}  # check --fix：按高德地图的“经度,纬度”"
     "读取；从百度地图复制的请把 crs 改成 bd09\n"),
    ("tab-indentation", 'hours:\n\tmon-fri: "09:00-17:00"  # 工作日\n\tsat: "09:00-12:00"\n',
     'hours:\n  mon-fri: "09:00-17:00"  # 工作日\n  sat: "09:00-12:00"\n'),
    ("tab-in-a-list", 'phones:\n\t- "0755-55500101"\n', 'phones:\n  - "0755-55500101"\n'),
    ("full-width-colon", "# 名称\nname：测试街道心理服务站\nkind: service_station\n",
     "# 名称\nname: 测试街道心理服务站\nkind: service_station\n"),
    ("nbsp-and-ideographic-space", "name:\u00a0测试站\nhours:\n\u3000mon-fri: \"09:00-17:00\"\n",
     'name: 测试站\nhours:\n  mon-fri: "09:00-17:00"\n'),
]


@pytest.mark.parametrize("before, after", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_fix_rewrites_only_its_value_and_a_second_run_changes_nothing(before, after):
    fixed, changes = fix_yaml(before, "service")
    assert fixed == after
    assert changes
    assert fix_yaml(fixed, "service") == (fixed, [])


@pytest.mark.parametrize("text", [
    "verified: 11/1/2026\n",  # November or January
    "hours: 9:00-17:00\n",  # which days?
    "hours: 周一至周五上午13:00-17:00\n",  # 上午 13:00?
    "location: 22.554071,113.883812\n",  # not Amap's order: from which map?
    "location: {lat: 22.54, lon: 114.05, crs: 火星}\nphones: [\"0755-55500101 转\"]\n",
    'phones:\n  - 0755-55500101\n\t- 12356\n',  # a Tab as 2 spaces: two numbers; as 4: one text
    "hours:\n  mon-fri: 08:30-25:00\n",  # no such time
    "hours:\n  sun: 9:30\n",  # an unquoted time, but not a range either
    SERVICE,  # nothing wrong
], ids=["month-first-date", "times-without-days", "morning-13", "lat-first-pair", "unknown-words",
        "tab-width-matters", "bad-time", "single-time", "valid"])
def test_what_is_ambiguous_or_valid_is_left_as_it_is(text):
    assert fix_yaml(text, "service") == (text, [])


def test_check_says_what_fix_can_correct_then_fix_does_it(content_dir, capsys, monkeypatch):
    monkeypatch.setenv("SITE_BUILDER_TODAY", TODAY.isoformat())
    broken = service(hours="周一至周五 9:00-17:00", phones='["0482-8211001转8021"]',
                     location="113.883812,22.554071", verified="2026年11月1日",
                     kind="心理服务站")
    content = content_dir({"services/station.yaml": "# 区里报来的\n" + broken})
    assert main(["check", "--content", str(content)]) == 1
    err = capsys.readouterr().err.splitlines()
    path = "content/services/station.yaml"
    assert err[:5] == [
        f"{path}:3: kind: '心理服务站' is not allowed (did you mean 'service_station'? one of: "
        "guidance_center, service_station, counseling_room, clinic, hotline, school, online, "
        "organization, rehabilitation)",
        f"{path}:6: location: '113.883812,22.554071' is Amap's copied longitude,latitude (write "
        f"location: {{lat: 22.5541, lon: 113.884, crs: gcj02}}){FIXABLE}",
        f"{path}:7: phones[0]: '0482-8211001转8021' is a number with an extension (write "
        '{number: "0482-8211001", ext: "8021"}; the page dials the number, then the '
        f"extension){FIXABLE}",
        f"{path}:8: hours: '周一至周五 9:00-17:00' is one line of text (write `hours:` alone on "
        'its line and the days indented below it: `mon-fri: "09:00-17:00"`)' + FIXABLE,
        f"{path}:9: verified: '2026年11月1日' is not a date (YYYY-MM-DD, e.g. 2026-03-01){FIXABLE}",
    ]
    assert main(["check", "--content", str(content), "--fix"]) == 1  # the kind is left to the editor
    out, err = capsys.readouterr()
    assert out.startswith(f"--- a/{path}\n+++ b/{path}\n")
    assert "\n-hours: 周一至周五 9:00-17:00\n" in out and '\n+hours:\n+  mon-fri: "09:00-17:00"\n' in out
    assert "check --fix: 4 change(s) in 1 file(s)" in err
    assert "can correct this" not in err
    assert f"{path}:3: kind: '心理服务站' is not allowed" in err
    text = (content / "services/station.yaml").read_text(encoding="utf-8")
    assert text.startswith("# 区里报来的\nname: 测试街道心理服务站\nkind: 心理服务站\n")
    assert 'phones: [{number: "0482-8211001", ext: "8021"}]\n' in text
    (content / "services/station.yaml").write_text(text.replace("kind: 心理服务站", "kind: service_station"),
                                                   encoding="utf-8")
    assert main(["check", "--content", str(content), "--fix"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("ok: 1 services") and "check --fix: nothing to fix" in err
    report = check(content, today=TODAY)
    station = report.directory.services["station"]
    assert (station.phones[0].tel, station.point.gcj02, station.hours.week[0][0].start) == (
        "tel:+864828211001;ext=8021", (22.554071, 113.883812), 9 * 60)


def test_fix_keeps_a_windows_file_as_it_was_saved(content_dir, capsys):
    text = "\ufeff" + service(verified="2026/11/1").replace("\n", "\r\n")
    content = content_dir({"services/station.yaml": text.encode("utf-8")})
    assert main(["check", "--content", str(content), "--fix"]) in (0, 1)
    data = (content / "services/station.yaml").read_bytes()
    assert data == ("\ufeff" + service().replace("\n", "\r\n")).encode("utf-8")


def test_a_tab_breaking_yaml_is_named_at_its_line_and_fixed(content_dir, capsys):
    content = content_dir({"services/station.yaml": service(hours='\n\tmon-fri: "09:00-17:00"')})
    assert main(["check", "--content", str(content)]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "content/services/station.yaml:8: -: a Tab in the indentation breaks YAML (indent with "
        f"ordinary spaces; copied text often brings them){FIXABLE}")
    assert main(["check", "--content", str(content), "--fix"]) == 0
    out = capsys.readouterr().out
    assert '-\tmon-fri: "09:00-17:00"\n+  mon-fri: "09:00-17:00"\n' in out


def test_fix_reads_the_front_matter_of_articles(content_dir, capsys):
    content = content_dir({"articles/sleep.md": "---\ntitle: 睡眠\ndate: 2026年11月1日\n---\n正文：2026年11月1日\n"})
    assert main(["check", "--content", str(content), "--fix"]) == 0
    assert (content / "articles/sleep.md").read_text(encoding="utf-8") == (
        "---\ntitle: 睡眠\ndate: 2026-11-01\n---\n正文：2026年11月1日\n")


def test_fix_reads_holiday_dates_and_the_site_files(content_dir, capsys):
    holidays = ("# 国务院办公厅通知\noff:\n  - {dates: 2026年10月1日..2026年10月7日, name: 国庆节}\n"
                "  - {dates: 2026/5/1至2026/5/5, name: 劳动节}\nworkdays:\n  - {date: 2026/9/27, as: mon}\n")
    regions = "- id: city\n\tname: 测试市\n\tlevel: city\n"
    content = content_dir({"holidays.yaml": holidays, "regions.yaml": regions})
    assert main(["check", "--content", str(content), "--fix"]) == 1  # the service's street is gone
    assert (content / "holidays.yaml").read_text(encoding="utf-8") == (
        "# 国务院办公厅通知\noff:\n  - {dates: 2026-10-01..2026-10-07, name: 国庆节}\n"
        "  - {dates: 2026-05-01..2026-05-05, name: 劳动节}\nworkdays:\n  - {date: 2026-09-27, as: mon}\n")
    assert (content / "regions.yaml").read_text(encoding="utf-8") == (
        "- id: city\n  name: 测试市\n  level: city\n")


def test_machine_formats_say_what_fix_can_correct_too(content_dir, capsys):
    import json

    content = content_dir({"services/station.yaml": service(verified="2026/11/1")})
    assert main(["check", "--content", str(content), "--format", "json"]) == 1
    problems = json.loads(capsys.readouterr().out)["problems"]
    assert [p["message"] for p in problems] == [
        f"'2026/11/1' is not a date (YYYY-MM-DD, e.g. 2026-03-01){FIXABLE}"]


def test_build_says_what_fix_can_correct(content_dir, tmp_path, capsys):
    content = content_dir({"services/station.yaml": service(location="{lat: 22.54, lon: 114.05, crs: 高德}")})
    assert main(["build", "--content", str(content), "--out", str(tmp_path / "out")]) == 1
    assert (
        "content/services/station.yaml:5: location.crs: '高德' is not allowed (did you mean 'gcj02'? "
        f"one of: wgs84, gcj02, bd09){FIXABLE}") in capsys.readouterr().err.splitlines()

"""Spreadsheets both ways (`export xlsx`, `import xlsx|csv`), bulk verification (`verify`)
and the stale list re-imported (`import stale`): what an editor at a health commission
does with the districts' 汇总表."""
from __future__ import annotations

import csv
import io
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook, load_workbook

from site_builder.cli import main

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-12-01"


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A copy of the sample content; the working directory is its parent."""
    shutil.copytree(REPO / "content", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SITE_BUILDER_TODAY", TODAY)
    return tmp_path / "content"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def sheet(path: Path, rows: list[list], title: str = "汇总表") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def record(site: Path, sid: str) -> dict:
    return yaml.safe_load((site / "services" / f"{sid}.yaml").read_text(encoding="utf-8"))


# ------------------------------------------------------------------ export


def test_export_workbook_is_for_people(site, capsys):
    code, out, _ = run(capsys, "export", "xlsx", "--out", "all.xlsx")
    assert code == 0 and "55 service(s)" in out
    wb = load_workbook("all.xlsx")
    assert wb.sheetnames[:2] == ["服务", "说明"]
    ws = wb["服务"]
    header = [c.value for c in ws[1]]
    assert header[:8] == ["编号", "名称", "类型", "所属区域", "地址", "经纬度", "坐标系", "电话"]
    assert ws.freeze_panes == "C2"
    rows = {r[0]: dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)}
    center = rows["futian-guidance-center"]
    assert center["开放时间"] == "周一至周五 08:30-12:00，14:00-17:30；周六 09:00-12:00"
    assert center["电话"] == "0755-5550 0101（总台）；0755-5550 0102（预约）"
    assert center["类型"] == "心理服务指导中心"
    assert center["经纬度"] == "114.0553,22.5478" and center["坐标系"].startswith("GCJ-02")
    assert center["核实日期"].date() == date(2026, 11, 2)
    # drop-downs on the vocabulary columns, lists on their own sheet
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists["C2"].startswith("'取值'!") and lists["P2"].startswith("'取值'!")
    assert lists["G2"].startswith("'取值'!") and lists["D2"].startswith("'区域'!")
    values = [c.value for c in wb["取值"]["A"]][1:]
    assert "心理咨询室" in values
    help_rows = {r[0]: r for r in wb["说明"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert "GCJ-02" in help_rows["坐标系"][1] and "周一至周五" in help_rows["开放时间"][2]


def test_export_one_region(site, capsys):
    code, out, _ = run(capsys, "export", "xlsx", "--region", "futian-yuanling", "--out", "y.xlsx")
    assert code == 0
    ids = [r[0] for r in load_workbook("y.xlsx")["服务"].iter_rows(min_row=2, values_only=True)]
    assert ids and all(record(site, i)["region"].startswith("futian-yuanling") for i in ids)
    assert "futian-guidance-center" not in ids
    assert run(capsys, "export", "xlsx", "--region", "nowhere", "--out", "n.xlsx")[0] == 2


def test_round_trip_changes_no_file(site, capsys):
    before = snapshot(site)
    assert run(capsys, "export", "xlsx", "--out", "all.xlsx")[0] == 0
    code, out, err = run(capsys, "import", "xlsx", "all.xlsx")
    assert code == 0, err
    assert "0 new, 0 updated, 0 deleted, 55 unchanged" in out
    assert snapshot(site) == before
    # saved from Excel as CSV (UTF-8): the same
    from site_builder.sheets.cells import text_of
    with open("all.csv", "w", newline="", encoding="utf-8-sig") as f:
        csv.writer(f).writerows([text_of(v) for v in row]
                                for row in load_workbook("all.xlsx")["服务"].iter_rows(values_only=True))
    code, out, err = run(capsys, "import", "csv", "all.csv")
    assert code == 0 and "55 unchanged" in out, err
    assert snapshot(site) == before


def test_formula_text_stays_text(site, capsys):
    path = site / "services" / "futian-hualin-room.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "operator: 华林社区党群服务中心（示例）", 'operator: "=HYPERLINK(\\"http://x.example\\")"'),
        encoding="utf-8")
    assert run(capsys, "export", "xlsx", "--out", "all.xlsx")[0] == 0
    ws = load_workbook("all.xlsx")["服务"]
    cell = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "futian-hualin-room")[19]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
    before = snapshot(site)
    assert run(capsys, "import", "xlsx", "all.xlsx")[0] == 0
    assert snapshot(site) == before


# ------------------------------------------------------------------ import


HEADER = ["编号", "服务点名称", "类型", "所属区域", "详细地址", "坐标", "坐标系", "联系电话",
          "服务时间", "服务对象", "费用", "核实日期"]


def test_import_understands_human_forms(site, capsys):
    sheet(Path("d.xlsx"), [
        ["福田区心理服务点汇总表（2026年11月）"],
        HEADER,
        ["futian-xinzhou-room", "新洲社区心理咨询室", "心理咨询室", "futian-shatou",
         "深圳市福田区沙头街道新洲路 1 号", "114.050000，22.530000", None,
         "０７５５－５５５０ ０１９９ 转 8021", "周一到周五 9：00—12：00，14:00~17:30；周末 上午9:00-12:00",
         "所有人、老年人", "免费", "2026年11月1日"],
        ["futian-nanyuan-room", "南园社区心理咨询室", "counseling_room", "futian-shatou",
         "深圳市福田区南园路 2 号", "22.54,114.08", "百度", "0755-55500188；12356",
         "工作日 08:30-17:30；法定节假日 09:00-12:00", None, "部分收费", "2026/11/3"],
        ["futian-third-room", "第三社区心理咨询室", "心理咨询室", "福田区", "某路 3 号", None, None,
         "预约：0755-55500181/55500182", "每周一至周五 8:30-17:30 周六 9:00-12:00", None, None,
         "2026.11.4"],
    ])
    code, out, err = run(capsys, "import", "xlsx", "d.xlsx")
    assert code == 0, err
    assert "3 new, 0 updated" in out
    one = record(site, "futian-xinzhou-room")
    assert one["location"] == {"lat": 22.53, "lon": 114.05, "crs": "gcj02"}  # Amap's default
    assert one["phones"] == [{"number": "0755-5550 0199", "ext": "8021"}]
    assert one["hours"] == {"mon-fri": "09:00-12:00, 14:00-17:30", "sat-sun": "09:00-12:00"}
    assert one["audiences"] == ["everyone", "elderly"] and one["cost"] == "free"
    assert one["verified"] == date(2026, 11, 1)
    two = record(site, "futian-nanyuan-room")
    assert two["location"] == {"lat": 22.54, "lon": 114.08, "crs": "bd09"}
    assert two["phones"] == ["0755-55500188", "12356"]
    assert two["hours"] == {"mon-fri": "08:30-17:30", "holidays": "09:00-12:00"}
    assert (two["cost"], two["verified"]) == ("mixed", date(2026, 11, 3))
    three = record(site, "futian-third-room")
    assert three["region"] == "futian"  # an area's name, when only one area has it
    assert three["phones"] == [{"number": "0755-55500181", "label": "预约"}, "0755-55500182"]
    assert three["hours"] == {"mon-fri": "08:30-17:30", "sat": "09:00-12:00"}
    assert main(["check"]) == 0  # the new records build


def test_import_reports_every_problem_with_its_cell(site, capsys, monkeypatch):
    monkeypatch.setenv("SITE_BUILDER_MESSAGES", "zh-Hans")  # as a Chinese site shows them
    before = snapshot(site)
    sheet(Path("d.xlsx"), [
        HEADER + ["备注"],
        ["futian-bad-room", "坏行", "咨询室X", "nowhere", "某地", "abc", "火星", "0482-821",
         "9:00-17:00", "老人家", "免费", "2026/13/1", ""],
        ["futian-ok-room", "好行", "心理咨询室", "futian", None, None, None, "0755-55500199",
         "每天 09:00-17:00", None, None, "2027-01-05"],
        ["Futian Room", "编号错", "心理咨询室", "futian", "某地", None, None, "12356", "24小时",
         None, None, "2026-11-01"],
        ["futian-ok-room", "重复", "心理咨询室", "futian", "某地", None, None, "12356", "24小时",
         None, None, "2026-11-01"],
    ])
    code, _, err = run(capsys, "import", "xlsx", "d.xlsx")
    assert code == 1
    lines = err.splitlines()
    cells = [line.split(": ", 2)[-2].rsplit("!", 1)[1] if line.startswith("warning") else line.split(": ", 1)[0].rsplit("!", 1)[1] for line in lines if "汇总表!" in line]
    assert cells == ["M1", "C2", "D2", "F2", "H2", "I2", "J2", "L2", "E3", "L3", "A4", "A5"]
    assert lines[0] == "警告：d.xlsx:汇总表!M1: 备注: 未知的列，已忽略（可用的列见“说明”表）"
    assert "d.xlsx:汇总表!C2: 类型: “咨询室X”不是可选的值（是不是“心理咨询室”？" in err
    assert "d.xlsx:汇总表!H2: 电话: “0482-821”不是电话号码" in err
    assert "d.xlsx:汇总表!I2: 开放时间: “9:00-17:00”没有写哪几天" in err
    assert "d.xlsx:汇总表!J2: 服务对象: “老人家”不是可选的值（是不是“老年人”？" in err
    # the validator's own messages, as a hand-written file gets them, at their cells
    assert ("d.xlsx:汇总表!E3: 地址: address: 缺少必填项 “address”（counseling_room 需要填写"
            "街道地址") in err
    assert "d.xlsx:汇总表!L3: 核实日期: verified: 2027-01-05 是将来的日期" in err
    assert "d.xlsx:汇总表!A5: 编号: 编号“futian-ok-room”在第 3 行已经用过" in err
    assert lines[-1] == "d.xlsx 里有 11 个错误：没有写入任何文件（请改正后重新导入）"
    assert snapshot(site) == before


def test_import_csv_from_excel_on_windows(site, capsys):
    text = "编号,名称,类型,所属区域,电话,开放时间,核实日期\r\n" \
           "health-line,区心理热线,热线,futian,0755-55500177,24小时,2026-11-01\r\n"
    Path("d.csv").write_bytes(text.encode("gb18030"))
    code, out, err = run(capsys, "import", "csv", "d.csv")
    assert code == 0, err
    assert record(site, "health-line")["hours"] == "24/7"


def test_update_in_place_keeps_comments_and_order(site, capsys):
    path = site / "services" / "futian-hualin-room.yaml"
    original = path.read_text(encoding="utf-8")
    path.write_text("# 华林社区：每年 3 月电话核实\n" + original.replace(
        "\nhours_note:", "\n# 周二、周四下午有社工值班\nhours_note:", 1), encoding="utf-8")
    commented = path.read_text(encoding="utf-8")
    run(capsys, "export", "xlsx", "--out", "all.xlsx")
    wb = load_workbook("all.xlsx")
    ws = wb["服务"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "futian-hualin-room")
    row[7].value = "0755-5550 0121 转 8021"
    row[11].value = "周二、周四 14:00-17:30；周六 09:00-12:00"  # the same hours, written otherwise
    wb.save("all.xlsx")
    code, out, err = run(capsys, "import", "xlsx", "all.xlsx", "--dry-run")
    assert code == 0, err
    assert ("would update content/services/futian-hualin-room.yaml (row 5): 电话: "
            "“0755-5550 0121” → “0755-5550 0121 转 8021”") in out
    assert "1 updated, 0 deleted, 54 unchanged: nothing written (--dry-run)" in out
    assert path.read_text(encoding="utf-8") == commented
    code, out, _ = run(capsys, "import", "xlsx", "all.xlsx")
    assert code == 0
    assert path.read_text(encoding="utf-8") == commented.replace(
        'phones: ["0755-55500121"]', 'phones:\n  - {number: "0755-5550 0121", ext: "8021"}')


def test_clearing_a_cell_removes_the_field_and_delete_needs_asking(site, capsys):
    services = site / "services"
    shutil.copy(services / "futian-hualin-room.yaml", services / "futian-hualin-extra.yaml")
    run(capsys, "export", "xlsx", "--region", "futian-yuanling", "--out", "y.xlsx")
    wb = load_workbook("y.xlsx")
    ws = wb["服务"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "futian-hualin-room")
    row[12].value = None  # 开放时间说明
    wb.save("y.xlsx")
    assert run(capsys, "import", "xlsx", "y.xlsx")[0] == 0
    assert "hours_note" not in record(site, "futian-hualin-room")
    assert (services / "futian-guidance-center.yaml").exists()  # not in the sheet: kept
    code, out, _ = run(capsys, "import", "xlsx", "y.xlsx", "--delete-missing", "--region",
                       "futian-yuanling", "--dry-run")
    assert code == 0 and "would delete" not in out  # every record of the area is in the sheet
    for sid in ("futian-hualin-extra", "futian-hualin-room"):
        ws.delete_rows(next(r for r in ws.iter_rows(min_row=2) if r[0].value == sid)[0].row)
    wb.save("y.xlsx")
    before = snapshot(site)
    code, out, err = run(capsys, "import", "xlsx", "y.xlsx", "--delete-missing", "--region",
                         "futian-yuanling")
    # an article and a station link to futian-hualin-room: deleting it is refused, at their lines
    assert code == 1 and "content/articles/find-community-counseling-room.md:" in err
    assert snapshot(site) == before
    ws.append([c.value for c in row])
    wb.save("y.xlsx")
    code, out, err = run(capsys, "import", "xlsx", "y.xlsx", "--delete-missing", "--region",
                         "futian-yuanling")
    assert code == 0, err
    assert "deleted content/services/futian-hualin-extra.yaml: not in the sheet" in out
    assert "1 deleted" in out
    assert not (services / "futian-hualin-extra.yaml").exists()
    assert (services / "futian-guidance-center.yaml").exists()


# ------------------------------------------------------------ verification


def test_verify_by_id_region_and_operator_keeps_layout(site, capsys):
    path = site / "services" / "futian-hualin-room.yaml"
    path.write_text("# 备注：请勿删除\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    before = snapshot(site)
    code, out, _ = run(capsys, "verify", "futian-hualin-room", "--date", "2026年11月30日")
    assert code == 0 and "1 record(s) verified on 2026-11-30" in out
    after = snapshot(site)
    changed = [k for k in after if after[k] != before[k]]
    assert changed == ["services/futian-hualin-room.yaml"]
    assert after[changed[0]].decode() == before[changed[0]].decode().replace(
        "verified: 2026-11-10", "verified: 2026-11-30")
    code, out, _ = run(capsys, "verify", "--region", "futian-huafu", "--date", "2026/11/29")
    assert code == 0
    assert all(record(site, p.stem)["verified"] == date(2026, 11, 29)
               for p in (site / "services").glob("*.yaml")
               if record(site, p.stem)["region"].startswith("futian-huafu"))
    code, out, _ = run(capsys, "verify", "--operator", "福田区银龄心理关爱协会（虚构）")
    assert code == 0 and record(site, "futian-silver-care")["verified"] == date(2026, 12, 1)
    before = snapshot(site)
    assert run(capsys, "verify", "futian-hualin-room", "no-such-room")[0] == 1
    assert run(capsys, "verify", "futian-hualin-room", "--date", "2027-01-01")[0] == 2
    assert snapshot(site) == before


def test_stale_list_by_region_due_within_and_reimported(site, capsys):
    code, out, _ = run(capsys, "check", "--stale", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out[1:])))
    assert rows[0] == ["运营单位", "区域", "编号", "名称", "电话", "核实日期", "已过天数", "到期日", "文件"]
    stale = {r[2] for r in rows[1:]}
    _, out, _ = run(capsys, "check", "--stale", "--format", "csv", "--region", "futian")
    futian = [r for r in csv.reader(io.StringIO(out[1:]))][1:]
    assert futian and {r[2] for r in futian} <= stale and all(r[1] == "福田区" for r in futian)
    _, out, _ = run(capsys, "check", "--stale", "--format", "csv", "--due-within", "90")
    due = list(csv.reader(io.StringIO(out[1:])))[1:]
    assert {r[2] for r in due} > stale
    assert all(date.fromisoformat(r[7]) <= date(2027, 3, 1) for r in due)
    # the verification team writes the day of each call over the old date
    rows[1][5] = "2026年11月28日"
    rows[2][5] = "2026/11/27"
    Path("called.csv").write_text("\ufeff" + "".join(",".join(r) + "\r\n" for r in rows),
                                  encoding="utf-8")
    first, second = rows[1][2], rows[2][2]
    code, out, _ = run(capsys, "import", "stale", "called.csv", "--dry-run")
    assert code == 0 and "2 record(s) to date" in out
    assert record(site, first)["verified"] != date(2026, 11, 28)
    code, out, _ = run(capsys, "import", "stale", "called.csv")
    assert code == 0 and "2 record(s) dated" in out
    assert record(site, first)["verified"] == date(2026, 11, 28)
    assert record(site, second)["verified"] == date(2026, 11, 27)
    _, out, _ = run(capsys, "check", "--stale", "--format", "csv")
    assert first not in out and second not in out
    rows[1][5] = "2020-01-01"  # earlier than the record's date now
    Path("called.csv").write_text("".join(",".join(r) + "\r\n" for r in rows), encoding="utf-8")
    code, _, err = run(capsys, "import", "stale", "called.csv")
    assert code == 1 and ("called.csv:called!F2: 核实日期: 2020-01-01 is before the record's date of "
                           "verification 2026-11-28") in err


def test_phone_cell_that_excel_made_a_number(site, capsys):
    sheet(Path("d.xlsx"), [HEADER, ["futian-x-room", "某室", "心理咨询室", "futian", "某地", None,
                                    None, 75555500121, "每天 09:00-17:00", None, None, "2026-11-01"]])
    code, _, err = run(capsys, "import", "xlsx", "d.xlsx")
    assert code == 1
    assert "d.xlsx:汇总表!H2: 电话: '75555500121' is a number cell: the spreadsheet dropped its leading 0" in err


def test_xls_and_ods_reader_reads_what_openpyxl_reads(site, capsys):
    """.xls and .ods go through python-calamine: the same rows, at the same row numbers
    (checked on the exported workbook, which calamine reads too)."""
    from site_builder.sheets.cells import text_of
    from site_builder.sheets.workbook import _read_calamine, _read_openpyxl
    run(capsys, "export", "xlsx", "--out", "all.xlsx")
    sheet(Path("t.xlsx"), [[], ["福田区汇总表"], [], HEADER, [], ["a-b", "甲", "心理咨询室"]])
    for path in (Path("all.xlsx"), Path("t.xlsx")):
        a, b = _read_openpyxl(path, None), _read_calamine(path, None)
        assert a.sheet == b.sheet
        assert [(n, [text_of(v) for v in row]) for n, row in a.rows] == \
               [(n, [text_of(v) for v in row]) for n, row in b.rows]
    assert [n for n, _ in _read_calamine(Path("t.xlsx"), None).rows] == [2, 4, 6]


def test_district_sheet_without_ids_matches_by_name(site, capsys):
    sheet(Path("d.xlsx"), [
        ["序号", "服务点名称", "类型", "所属区域", "详细地址", "联系电话", "服务时间", "核实日期"],
        [1, "新洲社区心理咨询室", "心理咨询室", "福田区", "深圳市福田区新洲路 1 号", "0755-55500199",
         "周一至周五 9:00-17:00", "2026-11-01"],
        [2, "华林社区心理咨询室", "心理咨询室", "futian-yuanling-hualin",
         "深圳市福田区园岭街道八卦路 12 号华林社区党群服务中心 102 室", "0755-55500121 转 8",
         "周二、周四 14:00-17:30；周六 09:00-12:00", "2026-11-10"],
    ])
    code, out, err = run(capsys, "import", "xlsx", "d.xlsx")
    assert code == 0, err
    assert ("created content/services/futian-xinzhoushequxinlizixunshi.yaml (row 2) (no 编号 "
            "column: the id is made from 名称") in out
    assert ("updated content/services/futian-hualin-room.yaml (row 3): 电话: “0755-5550 0121” → "
            "“0755-5550 0121 转 8”") in out
    assert record(site, "futian-hualin-room")["audiences"] == ["everyone", "elderly", "families"]
    code, out, _ = run(capsys, "import", "xlsx", "d.xlsx")  # sent again: the same records
    assert code == 0 and "0 new, 0 updated, 0 deleted, 2 unchanged" in out


def test_area_given_as_district_street_community_names(site, capsys):
    sheet(Path("d.xlsx"), [
        ["服务点名称", "类型", "区县", "街道", "社区", "详细地址", "联系电话", "服务时间", "核实日期"],
        ["新华林心理咨询室", "心理咨询室", "福田区", "园岭街道", "华林社区", "某路 1 号", "0755-55500197",
         "周一至周五 9:00-17:00", "2026-11-01"],
        ["园岭街道新站", "心理服务站", "福田区", "园岭街道", None, "某路 2 号", "0755-55500196",
         "周一至周五 9:00-17:00", "2026-11-01"],
        ["某站", "心理服务站", "福田区", "不存在街道", None, "某路 3 号", "0755-55500195",
         "周一至周五 9:00-17:00", "2026-11-01"],
        ["合计：3 个"],
    ])
    code, _, err = run(capsys, "import", "xlsx", "d.xlsx")
    assert code == 1
    assert "d.xlsx:汇总表!D4: 所属区域: '不存在街道' is not an area of regions.yaml" in err
    assert ("warning: d.xlsx:汇总表!A5: -: only one cell has content ('合计：3 个'): not a service "
            "record, left out") in err
    errors = [line for line in err.splitlines() if not line.startswith("warning: ")]
    assert len(errors) == 2  # the one above and the summary line
    sheet(Path("d.xlsx"), [
        ["服务点名称", "类型", "区县", "街道", "社区", "详细地址", "联系电话", "服务时间", "核实日期"],
        ["新华林心理咨询室", "心理咨询室", "福田区", "园岭街道", "华林社区", "某路 1 号", "0755-55500197",
         "周一至周五 9:00-17:00", "2026-11-01"],
        ["园岭街道新站", "心理服务站", "福田区", "园岭街道", None, "某路 2 号", "0755-55500196",
         "周一至周五 9:00-17:00", "2026-11-01"],
    ])
    code, out, err = run(capsys, "import", "xlsx", "d.xlsx")
    assert code == 0, err
    made = {p.stem: record(site, p.stem) for p in (site / "services").glob("*.yaml")
            if record(site, p.stem)["name"] in ("新华林心理咨询室", "园岭街道新站")}
    assert sorted(r["region"] for r in made.values()) == ["futian-yuanling", "futian-yuanling-hualin"]

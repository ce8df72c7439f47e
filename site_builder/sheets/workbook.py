"""Spreadsheet files: write the services workbook (openpyxl), read a sheet back from .xlsx
(openpyxl), .xls/.ods (python-calamine, when installed) or CSV (UTF-8 or GB18030, as Excel
on a Chinese Windows saves it) as rows of cell values with their row numbers."""
from __future__ import annotations
from ..messages import M

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .. import csvsafe
from .columns import COLUMNS, HEADERS

SERVICES_SHEET = "服务"
HELP_SHEET = "说明"
VALUES_SHEET = "取值"
REGIONS_SHEET = "区域"
VALIDATED_ROWS = 2000
"""Rows below the header that get the drop-downs (room for new services)."""


class SheetError(Exception):
    """The file cannot be read as a spreadsheet at all."""


@dataclass
class Table:
    file: str
    sheet: str
    rows: list[tuple[int, list[Any]]]
    """(1-based row number, cell values) of every non-empty row."""


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


# -------------------------------------------------------------------- writing


def _put(ws, row: int, col: int, value: Any):
    cell = ws.cell(row=row, column=col)
    if isinstance(value, date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    else:
        cell.value = "" if value is None else str(value)
        cell.data_type = "s"  # never a formula, whatever the text starts with
        cell.number_format = "@"
    return cell


def write_workbook(path: Path, rows: list[list], regions: list[tuple[str, str, str]]) -> None:
    """The services sheet (one row per service, frozen header, drop-downs), the 说明 sheet
    (each column, what it holds, the allowed values), the drop-down lists and the areas."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = SERVICES_SHEET
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    col = 0
    for column in COLUMNS:
        for header in column.headers:
            col += 1
            c = _put(ws, 1, col, header)
            c.font, c.fill = bold, fill
            ws.column_dimensions[column_letter(col - 1)].width = column.width
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            cell = _put(ws, r, c, value)
            cell.alignment = Alignment(wrap_text=False, vertical="top")
    ws.freeze_panes = "C2"  # the header, the id and the name stay in view
    ws.auto_filter.ref = f"A1:{column_letter(len(HEADERS) - 1)}{max(len(rows) + 1, 2)}"

    # The drop-down lists, one column each, on their own sheet.
    values = wb.create_sheet(VALUES_SHEET)
    lists: dict[tuple[int, int], str] = {}
    list_col = 0
    col = 0
    for column in COLUMNS:
        for i, header in enumerate(column.headers):
            col += 1
            choices = column.choices[i] if i < len(column.choices) else None
            if not choices:
                continue
            list_col += 1
            _put(values, 1, list_col, header).font = bold
            for r, choice in enumerate(choices, start=2):
                _put(values, r, list_col, choice)
            letter = column_letter(list_col - 1)
            lists[(col, 0)] = f"'{VALUES_SHEET}'!${letter}$2:${letter}${len(choices) + 1}"
    area = wb.create_sheet(REGIONS_SHEET)
    for c, header in enumerate(("区域编号", "名称", "级别"), start=1):
        _put(area, 1, c, header).font = bold
    for r, (rid, name, level) in enumerate(regions, start=2):
        for c, value in enumerate((rid, name, level), start=1):
            _put(area, r, c, value)
    area.column_dimensions["A"].width = 32
    area.column_dimensions["B"].width = 24
    area.freeze_panes = "A2"
    if regions:
        region_col = HEADERS.index("所属区域") + 1
        lists[(region_col, 0)] = f"'{REGIONS_SHEET}'!$A$2:$A${len(regions) + 1}"
    last = max(len(rows) + 1, VALIDATED_ROWS)
    for (col, _), formula in lists.items():
        dv = DataValidation(type="list", formula1=formula, allow_blank=True,
                            errorStyle="warning", showErrorMessage=True,
                            errorTitle="不是可选的值", error="请从下拉列表中选择（见“说明”表）")
        letter = column_letter(col - 1)
        dv.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(dv)

    help_ = wb.create_sheet(HELP_SHEET, 1)
    for c, header in enumerate(("列名", "说明", "可填的值"), start=1):
        cell = _put(help_, 1, c, header)
        cell.font, cell.fill = bold, fill
    r = 1
    for column in COLUMNS:
        for header in column.headers:
            r += 1
            _put(help_, r, 1, header).font = bold
            _put(help_, r, 2, column.explain).alignment = Alignment(wrap_text=True, vertical="top")
            _put(help_, r, 3, column.allowed).alignment = Alignment(wrap_text=True, vertical="top")
    notes = ("导入：site-builder import xlsx 文件 —— 按编号更新已有的服务（只改动变了的字段，保留注释），"
             "新编号新建文件；表格里没有的服务不会删除（除非加 --delete-missing）。",
             "清空一个单元格即删除该字段。表格不含的字段（other_contacts、stats、translations）保持不变。",
             "坐标系不填时按 GCJ-02（高德地图）处理。")
    for note in notes:
        r += 2
        _put(help_, r, 1, note)
    help_.column_dimensions["A"].width = 14
    help_.column_dimensions["B"].width = 70
    help_.column_dimensions["C"].width = 50
    help_.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


# -------------------------------------------------------------------- reading


def read_table(path: Path, sheet: str | None = None) -> Table:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise SheetError(M("sheets.no_file", "{path} does not exist", path=path))
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return _read_openpyxl(path, sheet)
    if suffix in (".xls", ".ods", ".xlsb"):
        return _read_calamine(path, sheet)
    raise SheetError(M("sheets.unknown_type", "{path}: unknown spreadsheet type {suffix} "
                       "(expected .xlsx, .xls, .ods or .csv)", path=path,
                       suffix=suffix or "(none)"))


def _pick(names: list[str], wanted: str | None, path: Path) -> str:
    if wanted:
        if wanted not in names:
            raise SheetError(M("sheets.no_sheet", "{path} has no sheet {sheet!r} (sheets: "
                               "{names})", path=path, sheet=wanted, names=", ".join(names)))
        return wanted
    return SERVICES_SHEET if SERVICES_SHEET in names else names[0]


def _kept(rows) -> list[tuple[int, list[Any]]]:
    out = []
    for number, values in rows:
        values = list(values)
        if any(v not in (None, "") for v in values):
            out.append((number, values))
    return out


def _read_openpyxl(path: Path, sheet: str | None) -> Table:
    from openpyxl import load_workbook
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException …
        raise SheetError(M("sheets.not_xlsx", "{path}: not an .xlsx workbook ({what})",
                           path=path, what=exc)) from None
    try:
        name = _pick(wb.sheetnames, sheet, path)
        ws = wb[name]
        rows = _kept(enumerate(ws.iter_rows(values_only=True), start=1))
    finally:
        wb.close()
    return Table(str(path), name, rows)


def _read_calamine(path: Path, sheet: str | None) -> Table:
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        raise SheetError(M("sheets.needs_calamine", "{path}: reading {suffix} needs "
                           "python-calamine (pip install python-calamine==0.9.1), or save the "
                           "sheet as .xlsx", path=path, suffix=path.suffix)) from None
    try:
        wb = CalamineWorkbook.from_path(str(path))
        name = _pick(list(wb.sheet_names), sheet, path)
        ws = wb.get_sheet_by_name(name)
        data = ws.to_python(skip_empty_area=False)
    except SheetError:
        raise
    except Exception as exc:
        raise SheetError(M("sheets.unreadable", "{path}: cannot be read as a spreadsheet "
                           "({what})", path=path, what=exc)) from None
    return Table(str(path), name, _kept(enumerate(data, start=1)))


def _read_csv(path: Path) -> Table:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SheetError(M("sheets.not_text", "{path}: not UTF-8 or GB18030 text (save it as "
                           "CSV UTF-8)", path=path))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows = csv.reader(io.StringIO(text, newline=""), dialect)
    table = [[csvsafe.uncell(v) for v in row] for row in rows]
    return Table(str(path), path.stem, _kept(enumerate(table, start=1)))

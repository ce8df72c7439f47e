"""Import a services sheet into records: read every row (all problems of all cells in one
pass, `FILE:Sheet!C12: 电话: …`), plan what changes (new files, fields changed in place,
deletions only when asked), check the records that would result with the validator (its
problems mapped back to their cells), and only then write — everything or nothing.

A field is changed only when its cells mean something else than the file's value:
`format(old) != format(new)`, with the canonical cell forms of cells.py, so an exported
sheet imported again changes no file.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..build import check
from ..errors import Problem
from ..fields import SLUG
from ..load import display_path
from ..yamledit import EditError, Record, new_text, write_atomic
from ..messages import Listed, M, say, text
from .cells import MESSAGES, CellError, text_of
from .columns import (AREA_PART_HEADERS, BY_KEY, Column, Context, area_from_parts,
                      header_index, normal_header, root_key)
from .records import read_plain
from .workbook import Table, column_letter

HEADER_SEARCH_ROWS = 10
"""A district's 汇总表 often has a title row or two above the header."""


@dataclass(frozen=True, order=True)
class CellProblem:
    file: str
    sheet: str
    cell: str
    header: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.file}:{self.sheet}!{self.cell}: {self.header}: {text(self.message)}"


@dataclass
class Row:
    number: int
    id: str | None
    values: dict[str, Any]
    """Record key -> value read from the cells (None: the cells are empty)."""
    ok: bool = True
    made_id: bool = False
    """The sheet has no 编号: the id was made from the name."""


@dataclass
class Change:
    id: str
    path: Path
    action: str
    """create, update or delete."""
    fields: list[tuple[str, str, str]] = field(default_factory=list)
    """(header, old cell text, new cell text) of each changed field."""
    text: str | None = None
    row: int | None = None
    made_id: bool = False


@dataclass
class Plan:
    changes: list[Change] = field(default_factory=list)
    problems: list = field(default_factory=list)
    unchanged: int = 0

    @property
    def errors(self) -> list:
        return [p for p in self.problems if p.severity == "error"]


class Sheet:
    """A table read against the columns: which column holds what, and where."""

    def __init__(self, table: Table, ctx: Context):
        self.table, self.ctx = table, ctx
        self.problems: list[CellProblem] = []
        self.columns: dict[str, list[int | None]] = {}
        """Record key -> the table column of each of its headers (None: absent)."""
        self.header_row = 0
        self.area_parts: list[int] = []
        """Columns 区县, 街道, 社区 … (area names), left to right."""
        self.rows: list[Row] = []
        self._find_header()
        if self.header_row:
            self._read_rows()

    def problem(self, row: int, col: int | None, header: str, code: str, severity: str = "error",
                **values) -> None:
        message = MESSAGES[code](**values)
        self.add(row, col, header, message, severity)

    def add(self, row: int, col: int | None, header: str, message: str, severity: str = "error"):
        cell = f"{column_letter(col)}{row}" if col is not None else f"A{row}"
        self.problems.append(CellProblem(self.table.file, self.table.sheet, cell, header,
                                         message, severity))

    def cell_of(self, key: str, row: int) -> tuple[int | None, str]:
        """(table column, header) where a field's problems are shown."""
        column = BY_KEY[key]
        cols = self.columns.get(key) or [None]
        if cols[0] is None and key != "id":
            return self.cell_of("id", row)
        if cols[0] is None and self.columns.get("name"):
            return self.columns["name"][0], BY_KEY["name"].headers[0]
        return cols[0], column.headers[0]

    def _find_header(self) -> None:
        known = header_index()
        parts = {normal_header(h) for h in AREA_PART_HEADERS}
        for number, values in self.table.rows[:HEADER_SEARCH_ROWS]:
            found = {i: known[normal_header(v)] for i, v in enumerate(values)
                     if normal_header(v) in known}
            if len(found) >= 2 and any(c.key in ("id", "name") for c, _ in found.values()):
                self.header_row = number
                for i, value in enumerate(values):
                    if i in found:
                        column, index = found[i]
                        slots = self.columns.setdefault(column.key, [None] * len(column.headers))
                        if slots[index] is None:
                            slots[index] = i
                    elif normal_header(value) in parts:
                        self.area_parts.append(i)
                    elif text_of(value):
                        self.problem(number, i, text_of(value), "unknown_column", "warning")
                if "id" not in self.columns and "name" not in self.columns:
                    self.problem(number, None, "编号", "no_id_column")
                    self.header_row = 0
                return
        first = self.table.rows[0][0] if self.table.rows else 1
        self.problem(first, None, "-", "no_header")

    def _read_rows(self) -> None:
        seen: dict[str, int] = {}
        for number, values in self.table.rows:
            if number <= self.header_row:
                continue
            row = Row(number, None, {})
            for key, cols in self.columns.items():
                column: Column = BY_KEY[key]
                cells = tuple(values[c] if c is not None and c < len(values) else None for c in cols)
                try:
                    row.values[key] = column.from_cells(cells, self.ctx)
                except CellError as exc:
                    index = getattr(exc, "column", 0)
                    col = cols[index] if cols[index] is not None else cols[0]
                    self.add(number, col, column.headers[index], exc.message)
                    row.ok = False
            filled = [v for v in values if text_of(v)]
            if len(filled) == 1:  # 合计, 注：… under the table: not a record
                self.problem(number, None, "-", "not_a_record", "warning", text=text_of(filled[0]))
                continue
            if self.area_parts and not row.values.get("region"):
                names = [text_of(values[i]) if i < len(values) else "" for i in self.area_parts]
                if any(names):
                    try:
                        row.values["region"] = area_from_parts(names, self.ctx)
                    except CellError as exc:
                        last = max(i for i, n in zip(self.area_parts, names) if n)
                        self.add(number, last, "所属区域", exc.message)
                        row.ok = False
            row.id = row.values.pop("id", None)
            if row.id:
                if row.id in seen:
                    col, header = self.cell_of("id", number)
                    self.problem(number, col, header, "duplicate_id", text=row.id, first=seen[row.id])
                    row.ok = False
                else:
                    seen[row.id] = number
            elif "id" in self.columns:
                row.ok = False
            self.rows.append(row)


def new_id(name: str, region: str | None, taken: set[str]) -> str:
    """An id for a new record of a sheet without 编号: its area's id and the name in
    pinyin (`futian-xinzhoushequxinlizixunshi`), made unique with -2, -3 …"""
    from pypinyin import lazy_pinyin
    words = re.sub(r"[^a-z0-9]+", "", "".join(lazy_pinyin(name)).lower()) or "service"
    base = f"{region}-{words}" if region and SLUG.match(region) else words
    base = base[:60].strip("-")
    out, n = base, 1
    while out in taken:
        n += 1
        out = f"{base}-{n}"
    return out


def _ids_from_names(sheet: Sheet, current: dict[str, tuple[Path, dict]]) -> None:
    """A sheet without 编号 (a district's own 汇总表): a row is the record of the same name
    (in the same area when the row gives one), or a new record with an id made from it."""
    if "id" in sheet.columns:
        return
    taken, matched = set(current), set()
    by_name: dict[str, list[str]] = {}
    for sid, (_, data) in current.items():
        by_name.setdefault(str(data.get("name") or "").strip(), []).append(sid)
    for row in sheet.rows:
        name, region = row.values.get("name"), row.values.get("region")
        if not name:
            col, header = sheet.cell_of("name", row.number)
            sheet.problem(row.number, col, header, "missing_name")
            row.ok = False
            continue
        same = [sid for sid in by_name.get(name, [])
                if not region or current[sid][1].get("region") == region]
        if len(same) == 1 and same[0] not in matched:
            row.id = same[0]
            matched.add(row.id)
        else:
            row.id = new_id(name, region, taken)
            row.made_id = True
        taken.add(row.id)


def _cells_text(column: Column, value: Any) -> str:
    return "，".join(text_of(c) for c in column.to_cells(value) if text_of(c))


def plan_import(sheet: Sheet, services: Path, content: Path, *, delete_missing: bool = False,
                keep: set[str] | None = None, today: date | None = None) -> Plan:
    """What importing `sheet` into `services` would do. `keep`: ids that --delete-missing
    must not delete (records outside the sheet's area)."""
    current, _ = read_plain(services)
    _ids_from_names(sheet, current)
    plan = Plan(problems=list(sheet.problems))
    ids = set()
    for row in sheet.rows:
        if not row.id:
            continue
        ids.add(row.id)
        if not row.ok:
            continue
        path = services / f"{row.id}.yaml"
        if path.exists():
            old_data = current.get(row.id, (path, None))[1]
            changed = [key for key, new in row.values.items() if old_data is None or
                       BY_KEY[key].to_cells(old_data.get(key)) != BY_KEY[key].to_cells(new)]
            if not changed:
                plan.unchanged += 1
                continue
            try:
                record = Record.load(path)
            except EditError as exc:
                col, header = sheet.cell_of("id", row.number)
                sheet.add(row.number, col, header, exc.args[0])
                plan.problems.append(sheet.problems[-1])
                continue
            change = Change(row.id, path, "update", row=row.number)
            for key in changed:
                column, new = BY_KEY[key], row.values[key]
                old = record.get(key)
                if column.to_cells(old) == column.to_cells(new):
                    continue
                if new is None:
                    record.delete(key)
                else:
                    record.set(key, new)
                change.fields.append((column.headers[0], _cells_text(column, old),
                                      _cells_text(column, new)))
            if change.fields and record.changed:
                change.text = record.text
                plan.changes.append(change)
            else:
                plan.unchanged += 1
        else:
            data = {k: v for k, v in row.values.items() if v is not None}
            text = new_text(data, f"imported from {Path(sheet.table.file).name} "
                                     f"({sheet.table.sheet}, row {row.number})")
            fields = [(BY_KEY[k].headers[0], "", _cells_text(BY_KEY[k], v)) for k, v in data.items()]
            plan.changes.append(Change(row.id, path, "create", fields, text, row.number,
                                       row.made_id))
    if delete_missing and services.is_dir():
        for path in sorted(services.glob("*.yaml")):
            if path.stem not in ids and path.stem not in (keep or set()):
                plan.changes.append(Change(path.stem, path, "delete"))
    plan.problems += _validate(plan, sheet, services, content, today)
    return plan


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _validate(plan: Plan, sheet: Sheet, services: Path, content: Path,
              today: date | None) -> list:
    """The validator's problems with the records as they would be, on a copy of the
    content: those of the sheet's rows at their cells, new errors elsewhere (an article
    pointing at a deleted service) at their files."""
    rows: dict[str, Row] = {}
    for row in sheet.rows:
        if row.id:
            rows.setdefault(row.id, row)
    changed = {c.id for c in plan.changes}
    if not content.is_dir():
        return []
    if not plan.changes:  # the records stay as they are: check them where they are
        return _mapped(check(content, today), content, services, rows, changed, sheet, None)
    before = {(p.path, p.field, p.message) for p in check(content, today).problems.errors}
    with tempfile.TemporaryDirectory(prefix="site-builder-import-") as tmp:
        copy = Path(tmp) / "content"
        shutil.copytree(content, copy, copy_function=_link_or_copy, symlinks=True)
        target = copy / services.resolve().relative_to(content.resolve())
        for change in plan.changes:
            dest = target / change.path.name
            dest.unlink(missing_ok=True)  # a hard link: never write through it
            if change.text is not None:
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_text(change.text, encoding="utf-8")
        return _mapped(check(copy, today), copy, target, rows, changed, sheet, before,
                       display_path(content / "x", content)[:-1])


def _mapped(report, copy: Path, target: Path, rows: dict, changed: set, sheet: Sheet,
            before: set | None, shown_root: str = "") -> list:
    """The report's problems of the sheet's rows at their cells; with `before` (the
    errors of the content as it is), the new errors of other files at their lines."""
    out: list = []
    copy_root = display_path(copy / "x", copy)[:-1]
    services_rel = target.resolve().relative_to(copy.resolve()).as_posix()
    for p in report.problems.errors + report.problems.warnings:
        rel = p.path[len(copy_root):] if p.path.startswith(copy_root) else None
        sid = Path(rel).stem if rel else None
        if rel and Path(rel).parent.as_posix() == services_rel and sid in rows:
            if p.severity == "warning" and sid not in changed:
                continue
            col, header = sheet.cell_of(root_key(p.field), rows[sid].number)
            detail = p.message if p.field == "-" else M("cell.field_detail", "{field}: {message}",
                                                           field=p.field, message=p.message)
            cell = f"{column_letter(col) if col is not None else 'A'}{rows[sid].number}"
            out.append(CellProblem(sheet.table.file, sheet.table.sheet, cell, header, detail,
                                   p.severity))
        elif p.severity == "error" and before is not None:
            shown = Problem(shown_root + rel if rel else p.path, p.line, p.field, p.message)
            if (shown.path, p.field, p.message) not in before:
                out.append(shown)
    return out


def apply(plan: Plan) -> None:
    """Write the plan (after a check without errors)."""
    for change in plan.changes:
        if change.action == "delete":
            change.path.unlink(missing_ok=True)
        else:
            write_atomic(change.path, change.text)


def describe(change: Change, content: Path, dry_run: bool) -> str:
    """One line of what an import does (or would do) to a record, in the run's language."""
    where = display_path(change.path, content)
    row = say("sheets.row", " (row {row})", row=change.row) if change.row else ""
    if change.action == "delete":
        return (say("sheets.would_delete", "would delete {where}: not in the sheet", where=where)
                if dry_run else say("sheets.deleted", "deleted {where}: not in the sheet",
                                    where=where))
    if change.action == "create":
        made = say("sheets.made_id", " (no 编号 column: the id is made from 名称; add a 编号 "
                   "column to choose it)") if change.made_id else ""
        return (say("sheets.would_create", "would create {where}{row}{made}", where=where,
                    row=row, made=made) if dry_run else
                say("sheets.created", "created {where}{row}{made}", where=where, row=row,
                    made=made))
    fields = Listed([M("sheets.field_change", "{header}: “{old}” → “{new}”", header=h, old=old,
                       new=new) for h, old, new in change.fields]).render()
    return (say("sheets.would_update", "would update {where}{row}: {fields}", where=where,
                row=row, fields=fields) if dry_run else
            say("sheets.updated", "updated {where}{row}: {fields}", where=where, row=row,
                fields=fields))

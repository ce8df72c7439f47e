"""`site-builder export xlsx` and `site-builder import xlsx|stale`: the services as a
spreadsheet for the districts, and their sheets (or the stale list with new 核实日期) back
into the records, in place."""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from ..errors import Abort, Problem
from ..sheets import stale as stale_import
from ..sheets.apply import CellProblem, Sheet, apply, describe, plan_import
from ..sheets.columns import Context
from ..sheets.export import export_xlsx
from ..sheets.records import below, read_plain, region_tree
from ..sheets.workbook import SheetError, read_table
from .common import print_problems, today

EXAMPLE = "site-builder export xlsx --region futian --out 福田区.xlsx"


def register_export(sub) -> None:
    e = sub.add_parser("export", help="write the services as a spreadsheet (xlsx) for editing "
                       "in Excel, WPS or LibreOffice")
    what = e.add_subparsers(dest="format", required=True, metavar="{xlsx}")
    x = what.add_parser("xlsx", help="one row per service, Chinese column headers, a 说明 sheet "
                        "explaining each column, drop-downs for the fixed vocabularies",
                        description=f"Example: {EXAMPLE}; edit it, then `site-builder import "
                        "xlsx 福田区.xlsx --dry-run` shows what would change.")
    x.add_argument("--content", default="content", help="content folder (default: content)")
    x.add_argument("--region", help="only the services in this area and the areas below it")
    x.add_argument("--out", required=True, help="the .xlsx file to write")
    x.set_defaults(func=run_export)


def register_import(what) -> None:
    x = what.add_parser("xlsx", aliases=["csv", "xls", "ods"],
                        help="from a services spreadsheet (.xlsx, .xls, .ods or .csv, as "
                        "`export xlsx` writes it): new records, changed fields in place",
                        description="Reads the sheet 服务 (or the first sheet). Rows are matched "
                        "to records by 编号: a new 编号 creates services/<编号>.yaml, an existing "
                        "one gets only its changed fields rewritten (comments and key order "
                        "kept). Every problem is listed as FILE:Sheet!C12: 电话: … and nothing "
                        "is written while there is one. Records missing from the sheet are "
                        "kept unless --delete-missing. Example: `site-builder import xlsx "
                        "福田区.xlsx --dry-run`, then without --dry-run.")
    x.add_argument("file", help="the spreadsheet file")
    x.add_argument("--out", default="content/services",
                   help="folder of the service records (default: content/services)")
    x.add_argument("--content", help="content folder, for regions.yaml and the check of the "
                   "result (default: the folder above --out)")
    x.add_argument("--sheet", help="the sheet to read (default: 服务, else the first)")
    x.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")
    x.add_argument("--delete-missing", action="store_true",
                   help="delete the records that are not in the sheet (with --region: only "
                   "those of that area)")
    x.add_argument("--region", help="with --delete-missing: the area the sheet covers")
    x.set_defaults(func=run_import)
    s = what.add_parser("stale", help="new 核实日期 from the list of `check --stale --format csv` "
                        "(or any sheet with 编号 and 核实日期 columns)",
                        description="For every row whose 核实日期 differs from the record's "
                        "`verified`, sets `verified` in place (comments and layout kept).")
    s.add_argument("file", help="the CSV or spreadsheet file")
    s.add_argument("--content", default="content", help="content folder (default: content)")
    s.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")
    s.set_defaults(func=stale_import.run)


def run_export(args: argparse.Namespace) -> int:
    content, out = Path(args.content), Path(args.out)
    if not (content / "services").is_dir():
        raise Abort(f"{content}/services does not exist (pass --content DIR)")
    if out.suffix.lower() != ".xlsx":
        raise Abort(f"--out {out}: the file name must end in .xlsx")
    tree = region_tree(content)
    if args.region and args.region not in tree:
        raise Abort(f"--region {args.region!r} is not an area in {content}/regions.yaml")
    count, unread = export_xlsx(content, out, args.region)
    for line in unread:
        print(f"warning: {line} (left out of the sheet)", file=sys.stderr)
    where = f" in {tree[args.region][0]} ({args.region})" if args.region else ""
    print(f"wrote {out}: {count} service(s){where}; edit it, then "
          f"`site-builder import xlsx {out} --dry-run` shows what would change")
    return 0


def _order(problem) -> tuple:
    if isinstance(problem, CellProblem):
        m = re.match(r"([A-Z]+)(\d+)$", problem.cell)
        col = sum((ord(ch) - 64) * 26 ** i for i, ch in enumerate(reversed(m[1]))) if m else 0
        return (0, problem.file, problem.sheet, int(m[2]) if m else 0, col, problem.message)
    return (1, problem.path, problem.line, problem.field, problem.message)


def print_cell_problems(problems: list) -> None:
    for p in sorted(set(problems), key=_order):
        if isinstance(p, Problem):
            print_problems([p])
        else:
            print(f"{'warning: ' if p.severity == 'warning' else ''}{p}", file=sys.stderr)


def run_import(args: argparse.Namespace) -> int:
    services = Path(args.out)
    content = Path(args.content) if args.content else services.parent
    if not (content / "regions.yaml").is_file():
        raise Abort(f"{content}/regions.yaml does not exist (pass --content DIR, the content "
                    "folder the records belong to)")
    try:
        services.resolve().relative_to(content.resolve())
    except ValueError:
        raise Abort(f"--out {services} is not inside the content folder {content} (the records "
                    "are checked with the rest of the content)") from None
    keep: set[str] = set()
    if args.region:
        if not args.delete_missing:
            raise Abort("--region only limits --delete-missing (the sheet itself says which "
                        "records it holds)")
        tree = region_tree(content)
        if args.region not in tree:
            raise Abort(f"--region {args.region!r} is not an area in {content}/regions.yaml")
        area = below(tree, args.region)
        records, _ = read_plain(services)
        keep = {sid for sid, (_, r) in records.items() if r.get("region") not in area}
    try:
        table = read_table(Path(args.file), args.sheet)
    except SheetError as exc:
        raise Abort(str(exc)) from None
    tree = region_tree(content)
    sheet = Sheet(table, Context(regions={rid: name for rid, (name, _, _) in tree.items()},
                                 parents={rid: parent for rid, (_, _, parent) in tree.items()}))
    plan = plan_import(sheet, services, content, delete_missing=args.delete_missing, keep=keep,
                        today=today())
    print_cell_problems(plan.problems)
    errors = plan.errors
    if errors:
        print(f"{len(errors)} error(s) in {table.file}: nothing was written (fix them and "
              "import again)", file=sys.stderr)
        return 1
    for change in plan.changes:
        print(describe(change, content, args.dry_run))
    counts = {a: sum(1 for c in plan.changes if c.action == a) for a in ("create", "update", "delete")}
    summary = (f"{counts['create']} new, {counts['update']} updated, {counts['delete']} deleted, "
               f"{plan.unchanged} unchanged")
    if args.dry_run:
        print(f"{summary}: nothing written (--dry-run)")
        return 0
    apply(plan)
    print(f"{summary} ({table.file}, sheet {table.sheet}); the records pass `site-builder check`")
    return 0

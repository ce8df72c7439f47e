"""`site-builder export xlsx` and `site-builder import xlsx|stale`: the services as a
spreadsheet for the districts, and their sheets (or the stale list with new 核实日期) back
into the records, in place."""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from ..messages import M, say
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
        raise Abort(M("verify.no_services", "{path} does not exist (pass --content DIR)",
                      path=content / "services"))
    if out.suffix.lower() != ".xlsx":
        raise Abort(M("sheets.out_not_xlsx", "--out {out}: the file name must end in .xlsx",
                      out=out))
    tree = region_tree(content)
    if args.region and args.region not in tree:
        raise Abort(M("sheets.unknown_region", "--region {region!r} is not an area in "
                      "{content}/regions.yaml", region=args.region, content=content))
    count, unread = export_xlsx(content, out, args.region)
    for line in unread:
        print(say("sheets.left_out", "warning: {line} (left out of the sheet)", line=line),
              file=sys.stderr)
    where = (say("sheets.in_area", " in {name} ({region})", name=tree[args.region][0],
                 region=args.region) if args.region else "")
    print(say("sheets.wrote", "wrote {out}: {count} service(s){where}; edit it, then "
              "`site-builder import xlsx {out} --dry-run` shows what would change", out=out,
              count=count, where=where))
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
            print(say("cli.warning_line", "warning: {line}", line=p) if p.severity == "warning"
                  else str(p), file=sys.stderr)


def run_import(args: argparse.Namespace) -> int:
    services = Path(args.out)
    content = Path(args.content) if args.content else services.parent
    if not (content / "regions.yaml").is_file():
        raise Abort(M("sheets.no_regions", "{content}/regions.yaml does not exist (pass "
                      "--content DIR, the content folder the records belong to)",
                      content=content))
    try:
        services.resolve().relative_to(content.resolve())
    except ValueError:
        raise Abort(M("sheets.out_outside", "--out {out} is not inside the content folder "
                      "{content} (the records are checked with the rest of the content)",
                      out=services, content=content)) from None
    keep: set[str] = set()
    if args.region:
        if not args.delete_missing:
            raise Abort(M("sheets.region_without_delete", "--region only limits "
                          "--delete-missing (the sheet itself says which records it holds)"))
        tree = region_tree(content)
        if args.region not in tree:
            raise Abort(M("sheets.unknown_region", "--region {region!r} is not an area in "
                          "{content}/regions.yaml", region=args.region, content=content))
        area = below(tree, args.region)
        records, _ = read_plain(services)
        keep = {sid for sid, (_, r) in records.items() if r.get("region") not in area}
    try:
        table = read_table(Path(args.file), args.sheet)
    except SheetError as exc:
        raise Abort(exc.args[0]) from None
    tree = region_tree(content)
    sheet = Sheet(table, Context(regions={rid: name for rid, (name, _, _) in tree.items()},
                                 parents={rid: parent for rid, (_, _, parent) in tree.items()}))
    plan = plan_import(sheet, services, content, delete_missing=args.delete_missing, keep=keep,
                        today=today())
    print_cell_problems(plan.problems)
    errors = plan.errors
    if errors:
        print(say("sheets.errors", "{count} error(s) in {file}: nothing was written (fix them "
                  "and import again)", count=len(errors), file=table.file), file=sys.stderr)
        return 1
    for change in plan.changes:
        print(describe(change, content, args.dry_run))
    counts = {a: sum(1 for c in plan.changes if c.action == a) for a in ("create", "update", "delete")}
    summary = say("sheets.counts", "{new} new, {updated} updated, {deleted} deleted, "
                  "{unchanged} unchanged", new=counts["create"], updated=counts["update"],
                  deleted=counts["delete"], unchanged=plan.unchanged)
    if args.dry_run:
        print(say("sheets.dry_run", "{summary}: nothing written (--dry-run)", summary=summary))
        return 0
    apply(plan)
    print(say("sheets.imported", "{summary} ({file}, sheet {sheet}); the records pass "
              "`site-builder check`", summary=summary, file=table.file, sheet=table.sheet))
    return 0

"""`site-builder import stale FILE`: the list of `check --stale --format csv`, back with
the dates the services were called (column 核实日期), sets `verified` in place."""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from ..errors import Abort
from ..messages import M, say, text
from ..validate import today_in
from .cells import MESSAGES, CellError, parse_date, text_of
from .columns import normal_header
from .records import read_plain
from .verify import write_dates
from .workbook import SheetError, column_letter, read_table

ID_HEADERS = {normal_header(h) for h in ("编号", "服务编号", "service id", "id")}
DATE_HEADERS = {normal_header(h) for h in ("核实日期", "verified", "核实时间")}


def site_today(content: Path) -> date:
    """Today in the site's time zone (SITE_BUILDER_TODAY pins it for tests)."""
    from ..commands.common import today
    import yaml
    pinned = today()
    if pinned:
        return pinned
    try:
        site = yaml.safe_load((content / "site.yaml").read_text(encoding="utf-8")) or {}
        return today_in(str(site.get("timezone") or "Asia/Shanghai"))
    except Exception:
        return today_in("Asia/Shanghai")


def run(args: argparse.Namespace) -> int:
    content = Path(args.content)
    services = content / "services"
    if not services.is_dir():
        raise Abort(M("verify.no_services", "{path} does not exist (pass --content DIR)",
                      path=services))
    try:
        table = read_table(Path(args.file))
    except SheetError as exc:
        raise Abort(exc.args[0]) from None
    where = f"{table.file}:{table.sheet}!"
    header = None
    for number, values in table.rows[:10]:
        names = [normal_header(v) for v in values]
        ids = [i for i, n in enumerate(names) if n in ID_HEADERS]
        days = [i for i, n in enumerate(names) if n in DATE_HEADERS]
        if ids and days:
            header = (number, ids[0], days[0])
            break
    if header is None:
        raise Abort(M("stale.no_header", "{file}: no header row with the columns 编号 and 核实日期 "
                      "(the CSV of `site-builder check --stale --format csv` has them)",
                      file=table.file))
    head, id_col, date_col = header
    records, unread = read_plain(services)
    today = site_today(content)
    errors: list[str] = []
    dates: dict[str, date] = {}
    for number, values in table.rows:
        if number <= head:
            continue
        sid = text_of(values[id_col]) if id_col < len(values) else ""
        cell = values[date_col] if date_col < len(values) else None
        if not sid:
            continue
        if sid not in records:
            errors.append(f"{where}{column_letter(id_col)}{number}: 编号: " + text(MESSAGES[
                "not_found"](text=sid, hint=M("stale.no_file", "services/{id}.yaml does not "
                                               "exist or cannot be read", id=sid))))
            continue
        try:
            day = parse_date(cell)
        except CellError as exc:
            errors.append(f"{where}{column_letter(date_col)}{number}: 核实日期: {text(exc.message)}")
            continue
        if day is None:
            continue
        old = records[sid][1].get("verified")
        if day > today:
            errors.append(f"{where}{column_letter(date_col)}{number}: 核实日期: "
                          + text(MESSAGES["future"](day=day, today=today)))
        elif isinstance(old, date) and day < old:
            errors.append(f"{where}{column_letter(date_col)}{number}: 核实日期: "
                          + text(MESSAGES["verified_back"](new=day, old=old)))
        else:
            dates[sid] = day
    for line in unread:
        print(say("cli.warning_line", "warning: {line}", line=line), file=sys.stderr)
    if errors:
        print("\n".join(errors), file=sys.stderr)
        print(say("sheets.errors", "{count} error(s) in {file}: nothing was written (fix them "
                  "and import again)", count=len(errors), file=table.file), file=sys.stderr)
        return 1
    dated = write_dates(records, dates, content, args.dry_run)
    if args.dry_run:
        print(say("stale.dry_summary", "{count} record(s) to date, {same} already had that date; "
                  "nothing written (--dry-run)", count=len(dated.set), same=len(dated.same)))
    else:
        print(say("stale.summary", "{count} record(s) dated, {same} already had that date",
                  count=len(dated.set), same=len(dated.same)))
    return 0

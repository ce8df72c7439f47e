"""`site-builder import stale FILE`: the list of `check --stale --format csv`, back with
the dates the services were called (column 核实日期), sets `verified` in place."""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from ..errors import Abort
from ..load import display_path
from ..validate import today_in
from .cells import MESSAGES, CellError, parse_date, text_of
from ..yamledit import EditError
from .columns import normal_header
from .records import read_plain
from .verify import save, set_verified
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
        raise Abort(f"{services} does not exist (pass --content DIR)")
    try:
        table = read_table(Path(args.file))
    except SheetError as exc:
        raise Abort(str(exc)) from None
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
        raise Abort(f"{table.file}: no header row with the columns 编号 and 核实日期 "
                    "(the CSV of `site-builder check --stale --format csv` has them)")
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
            errors.append(f"{where}{column_letter(id_col)}{number}: 编号: " + MESSAGES["not_found"]
                          .format(text=sid, hint=f"services/{sid}.yaml 不存在或读不出"))
            continue
        try:
            day = parse_date(cell)
        except CellError as exc:
            errors.append(f"{where}{column_letter(date_col)}{number}: 核实日期: {exc}")
            continue
        if day is None:
            continue
        old = records[sid][1].get("verified")
        if day > today:
            errors.append(f"{where}{column_letter(date_col)}{number}: 核实日期: "
                          + MESSAGES["future"].format(day=day, today=today))
        elif isinstance(old, date) and day < old:
            errors.append(f"{where}{column_letter(date_col)}{number}: 核实日期: "
                          + MESSAGES["verified_back"].format(new=day, old=old))
        else:
            dates[sid] = day
    for line in unread:
        print(f"warning: {line}", file=sys.stderr)
    if errors:
        print("\n".join(errors), file=sys.stderr)
        print(f"{len(errors)} error(s) in {table.file}: nothing was written (fix them and "
              "import again)", file=sys.stderr)
        return 1
    try:
        dated = set_verified(records, dates)
    except EditError as exc:
        raise Abort(str(exc)) from None
    verb = "would set" if args.dry_run else "set"
    for sid, path, old, new in dated.set:
        print(f"{verb} {display_path(path, content)}: verified {old or '-'} → {new}")
    if not args.dry_run:
        save(dated)
    print(f"{len(dated.set)} record(s) {'to date' if args.dry_run else 'dated'}, "
          f"{len(dated.same)} already had that date"
          + ("; nothing written (--dry-run)" if args.dry_run else ""))
    return 0

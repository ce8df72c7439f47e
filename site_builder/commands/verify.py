"""`site-builder verify`: set `verified` on many records at once (after the yearly phone
round), keeping each file's comments and layout."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..messages import M, say
from ..errors import Abort
from ..sheets.cells import CellError, parse_date
from ..sheets.records import below, read_plain, region_tree
from ..sheets.stale import site_today
from ..sheets.verify import write_dates


def register(sub) -> None:
    v = sub.add_parser("verify", help="set verified (the date a record was last checked) on "
                       "records by id, area or operator",
                       description="Examples: `site-builder verify futian-hualin-room "
                       "futian-lianhua-station`, `site-builder verify --region futian --date "
                       "2026-11-30`, `site-builder verify --operator 福田区心理服务指导中心`. "
                       "Only the `verified:` value changes; comments and layout stay.")
    v.add_argument("ids", nargs="*", metavar="ID", help="service ids (file names without .yaml)")
    v.add_argument("--region", help="every service in this area and the areas below it")
    v.add_argument("--operator", help="every service whose operator is exactly this")
    v.add_argument("--date", help="the date of the check (default: today; 2026-11-30, "
                   "2026/11/30 and 2026年11月30日 are understood)")
    v.add_argument("--content", default="content", help="content folder (default: content)")
    v.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")
    v.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    content = Path(args.content)
    services = content / "services"
    if not services.is_dir():
        raise Abort(M("verify.no_services", "{path} does not exist (pass --content DIR)",
                      path=services))
    if not (args.ids or args.region or args.operator):
        raise Abort(M("verify.which", "say which records: service ids, --region ID or "
                      "--operator NAME"))
    today = site_today(content)
    try:
        day = parse_date(args.date) if args.date else today
    except CellError:
        raise Abort(M("verify.bad_date", "--date {value!r} is not a date (YYYY-MM-DD, e.g. "
                      "2026-11-30)", value=args.date)) from None
    if day > today:
        raise Abort(M("verify.future_date", "--date {day} is in the future (today is {today})",
                      day=day, today=today))
    records, unread = read_plain(services)
    for line in unread:
        print(say("cli.warning_line", "warning: {line}", line=line), file=sys.stderr)
    chosen: list[str] = []
    missing = [sid for sid in args.ids if sid not in records]
    chosen += [sid for sid in args.ids if sid in records]
    if args.region:
        tree = region_tree(content)
        if args.region not in tree:
            raise Abort(M("sheets.unknown_region", "--region {region!r} is not an area in "
                          "{content}/regions.yaml", region=args.region, content=content))
        area = below(tree, args.region)
        chosen += [sid for sid, (_, r) in records.items() if r.get("region") in area]
    if args.operator:
        chosen += [sid for sid, (_, r) in records.items()
                   if str(r.get("operator") or "").strip() == args.operator.strip()]
    if missing:
        for sid in missing:
            print(say("verify.no_such_record", "{path}: no such service record",
                      path=services / (sid + '.yaml')), file=sys.stderr)
        print(say("verify.unknown_ids", "{count} unknown id(s): nothing was written",
                  count=len(missing)), file=sys.stderr)
        return 1
    chosen = list(dict.fromkeys(chosen))
    if not chosen:
        print(say("verify.none_match", "no service matches: nothing to verify"), file=sys.stderr)
        return 1
    dated = write_dates(records, {sid: day for sid in chosen}, content, args.dry_run)
    if args.dry_run:
        print(say("verify.dry_summary", "{count} record(s) to verify on {day}, {same} already had "
                  "that date; nothing written (--dry-run)", count=len(dated.set), day=day,
                  same=len(dated.same)))
    else:
        print(say("verify.summary", "{count} record(s) verified on {day}, {same} already had that "
                  "date", count=len(dated.set), day=day, same=len(dated.same)))
    return 0

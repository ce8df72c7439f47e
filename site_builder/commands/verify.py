"""`site-builder verify`: set `verified` on many records at once (after the yearly phone
round), keeping each file's comments and layout."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import Abort
from ..load import display_path
from ..sheets.cells import CellError, parse_date
from ..sheets.records import below, read_plain, region_tree
from ..yamledit import EditError
from ..sheets.stale import site_today
from ..sheets.verify import save, set_verified


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
        raise Abort(f"{services} does not exist (pass --content DIR)")
    if not (args.ids or args.region or args.operator):
        raise Abort("say which records: service ids, --region ID or --operator NAME")
    today = site_today(content)
    try:
        day = parse_date(args.date) if args.date else today
    except CellError:
        raise Abort(f"--date {args.date!r} is not a date (YYYY-MM-DD, e.g. 2026-11-30)") from None
    if day > today:
        raise Abort(f"--date {day} is in the future (today is {today})")
    records, unread = read_plain(services)
    for line in unread:
        print(f"warning: {line}", file=sys.stderr)
    chosen: list[str] = []
    missing = [sid for sid in args.ids if sid not in records]
    chosen += [sid for sid in args.ids if sid in records]
    if args.region:
        tree = region_tree(content)
        if args.region not in tree:
            raise Abort(f"--region {args.region!r} is not an area in {content}/regions.yaml")
        area = below(tree, args.region)
        chosen += [sid for sid, (_, r) in records.items() if r.get("region") in area]
    if args.operator:
        chosen += [sid for sid, (_, r) in records.items()
                   if str(r.get("operator") or "").strip() == args.operator.strip()]
    if missing:
        for sid in missing:
            print(f"{services / (sid + '.yaml')}: no such service record", file=sys.stderr)
        print(f"{len(missing)} unknown id(s): nothing was written", file=sys.stderr)
        return 1
    chosen = list(dict.fromkeys(chosen))
    if not chosen:
        print("no service matches: nothing to verify", file=sys.stderr)
        return 1
    try:
        dated = set_verified(records, {sid: day for sid in chosen})
    except EditError as exc:
        raise Abort(str(exc)) from None
    verb = "would set" if args.dry_run else "set"
    for sid, path, old, new in dated.set:
        print(f"{verb} {display_path(path, content)}: verified {old or '-'} → {new}")
    if not args.dry_run:
        save(dated)
    print(f"{len(dated.set)} record(s) {'to verify' if args.dry_run else 'verified'} on {day}, "
          f"{len(dated.same)} already had that date"
          + ("; nothing written (--dry-run)" if args.dry_run else ""))
    return 0

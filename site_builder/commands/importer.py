"""`site-builder import hsds PATH --out DIR`: service records from an Open Referral HSDS
3.0 dataset (JSON documents or the CSV data package). What cannot be mapped is listed,
one line each: `PATH: record <id>: field: why`."""
from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .. import vocab
from ..errors import Abort
from ..imports.hsds import ImportError_, Options, import_hsds, load_regions
from ..messages import M, say
from .common import today


def register(sub) -> None:
    i = sub.add_parser("import", help="make or update service records from another format (hsds, xlsx/csv, stale)")
    what = i.add_subparsers(dest="format", required=True, metavar="{hsds,xlsx,stale}")
    h = what.add_parser("hsds", help="from an Open Referral HSDS 3.0 dataset (JSON or the CSV "
                        "data package)")
    h.add_argument("path", help="an HSDS JSON file, or the folder (or datapackage.json) of the "
                   "CSV tables")
    h.add_argument("--out", required=True, help="content folder to write services/<id>.yaml into")
    h.add_argument("--content", help="content folder whose regions.yaml names the areas "
                   "(default: --out when it has one)")
    h.add_argument("--region", help="area id for services whose area is not found")
    h.add_argument("--kind", default="organization", choices=list(vocab.KINDS),
                   help="kind of services whose HSDS data has none (default: organization)")
    h.set_defaults(func=run)
    from .sheets import register_import
    register_import(what)


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    content = Path(args.content) if args.content else out
    regions = load_regions(content)
    if args.content and not regions:
        raise Abort(M("import.no_regions", "{content}/regions.yaml lists no areas (pass the "
                      "content folder of the site)", content=content))
    if args.region and regions and args.region not in regions:
        raise Abort(M("import.unknown_region", "--region {region!r} is not an area in "
                      "{content}/regions.yaml", region=args.region, content=content))
    options = Options(regions=regions, region=args.region, kind=args.kind,
                      today=today() or date.today(), timezone_offset=_offset(content))
    try:
        result = import_hsds(Path(args.path), out, options)
    except ImportError_ as exc:
        raise Abort(exc.args[0] if exc.args else str(exc)) from None
    for note in result.notes:
        print(note, file=sys.stderr)
    print(say("import.done", "imported {count} service(s) into {folder}; {skipped} not imported; "
              "{notes} note(s) above. Run `site-builder check --content {out}` next",
              count=len(result.written), folder=out / "services", skipped=result.skipped,
              notes=len(result.notes), out=out))
    return 0 if result.written or not result.skipped else 1


def _offset(content: Path) -> float:
    """UTC offset of the site's time zone today (site.yaml read loosely; default +8)."""
    import yaml
    try:
        data = yaml.safe_load((content / "site.yaml").read_text(encoding="utf-8")) or {}
        zone = ZoneInfo(str(data.get("timezone") or "Asia/Shanghai"))
    except (OSError, yaml.YAMLError, AttributeError, ValueError, ZoneInfoNotFoundError):
        zone = ZoneInfo("Asia/Shanghai")
    return datetime.now(zone).utcoffset().total_seconds() / 3600

"""`site-builder schema`: write the JSON Schemas of the content files for editors' tools."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..schema import stale_schemas, write_schemas


def register(sub) -> None:
    s = sub.add_parser("schema", help="write JSON Schemas of the content files (for VS Code and "
                       "other editors)")
    s.add_argument("--out", default="schemas", help="output folder (default: schemas)")
    s.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 when the files in --out are missing or out of date")
    s.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if args.check:
        stale = stale_schemas(out)
        if stale:
            print(f"{len(stale)} schema file(s) in {out} missing or out of date: {', '.join(stale)} "
                  f"(run `site-builder schema --out {out}`)", file=sys.stderr)
            return 1
        print(f"ok: the schemas in {out} are up to date")
        return 0
    written = write_schemas(out)
    print(f"wrote {len(written)} schema(s) to {out}: {', '.join(p.name for p in written)}")
    return 0

"""`site-builder schema`: write the JSON Schemas of the content files for editors' tools."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..messages import say
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
            print(say("schema.stale", "{count} schema file(s) in {out} missing or out of date: "
                      "{files} (run `site-builder schema --out {out}`)", count=len(stale), out=out,
                      files=", ".join(stale)), file=sys.stderr)
            return 1
        print(say("schema.ok", "ok: the schemas in {out} are up to date", out=out))
        return 0
    written = write_schemas(out)
    print(say("schema.wrote", "wrote {count} schema(s) to {out}: {files}", count=len(written),
              out=out, files=", ".join(p.name for p in written)))
    return 0

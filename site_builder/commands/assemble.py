"""`site-builder assemble SHARD… --out DIR`: one site from the outputs of `build --shard`.

The shards' pages are linked in, not rendered again; the assembly renders the pages no
shard owns (home, indexes, lists, articles, search, feeds, open data, sitemap) from the
same content, and publishes like `build` (staging folder, swap, exit codes)."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..messages import M
from ..errors import Abort
from . import build


def register(sub) -> None:
    a = sub.add_parser("assemble", help="combine the outputs of build --shard into one site")
    a.add_argument("shards", nargs="+", metavar="SHARD_DIR",
                   help="output folders of `site-builder build --shard ID`, one per top-level area")
    a.add_argument("--content", default="content",
                   help="the content the shards were built from (default: content)")
    a.add_argument("--out", default="build", help="output folder (default: build)")
    a.add_argument("--index-timeout", type=float, metavar="SECONDS",
                   help="as for build")
    a.add_argument("--index-memory", type=int, metavar="MIB", help="as for build")
    a.set_defaults(func=run, incremental=False, cache=None)


def run(args: argparse.Namespace) -> int:
    shards = [Path(s) for s in args.shards]
    out = Path(args.out).resolve()
    for shard in shards:
        if shard.resolve() == out:
            raise Abort(M("assemble.out_is_shard", "--out {out} is one of the shards; assemble into "
                          "another folder", out=args.out))
    return build.run(args, assemble=shards)

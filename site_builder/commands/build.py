"""`site-builder build`: validate, render, index and write the site."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..build import Report, build
from ..errors import ContentError
from ..fixes import apply as fixes
from ..progress import for_terminal
from ..signals import exit_status, stop_on_sigterm
from ..supervise import Budget
from ..messages import say
from .common import print_problems, today

BUILD_WARNINGS_SHOWN = 20
"""`build` shows the first warnings only; `check` shows them all."""
DEFAULT_CACHE = ".cache/site-builder"
"""Where incremental builds keep their manifest (git-ignored)."""


def register(sub) -> None:
    b = sub.add_parser("build", help="validate, render, index and write the site")
    b.add_argument("--content", default="content", help="content folder (default: content)")
    b.add_argument("--out", default="build", help="output folder (default: build)")
    b.add_argument("--incremental", action="store_true",
                   help="render only the pages whose inputs changed since the last incremental "
                        "build (the output is the same as a clean build's)")
    b.add_argument("--cache", metavar="DIR",
                   help=f"cache folder of --incremental (default: {DEFAULT_CACHE}); implies it")
    b.add_argument("--index-timeout", type=float, metavar="SECONDS",
                   help="stop when Pagefind has not finished after this long (default: 5 "
                        "minutes, or 0.05 s a page for large sites)")
    b.add_argument("--index-memory", type=int, metavar="MIB",
                   help="stop when Pagefind uses more memory than this (default: no limit; "
                        "it needs about 0.1 MB a page)")
    b.add_argument("--shard", metavar="REGION",
                   help="build only this top-level area's pages (a province), for "
                        "`site-builder assemble` (see docs/scaling.md)")
    b.set_defaults(func=run)


def run(args: argparse.Namespace, assemble: list[Path] | None = None) -> int:
    """`build`, and `assemble` (the same run with the shards' folders)."""
    start = time.perf_counter()
    cache = Path(args.cache or DEFAULT_CACHE) if args.incremental or args.cache else None
    budget = None
    if args.index_timeout is not None or args.index_memory is not None:
        budget = Budget(seconds=args.index_timeout, memory_mib=args.index_memory)
    progress = for_terminal()
    try:
        with stop_on_sigterm():  # `docker stop`, a cancelled CI job: clean up like Ctrl-C
            report = build(Path(args.content), Path(args.out), today(), cache=cache,
                           progress=progress, index_budget=budget,
                           shard=getattr(args, "shard", None), assemble=assemble)
    except ContentError as exc:
        progress.close()
        content = Path(args.content)
        print_problems(fixes.mark_fixable(exc.problems, fixes.plan(content, {p.path for p in exc.problems})))
        print(say("build.content_errors", "{count} error(s): the site was not built; {out} is "
                  "unchanged", count=len(exc.problems), out=args.out), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        progress.close()
        print(say("build.interrupted", "interrupted: the site was not built; {out} is unchanged",
                  out=args.out), file=sys.stderr)
        return exit_status()
    finally:
        progress.close()
    print_warnings(report)
    shard = getattr(args, "shard", None)
    what = (say("build.shard_only", " (shard {shard}: its pages and search bundles only)",
                shard=shard) if shard else "")
    print(say("build.built", "built {out}{what}: {summary} in {seconds:.2f} s ({stages})",
              out=args.out, what=what, summary=summary(report),
              seconds=time.perf_counter() - start, stages=stage_seconds(report)))
    if assemble is not None and report.search is not None:
        print(say("build.search_reused", "search: {reused} bundle(s) of the shards reused, "
                  "{indexed} indexed here", reused=len(report.search.reused),
                  indexed=len(report.search.indexed)))
    if report.interrupted:  # after the swap: the new site is live, say so
        left = (say("build.leftover", "; the previous copy {leftover} is removed by the next "
                    "build", leftover=report.leftover) if report.leftover else "")
        print(say("build.interrupted_after_swap", "interrupted after the new site was published: "
                  "{out} is the new site{left}", out=args.out, left=left), file=sys.stderr)
    return 0


def print_warnings(report: Report) -> None:
    """The first warnings, and how many more there are."""
    warnings = report.problems.warnings
    print_problems(warnings[:BUILD_WARNINGS_SHOWN])
    if len(warnings) > BUILD_WARNINGS_SHOWN:
        print(say("build.more_warnings", "… and {count} more warning(s): run `site-builder "
                  "check` to see them all", count=len(warnings) - BUILD_WARNINGS_SHOWN),
              file=sys.stderr)


def summary(report: Report) -> str:
    """`1561 pages (… services, … articles; incremental: …), … indexed for search, … warning(s)`."""
    d = report.directory
    what = say("build.what", "{services} services, {articles} articles", services=len(d.services),
               articles=len(d.articles)) if d else ""
    counts = report.incremental
    if counts is not None:
        what += say("build.incremental", "; incremental: {rendered} rendered ({changed} changed), "
                    "{unchanged} unchanged, {deleted} deleted", rendered=counts.rendered,
                    changed=counts.changed, unchanged=counts.unchanged, deleted=counts.deleted)
    search = report.search
    shards = ""
    if search is not None and search.shards:
        shards = say("build.shards", " in {count} shards", count=len(search.shards))
        if search.reused:
            shards += say("build.shards_reindexed", " ({count} re-indexed)", count=len(search.indexed))
    if report.search_pending:
        searched = say("build.search_pending", "search being updated")
    else:
        searched = say("build.indexed", "{indexed} indexed for search{shards}",
                       indexed=report.indexed, shards=shards)
    return say("build.summary", "{pages} pages ({what}), {searched}, {warnings} "
               "warning(s)", pages=report.pages, what=what, searched=searched,
               warnings=len(report.problems.warnings))


def stage_seconds(report: Report) -> str:
    """`load 0.17, validate 0.28, render 0.51, …`."""
    return ", ".join(f"{k} {v:.2f}" for k, v in report.seconds.items())

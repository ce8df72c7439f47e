"""`site-builder build`: validate, render, index and write the site."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..build import build
from ..errors import ContentError
from .common import print_problems, today

BUILD_WARNINGS_SHOWN = 20
"""`build` shows the first warnings only; `check` shows them all."""


def register(sub) -> None:
    b = sub.add_parser("build", help="validate, render, index and write the site")
    b.add_argument("--content", default="content", help="content folder (default: content)")
    b.add_argument("--out", default="build", help="output folder (default: build)")
    b.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    try:
        report = build(Path(args.content), Path(args.out), today())
    except ContentError as exc:
        print_problems(exc.problems)
        print(f"{len(exc.problems)} error(s): the site was not built; "
              f"{args.out} is unchanged", file=sys.stderr)
        return 1
    warnings = report.problems.warnings
    print_problems(warnings[:BUILD_WARNINGS_SHOWN])
    if len(warnings) > BUILD_WARNINGS_SHOWN:
        print(f"… and {len(warnings) - BUILD_WARNINGS_SHOWN} more warning(s): "
              "run `site-builder check` to see them all", file=sys.stderr)
    d = report.directory
    stages = ", ".join(f"{k} {v:.2f}" for k, v in report.seconds.items())
    print(f"built {args.out}: {report.pages} pages ({len(d.services)} services, "
          f"{len(d.articles)} articles), {report.indexed} indexed for search, "
          f"{len(report.problems.warnings)} warning(s) in {time.perf_counter() - start:.2f} s "
          f"({stages})")
    return 0

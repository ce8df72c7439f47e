"""`site-builder check`: validate the content only, and show every warning."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..build import check
from .common import print_problems, today


def register(sub) -> None:
    c = sub.add_parser("check", help="validate the content only, with warnings")
    c.add_argument("--content", default="content", help="content folder (default: content)")
    c.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    report = check(Path(args.content), today())
    errors, warnings = report.problems.errors, report.problems.warnings
    print_problems(errors + warnings)
    d = report.directory
    if errors:
        print(f"{len(errors)} error(s), {len(warnings)} warning(s): fix the errors above "
              f"(a build would stop here)", file=sys.stderr)
        return 1
    stale = sum(1 for s in d.services.values() if s.stale) if d else 0
    print(f"ok: {len(d.services)} services, {len(d.regions)} areas, {len(d.articles)} articles, "
          f"{len(d.pages)} pages; {stale} stale; {len(warnings)} warning(s) "
          f"in {time.perf_counter() - start:.2f} s")
    return 0

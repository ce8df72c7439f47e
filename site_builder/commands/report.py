"""`site-builder report coverage`: the coverage dashboard's figures in the terminal.

The same numbers as /coverage/ (coverage.py), on the build date (today, or
SITE_BUILDER_TODAY): text for reading, `--format csv` for a spreadsheet, `--format json`
for tools.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import coverage_report
from ..build import check
from ..coverage import coverage
from ..messages import say
from .check import _out
from .common import print_problems, today

FORMATS = ("text", "csv", "json")


def register(sub) -> None:
    r = sub.add_parser("report", help="print figures about the content (coverage of the targets)")
    r.add_argument("what", choices=("coverage",),
                   help="coverage: areas with services against site.yaml's targets, services by "
                        "kind and audience, yearly stats, science-popularisation activities")
    r.add_argument("--content", default="content", help="content folder (default: content)")
    r.add_argument("--format", choices=FORMATS, default="text", help="text (default), csv or json")
    r.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    report = check(Path(args.content), today())
    errors = report.problems.errors
    if errors or report.directory is None:
        print_problems(errors)
        print(say("report.errors", "{count} error(s): fix them first (the coverage report needs "
                  "content without errors)", count=len(errors)), file=sys.stderr)
        return 1
    cov = coverage(report.directory)
    formats = {"text": coverage_report.to_text, "csv": coverage_report.to_csv,
               "json": coverage_report.to_json}
    _out(formats[args.format](cov))
    return 0

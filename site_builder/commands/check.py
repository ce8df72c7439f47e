"""`site-builder check`: validate the content only, and show every warning.

`--format` chooses how problems are printed: `text` (the default, one
`path:line: field: message` line each), `github` (GitHub Actions annotations, shown on
the pull request's lines), `json` or `csv`. `--stale` lists the services whose
`verified` date is past `stale_after_days` instead, for planning verification calls.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .. import links, reports
from ..build import check
from ..errors import Abort
from ..fixes import apply as fixes
from ..messages import M, say
from .common import print_problems, today

FORMATS = ("text", "github", "json", "csv")
GITHUB_SHOWN = 10
"""GitHub shows at most 10 error and 10 warning annotations of one step."""


def register(sub) -> None:
    c = sub.add_parser("check", help="validate the content only, with warnings")
    c.add_argument("--content", default="content", help="content folder (default: content)")
    c.add_argument("--format", choices=FORMATS, default="text",
                   help="text (default), github (Actions annotations), json or csv")
    c.add_argument("--stale", action="store_true",
                   help="list services due for verification, by operator and area "
                        "(--format text, csv or json)")
    c.add_argument("--region", help="with --stale: only the services in this area and below it")
    c.add_argument("--due-within", type=int, default=0, metavar="N",
                   help="with --stale: also the services that fall due within N days")
    c.add_argument("--external", action="store_true",
                   help="also fetch every external link (websites, markdown links) and warn "
                        "about dead ones")
    c.add_argument("--fix", action="store_true",
                   help="first rewrite, in place, what has exactly one sensible reading "
                        "(full-width times, 转 extensions, Amap coordinates, Tabs…), "
                        "printing a diff of each file changed")
    c.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if (args.region or args.due_within) and not args.stale:
        raise Abort(M("check.stale_options", "--region and --due-within go with --stale"))
    if args.stale and args.format == "github":
        raise Abort(M("check.stale_github", "--stale lists services, not problems: use --format "
                      "text, csv or json"))
    start = time.perf_counter()
    content = Path(args.content)
    if args.fix and content.is_dir():
        _fix(content)
    report = check(content, today())
    if args.external:
        report.problems.items.extend(links.check_external(content))
    errors, warnings = report.problems.errors, report.problems.warnings
    if errors and not args.fix:  # say which errors `check --fix` would correct
        errors = fixes.mark_fixable(errors, fixes.plan(content, {p.path for p in errors}))
    d = report.directory
    if args.stale:
        return _stale(args, content, report)
    problems = errors + warnings
    if args.format == "text":
        print_problems(problems)
    elif args.format == "github":
        _out(reports.github(problems))
        if len(errors) > GITHUB_SHOWN or len(warnings) > GITHUB_SHOWN:
            # The rest are not on the pull request, and the log shows annotations without
            # their file: list them all with file and line.
            print(say("check.github_all", "GitHub shows {shown} errors and {shown} warnings of a "
                      "step on the pull request; all {count} problems:", shown=GITHUB_SHOWN,
                      count=len(problems)), file=sys.stderr)
            print_problems(problems)
    elif args.format == "csv":
        _out(reports.problems_csv(problems))
    else:
        _out(reports.problems_json(problems, _summary(d) if not errors else None))
    if errors:
        print(say("check.errors", "{errors} error(s), {warnings} warning(s): fix the errors above "
                  "(a build would stop here)", errors=len(errors), warnings=len(warnings)),
              file=sys.stderr)
        return 1
    summary = _summary(d)
    print(say("check.ok", "ok: {services} services, {areas} areas, {articles} articles, {pages} "
              "pages; {stale} stale; {warnings} warning(s) in {seconds:.2f} s", **summary,
              warnings=len(warnings), seconds=time.perf_counter() - start),
          file=sys.stderr if args.format != "text" else sys.stdout)
    return 0


def _fix(content: Path) -> None:
    """`--fix`: rewrite the files, a unified diff of each on stdout."""
    done = fixes.plan(content)
    for fix in done:
        _out(fix.diff())
        fixes.write(fix)
    changes = sum(len(f.changes) for f in done)
    print(say("fix.summary", "check --fix: {changes} change(s) in {files} file(s)",
              changes=changes, files=len(done)) if done else
          say("fix.nothing", "check --fix: nothing to fix"), file=sys.stderr)


def _out(text: str) -> None:
    """Machine formats are UTF-8 whatever the terminal's encoding (a CSV for Excel, too)."""
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a StringIO under tests
        sys.stdout.write(text)
    else:
        buffer.write(text.encode("utf-8"))
        buffer.flush()


def _summary(d) -> dict:
    return {"services": len(d.services), "areas": len(d.regions), "articles": len(d.articles),
            "pages": len(d.pages), "stale": sum(1 for s in d.services.values() if s.stale)}


def _stale(args: argparse.Namespace, content: Path, report) -> int:
    errors = report.problems.errors
    if errors:
        if args.format == "json":
            _out(reports.problems_json(errors, None))
        else:
            print_problems(errors)
        print(say("check.stale_errors", "{count} error(s): fix them first (the list of stale "
                  "services needs content without errors)", count=len(errors)), file=sys.stderr)
        return 1
    d = report.directory
    if args.region and args.region not in d.regions:
        raise Abort(M("check.stale_region", "--region {region!r} is not an area in regions.yaml",
                      region=args.region))
    rows = reports.stale_rows(d, content, args.region, max(0, args.due_within))
    if args.format == "csv":
        _out(reports.stale_csv(rows, d.site.stale_after_days))
    elif args.format == "json":
        _out(reports.stale_json(rows, d))
    else:
        _out(reports.stale_text(rows, d, max(0, args.due_within)))
    return 0

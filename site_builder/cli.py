"""Command line: `site-builder build | check | serve`.

Content problems are printed as `path:line: field: message` lines; only bugs
in site-builder itself may end in a traceback.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

from .build import build, check
from .errors import Abort, ContentError, Problem
from .index import IndexError_


BUILD_WARNINGS_SHOWN = 20
"""`build` shows the first warnings only; `check` shows them all."""


def _today() -> date | None:
    """SITE_BUILDER_TODAY=YYYY-MM-DD pins "today" (stale flags, upcoming events) for tests."""
    value = os.environ.get("SITE_BUILDER_TODAY")
    return date.fromisoformat(value) if value else None


def _print_problems(problems: list[Problem], stream=sys.stderr) -> None:
    for problem in problems:
        prefix = "warning: " if problem.severity == "warning" else ""
        print(f"{prefix}{problem}", file=stream)


def cmd_check(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    report = check(Path(args.content), _today())
    errors, warnings = report.problems.errors, report.problems.warnings
    _print_problems(errors + warnings)
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


def cmd_build(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    try:
        report = build(Path(args.content), Path(args.out), _today())
    except ContentError as exc:
        _print_problems(exc.problems)
        print(f"{len(exc.problems)} error(s): the site was not built; "
              f"{args.out} is unchanged", file=sys.stderr)
        return 1
    warnings = report.problems.warnings
    _print_problems(warnings[:BUILD_WARNINGS_SHOWN])
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


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import make_server
    status = cmd_build(args)
    if status:
        return status
    report = check(Path(args.content), _today())
    base_path = report.directory.site.base_path
    server = make_server(Path(args.out), base_path, args.port)
    print(f"serving {args.out} at http://127.0.0.1:{server.server_address[1]}{base_path} "
          "(Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped")
    finally:
        server.server_close()
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="site-builder", description="Build the public directory of "
                                "mental-health services from YAML and markdown content.")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="validate, render, index and write the site")
    b.add_argument("--content", default="content", help="content folder (default: content)")
    b.add_argument("--out", default="build", help="output folder (default: build)")
    b.set_defaults(func=cmd_build)
    c = sub.add_parser("check", help="validate the content only, with warnings")
    c.add_argument("--content", default="content", help="content folder (default: content)")
    c.set_defaults(func=cmd_check)
    s = sub.add_parser("serve", help="build, then serve the site on 127.0.0.1")
    s.add_argument("--content", default="content")
    s.add_argument("--out", default="build")
    s.add_argument("--port", type=int, default=8000)
    s.set_defaults(func=cmd_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except Abort as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except IndexError_ as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    except OSError as exc:  # disk full, no permission: not a content problem, not a bug
        print(f"error: {exc.strerror or exc}: {exc.filename or ''} (the output was not changed)",
              file=sys.stderr)
        return 4
    except KeyboardInterrupt:
        return 130

"""Command line: `site-builder build | check | serve …`; one module per verb in commands/.

Content problems are printed as `path:line: field: message` lines; only bugs
in site-builder itself may end in a traceback.
"""
from __future__ import annotations

import argparse
import sys

from .commands import assemble, build, check, importer, init, new, report, schema, serve, sheets, verify
from .errors import Abort
from .index import IndexError_
from .publish import PublishError

COMMANDS = (build, check, serve, new, init, schema, report, importer, verify, assemble)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="site-builder", description="Build the public directory of "
                                "mental-health services from YAML and markdown content.")
    sub = p.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(sub)
    sheets.register_export(sub)
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
    except PublishError as exc:  # disk full, a busy folder: said in one line
        print(f"error: {exc}", file=sys.stderr)
        return 4
    except OSError as exc:  # disk full, no permission: not a content problem, not a bug
        print(f"error: {exc.strerror or exc}: {exc.filename or ''} (the output was not changed)",
              file=sys.stderr)
        return 4
    except KeyboardInterrupt:
        return 130

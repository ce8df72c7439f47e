"""Command line: `site-builder build | check | serve …`; one module per verb in commands/.

Content problems are printed as `path:line: field: message` lines; only bugs
in site-builder itself may end in a traceback.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .commands import assemble, build, check, importer, init, new, report, schema, serve, sheets, verify
from . import messages
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
    _add_messages_option(p)
    return p


def _add_messages_option(p: argparse.ArgumentParser, done: set | None = None) -> None:
    """`--messages en|zh-Hans` on every command (`new service`, `import hsds` … too; once
    on a parser that has aliases, such as `import xlsx|csv`)."""
    done = set() if done is None else done
    if id(p) in done:
        return
    done.add(id(p))
    subs = [a for a in p._actions if isinstance(a, argparse._SubParsersAction)]
    for action in subs:
        for child in action.choices.values():
            _add_messages_option(child, done)
    if not subs:
        p.add_argument("--messages", choices=messages.LANGUAGES, default=None,
                       help="language of the messages: en or zh-Hans (default: "
                            "$SITE_BUILDER_MESSAGES, else Chinese when site.yaml's language "
                            "is Chinese, else English)")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    messages.set_language(messages.choose(getattr(args, "messages", None), _content_of(args)))
    try:
        return args.func(args)
    except Abort as exc:
        print(_error(exc), file=sys.stderr)
        return 2
    except IndexError_ as exc:
        print(_error(exc), file=sys.stderr)
        return 3
    except PublishError as exc:  # disk full, a busy folder: said in one line
        print(_error(exc), file=sys.stderr)
        return 4
    except OSError as exc:  # disk full, no permission: not a content problem, not a bug
        print(messages.say("cli.os_error", "error: {what}: {file} (the output was not changed)",
                           what=exc.strerror or exc, file=exc.filename or ""), file=sys.stderr)
        return 4
    except KeyboardInterrupt:
        return 130
    finally:
        messages.set_language(None)


def _error(exc: Exception) -> str:
    """`error: <the message>`, the message in the run's language when it is a `Msg`."""
    from .commands.common import error_text
    return error_text(exc)


def _content_of(args: argparse.Namespace):
    """The content folder a command works on (site.yaml's language chooses the messages')."""
    for name in ("content", "content_dir", "out"):
        value = getattr(args, name, None)
        if isinstance(value, str) and (Path(value) / "site.yaml").is_file():
            return value
    return getattr(args, "content", None) or "content"

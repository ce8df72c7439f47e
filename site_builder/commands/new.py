"""`site-builder new service|article`: write a commented starting file that passes `check`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import vocab
from ..load import display_path
from ..scaffold import AlreadyExists, new_article, new_service
from ..messages import say
from .common import error_text, today


def register(sub) -> None:
    n = sub.add_parser("new", help="start a new service record or article from a commented template")
    what = n.add_subparsers(dest="what", required=True, metavar="{service,article}")
    s = what.add_parser("service", help="write content/services/<id>.yaml")
    s.add_argument("id", help="service id = file name (lowercase a-z, 0-9 and -)")
    s.add_argument("--kind", required=True, help=f"one of: {', '.join(vocab.KINDS)}")
    s.add_argument("--region", required=True, help="id of its area in regions.yaml")
    s.add_argument("--content", default="content", help="content folder (default: content)")
    s.set_defaults(func=run_service)
    a = what.add_parser("article", help="write content/articles/<slug>.md (as a draft)")
    a.add_argument("slug", help="article slug = file name (lowercase a-z, 0-9 and -)")
    a.add_argument("--content", default="content", help="content folder (default: content)")
    a.set_defaults(func=run_article)


def _done(path: Path, content: Path) -> int:
    print(say("new.created", "created {path}: replace every 待填写：… with the real text, then run "
              "`site-builder check`", path=display_path(path, content)))
    return 0


def run_service(args: argparse.Namespace) -> int:
    content = Path(args.content)
    try:
        path = new_service(content, args.id, args.kind, args.region, today())
    except AlreadyExists as exc:
        print(error_text(exc), file=sys.stderr)
        return 1
    return _done(path, content)


def run_article(args: argparse.Namespace) -> int:
    content = Path(args.content)
    try:
        path = new_article(content, args.slug, today())
    except AlreadyExists as exc:
        print(error_text(exc), file=sys.stderr)
        return 1
    return _done(path, content)

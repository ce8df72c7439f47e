"""`site-builder init DIR`: start a content-only repository (as `hugo new site`)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import __version__
from ..messages import say
from ..scaffold import AlreadyExists, new_site
from .common import error_text, today


def register(sub) -> None:
    i = sub.add_parser("init", help="start a new site: a valid content folder and CI files in DIR")
    i.add_argument("dir", metavar="DIR", help="new or empty folder (the content repository)")
    i.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    target = Path(args.dir)
    try:
        written = new_site(target, __version__, today())
    except AlreadyExists as exc:
        print(error_text(exc), file=sys.stderr)
        return 1
    for path in written:
        print(say("init.created", "created {path}", path=path))
    print(say("init.next", "next: cd {target}, edit content/site.yaml (title, base_url, crisis) "
              "and replace every 待填写：… in content/services/, then run `site-builder check` and "
              "`site-builder build`; .github/workflows/site.yml and .gitlab-ci.yml publish it "
              "from CI (they install site-builder=={version})", target=target,
              version=__version__))
    return 0

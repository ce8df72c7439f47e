"""`site-builder serve`: build, then serve the site on 127.0.0.1 under its base path."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..build import check
from ..serve import make_server
from . import build as build_command
from .common import today


def register(sub) -> None:
    s = sub.add_parser("serve", help="build, then serve the site on 127.0.0.1")
    s.add_argument("--content", default="content", help="content folder (default: content)")
    s.add_argument("--out", default="build", help="output folder (default: build)")
    s.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    s.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    status = build_command.run(args)
    if status:
        return status
    base_path = check(Path(args.content), today()).directory.site.base_path
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

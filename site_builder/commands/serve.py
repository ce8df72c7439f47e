"""`site-builder serve`: build, serve the site on 127.0.0.1 under its base path, and
rebuild (incrementally) whenever content, templates or static files change.

A failed rebuild keeps the server up: the terminal and an overlay on every page show
the errors, and the last good site is still served until they are fixed.
"""
from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
import traceback
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from ..build import build, reindex
from ..errors import Abort, ContentError, Problem
from ..hot import Hot, NotQuick
from ..index import IndexError_
from ..progress import Progress, for_terminal
from ..render import STATIC, TEMPLATES
from ..serve import Live, make_server
from ..signals import as_interrupt
from ..watch import Rebuilder
from ..publish import PublishError, check_output_dir, remove_tree
from ..write import BuildError
from .build import BUILD_WARNINGS_SHOWN, DEFAULT_CACHE, stage_seconds, summary
from ..messages import M, say
from .common import error_text, print_problems, today


def register(sub) -> None:
    s = sub.add_parser("serve", help="build, serve the site on 127.0.0.1, rebuild on every change")
    s.add_argument("--content", default="content", help="content folder (default: content)")
    s.add_argument("--out", default="build", help="output folder (default: build)")
    s.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0: any free port)")
    s.add_argument("--cache", metavar="DIR", default=DEFAULT_CACHE,
                   help=f"cache folder of the incremental rebuilds (default: {DEFAULT_CACHE})")
    s.set_defaults(func=run)


class Session:
    """The builds of one `serve` run. Each is incremental; its outcome goes to the
    terminal and to the open tabs (`Live`). Never raises: the server must stay up."""

    def __init__(self, content: Path, out: Path, cache: Path, live: Live):
        self.content, self.out, self.cache, self.live = content, out, cache, live
        self.hot = Hot(content, out, today())
        """What was loaded and validated, for quick edits of service records (hot.py)."""
        self.rebuilder: Rebuilder | None = None
        self._old: list[Path | None] = []
        self._one_at_a_time = threading.Lock()
        """The first build runs on the main thread, rebuilds on the watcher's."""
        self._warned: set[Problem] = set()

    def build(self, progress: Progress | None = None, changed: set[str] | None = None) -> bool:
        """Build once (`changed`: the files changed, when known); True when the new site
        is being served."""
        with self._one_at_a_time:
            if changed and self.hot.ready:
                try:
                    return self._quick(changed)
                except NotQuick:
                    pass  # a full build, below
                except ContentError as exc:
                    self._failed([str(p) for p in exc.problems], exc.problems)
                    return False
                except Exception:  # a bug in the quick path: the full build still works
                    traceback.print_exc()
                    self.hot.ready = False
            self.hot.ready = False
            if not self._build(progress):
                return False
            self._prime()
            return True

    def _prime(self) -> None:
        start = time.perf_counter()
        try:
            self.hot.prime(self._built)
        except Exception:  # quick edits are an optimisation: without them, full builds
            traceback.print_exc()
            self.hot.ready = False
            return
        print(say("serve.quick_ready", "ready for quick edits of service records ({seconds:.2f} s)",
                  seconds=time.perf_counter() - start), flush=True)

    def _quick(self, changed: set[str]) -> bool:
        """A quick edit of service records (hot.py): their pages, then search, then the
        open-data files."""
        start = time.perf_counter()

        def went_live(report, paths: set[str]) -> None:
            self.live.publish([], report.directory.site.base_path, paths)

        edit = self.hot.apply(changed, self.live.lock, publish=went_live)
        report = edit.report
        warnings = report.problems.warnings
        print_problems([w for w in warnings if w not in self._warned][:BUILD_WARNINGS_SHOWN])
        self._warned = set(warnings)
        print(say("serve.built_quick", "built {out} in {seconds:.2f} s: {summary} ({stages}; the "
                  "edited records' pages were in after {first:.2f} s)", out=self.out,
                  seconds=edit.seconds, summary=summary(report), stages=stage_seconds(report),
                  first=edit.first_seconds), flush=True)
        t = time.perf_counter()
        try:
            searched = self.hot.reindex(self.live.lock)
        except (Abort, IndexError_, PublishError, OSError) as exc:
            self._failed([say("serve.search_failed", "error: search was not updated: {error}", error=exc)])
            self.hot.ready = False
            return False
        if searched is None:  # the shards' layout changed: every shard is looked at
            if not self._reindex(self.hot.plan):
                return False
        else:
            shards, indexed = searched
            print(say("serve.search_shards_updated", "search updated in {seconds:.2f} s: {indexed} "
                      "pages indexed ({shards})", seconds=time.perf_counter() - t, indexed=indexed,
                      shards=", ".join(shards) or "-"), flush=True)
        if self.rebuilder is not None and self.rebuilder.pending:
            print(say("serve.open_data_later", "open data (data/) not updated yet: after the next "
                      "change"), flush=True)
            return True
        t = time.perf_counter()
        files = self.hot.open_data(self.live.lock)
        print(say("serve.open_data_updated", "open data updated in {seconds:.2f} s: {count} "
                  "file(s) changed", seconds=time.perf_counter() - t, count=len(files)), flush=True)
        return True

    def _build(self, progress: Progress | None) -> bool:
        start = time.perf_counter()
        try:
            try:
                report = build(self.content, self.out, today(), cache=self.cache,
                               progress=progress, lock=self.live.lock, discard=self._old.append,
                               search_later=True)
            finally:
                if progress is not None:
                    progress.close()
        except ContentError as exc:
            self._failed([str(p) for p in exc.problems], exc.problems)
            return False
        except (Abort, IndexError_, BuildError, PublishError, OSError) as exc:
            self._failed([error_text(exc)])
            return False
        except Exception:  # a bug in site-builder: show it, and keep serving
            traceback.print_exc()
            self._failed([say("serve.bug", "error: site-builder failed (a bug; the traceback is "
                              "in the terminal)")])
            return False
        self._built = report.directory
        self.live.publish([], report.directory.site.base_path if report.directory else None)
        seconds = time.perf_counter() - start
        # Warnings already shown by an earlier build are counted, not repeated.
        warnings = report.problems.warnings
        print_problems([w for w in warnings if w not in self._warned][:BUILD_WARNINGS_SHOWN])
        self._warned = set(warnings)
        print(say("serve.built", "built {out} in {seconds:.2f} s: {summary} ({stages})",
                  out=self.out, seconds=seconds, summary=summary(report),
                  stages=stage_seconds(report)), flush=True)
        for old in self._old:  # after the tabs were told: deleting a large site takes seconds
            remove_tree(old)
        self._old.clear()
        if report.search_pending:  # the pages are live; now search catches up with them
            return self._reindex(report.search_plan)
        return True

    def _reindex(self, plan) -> bool:
        start = time.perf_counter()
        try:
            indexed = reindex(self.out, self.content, lock=self.live.lock, discard=self._old.append,
                              plan=plan)
        except (Abort, IndexError_, PublishError, OSError) as exc:
            self._failed([say("serve.search_failed", "error: search was not updated: {error}", error=exc)])
            return False
        # No second reload: the tabs show the pages already (a search typed from now on
        # finds the edit).
        print(say("serve.search_updated", "search updated in {seconds:.2f} s: {indexed} pages indexed",
                  seconds=time.perf_counter() - start, indexed=indexed), flush=True)
        for old in self._old:
            remove_tree(old)
        self._old.clear()
        return True

    def rebuild(self) -> None:
        """Called by the watcher after a burst of changes."""
        print(say("serve.rebuilding", "change detected: rebuilding …"), flush=True)
        changed = self.rebuilder.take_paths() if self.rebuilder is not None else None
        self.build(changed=changed)

    def _failed(self, lines: list[str], problems: list | None = None) -> None:
        self.live.publish(lines)  # first: a tab (or a test) reading the terminal finds the overlay
        if problems is not None:
            print_problems(problems)
        else:
            print("\n".join(lines), file=sys.stderr)
        print(say("serve.failed", "{count} error(s): still serving the last good site (the "
                  "errors are shown on every page until they are fixed)", count=len(lines)),
              file=sys.stderr, flush=True)


def base_path_hint(content: Path) -> str:
    """The base path from site.yaml read loosely, for when the first build fails
    (the build itself reports what is wrong with site.yaml)."""
    try:
        site = yaml.safe_load((content / "site.yaml").read_text(encoding="utf-8"))
        path = urlsplit(str(site["base_url"])).path or "/"
    except Exception:
        return "/"
    return path if path.endswith("/") else path + "/"


_interrupt = as_interrupt
"""SIGTERM does what Ctrl-C does (also inside the index stage's event loop)."""


def run(args: argparse.Namespace) -> int:
    content, out = Path(args.content), Path(args.out)
    if not content.is_dir():
        raise Abort(M("content.missing", "content folder {content} does not exist (pass "
                      "--content DIR)", content=content))
    check_output_dir(out, content)
    live = Live(base_path_hint(content))
    session = Session(content, out, Path(args.cache), live)
    rebuilder = session.rebuilder = Rebuilder(session.rebuild, [content, TEMPLATES, STATIC],
                                              ignore=[out])
    try:  # the port first: a busy port should not wait for a build to be reported
        server = make_server(out, live.base_path, args.port, live=live)
    except OSError as exc:
        raise Abort(M("serve.port", "cannot serve on 127.0.0.1:{port}: {why} (choose another "
                      "--port, or 0 for any free port)", port=args.port,
                      why=exc.strerror or exc)) from exc
    previous_term = signal.signal(signal.SIGTERM, _interrupt)  # stop as cleanly as on Ctrl-C
    try:
        rebuilder.start()  # before the first build, so that no edit made during it is missed
        session.build(for_terminal())
        print(say("serve.serving", "serving {out} at {url} (Ctrl-C to stop)", out=out,
                  url=f"http://127.0.0.1:{server.server_address[1]}{live.base_path}"), flush=True)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        print(say("serve.stopping", "stopping …"), flush=True)
        live.close()
        server.server_close()
        if rebuilder.busy:
            print(say("serve.waiting", "waiting for the build in progress (Ctrl-C again to quit "
                      "at once) …"), flush=True)
        rebuilder.stop(timeout=None)
        signal.signal(signal.SIGTERM, previous_term)
    print(say("serve.stopped", "stopped"), flush=True)
    return 0

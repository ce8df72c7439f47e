#!/usr/bin/env python3
"""Seconds from saving a service record to its page and its search shard being updated,
under `site-builder serve`.

    .venv/bin/python bench/serve_edit.py                   # 10k services
    .venv/bin/python bench/serve_edit.py --services 1000 --edits 3

Generates content (bench/generate.py) into bench/out/ (git-ignored) unless it is there,
copies it, starts `site-builder serve` on the copy, waits for the first build and for
"ready for quick edits" (the site is built first by `site-builder build`,
on every core, so that serve's first build finds it up to date), then edits one record at a time (its name, then its hours,
alternately) and measures, from just before the save:

* page: until an HTTP GET of the record's page returns the new text (polled every 10 ms);
* search: until pagefind/shards.json, fetched over HTTP, holds a new digest for the
  record's shard and serve has said "search updated" (the bundle is swapped in first);
* open data: until serve says "open data updated".

Prints a Markdown table and serve's own lines for each edit.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.request import urlopen

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


class Serve:
    def __init__(self, content: Path, out: Path, cache: Path, today: str):
        env = {**os.environ, "SITE_BUILDER_TODAY": today, "PYTHONUNBUFFERED": "1",
               "SITE_BUILDER_MESSAGES": "en"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "site_builder", "serve", "--messages", "en", "--content",
             str(content), "--out", str(out), "--cache", str(cache), "--port", "0"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True)
        self.lines: list[tuple[float, str]] = []
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append((time.perf_counter(), line.rstrip("\n")))
                self.cond.notify_all()

    def wait_for(self, pattern: str, start: int = 0, timeout: float = 1800) -> tuple[float, str]:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for at, line in self.lines[start:]:
                    if re.search(pattern, line):
                        return at, line
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise SystemExit("no line like %r:\n%s" % (pattern, "\n".join(l for _, l in self.lines)))
                self.cond.wait(1.0)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def get(url: str) -> bytes:
    with urlopen(url, timeout=10) as response:
        return response.read()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--services", type=int, default=10000)
    p.add_argument("--edits", type=int, default=4)
    p.add_argument("--out", type=Path, default=HERE / "out", help="work folder (default bench/out)")
    p.add_argument("--content", type=Path, help="generated content to use (default: generate)")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    work = args.out
    work.mkdir(parents=True, exist_ok=True)
    source = args.content or work / f"content-{args.services}"
    if not (source / "site.yaml").exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--services", str(args.services),
                        "--out", str(source), "--seed", str(args.seed)], check=True)
    content = work / f"serve-content-{args.services}"
    out, cache = work / f"serve-site-{args.services}", work / f"serve-cache-{args.services}"
    for folder in (content, out, cache):
        shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(source, content)

    # The first build on every core (`serve` builds in one process: it has threads), so
    # that serve's own first build finds nothing to do and only loads the content.
    today = "2026-11-01"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "site_builder", "build", "--messages", "en", "--content",
                    str(content), "--out", str(out), "--incremental", "--cache", str(cache)], cwd=ROOT, check=True,
                   env={**os.environ, "SITE_BUILDER_TODAY": today}, stdout=subprocess.DEVNULL)
    print(f"build: {time.perf_counter() - start:.1f} s", flush=True)
    start = time.perf_counter()
    serve = Serve(content, out, cache, today)
    try:
        _, line = serve.wait_for(r"serving .* at (http://127\.0\.0\.1:\d+\S*)")
        origin = re.search(r"http://127\.0\.0\.1:\d+\S*", line).group(0).rstrip("/") + "/"
        first = time.perf_counter() - start
        _, ready = serve.wait_for(r"ready for quick edits")
        print(f"serve up: {first:.1f} s; {ready}", flush=True)

        records = sorted((content / "services").glob("*.yaml"))
        rows = []
        for i in range(args.edits):
            record = records[(i * 7919 + len(records) // 2) % len(records)]
            sid = record.stem
            page_url = f"{origin}services/{sid}/"
            text = record.read_text(encoding="utf-8")
            if i % 2 == 0:
                name = re.search(r"(?m)^name: (.*)$", text).group(1).strip().strip('"')
                marker = f"{name}（第{i}次修改）"
                new = re.sub(r"(?m)^name: .*$", "name: " + json.dumps(marker, ensure_ascii=False), text, count=1)
                what = "name"
            else:
                marker = "07:1%d" % i
                new, n = re.subn(r'(?m)^(  [a-z-]+: ")(\d\d:\d\d)', lambda m: m.group(1) + marker, text, count=1)
                if n == 0:
                    continue
                what = "hours"
            manifest = json.loads(get(origin + "pagefind/shards.json"))
            before = {s["id"]: s["digest"] for s in manifest["shards"]}
            mark = len(serve.lines)
            t0 = time.perf_counter()
            record.write_text(new, encoding="utf-8")
            while marker.encode("utf-8") not in get(page_url):
                time.sleep(0.01)
            page = time.perf_counter() - t0
            at, searched = serve.wait_for(r"^search updated in", start=mark)
            after = {s["id"]: s["digest"] for s in json.loads(get(origin + "pagefind/shards.json"))["shards"]}
            search = max(at, time.perf_counter() if after == before else at) - t0
            changed = sorted(k for k in after if after[k] != before.get(k))
            at_data, data_line = serve.wait_for(r"^open data (updated|\(data/\) not updated)", start=mark)
            _, built = serve.wait_for(r"^built ", start=mark)
            rows.append((sid, what, page, search, at_data - t0, changed))
            print(f"edit {i} ({what} of {sid}): page {page:.2f} s, search {search:.2f} s "
                  f"(shards {', '.join(changed)}), open data {at_data - t0:.2f} s", flush=True)
            for _, line in serve.lines[mark:]:
                print("    " + line, flush=True)
            time.sleep(1.0)
        status = Path(f"/proc/{serve.proc.pid}/status").read_text()
        rss = {k: v.strip() for k, v in (l.split(":", 1) for l in status.splitlines())
               if k in ("VmRSS", "VmHWM")}
        print(f"serve process: RSS {rss.get('VmRSS')}, peak {rss.get('VmHWM')}")
        print()
        print("| edit | record | page s | search s | shards changed | open data s |")
        print("|---|---|---|---|---|---|")
        for sid, what, page, search, data, changed in rows:
            print(f"| {what} | {sid} | {page:.2f} | {search:.2f} | {', '.join(changed)} | {data:.2f} |")
    finally:
        serve.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

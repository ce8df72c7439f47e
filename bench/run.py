#!/usr/bin/env python3
"""Build generated content of several sizes and print a Markdown table of the timings.

    .venv/bin/python bench/run.py                      # 1k and 10k services
    .venv/bin/python bench/run.py --sizes 1000 10000 30000 --out bench/out
    .venv/bin/python bench/run.py --peer --repeat 3     # and Hugo + Pagefind on the same records
    .venv/bin/python bench/run.py --sizes 10000 --peer --rebuild   # and a no-change rebuild

Content and sites go to bench/out/ (git-ignored); N services come with N/10 articles.
Each build runs as `site-builder build` in a subprocess; the per-stage seconds come from
its summary line, peak memory from sampling the whole process tree (bench/treerss.py:
site-builder, its render workers and its Pagefind processes, summed; RSS counts pages
a fork shares once per process, PSS once). "CPU s" is user + system time of the build
and every process it started: compare it with "total s" to see whether other work on
the machine slowed the run down.

With --peer, the same records are also written as a Hugo site (bench/peer.py), built
by Hugo and indexed by Pagefind, and a second table compares the two. With --repeat N
the builds alternate (site-builder, peer, site-builder, peer, ...) and every figure is
the median of the N runs.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from treerss import run_tree  # bench/treerss.py, beside this script

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
STAGES = ("load", "validate", "render", "write", "index")
TODAY = "2026-11-01"
"""Pinned "today" (SITE_BUILDER_TODAY), so stale flags do not drift between runs."""


def site_builder() -> str:
    exe = Path(sys.executable).with_name("site-builder")
    return str(exe) if exe.exists() else str(ROOT / ".venv" / "bin" / "site-builder")


def folder_size(path: Path) -> tuple[int, int]:
    """(bytes, files) below `path`."""
    total = files = 0
    for dirpath, _, names in os.walk(path):
        for name in names:
            total += os.path.getsize(os.path.join(dirpath, name))
            files += 1
    return total, files


def largest_html(site: Path) -> tuple[int, str]:
    best = (0, "")
    for dirpath, dirs, names in os.walk(site):
        if "pagefind" in dirs and Path(dirpath) == site:
            dirs.remove("pagefind")
        for name in names:
            if name.endswith(".html"):
                path = os.path.join(dirpath, name)
                size = os.path.getsize(path)
                if size > best[0]:
                    best = (size, os.path.relpath(path, site))
    return best


def build(content: Path, site: Path, extra: list[str] | None = None) -> dict:
    """One `site-builder build` (with `extra` arguments); its summary line's figures, the
    wall and CPU seconds, and the peak RSS / PSS of the whole process tree (treerss.py:
    site-builder, its workers and its Pagefind processes together)."""
    cmd = [site_builder(), "build", "--content", str(content), "--out", str(site)] + (extra or [])
    env = {**os.environ, "SITE_BUILDER_TODAY": TODAY, "SITE_BUILDER_MESSAGES": "en"}
    proc, wall, rss, pss, cpu = run_tree(cmd, env=env)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"build of {content} failed ({proc.returncode})")
    line = next(l for l in proc.stdout.splitlines() if l.startswith("built "))
    m = re.search(r": (\d+) pages .*? in ([\d.]+) s \((.*)\)$", line)
    if not m:
        raise SystemExit(f"cannot read the summary line: {line}")
    result = {"pages": int(m.group(1)), "total": float(m.group(2)), "wall": wall, "cpu": cpu,
              "rss_mb": rss, "pss_mb": pss}
    for part in m.group(3).split(", "):
        name, _, seconds = part.rpartition(" ")
        try:
            result[name] = float(seconds)
        except ValueError:
            pass
    return result


def median(runs: list[dict]) -> dict:
    """Per key, the median over the runs (page counts stay whole numbers)."""
    out = {}
    for k, v in runs[0].items():
        if isinstance(v, (int, float)):
            m = statistics.median(r[k] for r in runs)
            out[k] = round(m) if isinstance(v, int) else m
    return out


def peer_table(rows: list[tuple[int, dict, dict]]) -> None:
    """site-builder against Hugo + Pagefind; "before index" is site-builder's wall minus
    its index stage (what Hugo alone does: read, render, write). CPU seconds (user +
    system, every process) are the steadier figure on a shared machine."""
    head = ["services", "site-builder pages", "site-builder wall s (CPU s)",
            "peak RSS / PSS MiB", "load / validate / render / write / index s", "Hugo pages",
            "Hugo wall s (CPU s)", "Pagefind-on-Hugo wall s (CPU s)", "Hugo + Pagefind s",
            "Hugo / Pagefind peak RSS MiB", "site-builder ÷ (Hugo + Pagefind), wall (CPU)",
            "site-builder before index ÷ Hugo, wall"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for n, r, h in rows:
        both = h["hugo"] + h["pagefind"]
        cpu_both = h["hugo_cpu"] + h["pagefind_cpu"]
        cells = [f"{n:,}", f"{r['pages']:,}", f"{r['wall']:.2f} ({r['cpu']:.1f})",
                 f"{r['rss_mb']:.0f} / {r['pss_mb']:.0f}",
                 " / ".join(f"{r.get(s, float('nan')):.2f}" for s in STAGES),
                 f"{h['hugo_pages']:,}", f"{h['hugo']:.2f} ({h['hugo_cpu']:.1f})",
                 f"{h['pagefind']:.2f} ({h['pagefind_cpu']:.1f})", f"{both:.2f}",
                 f"{h['hugo_rss_mb']:.0f} / {h['pagefind_rss_mb']:.0f}",
                 f"{r['wall'] / both:.2f} ({r['cpu'] / cpu_both:.2f})",
                 f"{(r['wall'] - r.get('index', 0)) / h['hugo']:.2f}"]
        print("| " + " | ".join(cells) + " |")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    p.add_argument("--out", type=Path, default=HERE / "out", help="work folder (default bench/out)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--peer", action="store_true", help="also build the same records with Hugo + Pagefind")
    p.add_argument("--repeat", type=int, default=1, help="runs per size (medians are printed)")
    p.add_argument("--rebuild", action="store_true",
                   help="also time a no-change rebuild (`build --incremental` twice)")
    args = p.parse_args(argv)
    if args.peer:
        import peer  # bench/peer.py, beside this script
    peers = []
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in args.sizes:
        content, site = args.out / f"content-{n}", args.out / f"site-{n}"
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--services", str(n),
                        "--out", str(content), "--seed", str(args.seed),
                        "--articles", str(max(1, n // 10))], check=True)
        if args.peer:
            peer.write_site(content, args.out / f"hugo-{n}")
        runs, peer_runs = [], []
        for _ in range(args.repeat):
            if (site / ".site-builder-output").exists():
                # Start from nothing: replacing an old output makes the build delete it
                # (seconds for ~30k files), which the stage times do not show.
                shutil.rmtree(site)
            runs.append(build(content, site))
            print(f"built {n} services: {runs[-1]}", file=sys.stderr)
            if args.peer:
                peer_runs.append(peer.run(args.out / f"hugo-{n}", args.out / f"hugo-site-{n}"))
                print(f"peer, {n} services: {peer_runs[-1]}", file=sys.stderr)
        r = median(runs)
        if args.rebuild:  # an incremental build (cold, untimed), then one with nothing changed
            inc, cache = args.out / f"site-inc-{n}", args.out / f"cache-{n}"
            for folder in (inc, cache):
                if folder.exists():
                    shutil.rmtree(folder)
            flags = ["--incremental", "--cache", str(cache)]
            build(content, inc, flags)
            again = build(content, inc, flags)
            r["nochange"], r["nochange_cpu"] = again["wall"], again["cpu"]
            print(f"no-change rebuild of {n} services: {again}", file=sys.stderr)
        if args.peer:
            peers.append((n, r, median(peer_runs)))
        size, files = folder_size(site)
        pf_size, pf_files = folder_size(site / "pagefind")
        big, big_path = largest_html(site)
        rows.append((n, r, size, files, pf_size, pf_files, big, big_path))

    head = ["services", "pages"] + [f"{s} s" for s in STAGES] + \
        ["total s", "CPU s", "peak RSS / PSS MiB (process tree)", "no-change rebuild s",
         "output MB (files)", "pagefind MB (files)", "largest page"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for n, r, size, files, pf_size, pf_files, big, big_path in rows:
        cells = [f"{n:,}", f"{r['pages']:,}"] + [f"{r.get(s, float('nan')):.2f}" for s in STAGES] + [
            f"{r['total']:.2f}", f"{r['cpu']:.1f}", f"{r['rss_mb']:.0f} / {r['pss_mb']:.0f}",
            f"{r['nochange']:.2f}" if "nochange" in r else "–", f"{size / 1e6:.1f} ({files:,})",
            f"{pf_size / 1e6:.1f} ({pf_files:,})", f"{big / 1024:.0f} KB {big_path}"]
        print("| " + " | ".join(cells) + " |")
    if peers:
        print()
        peer_table(peers)
    return 0


if __name__ == "__main__":
    sys.exit(main())

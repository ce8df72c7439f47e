#!/usr/bin/env python3
"""Time an incremental rebuild after a one-record edit, against a clean build.

    .venv/bin/python bench/incremental.py                  # 1k and 10k services
    .venv/bin/python bench/incremental.py --sizes 1000 --no-index

For each size: generate content (bench/generate.py) into bench/out/ (git-ignored),
build it once with a cache (the cold incremental build renders everything), change
the name of one service, build again (timed), and check that the output equals a
clean build's. Prints a Markdown table.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from site_builder.build import build  # noqa: E402

TODAY = date(2026, 11, 1)


def same_tree(a: Path, b: Path) -> bool:
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    if files != sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file()):
        return False
    return all((a / f).read_bytes() == (b / f).read_bytes() for f in files)


def one(n: int, work: Path, index: bool, seed: int) -> dict:
    content = work / f"content-{n}"
    if not (content / "site.yaml").exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--services", str(n),
                        "--out", str(content), "--seed", str(seed)], check=True)
    edited = work / f"inc-content-{n}"
    shutil.rmtree(edited, ignore_errors=True)
    shutil.copytree(content, edited)
    out, clean, cache = work / f"inc-site-{n}", work / f"inc-clean-{n}", work / f"inc-cache-{n}"
    for folder in (out, clean, cache):
        shutil.rmtree(folder, ignore_errors=True)

    start = time.perf_counter()
    build(edited, out, TODAY, index=index, cache=cache)
    cold = time.perf_counter() - start

    record = sorted((edited / "services").glob("*.yaml"))[n // 2]
    text = record.read_text(encoding="utf-8")
    name = yaml.safe_load(re.search(r"(?m)^name: .*$", text).group(0))["name"]
    record.write_text(text.replace(re.search(r"(?m)^name: .*$", text).group(0),
                                   "name: " + json.dumps(name + "（新址）", ensure_ascii=False), 1),
                      encoding="utf-8")
    start = time.perf_counter()
    report = build(edited, out, TODAY, index=index, cache=cache)
    warm = time.perf_counter() - start

    start = time.perf_counter()
    clean_report = build(edited, clean, TODAY, index=index)
    full = time.perf_counter() - start
    return {"n": n, "pages": report.pages, "cold": cold, "warm": warm, "clean": full,
            "seconds": report.seconds, "clean_seconds": clean_report.seconds,
            "counts": report.incremental, "same": same_tree(out, clean)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    p.add_argument("--out", type=Path, default=HERE / "out", help="work folder (default bench/out)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-index", action="store_true", help="skip the Pagefind index")
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    rows = [one(n, args.out, not args.no_index, args.seed) for n in args.sizes]
    print("| services | pages | clean build s | one-record rebuild s | rendered (changed) "
          "| unchanged | stages of the rebuild (of the clean build) | same as clean |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        c = r["counts"]
        stages = ", ".join(f"{k} {v:.2f}" + (f" ({r['clean_seconds'][k]:.2f})"
                                              if k in r["clean_seconds"] else "")
                           for k, v in r["seconds"].items())
        print(f"| {r['n']:,} | {r['pages']:,} | {r['clean']:.2f} | {r['warm']:.2f} "
              f"| {c.rendered} ({c.changed}) | {c.unchanged:,} | {stages} | {r['same']} |")
    return 0 if all(r["same"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

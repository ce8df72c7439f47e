#!/usr/bin/env python3
"""Generate a content folder with several provinces, for sharded builds (`build --shard`).

    python bench/nation.py --services 1000 --out /tmp/nation [--provinces gd,zj] [--seed 1]

Each province is written by bench/generate.py (its cities, districts, streets and
communities, `--services` records each) and the folders are merged: regions.yaml has
one root per province (the shards), the services of all, the articles of all (those of
the second and later provinces prefixed with their id), site.yaml and pages of the first.
Names below the city level, services and numbers are fictional, as in generate.py; each
city keeps its real area code, so numbers never collide between provinces.
The same arguments always give byte-identical files.
"""
from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # noqa: E402

PROVINCES = {
    "gd": (generate.PROVINCE, generate.CITIES),
    "zj": (("zj", "浙江省", "0571"), [
        ("hz", "杭州市", "0571", (30.274, 120.155), [
            ("shangcheng", "上城区"), ("gongshu", "拱墅区"), ("xihu", "西湖区"),
            ("binjiang", "滨江区"), ("xiaoshan", "萧山区"), ("yuhang", "余杭区")]),
        ("nb", "宁波市", "0574", (29.868, 121.544), [
            ("haishu", "海曙区"), ("jiangbei", "江北区"), ("beilun", "北仑区"), ("yinzhou", "鄞州区")]),
        ("wz", "温州市", "0577", (27.994, 120.699), [
            ("lucheng", "鹿城区"), ("longwan", "龙湾区"), ("ouhai", "瓯海区")]),
        ("jx", "嘉兴市", "0573", (30.746, 120.755), [("nanhu", "南湖区"), ("xiuzhou", "秀洲区")]),
    ]),
}


def province(pid: str, services: int, seed: int, out: Path) -> None:
    """generate.py's content for one province into `out`."""
    saved = generate.PROVINCE, generate.CITIES
    generate.PROVINCE, generate.CITIES = PROVINCES[pid]
    try:
        generate.Generator(services, seed).write(out)
    finally:
        generate.PROVINCE, generate.CITIES = saved


def merge(parts: list[tuple[str, Path]], out: Path) -> None:
    first = parts[0][1]
    for name in ("site.yaml", "holidays.yaml", generate.MARKER):
        shutil.copyfile(first / name, out / name)
    site = (out / "site.yaml").read_text(encoding="utf-8")
    names = "、".join(PROVINCES[pid][0][1] for pid, _ in parts)
    site = re.sub(r"^title: .*$", f"title: {names}社会心理服务地图（基准测试数据）", site, count=1,
                  flags=re.M)
    (out / "site.yaml").write_text(site, encoding="utf-8")
    shutil.copytree(first / "pages", out / "pages")
    (out / "services").mkdir()
    (out / "articles").mkdir()
    regions = ["# 生成的地区树：每个省一个根（分片）。"]
    for i, (pid, folder) in enumerate(parts):
        lines = (folder / "regions.yaml").read_text(encoding="utf-8").splitlines()
        regions += [line for line in lines if not line.startswith("#")]
        for f in sorted((folder / "services").iterdir()):
            shutil.copyfile(f, out / "services" / f.name)
        for f in sorted((folder / "articles").iterdir()):
            text = f.read_text(encoding="utf-8")
            name = f.name
            if i:  # slugs repeat between provinces: prefix them, and the links to them
                name = f"{pid}-{name}"
                text = text.replace("(/articles/", f"(/articles/{pid}-")
            (out / "articles" / name).write_text(text, encoding="utf-8")
    (out / "regions.yaml").write_text("\n".join(regions) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--services", type=int, default=1000, help="service records per province")
    p.add_argument("--provinces", default="gd,zj", help=f"comma-separated, of: {', '.join(PROVINCES)}")
    p.add_argument("--out", required=True, type=Path, help="content folder to (re)create")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    ids = [x for x in args.provinces.split(",") if x]
    if not ids or any(x not in PROVINCES for x in ids) or len(set(ids)) != len(ids):
        p.error(f"--provinces: distinct ids of {', '.join(PROVINCES)}")
    if args.services < 9:
        p.error("--services must be at least 9 (one of each kind)")
    out: Path = args.out
    if out.exists() and any(out.iterdir()):
        if not (out / generate.MARKER).exists():
            print(f"error: {out} is not empty and was not written by this script", file=sys.stderr)
            return 2
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        parts = []
        for pid in ids:
            folder = Path(tmp) / pid
            folder.mkdir()
            province(pid, args.services, args.seed, folder)
            parts.append((pid, folder))
        merge(parts, out)
    count = sum(1 for _ in (out / "services").iterdir())
    print(f"wrote {out}: {len(ids)} provinces, {count} services")
    return 0


if __name__ == "__main__":
    sys.exit(main())

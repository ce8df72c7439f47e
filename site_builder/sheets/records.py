"""The service records of a content folder read loosely (as `import` and `verify` need
them even when some other file has an error): ids, raw fields, areas below an area."""
from __future__ import annotations
from ..messages import M

from pathlib import Path

import yaml



def region_tree(content: Path) -> dict[str, tuple[str, str, str | None]]:
    """Area id -> (name, level, parent id) from regions.yaml, in file order."""
    try:
        data = yaml.safe_load((content / "regions.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    out: dict[str, tuple[str, str, str | None]] = {}

    def walk(items, parent):
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                out[item["id"]] = (str(item.get("name", "")), str(item.get("level", "")), parent)
                walk(item.get("children"), item["id"])
    walk(data, None)
    return out


def below(tree: dict[str, tuple[str, str, str | None]], root: str) -> set[str]:
    """`root` and every area under it."""
    out = {root}
    changed = True
    while changed:
        changed = False
        for rid, (_, _, parent) in tree.items():
            if parent in out and rid not in out:
                out.add(rid)
                changed = True
    return out


def service_files(services: Path) -> list[Path]:
    return sorted(p for p in services.glob("*.yaml") if not p.name.startswith(".")) \
        if services.is_dir() else []


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_plain(services: Path) -> tuple[dict[str, tuple[Path, dict]], list[str]]:
    """Every record's plain data (PyYAML's C loader: fast; ruamel only for the files that
    change), and one message per file that cannot be read."""
    records, problems = {}, []
    for path in service_files(services):
        try:
            data = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=_Loader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            problems.append(M("edit.cannot_read", "{path}: cannot be read ({what}); fix it "
                              "first (`site-builder check`)", path=path,
                              what=str(exc).splitlines()[0]))
            continue
        if not isinstance(data, dict):
            problems.append(M("edit.not_mapping", "{path}: is not a mapping of `key: value` lines",
                              path=path))
            continue
        records[path.stem] = (path, data)
    return records, problems

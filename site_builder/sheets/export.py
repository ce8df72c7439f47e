"""`export xlsx`: the services of a content folder (or of one area) as the workbook that
`import xlsx` reads back."""
from __future__ import annotations

from pathlib import Path

from .. import vocab
from .columns import record_cells
from .records import below, read_plain, region_tree
from .workbook import write_workbook


def export_xlsx(content: Path, out: Path, region: str | None = None) -> tuple[int, list[str]]:
    """Write the workbook; returns the number of services in it and one line per record
    that could not be read (left out)."""
    tree = region_tree(content)
    wanted = below(tree, region) if region else None
    records, unread = read_plain(content / "services")
    rows = []
    for sid, (_, data) in records.items():
        if wanted is not None and data.get("region") not in wanted:
            continue
        rows.append(record_cells(data, sid))
    areas = [(rid, name, vocab.LEVELS.get(level, level))
             for rid, (name, level, _) in tree.items() if wanted is None or rid in wanted]
    write_workbook(out, rows, areas)
    return len(rows), unread

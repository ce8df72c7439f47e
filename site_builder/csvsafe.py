"""CSV files that a spreadsheet opens as data, never as formulas.

Excel, LibreOffice and WPS read a cell that starts with `=`, `+`, `-` or `@` (or a tab or
carriage return before one) as a formula: a service named `=HYPERLINK("http://…","点此")`
becomes a live link, and `=cmd|…` once ran programs. Every CSV the project writes goes
through `table()`, which puts a `'` before such a text cell (OWASP's advice; spreadsheets
show the text without it) and starts the file with a byte-order mark, so that Excel reads
it as UTF-8 and shows the Chinese.
"""
from __future__ import annotations

import csv
import io
from typing import Any, Iterable

BOM = "\ufeff"
"""Excel opens a CSV file as UTF-8 only when it starts with a byte order mark."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
"""What makes a spreadsheet read a cell as a formula (full-width forms too: some
spreadsheets fold them to ASCII when they read the file)."""


def cell(value: Any) -> Any:
    """`value` as written into a CSV cell: text that a spreadsheet would take for a
    formula gets a leading `'`; numbers and other text are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and value != "-":
        # (A lone `-`, the field of a whole-file problem, has nothing to compute.)
        return "'" + value
    return value


def table(header: list[str], rows: Iterable[Iterable[Any]], bom: bool = True) -> str:
    """A whole CSV file (CRLF line ends, as RFC 4180 and Excel expect)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([cell(h) for h in header])
    writer.writerows([cell(v) for v in row] for row in rows)
    return (BOM if bom else "") + buf.getvalue()


def uncell(value: str) -> str:
    """The text `cell()` was given: a reader of our own CSV files (`import hsds`) drops
    the `'` that `cell()` put before a formula-like text."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value

"""CSV cells that a spreadsheet will not run as formulas."""
from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: str) -> str:
    """Prefix a single quote to a text cell that a spreadsheet would read as a formula
    (one starting with =, +, -, @, a tab or a carriage return); other cells are unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value

"""Set `verified` on many records at once, in place (comments and layout kept): what
`site-builder verify` and `site-builder import stale` do."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..yamledit import Record


@dataclass
class Dated:
    """Records to date, and what happened."""

    set: list[tuple[str, Path, date | None, date]] = field(default_factory=list)
    """(id, path, old date, new date) of each record whose date changes."""
    same: list[str] = field(default_factory=list)


def set_verified(records: dict[str, Record], dates: dict[str, date]) -> Dated:
    """Set each record's `verified` (in memory; `save` writes)."""
    out = Dated()
    for sid, day in dates.items():
        record = records[sid]
        old = record.get("verified")
        old = old if isinstance(old, date) else None
        if old == day:
            out.same.append(sid)
            continue
        record.set("verified", day)
        out.set.append((sid, record.path, old, day))
    return out


def save(records: dict[str, Record], dated: Dated) -> None:
    for sid, _, _, _ in dated.set:
        records[sid].save()

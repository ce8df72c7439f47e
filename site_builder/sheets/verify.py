"""Set `verified` on many records at once, in place (comments and layout kept): what
`site-builder verify` and `site-builder import stale` do."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..errors import Abort
from ..load import display_path
from ..messages import say
from ..yamledit import EditError, Record


@dataclass
class Dated:
    """Records to date, and what happened."""

    set: list[tuple[str, Path, date | None, date]] = field(default_factory=list)
    """(id, path, old date, new date) of each record whose date changes."""
    same: list[str] = field(default_factory=list)
    edited: dict[str, Record] = field(default_factory=dict)


def set_verified(records: dict[str, tuple[Path, dict]], dates: dict[str, date]) -> Dated:
    """Set each record's `verified` (in memory; `save` writes). `records`: plain data
    (records.read_plain); only the files whose date changes are loaded for editing."""
    out = Dated()
    for sid, day in dates.items():
        path, data = records[sid]
        old = data.get("verified")
        old = old if isinstance(old, date) else None
        if old == day:
            out.same.append(sid)
            continue
        record = Record.load(path)
        record.set("verified", day)
        out.edited[sid] = record
        out.set.append((sid, path, old, day))
    return out


def save(dated: Dated) -> None:
    for record in dated.edited.values():
        record.save()


def write_dates(records: dict[str, tuple[Path, dict]], dates: dict[str, date], content: Path,
                dry_run: bool) -> Dated:
    """Set the dates, say each change (or what would change), and save unless `dry_run`."""
    try:
        dated = set_verified(records, dates)
    except EditError as exc:
        raise Abort(exc.args[0]) from None
    for _sid, path, old, new in dated.set:
        shown = display_path(path, content)
        print(say("verify.would_set", "would set {path}: verified {old} → {new}", path=shown,
                  old=old or "-", new=new) if dry_run else
              say("verify.set", "set {path}: verified {old} → {new}", path=shown, old=old or "-",
                  new=new))
    if not dry_run:
        save(dated)
    return dated

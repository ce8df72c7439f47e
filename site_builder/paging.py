"""Full lists in pages: every service of a long area, kind or audience list, a page at a time.

A list of more than `render.LIST_LIMIT` services is summarised on its own page (a few
cards per kind, sub-areas, areas); the whole list is then also published in pages of
`PAGE_SIZE` cards at `<list>/page/<n>/`, linked from the summary, so that every service
can be reached by browsing, on a phone, without JavaScript or search.

This module is pure: it decides what goes on which page; render.py renders the pages
and incremental.py fingerprints each page from the same plan (`PageKeys`).
"""
from __future__ import annotations

from dataclasses import dataclass

from . import vocab
from .model import Service

PAGE_SIZE = 40
"""Cards on one page of a full list: about 40 KB of HTML, 5 KB gzipped."""


@dataclass(frozen=True)
class Part:
    """The services of one kind on one page (or of the whole page, for a kind list)."""

    kind: str | None
    """None on the pages of a kind list, which are not grouped."""
    total: int
    """Services of this kind in the whole list."""
    services: tuple[Service, ...]
    continued: bool
    """The kind began on an earlier page (its heading says 续)."""


@dataclass(frozen=True)
class ListPage:
    """Page `number` of `count` of a full list."""

    number: int
    count: int
    total: int
    """Services in the whole list."""
    first: int
    """Position in the list (1-based) of the first service on this page."""
    parts: tuple[Part, ...]

    @property
    def last(self) -> int:
        return self.first - 1 + sum(len(p.services) for p in self.parts)


def split(services: list[Service], grouped: bool, size: int | None = None) -> list[ListPage]:
    """The pages of a full list. `grouped`: services ordered by kind (in the vocabulary's
    order), each kind in the list's own order, with a heading per kind; otherwise the
    list's order, without headings."""
    size = size or PAGE_SIZE
    if grouped:
        by_kind: dict[str, list[Service]] = {}
        for s in services:
            by_kind.setdefault(s.kind, []).append(s)
        ordered = [s for kind in vocab.KINDS for s in by_kind.get(kind, [])]
        totals = {kind: len(items) for kind, items in by_kind.items()}
    else:
        ordered, totals = list(services), {}
    count = max(1, -(-len(ordered) // size))
    pages = []
    for number in range(1, count + 1):
        start = (number - 1) * size
        chunk = ordered[start:start + size]
        parts: list[Part] = []
        for i, s in enumerate(chunk):
            kind = s.kind if grouped else None
            if parts and parts[-1].kind == kind:
                parts[-1] = Part(kind, parts[-1].total, parts[-1].services + (s,), parts[-1].continued)
            else:
                before = ordered[start + i - 1] if start + i > 0 else None
                continued = grouped and before is not None and before.kind == kind
                parts.append(Part(kind, totals.get(kind, len(ordered)), (s,), continued))
        pages.append(ListPage(number, count, len(ordered), start + 1, tuple(parts)))
    return pages


def page_of(pages: list[ListPage], kind: str, index: int) -> int:
    """Number of the page showing the `index`-th (0-based) service of `kind`, or of
    the page where the kind ends when it has fewer."""
    found = 0
    for page in pages:
        for part in page.parts:
            if part.kind == kind:
                if index < len(part.services):
                    return page.number
                index -= len(part.services)
                found = page.number
    return found or 1


def window(number: int, count: int, around: int = 1) -> list[int | None]:
    """Page numbers for a pager: the first, the last and those around `number`
    (None where numbers are left out): 1 … 4 5 6 … 20. Short enough for a phone."""
    keep = {1, count} | set(range(max(1, number - around), min(count, number + around) + 1))
    if number <= 0:  # a summary page: the first pages
        keep |= set(range(1, min(count, 1 + 2 * around) + 1))
    out: list[int | None] = []
    previous = 0
    for n in sorted(keep):
        if n - previous == 2:
            out.append(n - 1)  # a gap of one page: the number is as short as "…"
        elif n - previous > 2:
            out.append(None)
        out.append(n)
        previous = n
    return out


def page_path(folder: str, number: int) -> str:
    """`regions/futian/page/2/index.html` for folder `regions/futian/`."""
    return f"{folder}page/{number}/index.html"

"""Print for notice boards: what a printed page carries that the screen does not need.

A printed service or area page shows the full weekly hours (no "…"), the page's web
address and a QR code to it; `/regions/<id>/print/` is an A4 leaflet for a community
notice board (templates/region_print.html). QR codes are SVG made at build time (segno).
"""
from __future__ import annotations

import io
from functools import lru_cache

from markupsafe import Markup

from .hours import Hours, holidays_rule, summary, weekly_rows
from .urls import uri

QR_MASK = 2
"""segno picks the best of 8 masks by default (~5 ms a code); one fixed mask is ~1 ms and
scans as well on paper (a mask only evens out the dark and light modules)."""


def full_hours(h: Hours) -> str:
    """Every day's hours in one line, for cards on paper: `周一至周五 08:30–17:30；周六
    09:00–12:00；法定节假日休息` (on screen a card shows the first row and "…")."""
    if h.mode != "weekly":
        return summary(h)
    rows = [f"{day} {times}" for day, times in weekly_rows(h) if times != "休息"]
    return "；".join(rows + [holidays_rule(h)])


@lru_cache(maxsize=64)  # an area page and its leaflet show the same address
def qr_svg(url: str) -> Markup:
    """An inline SVG QR code of `url` (an absolute URL, percent-encoded as phones expect)."""
    import segno
    code = segno.make(uri(url), error="m", micro=False, mask=QR_MASK)
    out = io.BytesIO()
    code.save(out, kind="svg", xmldecl=False, svgns=True, nl=False, border=2, omitsize=True,
              svgclass="qr", lineclass=None, title=None)
    text = out.getvalue().decode("ascii")
    return Markup(text.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1))

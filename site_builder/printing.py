"""Print for notice boards: what a printed page carries that the screen does not need.

A printed service or area page shows the full weekly hours (no "…"), the page's web
address and a QR code to it; `/regions/<id>/print/` is an A4 leaflet for a community
notice board (templates/region_print.html). QR codes are SVG made at build time (segno).
"""
from __future__ import annotations

import io
import re
from functools import lru_cache

from markupsafe import Markup

from . import qr
from .i18n import _
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
    rows = [_("{days} {times}").format(days=day, times=times)
            for day, times in weekly_rows(h) if times != _("休息")]
    return _("；").join(rows + [holidays_rule(h)])


@lru_cache(maxsize=64)  # an area page and its leaflet show the same address
def qr_svg(url: str) -> Markup:
    """An inline SVG QR code of `url` (an absolute URL, percent-encoded as phones expect)."""
    modules = qr.rows(uri(url), error="m", mask=QR_MASK)  # segno.make's matrix, drawn faster
    head, tail = _svg_frame((len(modules) - 17) // 4)
    return Markup(head + _path_data(modules) + tail)


def segno_svg(code) -> str:
    """The SVG of a segno code as segno itself writes it (with qr_svg's options): what
    `qr_svg` produces faster (segno's writer was a tenth of a 10,000-service build)."""
    out = io.BytesIO()
    code.save(out, kind="svg", xmldecl=False, svgns=True, nl=False, border=QR_BORDER,
              omitsize=True, svgclass="qr", lineclass=None, title=None)
    text = out.getvalue().decode("ascii")
    return text.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


QR_BORDER = 2


@lru_cache(maxsize=None)
def _svg_frame(version: int) -> tuple[str, str]:
    """segno's SVG of a code of this version around its path data: (up to `d="`, from `"`)."""
    import segno
    # Any content fits a given version; only the frame (the size) is kept.
    text = segno_svg(segno.make("x", error="m", micro=False, mask=QR_MASK, version=version))
    start = text.index(' d="') + 4
    return text[:start], text[text.index('"', start):]


_RUN = re.compile("1+")


def _path_data(modules: list[str]) -> str:
    """The path data segno writes for the dark modules (segno.utils.matrix_to_lines and
    writers.write_svg) of a code's rows ("0" and "1", qr.rows): each horizontal run of
    dark modules `m<dx> <dy>h<length>`, relative to the end of the previous run, the
    first absolute (`M`)."""
    # segno's y is the row's middle (row + border + 0.5) and starts from 0.0: the first
    # run's dy is border + 0.5, every later one a whole number (0 within a row).
    parts = []
    px, last = -QR_BORDER, None  # px: where the last run ended, in the row's columns
    for r, row in enumerate(modules):
        runs = [m.span() for m in _RUN.finditer(row)]
        if not runs:
            continue
        s, e = runs[0]
        if last is None:
            parts.append(f"M{QR_BORDER + s} {QR_BORDER + 0.5}h{e - s}")
        else:
            parts.append(f"m{s - px} {r - last}h{e - s}")
        px = e
        for s, e in runs[1:]:
            parts.append(f"m{s - px} 0h{e - s}")
            px = e
        last = r
    return "".join(parts)

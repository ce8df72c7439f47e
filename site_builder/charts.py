"""Bar charts as SVG, made at build time: no JavaScript, no chart library in the browser.

A chart is decoration beside its table: the table next to it carries the same figures
for every reader, so the SVG is hidden from assistive technology (`aria-hidden`).
Colours come from classes styled in static/style.css (light and dark schemes); the
SVG has no style attribute, so the strict CSP holds. Text is escaped.
"""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from .coverage import Tally, percent
from .i18n import _

WIDTH = 340
LABEL_W = 104
"""Room for a label of about eight Chinese characters (longer ones are shortened)."""
BAR_W = 170
ROW_H = 24
LABEL_CHARS = 8


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    """The value as shown after the bar (`80%`, `1,234`)."""
    state: str = ""
    """`met`, `unmet` or empty: chooses the bar's colour class."""


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1] + "…"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def bar_chart(bars: list[Bar], maximum: float, mark: float | None = None,
              mark_text: str = "") -> Markup:
    """Horizontal bars from 0 to `maximum`; `mark` draws a dashed line (a target)."""
    top = 18 if mark is not None else 4
    height = top + ROW_H * max(len(bars), 1) + 4
    scale = BAR_W / maximum if maximum > 0 else 0
    parts = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
             f'width="{WIDTH}" height="{height}" aria-hidden="true" focusable="false">']
    for i, bar in enumerate(bars):
        y = top + i * ROW_H
        w = max(0.0, min(bar.value, maximum)) * scale
        css = f"chart-bar chart-{bar.state}" if bar.state else "chart-bar"
        parts.append(f'<text class="chart-label" x="0" y="{y + 16}">{escape(_short(bar.label))}</text>')
        parts.append(f'<rect class="{css}" x="{LABEL_W}" y="{y + 4}" width="{_num(w)}" height="{ROW_H - 8}"/>')
        parts.append(f'<text class="chart-value" x="{_num(LABEL_W + w + 4)}" y="{y + 16}">'
                     f'{escape(bar.text)}</text>')
    if mark is not None:
        x = _num(LABEL_W + min(mark, maximum) * scale)
        parts.append(f'<line class="chart-mark" x1="{x}" y1="12" x2="{x}" y2="{height - 2}"/>')
        parts.append(f'<text class="chart-mark-text" x="{x}" y="10" text-anchor="middle">'
                     f'{escape(mark_text)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def share_chart(tallies: list[Tally], target: float | None) -> Markup:
    """The share of covered areas per area, with the target in force as a dashed line."""
    bars = [Bar(t.area.name if t.area else _("合计"), float(t.share or 0), percent(t.share),
                "" if t.met is None else ("met" if t.met else "unmet")) for t in tallies]
    return bar_chart(bars, 1.0, target, _("目标 {share}").format(share=percent(target)) if target is not None else "")


def count_chart(rows: list[tuple[str, int]], mark: float | None = None, mark_text: str = "",
                states: list[str] | None = None) -> Markup:
    """Counts (services, visits, activities) per label; `mark` is a minimum to reach."""
    states = states or [""] * len(rows)
    top = max([n for _label, n in rows] + [mark or 0, 1])
    bars = [Bar(label, n, f"{n:,}", state) for (label, n), state in zip(rows, states)]
    return bar_chart(bars, top, mark, mark_text)

"""Charts as inline SVG, rendered on the server (pure: data in, markup out; no JS, no internet).

Every chart is ``role="img"`` with a ``<title>`` and ``<desc>``; pages put the same numbers in a
table beside it. Lines differ by colour *and* dash pattern, so they stay apart in grey print and for
colour-blind readers. Text is escaped; numbers use the page locale through ``fmt``.
"""

from __future__ import annotations

import html
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

COLOURS = ("#1b5e9f", "#b3261e", "#2e7d32", "#8a5a00", "#6a3fa0", "#00696f")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "4 4")
FONT = "font-family=\"inherit\" font-size=\"12\""
_ids = itertools.count(1)


@dataclass(frozen=True)
class Series:
    """One line of a line chart: its name and one value per x position."""

    name: str
    values: tuple[float, ...]


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def axis_top(value: float) -> float:
    """A readable axis maximum at or above ``value``: 4 × a whole 1/2/2.5/3/5 × 10^n step (at least 4)."""
    step = max(1.0, value / 4)
    magnitude = 10 ** math.floor(math.log10(step))
    for m in (1, 2, 2.5, 3, 5, 10):
        if m * magnitude >= step and (m != 2.5 or magnitude >= 10):
            return 4 * m * magnitude
    return 40 * magnitude


def _svg_open(chart_id: str, title: str, summary: str, width: int, height: int) -> list[str]:
    """The opening of an accessible chart: the ``<svg>`` element, its title and its text summary."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="{chart_id}-t {chart_id}-d">',
        f'<title id="{chart_id}-t">{_e(title)}</title><desc id="{chart_id}-d">{_e(summary)}</desc>',
    ]


def _series_summary(labels: Sequence[str], series: Sequence[Series], fmt: Callable[[float], str]) -> str:
    """Every value of every series in words (the chart's text alternative)."""
    return "; ".join(f"{s.name}: " + ", ".join(f"{lab} {fmt(v)}" for lab, v in zip(labels, s.values, strict=False))
                     for s in series)


def bar_chart(title: str, bars: Sequence[tuple[str, float]], *, fmt: Callable[[float], str] = str,
              width: int = 640, label_width: int = 230) -> Markup:
    """Horizontal bars, one row per (label, value), longest first as given."""
    chart_id = f"chart{next(_ids)}"
    row = 26
    height = 30 + row * max(1, len(bars))
    top = max((v for _, v in bars), default=0.0)
    scale = (width - label_width - 70) / (top or 1)
    parts = _svg_open(chart_id, title, ", ".join(f"{name}: {fmt(v)}" for name, v in bars), width, height)
    for i, (name, value) in enumerate(bars):
        y = 10 + i * row
        length = max(1.0, value * scale) if value else 0.0
        parts.append(
            f'<g><title>{_e(name)}: {_e(fmt(value))}</title>'
            f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end" {FONT}>{_e(_short(name, 34))}</text>'
            f'<rect x="{label_width}" y="{y + 2}" width="{length:.1f}" height="{row - 8}" fill="{COLOURS[0]}"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 15}" {FONT}>{_e(fmt(value))}</text></g>'
        )
    if not bars:
        parts.append(f'<text x="{width / 2}" y="24" text-anchor="middle" {FONT}>—</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _y_axis(top: float, left: int, right: int, y0: int, plot_h: int, fmt: Callable[[float], str]) -> list[str]:
    parts = []
    for k in range(5):
        value = top * k / 4
        y = y0 - plot_h * k / 4
        parts.append(f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d0d7de"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" {FONT}>{_e(fmt(value))}</text>')
    return parts


def _x_labels(labels: Sequence[str], x: Callable[[int], float], y0: int) -> list[str]:
    every = max(1, (len(labels) + 11) // 12)
    return [f'<text x="{x(i):.1f}" y="{y0 + 18}" text-anchor="middle" {FONT}>{_e(label)}</text>'
            for i, label in enumerate(labels) if i % every == 0 or i == len(labels) - 1]


@dataclass(frozen=True)
class _PlotFrame:
    """The plot area of a chart over labels, with a legend of its series under it."""

    width: int
    height: int
    left: int
    right: int
    y0: int          # the baseline
    plot_h: int
    top: float       # the value at the top of the y axis

    def opening(self, title: str, summary: str, fmt: Callable[[float], str]) -> list[str]:
        """The SVG's head, the y axis and the baseline."""
        return [*_svg_open(f"chart{next(_ids)}", title, summary, self.width, self.height),
                *_y_axis(self.top, self.left, self.right, self.y0, self.plot_h, fmt),
                f'<line x1="{self.left}" x2="{self.right}" y1="{self.y0}" y2="{self.y0}" stroke="#57606a"/>']


def _plot_frame(series: Sequence[Series], width: int, height: int, *, y_top: int) -> _PlotFrame:
    """The frame of a ``width`` x ``height`` chart whose plot starts ``y_top`` px down."""
    y0 = height - 36 - 18 * ((len(series) + 1) // 2)
    return _PlotFrame(width, height, 56, width - 16, y0, y0 - y_top,
                      axis_top(max((v for s in series for v in s.values), default=0.0)))


def line_chart(title: str, labels: Sequence[str], series: Sequence[Series], *,
               fmt: Callable[[float], str] = str, width: int = 680, height: int = 300) -> Markup:
    """Lines over ``labels`` (e.g. months), one per series, with a legend under the plot."""
    frame = _plot_frame(series, width, height, y_top=12)
    left, right, y0, plot_h, top = frame.left, frame.right, frame.y0, frame.plot_h, frame.top
    span = max(1, len(labels) - 1)

    def x(i: int) -> float:
        return left + (right - left) * (i / span if len(labels) > 1 else 0.5)

    def y(v: float) -> float:
        return y0 - plot_h * v / top

    parts = [*frame.opening(title, _series_summary(labels, series, fmt), fmt), *_x_labels(labels, x, y0)]
    for n, s in enumerate(series):
        colour, dash = COLOURS[n % len(COLOURS)], DASHES[n % len(DASHES)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(s.values))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr}/>')
        for i, v in enumerate(s.values):
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}">'
                         f'<title>{_e(s.name)}, {_e(labels[i])}: {_e(fmt(v))}</title></circle>')
        lx, ly = left + (n % 2) * ((right - left) / 2), y0 + 34 + 18 * (n // 2)
        parts.append(f'<line x1="{lx:.1f}" x2="{lx + 24:.1f}" y1="{ly - 4}" y2="{ly - 4}" stroke="{colour}" '
                     f'stroke-width="2.5"{dash_attr}/>'
                     f'<text x="{lx + 30:.1f}" y="{ly}" {FONT}>{_e(_short(s.name, 36))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True)
class Bar:
    """One bar of a grouped bar chart: its value and, optionally, the page listing what it counts."""

    value: float
    href: str | None = None


@dataclass(frozen=True)
class BarGroup:
    """One row of a grouped bar chart (e.g. a locality): its label and one bar per series."""

    label: str
    bars: tuple[Bar, ...]


def _linked(markup: str, href: str | None, label: str) -> str:
    if not href:
        return markup
    return f'<a href="{_e(href)}" aria-label="{_e(label)}">{markup}</a>'


def _legend(names: Sequence[str], x0: float, y: float, span: float) -> list[str]:
    """Colour squares (with the series' pattern) and names, two per row, from ``y`` down."""
    parts = []
    for n, name in enumerate(names):
        lx, ly = x0 + (n % 2) * span / 2, y + 18 * (n // 2)
        parts.append(f'<rect x="{lx:.1f}" y="{ly - 10:.1f}" width="14" height="12" fill="{COLOURS[n % len(COLOURS)]}"/>'
                     f'<text x="{lx + 20:.1f}" y="{ly}" {FONT}>{_e(_short(name, 36))}</text>')
    return parts


def grouped_bar_chart(title: str, series: Sequence[str], groups: Sequence[BarGroup], *,
                      fmt: Callable[[float], str] = str, width: int = 640, label_width: int = 190) -> Markup:
    """Horizontal bars, one group per row (label left) and one bar per series, each bar a link when given.

    Series differ by colour and by their fixed order within each group (named in the legend below).
    """
    chart_id = f"chart{next(_ids)}"
    bar, gap = 13, 12
    group_h = bar * len(series) + gap
    legend_rows = (len(series) + 1) // 2
    plot_bottom = 8 + group_h * max(1, len(groups))
    height = plot_bottom + 14 + 18 * legend_rows
    top = max((b.value for g in groups for b in g.bars), default=0.0)
    scale = (width - label_width - 60) / (top or 1)
    summary = "; ".join(f"{g.label}: " + ", ".join(f"{s} {fmt(b.value)}" for s, b in zip(series, g.bars, strict=False))
                        for g in groups)
    parts = _svg_open(chart_id, title, summary, width, height)
    for i, group in enumerate(groups):
        y = 8 + i * group_h
        parts.append(f'<text x="{label_width - 8}" y="{y + group_h / 2:.1f}" text-anchor="end" {FONT}>'
                     f'{_e(_short(group.label, 28))}</text>')
        for n, (name, b) in enumerate(zip(series, group.bars, strict=False)):
            by = y + n * bar
            length = max(1.0, b.value * scale) if b.value else 0.0
            tip = f"{group.label}, {name}: {fmt(b.value)}"
            shape = (f'<g><title>{_e(tip)}</title><rect x="{label_width}" y="{by}" width="{length:.1f}" '
                     f'height="{bar - 2}" fill="{COLOURS[n % len(COLOURS)]}"/>'
                     f'<text x="{label_width + length + 5:.1f}" y="{by + bar - 3}" font-family="inherit" '
                     f'font-size="11">{_e(fmt(b.value))}</text></g>')
            parts.append(_linked(shape, b.href, tip))
    if not groups:
        parts.append(f'<text x="{width / 2}" y="24" text-anchor="middle" {FONT}>—</text>')
    parts.extend(_legend(series, label_width, plot_bottom + 18, width - label_width))
    parts.append("</svg>")
    return Markup("".join(parts))


def column_chart(title: str, labels: Sequence[str], series: Sequence[Series], *,
                 fmt: Callable[[float], str] = str, width: int = 680, height: int = 300) -> Markup:
    """Vertical bars side by side for each label (e.g. month), one colour per series, legend below."""
    frame = _plot_frame(series, width, height, y_top=18)
    left, right, y0, plot_h, top = frame.left, frame.right, frame.y0, frame.plot_h, frame.top
    slot = (right - left) / max(1, len(labels))
    bar = min(48.0, slot * 0.7 / max(1, len(series)))
    parts = frame.opening(title, _series_summary(labels, series, fmt), fmt)
    for i, label in enumerate(labels):
        centre = left + slot * (i + 0.5)
        x0 = centre - bar * len(series) / 2
        parts.append(f'<text x="{centre:.1f}" y="{y0 + 18}" text-anchor="middle" {FONT}>{_e(label)}</text>')
        for n, s in enumerate(series):
            value = s.values[i] if i < len(s.values) else 0.0
            h = plot_h * value / top
            x, y = x0 + n * bar, y0 - h
            parts.append(f'<g><title>{_e(s.name)}, {_e(label)}: {_e(fmt(value))}</title>'
                         f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" '
                         f'fill="{COLOURS[n % len(COLOURS)]}"/>'
                         f'<text x="{x + (bar - 2) / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" {FONT}>'
                         f'{_e(fmt(value))}</text></g>')
    parts.extend(_legend([s.name for s in series], left, y0 + 38, right - left))
    parts.append("</svg>")
    return Markup("".join(parts))


SHORT_SPAN = 2
"""Up to this many points a time series is drawn as columns: a line needs at least three to show a trend."""


def time_chart(title: str, labels: Sequence[str], series: Sequence[Series], *,
               fmt: Callable[[float], str] = str, width: int = 680, height: int = 300) -> Markup:
    """A line chart over ``labels``, or columns when there are only one or two (never lone dots)."""
    chart = column_chart if len(labels) <= SHORT_SPAN else line_chart
    return chart(title, labels, series, fmt=fmt, width=width, height=height)

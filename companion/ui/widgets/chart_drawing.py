"""How a trend chart is drawn with matplotlib: the line(s), the healthy band, goal lines, medicine
markers, a colour-blind-safe palette (``companion.ui.palette``), readable type, and margins worked out once (not per redraw).
No Qt here: the widget, the bench and PNG export all draw through :func:`draw_chart`."""
from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import matplotlib.dates as mdates
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from companion.lifestyle import trends
from companion.lifestyle.trends import MEASURES, TrendChartData
from companion.ui.palette import OKABE_ITO

SERIES_STYLE = [  # colour and marker shape, so the lines differ in grey print too
    (OKABE_ITO["blue"], "o", "-"),
    (OKABE_ITO["vermillion"], "s", "--"),
]
BAND_COLOUR = OKABE_ITO["bluish_green"]
GOAL_COLOUR = OKABE_ITO["reddish_purple"]
MARKER_COLOUR = OKABE_ITO["black"]
TEXT_PT = 11.0
TITLE_PT = 14.0
LEGEND_WRAP = 44  # characters: two legend columns fit a 700-pixel chart


@dataclass
class Plotted:
    series: trends.Series
    xs: list[float]
    ys: list[float]
    unit: str


def draw_chart(figure: Figure, chart: TrendChartData) -> Drawn:
    """Draw ``chart`` on ``figure`` (cleared first); returns what was plotted, for hover."""
    ax = _fresh_axes(figure)
    # Not ax.set_title: placing a title measures the axis on every redraw (~10 ms each).
    ax.text(0.0, 1.0, chart.spec.title, transform=ax.transAxes, fontsize=TITLE_PT, fontweight="bold", va="bottom", ha="left")
    ax.set_ylabel(chart.spec.axis_label, fontsize=TEXT_PT)
    x0 = mdates.date2num(datetime.combine(chart.start, datetime.min.time()))
    x1 = mdates.date2num(datetime.combine(chart.end + timedelta(days=1), datetime.min.time()))
    ax.set_xlim(x0, x1)

    plotted: list[Plotted] = []
    values: list[float] = []
    for index, series in enumerate(chart.series):
        colour, marker, style = SERIES_STYLE[index % len(SERIES_STYLE)]
        xs = mdates.date2num([b.middle for b in series.buckets]).tolist() if series.buckets else []
        ys = [b.value for b in series.buckets]
        values += ys
        if not xs:
            continue
        size = 5 if len(xs) <= 120 else 0
        ax.plot(xs, ys, color=colour, marker=marker, markersize=size, linestyle=style, linewidth=2, label=series.label)
        partial = [(x, y) for x, y, b in zip(xs, ys, series.buckets) if b.partial]
        if partial:
            ax.plot(*zip(*partial), linestyle="none", marker=marker, markersize=8, markerfacecolor="white", color=colour)
        plotted.append(Plotted(series, xs, ys, MEASURES[series.kind].unit))

    lines = [g.value for g in chart.goals] + [_near_edge(band, values) for band in chart.bands]
    low, high = _y_limits(values, [v for v in lines if v is not None])
    ax.set_ylim(low, high)
    several = len(chart.series) > 1
    for index, band in enumerate(chart.bands):
        if several:  # one axis, several numbers: each band is its series' dashed limit line
            colour = SERIES_STYLE[[s.kind for s in chart.series].index(band.kind) % len(SERIES_STYLE)][0]
            for edge in (band.low, band.high):
                if edge is not None:
                    ax.axhline(edge, color=colour, linestyle=":", linewidth=1.6, alpha=0.9, label=_sourced(band))
        else:
            ax.axhspan(
                band.low if band.low is not None else low,
                band.high if band.high is not None else high,
                color=BAND_COLOUR,
                alpha=0.16,
                linewidth=0,
                label=_sourced(band),
            )
    for goal in chart.goals:
        ax.axhline(goal.value, color=GOAL_COLOUR, linestyle="-.", linewidth=2, label=goal.label)
    for marker_item in chart.markers:
        x = mdates.date2num(marker_item.at.replace(tzinfo=None))
        ax.axvline(x, color=MARKER_COLOUR, linestyle=(0, (4, 3)), linewidth=1.2)
        right_half = x > (x0 + x1) / 2
        ax.annotate(
            marker_item.label,
            (x, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(-4 if right_half else 4, -4),
            textcoords="offset points",
            fontsize=TEXT_PT - 1,
            ha="right" if right_half else "left",
            va="top",
            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
        )
    if chart.empty:
        ax.text(0.5, 0.5, "No readings in this period", transform=ax.transAxes, ha="center", va="center", fontsize=TEXT_PT + 1, color="#444444")
    handles, labels = ax.get_legend_handles_labels()
    legend_lines = 0
    if handles:
        wrapped = [textwrap.fill(label, LEGEND_WRAP) for label in labels]
        columns = 2
        rows = math.ceil(len(wrapped) / columns)
        # Matplotlib fills legend columns top to bottom: row r holds entries r and r + rows.
        legend_lines = sum(max(wrapped[i].count("\n") + 1 for i in range(r, len(wrapped), rows)) for r in range(rows))
        figure.legend(handles, wrapped, loc="lower left", bbox_to_anchor=(0.01, 0.0), ncol=columns, fontsize=TEXT_PT - 1, frameon=False)
    ticks = ax.yaxis.get_major_locator().tick_values(low, high)
    formatter = ax.yaxis.get_major_formatter()
    tick_chars = max((len(formatter(v, 0)) for v in ticks if low <= v <= high), default=3)
    layout = Layout(tick_chars, legend_lines)
    fit_margins(figure, layout)
    return Drawn(plotted, layout)


_OURS = "_companion_trend_axes"


def _fresh_axes(figure: Figure) -> Any:
    """The figure's chart axes, emptied of the last chart's artists, or new ones styled once.

    Reusing them keeps their tick objects and formatters: building a new Axes and its ticks for
    every chart was about a third of drawing one (bench/lifestyle_render.py)."""
    if len(figure.axes) == 1 and getattr(figure.axes[0], _OURS, False) and not figure.texts:
        ax = figure.axes[0]
        for artist in [*ax.lines, *ax.patches, *ax.texts, *ax.collections]:
            artist.remove()
        for legend in list(figure.legends):
            legend.remove()
        return ax
    figure.clear()
    ax = figure.add_subplot(1, 1, 1)
    setattr(ax, _OURS, True)
    ax.xaxis.set_label_coords(0.5, -0.1)  # no x label; left automatic, its place is measured on every draw
    ax.tick_params(labelsize=TEXT_PT - 1)
    ax.grid(True, color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:,.0f}" if abs(value) >= 1000 else f"{value:g}"))
    return ax


@dataclass(frozen=True)
class Layout:
    """What the margins depend on: the widest y tick label and the legend's text lines."""

    tick_chars: int
    legend_lines: int


@dataclass
class Drawn:
    plotted: list[Plotted]
    layout: Layout


def fit_margins(figure: Figure, layout: Layout) -> None:
    """Margins in pixels, worked out once: matplotlib's constrained layout measured every text
    on every redraw (hover, pan) and took about 60 % of a chart's drawing time."""
    width, height = figure.get_size_inches() * figure.dpi
    if width < 50 or height < 50:
        return
    px = figure.dpi / 72.0
    small = (TEXT_PT - 1) * px
    line = small * 1.25
    left = TEXT_PT * px * 1.6 + layout.tick_chars * small * 0.62 + 14
    right = 24
    top = TITLE_PT * px * 1.9
    bottom = small * 2.6 + 10 + (layout.legend_lines * line + 12 if layout.legend_lines else 0)
    left_fraction = min(left / width, 0.4)
    right_fraction = 1 - right / width
    figure.subplots_adjust(left=left_fraction, right=right_fraction, top=1 - top / height, bottom=min(bottom / height, 0.6))
    # The y label at a fixed place near the edge: left to itself, matplotlib measures every tick
    # label on every draw to place it (~3 ms a chart).
    for ax in figure.axes:
        axes_width = max((right_fraction - left_fraction) * width, 1.0)
        ax.yaxis.set_label_coords(-(left_fraction * width - 6 - TEXT_PT * px * 0.6) / axes_width, 0.5)


def _sourced(band: trends.Band) -> str:
    return f"{band.label} ({band.source})"


def _near_edge(band: trends.Band, values: list[float]) -> float | None:
    """The band edge nearest the data: the axis shows where the range starts without squashing
    the line to fit a far edge (a healthy weight band reaching 20 kg below the readings)."""
    edges = [e for e in (band.low, band.high) if e is not None]
    if not edges or not values:
        return edges[0] if edges else None
    middle = (min(values) + max(values)) / 2
    return min(edges, key=lambda e: abs(e - middle))


def _y_limits(values: list[float], lines: list[float]) -> tuple[float, float]:
    every = [v for v in values + lines if math.isfinite(v)]
    if not every:
        return 0.0, 1.0
    low, high = min(every), max(every)
    pad = max((high - low) * 0.12, abs(high) * 0.02, 1.0)
    low = low - pad
    if min(every) >= 0 and low < 0:
        low = 0.0
    return low, high + pad

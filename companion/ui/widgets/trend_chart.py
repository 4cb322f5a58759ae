"""A trend chart on matplotlib's Qt canvas: the line(s), the healthy band, goal lines and medicine
markers of :mod:`companion.lifestyle.trends`; wheel or +/- to zoom, drag or arrows to pan (the
buckets follow the span), the value under the pointer, and "Save as picture…"."""
from __future__ import annotations

import io
import math
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import matplotlib.dates as mdates
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure

from companion.lifestyle import trends
from companion.lifestyle.trends import Resolution, TrendChartData, TrendInput
from companion.ui.file_dialogs import choose_file_to_save
from companion.ui.qt import QButtonGroup, QHBoxLayout, QLabel, QPushButton, QSizePolicy, Qt, QTimer, QVBoxLayout, QWidget, Signal
from companion.ui.widgets.chart_drawing import TEXT_PT, Layout, Plotted, draw_chart, fit_margins
from companion.vault.atomic import atomic_write

HOVER_PX = 14  # how near the pointer must be to a point to name it
MIN_SPAN_DAYS = 7
REBUCKET_MS = 200
SPANS = (("1 month", 31), ("3 months", 92), ("1 year", 365), ("All", 0))
EXPORT_DPI = 150


class TrendChart(QWidget):
    """One measure's chart with span buttons; ``show_input`` gives it data, ``clear`` empties it."""

    view_did_change = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.figure = Figure(figsize=(7.5, 3.6), dpi=100)
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.canvas.setMinimumHeight(260)
        self.canvas.setToolTip("Scroll or press + and − to zoom; drag or use the arrow keys to move along; Home shows everything.")
        self.input: TrendInput | None = None
        self.chart: TrendChartData | None = None
        self.hover_text = ""
        self._plotted: list[Plotted] = []
        self._layout: Layout | None = None
        self._drag: tuple[float, tuple[float, float]] | None = None
        self._annotation: Any = None
        self._rebucket = QTimer(self)
        self._rebucket.setSingleShot(True)
        self._rebucket.setInterval(REBUCKET_MS)
        self._rebucket.timeout.connect(self._rebucket_view)

        self.span_group = QButtonGroup(self)
        spans = QHBoxLayout()
        spans.addWidget(QLabel("Period:"))
        for index, (label, _days) in enumerate(SPANS):
            button = QPushButton(label)
            button.setCheckable(True)
            button.setAccessibleName(f"Show {label.lower()}")
            self.span_group.addButton(button, index)
            spans.addWidget(button)
        self.span_group.button(len(SPANS) - 1).setChecked(True)
        self.span_group.idClicked.connect(self.show_span)
        spans.addStretch(1)
        self.save_button = QPushButton("Save as picture…")
        self.save_button.setToolTip("Save this chart as a PNG picture, for example to show your doctor")
        self.save_button.clicked.connect(self.save_picture)
        spans.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(spans)
        layout.addWidget(self.canvas, 1)

        self.canvas.mpl_connect("scroll_event", self._on_scroll)
        self.canvas.mpl_connect("button_press_event", self._on_press)
        self.canvas.mpl_connect("button_release_event", self._on_release)
        self.canvas.mpl_connect("motion_notify_event", self._on_motion)
        self.canvas.mpl_connect("key_press_event", self._on_key)
        self.canvas.mpl_connect("resize_event", self._on_resize)
        self._set_enabled(False)

    # ---- data ----------------------------------------------------------------------------
    def show_input(self, data: TrendInput) -> None:
        """New data (after an entry or an import): keep the chosen span."""
        self.input = data
        self.show_span(self.span_group.checkedId())

    def show_span(self, index: int) -> None:
        if self.input is None:
            return
        days = SPANS[index][1] if 0 <= index < len(SPANS) else 0
        self.span_group.button(index if index >= 0 else len(SPANS) - 1).setChecked(True)
        end = max(self.input.last_day or self._today(), self._today())
        start = end - timedelta(days=days) if days else None
        self.show_range(start, end)

    def show_range(self, start: date | None, end: date | None) -> None:
        if self.input is None:
            return
        self.chart = trends.build(self.input, start, end)
        drawn = draw_chart(self.figure, self.chart)
        self._plotted, self._layout = drawn.plotted, drawn.layout
        self._annotation = None
        self.hover_text = ""
        self.canvas.setAccessibleName(f"{self.chart.spec.title} chart")
        self.canvas.setAccessibleDescription(self.chart.summary)
        self._set_enabled(True)
        self.canvas.draw_idle()
        self.view_did_change.emit()

    def _today(self) -> date:
        return (self.input.today if self.input is not None else None) or date.today()

    def clear(self) -> None:
        self._rebucket.stop()
        self.input = self.chart = None
        self._plotted = []
        self.hover_text = ""
        self.figure.clear()
        self.canvas.setAccessibleDescription("")
        self.canvas.draw_idle()
        self._set_enabled(False)

    def _set_enabled(self, enabled: bool) -> None:
        self.save_button.setEnabled(enabled)
        for button in self.span_group.buttons():
            button.setEnabled(enabled)

    def _on_resize(self, _event: Any) -> None:
        if self._layout is not None:
            fit_margins(self.figure, self._layout)

    # ---- zoom and pan --------------------------------------------------------------------
    def _axes(self) -> Any:
        return self.figure.axes[0] if self.figure.axes else None

    def zoom(self, factor: float, centre: float | None = None) -> None:
        """Zoom the time axis by ``factor`` (< 1 zooms in) around ``centre`` (a date number)."""
        ax = self._axes()
        if ax is None or self.input is None:
            return
        x0, x1 = ax.get_xlim()
        centre = (x0 + x1) / 2 if centre is None else centre
        first, last = self.input.first_day, self.input.last_day
        widest = max(((last - first).days if first and last else 0) * 1.2, 62.0)  # no zooming out into emptiness
        span = min(max((x1 - x0) * factor, MIN_SPAN_DAYS), widest)
        left = centre - (centre - x0) * span / (x1 - x0)
        self._set_view(left, left + span)

    def pan(self, fraction: float) -> None:
        ax = self._axes()
        if ax is None:
            return
        x0, x1 = ax.get_xlim()
        shift = (x1 - x0) * fraction
        self._set_view(x0 + shift, x1 + shift)

    def _set_view(self, x0: float, x1: float) -> None:
        ax = self._axes()
        if ax is None:
            return
        ax.set_xlim(x0, x1)
        self.canvas.draw_idle()
        self._rebucket.start()

    def _rebucket_view(self) -> None:
        ax = self._axes()
        if ax is None or self.input is None:
            return
        x0, x1 = ax.get_xlim()
        start = mdates.num2date(x0).date()
        end = mdates.num2date(x1).date() - timedelta(days=1)
        self.span_group.setExclusive(False)
        for button in self.span_group.buttons():
            button.setChecked(False)
        self.span_group.setExclusive(True)
        self.show_range(start, max(end, start))

    def _on_scroll(self, event: Any) -> None:
        if event.inaxes is None:
            return
        self.zoom(0.8 if event.button == "up" else 1.25, event.xdata)

    def _on_press(self, event: Any) -> None:
        if event.button == 1 and event.inaxes is not None and event.dblclick:
            self.show_span(len(SPANS) - 1)
        elif event.button == 1 and event.inaxes is not None:
            self._drag = (event.x, self._axes().get_xlim())

    def _on_release(self, _event: Any) -> None:
        self._drag = None

    def _on_key(self, event: Any) -> None:
        actions = {
            "+": lambda: self.zoom(0.8),
            "=": lambda: self.zoom(0.8),
            "-": lambda: self.zoom(1.25),
            "left": lambda: self.pan(-0.2),
            "right": lambda: self.pan(0.2),
            "home": lambda: self.show_span(len(SPANS) - 1),
        }
        action = actions.get(event.key)
        if action is not None:
            action()

    # ---- hover ---------------------------------------------------------------------------
    def _on_motion(self, event: Any) -> None:
        ax = self._axes()
        if ax is None:
            return
        if self._drag is not None and event.x is not None:
            start_x, (x0, x1) = self._drag
            width = ax.bbox.width or 1
            shift = (start_x - event.x) / width * (x1 - x0)
            self._set_view(x0 + shift, x1 + shift)
            return
        self.hover_at(event.x, event.y)

    def hover_at(self, px: float | None, py: float | None) -> str:
        """Name the point nearest to the pixel ``px, py`` (matplotlib display coordinates)."""
        ax = self._axes()
        best: tuple[float, Plotted, int] | None = None
        if ax is not None and px is not None and py is not None and self.chart is not None:
            for plotted in self._plotted:
                if not plotted.xs:
                    continue
                points = ax.transData.transform(list(zip(plotted.xs, plotted.ys)))
                for index, (x, y) in enumerate(points):
                    distance = math.hypot(x - px, y - py)
                    if distance <= HOVER_PX and (best is None or distance < best[0]):
                        best = (distance, plotted, index)
        if best is None:
            if self._annotation is not None and self._annotation.get_visible():
                self._annotation.set_visible(False)
                self.canvas.draw_idle()
            self.hover_text = ""
            return ""
        _, plotted, index = best
        assert self.chart is not None
        text = trends.hover_text(plotted.series, plotted.series.buckets[index], self.chart.resolution, plotted.unit)
        self._show_annotation(ax, plotted.xs[index], plotted.ys[index], text)
        self.hover_text = text
        return text

    def _show_annotation(self, ax: Any, x: float, y: float, text: str) -> None:
        if self._annotation is None:
            self._annotation = ax.annotate(
                "",
                (x, y),
                xytext=(12, 12),
                textcoords="offset points",
                fontsize=TEXT_PT,
                bbox={"boxstyle": "round,pad=0.4", "facecolor": "#ffffe8", "edgecolor": "#888888"},
                zorder=10,
            )
        left_half = x < sum(ax.get_xlim()) / 2
        self._annotation.xy = (x, y)
        self._annotation.set_text(text)
        self._annotation.set_position((12 if left_half else -12, 12))
        self._annotation.set_horizontalalignment("left" if left_half else "right")
        self._annotation.set_visible(True)
        self.canvas.draw_idle()

    # ---- export --------------------------------------------------------------------------
    def picture_bytes(self) -> bytes:
        annotation_visible = self._annotation is not None and self._annotation.get_visible()
        if annotation_visible:
            self._annotation.set_visible(False)
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=EXPORT_DPI, facecolor="white")
        if annotation_visible:
            self._annotation.set_visible(True)
        return buffer.getvalue()

    def save_picture(self) -> Path | None:
        if self.chart is None:
            return None
        name = f"{self.chart.spec.key.replace('_', '-')}-{self.chart.end.isoformat()}.png"
        path = choose_file_to_save(self, "Save the chart as a picture", name, ["PNG picture (*.png)"])
        if path is None:
            return None
        if path.suffix.lower() != ".png":
            path = path.with_suffix(".png")
        self.save_to(path)
        return path

    def save_to(self, path: Path) -> None:
        """Written whole or not at all, readable only by this user (STYLE: Storage)."""
        atomic_write(path, self.picture_bytes())


__all__ = ["TrendChart", "draw_chart", "Resolution"]

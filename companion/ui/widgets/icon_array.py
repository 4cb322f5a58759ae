"""An icon array: 100 little people, the first N filled in, for a risk of N in 100.

People read "7 in 100" from a picture of people better than from "7 %" (Galesic, Garcia-Retamero
& Gigerenzer 2009, Health Psychology 28(2):210–216, doi:10.1037/a0014474). A fractional risk is
drawn as a partly filled person, so 7.4 % shows seven people and four tenths of the eighth; the
words beside the picture (and the accessible description) say the rounding.

Filled people differ from the others by lightness and by a dark outline, not by hue alone, and
the hues are Okabe & Ito's colour-blind-safe palette (``companion.ui.palette``, as the trend
charts use).

The picture is written as SVG text and drawn by Qt into a pixmap once per value, not painted
icon by icon from Python: one pixmap per value is cheaper than a few hundred QPainter calls per
repaint. (It was written this way when PySide6 6.12.0 was found to drop a reference to ``None``
on every call returning nothing; the app now pins 6.11.3, tests/ui/test_qt_binding.py.)
"""
from __future__ import annotations

from companion.ui import risk_messages as words
from companion.ui.palette import OKABE_ITO
from companion.ui.qt import QByteArray, QLabel, QPixmap, QSizePolicy, QWidget

EMPTY_FILL = "#E4E4E4"
EMPTY_LINE = "#8A8A8A"
FILLED_LINE = "#1A1A1A"
COLUMNS = ROWS = 10
CELL_W, CELL_H = 22, 30  # a person is taller than wide
WIDTH, HEIGHT = COLUMNS * CELL_W + 4, ROWS * CELL_H + 4
VISIBLE_PART = 0.05  # a smaller part of a person is under a pixel wide: drawn as not filled


class IconArray(QLabel):
    """``set_value(7.4)`` fills 7.4 of the 100 people; ``set_value(None)`` shows none filled."""

    def __init__(self, colour: str = "vermillion", name: str = words.ARRAY_YOU, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colour = OKABE_ITO[colour]
        self.value: float | None = None
        self.event_words = ""
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setFixedSize(WIDTH, HEIGHT)
        self.setAccessibleName(name)
        self._shown: float | None = -1.0  # what the pixmap shows now
        self._draw()

    @property
    def filled(self) -> float:
        """How many of the 100 people are (partly) filled in, as a number of people."""
        return 0.0 if self.value is None else max(0.0, min(100.0, self.value))

    @property
    def filled_count(self) -> int:
        """How many people show any colour (a partly filled one counts)."""
        whole = int(self.filled)
        return whole + (1 if self.filled - whole >= VISIBLE_PART else 0)

    def set_value(self, percent: float | None, event: str = "", who: str = "people like you") -> None:
        self.value, self.event_words = percent, event
        description = "" if percent is None else words.array_description(percent, event, who)
        if self.accessibleDescription() != description:  # each Qt setter costs a None reference (below)
            self.setAccessibleDescription(description)
        self._draw()

    def _draw(self) -> None:
        shown = round(self.filled, 2)  # a hundredth of a person is below what a pixel shows
        if shown == self._shown:
            return
        self._shown = shown
        ratio = max(1.0, self.devicePixelRatioF())
        pixmap = QPixmap()
        pixmap.loadFromData(QByteArray(svg(shown, self.colour, ratio).encode("utf-8")), "SVG")
        pixmap.setDevicePixelRatio(ratio)
        self.setPixmap(pixmap)


def svg(filled: float, colour: str, scale: float = 1.0) -> str:
    """The 10×10 picture as SVG, row by row from the top left (as a person reads)."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH * scale:g}" height="{HEIGHT * scale:g}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}">'
    ]
    whole = int(filled)
    fraction = filled - whole
    for index in range(COLUMNS * ROWS):
        row, column = divmod(index, COLUMNS)
        x, y = 2 + column * CELL_W, 2 + row * CELL_H
        shape = person(x, y)
        if index < whole:
            parts.append(f'<g fill="{colour}" stroke="{FILLED_LINE}" stroke-width="1.3">{shape}</g>')
        elif index == whole and fraction >= VISIBLE_PART:
            # a partly filled person: the fraction from the left (a gradient with a hard edge, as
            # Qt's SVG renderer draws it reliably), with the outline of a filled one
            parts.append(
                f'<defs><linearGradient id="part" gradientUnits="userSpaceOnUse" x1="{x}" y1="0" x2="{x + CELL_W}" y2="0">'
                f'<stop offset="{fraction:.3f}" stop-color="{colour}"/><stop offset="{fraction:.3f}" stop-color="{EMPTY_FILL}"/>'
                "</linearGradient></defs>"
            )
            parts.append(f'<g fill="url(#part)" stroke="{FILLED_LINE}" stroke-width="1.3">{shape}</g>')
        else:
            parts.append(f'<g fill="{EMPTY_FILL}" stroke="{EMPTY_LINE}" stroke-width="0.9">{shape}</g>')
    parts.append("</svg>")
    return "".join(parts)


def person(x: float, y: float) -> str:
    """A simple person in the cell at (x, y): a round head over a body with rounded shoulders."""
    cx = x + CELL_W / 2
    head = min(CELL_W * 0.42, CELL_H * 0.3)
    top = y + CELL_H * 0.08
    body_top = top + head + CELL_H * 0.04
    body_w = CELL_W * 0.7
    body_h = y + CELL_H - CELL_H * 0.06 - body_top
    r = body_w * 0.4
    return (
        f'<circle cx="{cx:.2f}" cy="{top + head / 2:.2f}" r="{head / 2:.2f}"/>'
        f'<rect x="{cx - body_w / 2:.2f}" y="{body_top:.2f}" width="{body_w:.2f}" height="{body_h:.2f}" rx="{r:.2f}"/>'
    )

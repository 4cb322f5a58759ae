"""The scroll area a page's content sits in: no frame, as wide as the page (text wraps instead of
scrolling sideways), growing with its content. Today, Genes & medicines and Risks use it."""
from __future__ import annotations

from companion.ui.qt import QFrame, QScrollArea, Qt, QWidget


def page_scroll(body: QWidget) -> QScrollArea:
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(body)
    return scroll

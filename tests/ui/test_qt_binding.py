"""The Qt binding itself: PySide6-Essentials 6.12.0 on Python 3.11 dropped a reference to ``None``
on every Qt call that returns nothing, and the app aborted ("Fatal Python error: none_dealloc")
after a few thousand such calls. This pins the behaviour, whatever version is installed."""
from __future__ import annotations

import sys

from companion.ui.qt import QLabel


def test_qt_calls_that_return_nothing_keep_none_alive(qtbot) -> None:
    label = QLabel("x")
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setEnabled(True)
        label.setText("y")
    lost = before - sys.getrefcount(None)
    assert lost < 100, f"{lost} references to None lost in 4,000 Qt calls: this PySide6 build would crash the app"

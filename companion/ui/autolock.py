"""Idle detection for auto-lock: input events reset the clock; a timer checks it."""
from __future__ import annotations

import time
from collections.abc import Callable

from companion.ui.qt import QApplication, QEvent, QObject, QTimer

INPUT_EVENTS = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}
CHECK_INTERVAL_MS = 5000


class IdleWatcher(QObject):
    def __init__(
        self,
        minutes: Callable[[], int],
        on_idle: Callable[[], None],
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._minutes, self._on_idle, self._clock = minutes, on_idle, clock
        self.last_activity = clock()
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        self.running = False

    def start(self) -> None:
        self.last_activity = self._clock()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.timer.start()
        self.running = True

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.running = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if event.type() in INPUT_EVENTS:
            self.last_activity = self._clock()
        return False

    def idle_seconds(self) -> float:
        return self._clock() - self.last_activity

    def check(self) -> None:
        if self.running and self.idle_seconds() >= self._minutes() * 60:
            self.stop()
            self._on_idle()

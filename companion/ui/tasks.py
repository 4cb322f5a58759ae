"""The one way the UI runs work off the main thread (STYLE: Background work).

``TaskRunner.run(fn, on_success, on_failure)`` runs ``fn(progress, cancel)`` in the thread
pool and calls back on the main thread. ``with_progress`` shows a window-modal progress
dialog with Cancel, only if the work takes longer than half a second.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from companion.ui.qt import QObject, QProgressDialog, QRunnable, Qt, QThreadPool, QTimer, QWidget, Signal

PROGRESS_DELAY_MS = 500


class Cancelled(Exception):
    """Raised by work that noticed its cancel token."""


@dataclass
class CancelToken:
    _event: threading.Event = field(default_factory=threading.Event)

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()


class _Relay(QObject):
    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int)


class _Job(QRunnable):
    def __init__(self, fn: Callable[..., Any], relay: _Relay, token: CancelToken) -> None:
        super().__init__()
        self.fn, self.relay, self.token = fn, relay, token
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn(lambda done, total: self.relay.progressed.emit(int(done), int(total)), self.token)
        except BaseException as exc:  # noqa: BLE001 - handed to on_failure on the main thread
            self.relay.failed.emit(exc)
        else:
            self.relay.succeeded.emit(result)


class Task:
    def __init__(self, runner: "TaskRunner", token: CancelToken, relay: _Relay) -> None:
        self.runner, self.token, self.relay = runner, token, relay
        self.finished = False
        self.abandoned = False

    def cancel(self) -> None:
        """The person cancelled: the work stops and ``on_failure`` still hears about it."""
        self.token.cancel()

    def abandon(self) -> None:
        """The app is locking: the work stops and no callback runs (its widgets are going)."""
        self.abandoned = True
        self.token.cancel()


class TaskRunner:
    def __init__(self, pool: QThreadPool | None = None) -> None:
        self.pool = pool or QThreadPool.globalInstance()
        self._active: set[Task] = set()

    @property
    def busy(self) -> bool:
        return bool(self._active)

    def run(
        self,
        fn: Callable[[Callable[[int, int], None], CancelToken], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None],
        *,
        progress_label: str | None = None,
        parent: QWidget | None = None,
    ) -> Task:
        token = CancelToken()
        relay = _Relay()
        task = Task(self, token, relay)
        self._active.add(task)
        dialog: QProgressDialog | None = None
        if progress_label is not None:
            dialog = QProgressDialog(progress_label, "Cancel", 0, 0, parent)
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(PROGRESS_DELAY_MS)
            dialog.canceled.connect(token.cancel)
            relay.progressed.connect(lambda done, total: (dialog.setMaximum(total), dialog.setValue(done)))
            QTimer.singleShot(PROGRESS_DELAY_MS, lambda: task.finished or dialog.show())

        def finish() -> None:
            task.finished = True
            self._active.discard(task)
            if dialog is not None:
                dialog.reset()
                dialog.deleteLater()

        def succeeded(result: Any) -> None:
            finish()
            if not token.cancelled:
                on_success(result)
            elif callable(getattr(result, "close", None)):
                result.close()  # e.g. a session unlocked after the user locked again

        def failed(exc: BaseException) -> None:
            finish()
            if not task.abandoned:
                on_failure(exc)

        relay.succeeded.connect(succeeded)
        relay.failed.connect(failed)
        self.pool.start(_Job(fn, relay, token))
        return task

    def cancel_all(self) -> None:
        """Stop everything without callbacks (used by the lock procedure)."""
        for task in list(self._active):
            task.abandon()

    def wait_all(self, timeout_ms: int = 30000) -> bool:
        return self.pool.waitForDone(timeout_ms)

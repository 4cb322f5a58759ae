"""What the pages that read their data in the background share: ``BackgroundLoad``, the one
load of a page at a time (started when the page is shown and stale, dropped on lock), and
``undo_on_ctrl_z``, the page-wide Ctrl+Z.

Today, Measurements, Medicines and Risks each wrote this out for themselves; one copy keeps the
rules the same on every page: an answer from a load that was replaced or cleared never reaches
the page, and a page that is not on screen waits until it is shown before reading again.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from companion.ui.qt import QKeyEvent, QKeySequence, QWidget
from companion.ui.tasks import CancelToken, Task, TaskRunner

Work = Callable[[Callable[[int, int], None], CancelToken], Any]


class BackgroundLoad:
    """A page's background load: ``start`` runs the work, ``stop`` forgets it (on lock).

    ``page.load`` is the page's own method that gathers what the work needs and calls ``start``;
    it is kept here so that showing and refreshing call it the same way on every page.
    """

    def __init__(self, page: QWidget, tasks: TaskRunner, load: Callable[[], None]) -> None:
        self.page, self.tasks, self.load = page, tasks, load
        self.stale = True  # read when the page is first shown, and again after a change
        self._task: Task | None = None
        self._generation = 0  # answers of an older load are dropped

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.finished

    def shown(self, *, always: bool = False) -> None:
        """From the page's ``showEvent``: read again if something changed while it was hidden."""
        if self.stale or always:
            self.load()

    def refresh(self) -> None:
        """The data changed elsewhere: read again now if the page is on screen, else when shown."""
        self.stale = True
        if self.page.isVisible():
            self.load()

    def start(self, work: Work, loaded: Callable[[Any], None], failed: Callable[[BaseException], None]) -> Task:
        """Run ``work`` in the pool; ``loaded`` or ``failed`` hear of it only if no later load or
        ``stop`` came first."""
        self._forget()
        self.stale = False
        generation = self._generation

        def answered(handler: Callable[[Any], None]) -> Callable[[Any], None]:
            def call(answer: Any) -> None:
                if generation != self._generation:
                    return
                self._task = None
                handler(answer)

            return call

        self._task = self.tasks.run(work, answered(loaded), answered(failed))
        return self._task

    def stop(self) -> None:
        """The app is locking: a load still running reports to nobody, and the next showing reads
        afresh."""
        self._forget()
        self.stale = True

    def _forget(self) -> None:
        self._generation += 1
        if self._task is not None:
            self._task.cancel()  # its answer would be dropped anyway; spare the work
            self._task = None


def undo_on_ctrl_z(event: QKeyEvent, undo: Callable[[], None]) -> bool:
    """For a page's ``keyPressEvent``: Ctrl+Z that no child used undoes the last change.

    True when the key was taken; otherwise the page hands the event on to Qt."""
    if not event.matches(QKeySequence.StandardKey.Undo):
        return False
    undo()
    event.accept()
    return True

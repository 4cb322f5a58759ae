"""Which window is showing, the unlocked session, and the lock procedure."""
from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from companion.settings import AUTO_LOCK_MINUTES, Settings
from companion.ui import messages
from companion.ui.qt import QApplication, QDialog, QObject, QWidget
from companion.ui.tasks import TaskRunner
from companion.ui.unlock import UnlockWindow
from companion.vault.session import VaultSession
from companion.vault.store import ProfileStore
from companion.vault.throttle import UnlockThrottle

# The unlock window is the cold-start path; the other windows are imported when first shown.
if TYPE_CHECKING:
    from companion.ui.autolock import IdleWatcher
    from companion.ui.main_window import MainWindow
    from companion.ui.onboarding import OnboardingWindow

LOCK_WAIT_MS = 3000  # how long locking waits for cancelled background work to roll back


class AppController(QObject):
    def __init__(
        self,
        store: ProfileStore,
        settings: Settings,
        tasks: TaskRunner,
        clock: Callable[[], float] = time.monotonic,
        quit_app: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.store, self.settings, self.tasks = store, settings, tasks
        self.session: VaultSession | None = None
        self.main_window: MainWindow | None = None
        self.unlock_window: UnlockWindow | None = None
        self.onboarding: OnboardingWindow | None = None
        self.throttle = UnlockThrottle(clock)
        self._clock = clock
        self._idle: IdleWatcher | None = None
        self._quit_app = quit_app or QApplication.quit

    @property
    def idle(self) -> IdleWatcher:
        """Made at the first unlock: the unlock window, the cold-start path, needs none."""
        if self._idle is None:
            from companion.ui.autolock import IdleWatcher

            minutes = lambda: int(self.settings.get(AUTO_LOCK_MINUTES))  # noqa: E731
            self._idle = IdleWatcher(minutes, lambda: self.lock("idle"), self._clock)
        return self._idle

    def _stop_idle(self) -> None:
        if self._idle is not None:
            self._idle.stop()

    # ---- windows -------------------------------------------------------------------------
    @property
    def current_window(self) -> QWidget | None:
        return self.main_window or self.onboarding or self.unlock_window

    def start(self) -> None:
        if self.store.profiles():
            self.show_unlock()
        else:
            self.show_onboarding()

    def _drop_entry_windows(self) -> None:
        for window in (self.unlock_window, self.onboarding):
            if window is not None:
                window.blockSignals(True)
                window.hide()
                window.deleteLater()
        self.unlock_window = self.onboarding = None

    def show_onboarding(self) -> None:
        from companion.ui.onboarding import OnboardingWindow

        self._drop_entry_windows()
        self.onboarding = OnboardingWindow(self.store, self.tasks)
        self.onboarding.profile_did_create.connect(self._session_ready)
        self.onboarding.onboarding_did_cancel.connect(self._onboarding_cancelled)
        self.onboarding.show()
        self.onboarding.go(OnboardingWindow.WELCOME)

    def _onboarding_cancelled(self) -> None:
        if self.store.profiles():
            self.show_unlock()
        else:
            self._quit_app()

    def show_unlock(self, notice: str = "") -> None:
        self._drop_entry_windows()
        self.unlock_window = UnlockWindow(self.store, self.settings, self.tasks, self.throttle, notice)
        self.unlock_window.session_did_unlock.connect(self._session_ready)
        self.unlock_window.new_profile_did_request.connect(self.show_onboarding)
        self.unlock_window.show()
        self.unlock_window.secret_field.setFocus()

    def activate(self) -> None:
        window = self.current_window
        if window is not None:
            window.showNormal()
            window.raise_()
            window.activateWindow()

    # ---- unlocked ------------------------------------------------------------------------
    def _session_ready(self, session: VaultSession) -> None:
        self._drop_entry_windows()
        self.session = session
        if session.opened_with.type == "recovery" and not self._finish_recovery(session):
            return
        self.open_main_window()

    def _finish_recovery(self, session: VaultSession) -> bool:
        """A recovery-code unlock must end with a new passphrase and a new code."""
        from companion.ui.dialogs import NewRecoveryCodeDialog, ResetPassphraseDialog

        dialog = ResetPassphraseDialog(session, self.tasks)
        if dialog.exec() != QDialog.DialogCode.Accepted or self.session is None:
            self._close_session()
            self.show_unlock("The profile stays locked until a new passphrase is chosen.")
            return False
        NewRecoveryCodeDialog(str(dialog.result_value)).exec()
        return self.session is not None

    def open_main_window(self) -> None:
        from companion.ui.main_window import MainWindow
        from companion.ui.pages.genome_page import GenomePage
        from companion.ui.pages.medicines_page import MedicinesPage
        from companion.ui.pages.overview import OverviewPage
        from companion.ui.pages.settings_page import SettingsPage
        from companion.ui.pages.measurements_page import MeasurementsPage
        from companion.ui.pages.risks_page import RisksPage
        from companion.ui.pages.today_page import TodayPage, local_now
        from companion.ui.undo import UndoStack

        session = self.session
        assert session is not None
        window = MainWindow(session.nickname, session.read_only, self.settings)
        from companion.ui.health_import import HealthImporter

        undo = UndoStack()  # one for both pages that change measurements; emptied on lock
        importer = HealthImporter(session, self.tasks, window)  # a child of the window: goes with it
        today_page = TodayPage(session, self.tasks, undo, local_now, start_import=importer.choose_and_import,
                               drop_import=importer.import_file)
        measurements_page = MeasurementsPage(session, self.tasks, undo, local_now)
        importer.observations_did_change.connect(today_page.refresh)
        importer.observations_did_change.connect(measurements_page.refresh)
        today_page.observations_did_change.connect(measurements_page.refresh)
        measurements_page.observations_did_change.connect(today_page.refresh)
        window.add_page(today_page)  # first: the home page after unlock
        window.add_page(measurements_page)
        window.add_page(RisksPage(session, self.tasks))  # reads the latest values each time it is shown
        window.add_page(OverviewPage(session))
        genome_page = GenomePage(session, self.tasks)
        medicines_page = MedicinesPage(session, self.tasks, show_genome=lambda: window.show_page(GenomePage.title))
        genome_page.genome_did_change.connect(medicines_page.refresh)
        window.add_page(genome_page)
        window.add_page(medicines_page)
        window.add_page(SettingsPage(session, self.settings, self.tasks, window.show_auto_lock))
        window.show_auto_lock(int(self.settings.get(AUTO_LOCK_MINUTES)))
        window.lock_did_request.connect(lambda: self.lock("user"))
        window.quit_did_request.connect(self.quit)
        self.main_window = window
        window.show()
        self.idle.start()

    # ---- locking -------------------------------------------------------------------------
    def lock(self, reason: str = "user") -> None:
        """The ordered lock procedure (SECURITY §2.6): blank first, keys last."""
        if self.session is None:
            return
        window = self.main_window
        if window is not None:
            window.blank_out()
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.reject()
        self.tasks.cancel_all()
        self.tasks.wait_all(LOCK_WAIT_MS)  # cancelled imports roll back before the keys go
        self._stop_idle()
        if window is not None:
            window.clear_pages()
            window.save_geometry()
        self._close_session()
        if window is not None:
            window.blockSignals(True)
            window.hide()
            window.deleteLater()
        self.main_window = None
        notice = "Locked after a period of no activity." if reason == "idle" else messages.LOCKED_NOTICE
        self.show_unlock(notice)

    def _close_session(self) -> None:
        session, self.session = self.session, None
        if session is not None:
            session.close()
        gc.collect()

    def quit(self) -> None:
        self.shutdown()
        self._quit_app()

    def shutdown(self) -> None:
        self._stop_idle()
        self.tasks.cancel_all()
        window, self.main_window = self.main_window, None
        if window is not None:
            window.clear_pages()
            window.save_geometry()
            window.blockSignals(True)
            window.hide()
            window.deleteLater()
        self._close_session()
        self._drop_entry_windows()

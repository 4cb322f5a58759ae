"""Composition root: builds the services once and hands them to the windows."""
from __future__ import annotations

import sys

from companion import APP_ID, APP_NAME, __version__
from companion.hardening import harden_process
from companion.settings import Settings
from companion.ui.controller import AppController
from companion.ui.qt import QApplication, QMessageBox
from companion.ui.single_instance import SingleInstance
from companion.ui.tasks import TaskRunner
from companion.vault.db import check_driver
from companion.vault.errors import EncryptionUnavailable
from companion.vault.paths import companion_home, ensure_private_dir
from companion.vault.store import ProfileStore

MIN_POINT_SIZE = 11.0


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("HealthCompanion")
    app.setDesktopFileName(APP_ID)
    font = app.font()
    if font.pointSizeF() < MIN_POINT_SIZE:  # readable for older eyes, without overriding bigger system fonts
        font.setPointSizeF(MIN_POINT_SIZE)
        app.setFont(font)
    return app  # type: ignore[return-value]


def run_app(argv: list[str] | None = None) -> int:
    harden_process()
    app = make_application(argv)
    home = ensure_private_dir(companion_home())
    guard = SingleInstance(home)
    if not guard.acquire():
        print("Health Companion is already open; switched to it.", file=sys.stderr)
        return 0
    try:
        check_driver()
    except EncryptionUnavailable as exc:
        QMessageBox.critical(None, APP_NAME, str(exc))
        guard.release()
        return 1
    controller = AppController(ProfileStore(home), Settings(home), TaskRunner())
    guard.activation_did_request.connect(controller.activate)
    # Lock and unlock swap windows with hide()/show(), which never counts as the last
    # window closing; closing a window with its close button does.
    app.setQuitOnLastWindowClosed(True)
    controller.start()
    try:
        return app.exec()
    finally:
        controller.shutdown()
        controller.tasks.wait_all(5000)
        guard.release()

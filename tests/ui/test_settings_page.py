"""Settings page: a new recovery code and removing a caregiver, through the dialogs."""
from __future__ import annotations

import pytest

from companion.ui.qt import QApplication, Qt, QTimer
from companion.vault.errors import WrongSecret
from companion.vault.secrets_input import Secret
from tests.conftest import PASSPHRASE

CAREGIVER_PASSPHRASE = "violet kettle mountain harbour"


def visible(kind):
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()), None)


def when_visible(kind, act):
    def tick():
        dialog = visible(kind)
        if dialog is None:
            QTimer.singleShot(30, tick)
        else:
            act(dialog)

    QTimer.singleShot(30, tick)


def open_settings(qtbot, controller, store, with_caregiver=False):
    session, code = store.create("Anna", PASSPHRASE)
    if with_caregiver:
        session.add_caregiver(PASSPHRASE, "Maria", CAREGIVER_PASSPHRASE)
    controller._session_ready(session)
    qtbot.waitUntil(lambda: controller.main_window is not None)
    return controller.main_window.show_page("Settings"), code


def test_new_recovery_code_replaces_the_old(qtbot, app_services, store):
    from companion.ui.dialogs import ConfirmPassphraseDialog, NewRecoveryCodeDialog

    controller, _ = app_services
    page, old_code = open_settings(qtbot, controller, store)
    shown: list[str] = []

    def confirm(dialog):
        qtbot.keyClicks(dialog.current, PASSPHRASE)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    def copy_code(dialog):
        code = dialog.view.code_label.text()
        shown.append(code)
        groups = code.split("-")
        dialog.check.first.setText(groups[dialog.check.asked[0]])
        dialog.check.second.setText(groups[dialog.check.asked[1]])
        dialog.ok_button.click()

    when_visible(ConfirmPassphraseDialog, confirm)
    when_visible(NewRecoveryCodeDialog, copy_code)
    qtbot.mouseClick(page.recovery_button, Qt.MouseButton.LeftButton)
    assert shown and shown[0] != old_code
    assert "new recovery code" in page.status.text().lower()
    controller.lock("user")
    with pytest.raises(WrongSecret):
        store.unlock("Anna", Secret.recovery(old_code))
    store.unlock("Anna", Secret.recovery(shown[0])).close()


def test_wrong_passphrase_in_confirmation_changes_nothing(qtbot, app_services, store):
    from companion.ui.dialogs import ConfirmPassphraseDialog

    controller, _ = app_services
    page, old_code = open_settings(qtbot, controller, store)
    before = (page.session.folder / "keyslots.json").read_bytes()
    errors: list[str] = []

    def wrong_then_cancel(dialog):
        qtbot.keyClicks(dialog.current, "not my passphrase at all")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "wrong passphrase" in dialog.error.text().lower(), timeout=10000)
        errors.append(dialog.error.text())
        dialog.reject()

    when_visible(ConfirmPassphraseDialog, wrong_then_cancel)
    qtbot.mouseClick(page.recovery_button, Qt.MouseButton.LeftButton)
    assert errors
    assert (page.session.folder / "keyslots.json").read_bytes() == before


def test_remove_caregiver_after_confirmation(qtbot, app_services, store):
    from companion.ui.dialogs import ConfirmPassphraseDialog

    controller, _ = app_services
    page, _ = open_settings(qtbot, controller, store, with_caregiver=True)
    assert page.caregiver_names() == ["Maria"] and page.remove_caregiver_button.isEnabled()

    def confirm(dialog):
        qtbot.keyClicks(dialog.current, PASSPHRASE)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    when_visible(ConfirmPassphraseDialog, confirm)
    qtbot.mouseClick(page.remove_caregiver_button, Qt.MouseButton.LeftButton)
    assert page.caregiver_names() == []
    assert page.caregiver_list.item(0).text() == "Nobody else can open this profile."
    assert "no longer" in page.status.text()
    controller.lock("user")
    with pytest.raises(WrongSecret):
        store.unlock("Anna", Secret.passphrase(CAREGIVER_PASSPHRASE))

"""Onboarding → lock → unlock → wrong passphrase → recovery → passphrase change → caregiver,
through the real widgets (issue 2, "Done when")."""
from __future__ import annotations

from companion.ui.qt import QApplication, QDialog, Qt
from tests.conftest import OTHER_PASSPHRASE, PASSPHRASE
from tests.ui.conftest import save_screenshot

CAREGIVER_PASSPHRASE = "violet kettle mountain harbour"
NEW_PASSPHRASE = "saffron glacier pocket melody"


def wait_for(qtbot, condition, timeout=15000):
    qtbot.waitUntil(condition, timeout=timeout)


def visible_dialog(kind):
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, kind) and widget.isVisible():
            return widget
    return None


def onboard(qtbot, controller, name="Anna"):
    from companion.ui.onboarding import OnboardingWindow

    window = controller.onboarding
    assert window is not None and window.isVisible()
    save_screenshot(window, "onboarding-welcome")
    qtbot.mouseClick(window.start_button, Qt.MouseButton.LeftButton)
    assert window.step == OnboardingWindow.ABOUT
    qtbot.keyClicks(window.name_field, name)
    window.sex_female.setChecked(True)
    save_screenshot(window, "onboarding-about")
    qtbot.mouseClick(window.about_next, Qt.MouseButton.LeftButton)
    assert window.step == OnboardingWindow.PASSPHRASE
    qtbot.keyClicks(window.passphrase.first, "short")
    assert not window.create_button.isEnabled()
    assert "at least 12" in window.passphrase.reason.text()
    window.passphrase.first.clear()
    qtbot.keyClicks(window.passphrase.first, PASSPHRASE)
    qtbot.keyClicks(window.passphrase.second, PASSPHRASE)
    assert window.create_button.isEnabled()
    save_screenshot(window, "onboarding-passphrase")
    qtbot.mouseClick(window.create_button, Qt.MouseButton.LeftButton)
    wait_for(qtbot, lambda: window.step == OnboardingWindow.CODE)
    code = window.code_view.code_label.text()
    assert len(code.split("-")) == 7
    save_screenshot(window, "onboarding-recovery-code")
    qtbot.mouseClick(window.code_next, Qt.MouseButton.LeftButton)
    groups = code.split("-")
    first, second = window.code_check.asked
    qtbot.keyClicks(window.code_check.first, groups[first])
    qtbot.keyClicks(window.code_check.second, "ZZZZ")
    assert not window.finish_button.isEnabled()
    window.code_check.second.clear()
    qtbot.keyClicks(window.code_check.second, groups[second].lower())
    assert window.finish_button.isEnabled()
    save_screenshot(window, "onboarding-confirm-code")
    qtbot.mouseClick(window.finish_button, Qt.MouseButton.LeftButton)
    wait_for(qtbot, lambda: controller.main_window is not None)
    return code


def press_ctrl_l(qtbot, window):
    window.activateWindow()
    wait_for(qtbot, window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)


def unlock(qtbot, controller, secret, recovery=False):
    window = controller.unlock_window
    assert window is not None
    window.use_recovery.setChecked(recovery)
    qtbot.keyClicks(window.secret_field, secret)
    qtbot.keyClick(window.secret_field, Qt.Key.Key_Return)
    assert window.secret_field.text() == ""  # the widget does not keep the secret
    return window


def test_full_profile_flow(qtbot, app_services, store, monkeypatch):
    controller, quits = app_services
    controller.start()
    code = onboard(qtbot, controller)
    main = controller.main_window
    overview = main.page("Overview")  # Today is the first page; Overview comes after it
    assert overview.name_value.text() == "Anna"
    assert overview.sex_value.text() == "female"
    save_screenshot(main, "main-overview")

    # Lock with Ctrl+L
    press_ctrl_l(qtbot, main)
    wait_for(qtbot, lambda: controller.unlock_window is not None and controller.session is None)
    assert overview.name_value.text() == ""  # health data cleared from widgets on lock

    # Wrong passphrase → message, still locked
    window = unlock(qtbot, controller, OTHER_PASSPHRASE)
    wait_for(qtbot, lambda: window.error.isVisible())
    assert "wrong passphrase" in window.error.text().lower()
    assert controller.session is None
    save_screenshot(window, "unlock-wrong-passphrase")

    # Correct passphrase
    unlock(qtbot, controller, PASSPHRASE)
    wait_for(qtbot, lambda: controller.main_window is not None)
    assert controller.session.role == "owner"
    qtbot.mouseClick(controller.main_window.lock_button, Qt.MouseButton.LeftButton)
    wait_for(qtbot, lambda: controller.unlock_window is not None)

    # Recovery code → forced new passphrase → new code shown and confirmed
    def handle_reset():
        from companion.ui.dialogs import ResetPassphraseDialog

        dialog = visible_dialog(ResetPassphraseDialog)
        if dialog is None:
            return False
        qtbot.keyClicks(dialog.entry.first, NEW_PASSPHRASE)
        qtbot.keyClicks(dialog.entry.second, NEW_PASSPHRASE)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        return True

    new_codes: list[str] = []

    def handle_new_code():
        from companion.ui.dialogs import NewRecoveryCodeDialog

        dialog = visible_dialog(NewRecoveryCodeDialog)
        if dialog is None:
            return False
        shown = dialog.view.code_label.text()
        new_codes.append(shown)
        groups = shown.split("-")
        qtbot.keyClicks(dialog.check.first, groups[dialog.check.asked[0]])
        qtbot.keyClicks(dialog.check.second, groups[dialog.check.asked[1]])
        save_screenshot(dialog, "new-recovery-code")
        dialog.ok_button.click()
        return True

    from companion.ui.qt import QTimer

    def poll(step, done=[False]):
        def tick():
            if not step():
                QTimer.singleShot(50, tick)
        QTimer.singleShot(50, tick)

    poll(handle_reset)
    poll(handle_new_code)
    unlock(qtbot, controller, code, recovery=True)
    wait_for(qtbot, lambda: controller.main_window is not None, timeout=20000)
    assert new_codes and new_codes[0] != code
    assert controller.session.opened_with.type == "passphrase"
    qtbot.mouseClick(controller.main_window.lock_button, Qt.MouseButton.LeftButton)
    wait_for(qtbot, lambda: controller.unlock_window is not None)

    # The old code no longer works; the new passphrase does
    window = unlock(qtbot, controller, code, recovery=True)
    wait_for(qtbot, lambda: window.error.isVisible())
    assert "wrong" in window.error.text().lower()
    unlock(qtbot, controller, NEW_PASSPHRASE)
    wait_for(qtbot, lambda: controller.main_window is not None)

    # Passphrase change through Settings
    main = controller.main_window
    main.show_page("Settings")
    settings_page = main.page("Settings")
    save_screenshot(main, "main-settings")

    def handle_change():
        from companion.ui.dialogs import ChangePassphraseDialog

        dialog = visible_dialog(ChangePassphraseDialog)
        if dialog is None:
            return False
        qtbot.keyClicks(dialog.current, NEW_PASSPHRASE)
        qtbot.keyClicks(dialog.entry.first, PASSPHRASE)
        qtbot.keyClicks(dialog.entry.second, PASSPHRASE)
        save_screenshot(dialog, "change-passphrase")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        return True

    poll(handle_change)
    qtbot.mouseClick(settings_page.change_button, Qt.MouseButton.LeftButton)
    assert "changed" in settings_page.status.text()

    # Add a caregiver through Settings
    def handle_caregiver():
        from companion.ui.dialogs import AddCaregiverDialog

        dialog = visible_dialog(AddCaregiverDialog)
        if dialog is None:
            return False
        qtbot.keyClicks(dialog.label, "Maria")
        qtbot.keyClicks(dialog.entry.first, CAREGIVER_PASSPHRASE)
        qtbot.keyClicks(dialog.entry.second, CAREGIVER_PASSPHRASE)
        qtbot.keyClicks(dialog.owner, PASSPHRASE)
        save_screenshot(dialog, "add-caregiver")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        return True

    poll(handle_caregiver)
    qtbot.mouseClick(settings_page.add_caregiver_button, Qt.MouseButton.LeftButton)
    assert settings_page.caregiver_names() == ["Maria"]
    assert "Maria" in settings_page.caregiver_list.item(0).text()
    press_ctrl_l(qtbot, main)
    wait_for(qtbot, lambda: controller.unlock_window is not None)

    # The caregiver's passphrase opens the profile read-only
    unlock(qtbot, controller, CAREGIVER_PASSPHRASE)
    wait_for(qtbot, lambda: controller.main_window is not None)
    assert controller.session.read_only
    main = controller.main_window
    assert "read-only" in main.profile_status.text()
    settings_page = main.page("Settings")
    assert not settings_page.change_button.isEnabled()
    assert not settings_page.add_caregiver_button.isEnabled()
    from companion.vault.errors import ReadOnlyAccess
    import pytest

    with pytest.raises(ReadOnlyAccess):
        controller.session.update_profile(full_name="Changed")
    main.show_page("Settings")
    save_screenshot(main, "main-caregiver-read-only")
    press_ctrl_l(qtbot, main)
    wait_for(qtbot, lambda: controller.unlock_window is not None)
    # Old passphrase PASSPHRASE works again after the change (it was changed back to it)
    unlock(qtbot, controller, PASSPHRASE)
    wait_for(qtbot, lambda: controller.main_window is not None)
    assert controller.session.role == "owner"

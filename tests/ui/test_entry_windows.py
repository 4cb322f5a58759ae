"""Onboarding and unlock details: the generator, name checks, typo'd codes, back-off."""
from __future__ import annotations

from companion.ui.qt import Qt
from companion.vault.passphrase import _words
from tests.conftest import OTHER_PASSPHRASE, PASSPHRASE


def test_generate_passphrase_button_fills_both_fields(qtbot):
    from companion.ui.widgets.passphrase_field import PassphraseEntry

    entry = PassphraseEntry(lambda: ["Anna"])
    qtbot.addWidget(entry)
    with qtbot.waitSignal(entry.validity_did_change):
        qtbot.mouseClick(entry.generate_button, Qt.MouseButton.LeftButton)
    words = entry.text().split("-")
    assert len(words) == 6 and all(w in _words() for w in words)
    assert entry.second.text() == entry.text()
    assert entry.valid
    assert entry.show_button.isChecked()  # shown so it can be written down
    assert entry.meter.value() >= 3


def test_passphrase_meter_explains_refusals(qtbot):
    from companion.ui.widgets.passphrase_field import PassphraseEntry

    entry = PassphraseEntry(lambda: ["Margaret"])
    qtbot.addWidget(entry)
    qtbot.keyClicks(entry.first, "password1234")
    assert not entry.valid and "guess" in entry.reason.text().lower()
    entry.first.clear()
    qtbot.keyClicks(entry.first, "margaret likes long walks")
    assert not entry.valid and "name" in entry.reason.text().lower()
    entry.first.clear()
    qtbot.keyClicks(entry.first, PASSPHRASE)
    qtbot.keyClicks(entry.second, PASSPHRASE + "x")
    assert not entry.valid and "not the same" in entry.match.text()


def test_onboarding_refuses_path_like_names(qtbot, app_services):
    from companion.ui.onboarding import OnboardingWindow

    controller, _ = app_services
    controller.start()
    window = controller.onboarding
    window.go(OnboardingWindow.ABOUT)
    for bad in ("../x", "a/b", "..", "a\\b"):
        window.name_field.setText(bad)
        qtbot.mouseClick(window.about_next, Qt.MouseButton.LeftButton)
        assert window.step == OnboardingWindow.ABOUT, bad
        assert window.about_error.text()
    window.name_field.setText("Anna")
    qtbot.mouseClick(window.about_next, Qt.MouseButton.LeftButton)
    assert window.step == OnboardingWindow.PASSPHRASE


def test_cancelled_onboarding_without_profiles_quits(qtbot, app_services):
    controller, quits = app_services
    controller.start()
    controller.onboarding.close()
    assert quits == [True]


def test_unlock_lists_profiles_and_reports_typo_in_code(qtbot, app_services, store):
    controller, _ = app_services
    for name in ("Anna", "Ben"):
        store.create(name, PASSPHRASE)[0].close()
    controller.start()
    window = controller.unlock_window
    labels = [window.profile_box.itemText(i) for i in range(window.profile_box.count())]
    assert labels == ["Anna", "Ben"]
    window.use_recovery.setChecked(True)
    assert window.secret_label.text() == "Recovery code:"
    qtbot.keyClicks(window.secret_field, "ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345")
    qtbot.keyClick(window.secret_field, Qt.Key.Key_Return)
    qtbot.waitUntil(window.error.isVisible, timeout=10000)
    assert "typo" in window.error.text()
    assert controller.session is None


def test_repeated_failures_back_off(qtbot, app_services, store, clock):
    controller, _ = app_services
    store.create("Anna", PASSPHRASE)[0].close()
    controller.start()
    window = controller.unlock_window
    for attempt in range(5):
        qtbot.keyClicks(window.secret_field, OTHER_PASSPHRASE)
        qtbot.keyClick(window.secret_field, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: window.throttle.failures == attempt + 1, timeout=10000)
    assert not window.unlock_button.isEnabled()
    assert window.unlock_button.text().startswith("Wait")
    qtbot.keyClicks(window.secret_field, PASSPHRASE)
    window.unlock()  # ignored while waiting
    assert controller.session is None
    clock.advance(2)
    window._refresh_wait()
    assert window.unlock_button.isEnabled()
    window.secret_field.setText(PASSPHRASE)
    window.unlock()
    qtbot.waitUntil(lambda: controller.main_window is not None, timeout=10000)
    assert window.throttle.failures == 0

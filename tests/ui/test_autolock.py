"""G5: auto-lock after idle minutes blanks the window first, clears widgets, closes the
database and wipes the keys; the setting changes the delay."""
from __future__ import annotations

from companion.settings import AUTO_LOCK_MINUTES
from companion.ui.qt import QApplication, Qt
from tests.conftest import PASSPHRASE


def open_profile(qtbot, controller, store):
    session, _code = store.create("Anna", PASSPHRASE, full_name="Anna Example", birth_date="1950-02-03")
    controller._session_ready(session)
    qtbot.waitUntil(lambda: controller.main_window is not None)
    return session


def test_idle_lock_procedure(qtbot, app_services, store, clock):
    controller, _ = app_services
    session = open_profile(qtbot, controller, store)
    main = controller.main_window
    overview = main.page("Overview")  # Today is the first page; Overview comes after it
    assert overview.name_value.text() == "Anna Example"
    ring = session._ring()
    order: list[str] = []
    real_close = session.close

    def recording_close():
        order.append("blank" if main.central.currentWidget() is main.blank else "content")
        order.append("cleared" if overview.name_value.text() == "" else "not-cleared")
        real_close()

    session.close = recording_close

    clock.advance(9 * 60)
    controller.idle.check()
    assert controller.session is session  # not idle long enough yet

    clock.advance(61)
    controller.idle.check()
    assert order == ["blank", "cleared"]
    assert controller.session is None
    assert session.closed
    assert ring.wiped  # key buffers all zero
    assert overview.activity.rowCount() == 0
    assert controller.main_window is None
    assert controller.unlock_window is not None and controller.unlock_window.isVisible()
    assert "no activity" in controller.unlock_window.notice.text()


def test_input_resets_idle_clock(qtbot, app_services, store, clock):
    controller, _ = app_services
    open_profile(qtbot, controller, store)
    main = controller.main_window
    clock.advance(9 * 60)
    qtbot.keyClick(main.sidebar, Qt.Key.Key_Down)  # a real key press through the event filter
    clock.advance(2 * 60)
    controller.idle.check()
    assert controller.session is not None  # only 2 idle minutes since the key press


def test_auto_lock_minutes_setting(qtbot, app_services, store, clock, home):
    controller, _ = app_services
    open_profile(qtbot, controller, store)
    main = controller.main_window
    settings_page = main.page("Settings")
    settings_page.auto_lock.setValue(2)
    assert controller.settings.get(AUTO_LOCK_MINUTES) == 2
    assert "2 idle minutes" in main.lock_status.text()
    clock.advance(2 * 60 + 1)
    controller.idle.check()
    assert controller.session is None
    # stored in settings.json, which holds no health data
    text = (home / "settings.json").read_text()
    assert '"auto_lock_minutes": 2' in text
    assert "Anna" not in text and "1950" not in text


def test_lock_closes_open_dialogs(qtbot, app_services, store):
    from companion.ui.dialogs import ChangePassphraseDialog
    from companion.ui.qt import QTimer

    controller, _ = app_services
    open_profile(qtbot, controller, store)
    page = controller.main_window.page("Settings")
    seen = []

    def lock_while_dialog_open():
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, ChangePassphraseDialog) and w.isVisible()]
        seen.append(len(dialogs))
        controller.lock("idle")

    QTimer.singleShot(100, lock_while_dialog_open)
    page.change_passphrase()  # modal; returns when the lock rejects it
    assert seen == [1]
    assert controller.session is None
    assert not any(isinstance(w, ChangePassphraseDialog) and w.isVisible() for w in QApplication.topLevelWidgets())


def test_geometry_remembered_without_health_data(qtbot, app_services, store, home):
    controller, _ = app_services
    open_profile(qtbot, controller, store)
    controller.main_window.resize(771, 533)  # the offscreen screen is 800x600
    controller.lock("user")
    text = (home / "settings.json").read_text()
    assert "window_geometry" in text and "Anna" not in text
    window = controller.unlock_window
    qtbot.keyClicks(window.secret_field, PASSPHRASE)
    qtbot.keyClick(window.secret_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller.main_window is not None, timeout=15000)
    assert (controller.main_window.width(), controller.main_window.height()) == (771, 533)

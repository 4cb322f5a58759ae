"""Today page through the real widgets: a blood pressure typed in the quick entry bar updates
the latest value, the chart and goal progress; goals set in their dialog; delete and undo on the
Measurements page (button and Ctrl+Z); the form; caregivers only look; nothing left after lock.
Screenshots go to artifacts/screenshots/today-*.png for people to look at."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from companion.lifestyle import goals as goals_
from companion.lifestyle import store as obs_store
from companion.ui.qt import QApplication, Qt
from companion.vault.secrets_input import Secret
from tests.conftest import PASSPHRASE
from tests.ui.conftest import ARTIFACTS, save_screenshot

CAREGIVER_PASSPHRASE = "violet kettle mountain harbour"


def unlock(qtbot, controller, session):
    controller._session_ready(session)
    qtbot.waitUntil(lambda: controller.main_window is not None)
    window = controller.main_window
    window.resize(1100, 1000)
    page = window.page("Today")
    qtbot.waitUntil(lambda: page.data is not None and not page.loading_now, timeout=15000)
    return window, page


def open_today(qtbot, controller, store, name="Anna"):
    session, _ = store.create(name, PASSPHRASE)
    return unlock(qtbot, controller, session)


def type_entry(qtbot, page, text):
    page.entry_bar.field.clear()
    qtbot.keyClicks(page.entry_bar.field, text)
    qtbot.keyClick(page.entry_bar.field, Qt.Key.Key_Return)


def settled(page):
    return page.data is not None and not page.loading_now


def add_history(session, days=70):
    """Some weeks of readings, as if typed every morning, so the charts have a shape."""
    now = datetime.now().astimezone()
    for day in range(days, 0, -1):
        at = (now - timedelta(days=day)).replace(hour=8, minute=0, second=0, microsecond=0)
        obs_store.add_blood_pressure(session, 136 - day * 0.1 - (day % 5), 86 - day * 0.05 - (day % 3), at=at)
        obs_store.add(session, "weight", 80 - (70 - day) * 0.03, "kg", at)
        obs_store.add(session, "steps", 5000 + (day * 373) % 5000, "steps", at)


def test_today_is_the_home_page(qtbot, app_services, store):
    controller, _ = app_services
    window, page = open_today(qtbot, controller, store)
    assert window.sidebar.item(0).text() == "Today"
    assert window.stack.currentWidget() is page
    assert "Start by typing a measurement" in page.status.text()
    qtbot.waitUntil(lambda: page.entry_bar.field.hasFocus() or not window.isActiveWindow())
    save_screenshot(window, "today-empty")


def test_blood_pressure_entry_updates_latest_chart_and_goal(qtbot, app_services, store, tmp_path):
    controller, _ = app_services
    window, page = open_today(qtbot, controller, store)

    # A goal, set through its dialog
    qtbot.mouseClick(page.goals_button, Qt.MouseButton.LeftButton)
    dialog = page.goals_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.choose("Blood pressure")
    assert [f.text() for f in dialog.value_fields] == ["130", "80"]
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.goal_texts() == ["Blood pressure: 130/80 or lower"]
    save_screenshot(dialog, "today-goals-dialog")
    dialog.accept()
    qtbot.waitUntil(lambda: settled(page) and any("130/80" in t for t in page.goal_texts()), timeout=15000)
    assert any("No readings in the last 7 days" in t for t in page.goal_texts())

    # The quick entry bar
    type_entry(qtbot, page, "bp 124/78")
    assert page.entry_bar.feedback.text().startswith("Saved: Blood pressure: 124/78 mmHg")
    assert page.entry_bar.field.text() == ""
    qtbot.waitUntil(lambda: page.latest_value("Blood pressure") == "124/78 mmHg", timeout=15000)
    assert "typed in" in page.latest_grid.itemAtPosition(0, 2).widget().text()
    assert any("Average of the last 7 days: 124/78 — Goal met" in t for t in page.goal_texts()), page.goal_texts()
    chart = page.chart.chart
    assert chart.spec.key == "blood_pressure"
    assert [b.value for b in chart.series[0].buckets] == [124] and [b.value for b in chart.series[1].buckets] == [78]
    assert page.chart_summary.text() == "Your average blood pressure this month: 124/78."

    # A second, higher reading moves the average over the goal
    type_entry(qtbot, page, "bp 140/90")
    qtbot.waitUntil(lambda: page.latest_value("Blood pressure") == "140/90 mmHg", timeout=15000)
    qtbot.waitUntil(lambda: any("132/84" in t and "Not there yet" in t for t in page.goal_texts()), timeout=15000)
    assert page.chart.chart.series[0].buckets[-1].value == 132
    assert page.chart_summary.text() == "Your average blood pressure this month: 132/84."
    save_screenshot(window, "today-blood-pressure")
    picture = tmp_path / "bp.png"
    page.chart.save_to(picture)
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert picture.stat().st_mode & 0o077 == 0  # written private, like every file we write


def test_bad_entries_say_why_and_save_nothing(qtbot, app_services, store):
    controller, _ = app_services
    window, page = open_today(qtbot, controller, store)
    type_entry(qtbot, page, "weight 2000 kg")
    assert page.entry_bar.feedback.text().startswith("Weight not saved: impossible value")
    assert page.entry_bar.field.text() == "weight 2000 kg"  # kept, to correct it
    type_entry(qtbot, page, "bloodsugar? 5")
    assert "is not something I can record" in page.entry_bar.feedback.text()
    assert obs_store.observations(controller.session) == []


def test_form_entry_and_undo_from_today(qtbot, app_services, store):
    controller, _ = app_services
    window, page = open_today(qtbot, controller, store)
    qtbot.mouseClick(page.entry_bar.form_button, Qt.MouseButton.LeftButton)
    form = page.entry_form
    assert form.isVisible()
    form.type_box.setCurrentIndex(form.type_box.findData("weight"))
    qtbot.keyClicks(form.value_field, "160")
    form.unit_box.setCurrentText("lb")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.latest_value("Weight") == "72.6 kg", timeout=15000)
    save_screenshot(window, "today-form")
    assert page.entry_bar.undo_button.isVisible()
    qtbot.mouseClick(page.entry_bar.undo_button, Qt.MouseButton.LeftButton)
    assert page.entry_bar.feedback.text() == "Undone: Added Weight: 160 lb."
    qtbot.waitUntil(lambda: settled(page) and page.latest_value("Weight") is None, timeout=15000)


def test_delete_and_undo_on_the_measurements_page(qtbot, app_services, store):
    controller, _ = app_services
    window, page = open_today(qtbot, controller, store)
    type_entry(qtbot, page, "bp 128/82")
    type_entry(qtbot, page, "weight 72.5 kg")
    qtbot.waitUntil(lambda: page.latest_value("Weight") == "72.5 kg", timeout=15000)
    log = window.show_page("Measurements")
    qtbot.waitUntil(lambda: len(log.entries) == 2 and not log.loading_now, timeout=15000)
    assert sorted(r.split(" | ")[1] for r in log.row_texts()) == ["Blood pressure", "Weight"]
    bp_row = next(i for i, r in enumerate(log.row_texts()) if "Blood pressure" in r)
    assert log.row_texts()[bp_row].endswith("128/82 mmHg")  # both numbers on one row
    assert log.table.item(bp_row, 4).text() == "typed in"

    log.table.selectRow(bp_row)
    qtbot.mouseClick(log.delete_button, Qt.MouseButton.LeftButton)
    assert log.status.text() == "Deleted blood pressure 128/82 mmHg."
    qtbot.waitUntil(lambda: len(log.entries) == 1 and not log.loading_now, timeout=15000)
    assert obs_store.latest(controller.session, ["systolic_bp", "diastolic_bp"]) == {}
    save_screenshot(window, "today-measurements-deleted")

    qtbot.mouseClick(log.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(log.entries) == 2 and not log.loading_now, timeout=15000)
    assert log.status.text() == "Undone: Deleted blood pressure 128/82 mmHg."

    log.table.selectRow(next(i for i, r in enumerate(log.row_texts()) if "Weight" in r))
    qtbot.keyClick(log.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: len(log.entries) == 1 and not log.loading_now, timeout=15000)
    qtbot.keyClick(log.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(log.entries) == 2 and not log.loading_now, timeout=15000)
    # The Today page heard about it
    today = window.show_page("Today")
    qtbot.waitUntil(lambda: settled(today) and today.latest_value("Weight") == "72.5 kg", timeout=15000)


def test_ctrl_z_in_the_entry_bar_undoes_the_entry(qtbot, app_services, store):
    controller, _ = app_services
    window, page = open_today(qtbot, controller, store)
    type_entry(qtbot, page, "steps 4200")
    qtbot.waitUntil(lambda: page.latest_value("Steps") == "4,200 steps", timeout=15000)
    assert page.entry_bar.field.text() == ""
    qtbot.keyClick(page.entry_bar.field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: settled(page) and page.latest_value("Steps") is None, timeout=15000)
    assert page.entry_bar.feedback.text() == "Undone: Added Steps: 4200 steps."
    # While there is typing to undo, Ctrl+Z undoes the typing, not an entry
    type_entry(qtbot, page, "steps 5100")
    qtbot.keyClicks(page.entry_bar.field, "wei")
    qtbot.keyClick(page.entry_bar.field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert page.entry_bar.field.text() == ""
    qtbot.waitUntil(lambda: settled(page) and page.latest_value("Steps") == "5,100 steps", timeout=15000)


def test_history_chart_zoom_hover_and_picture(qtbot, app_services, store, tmp_path):
    controller, _ = app_services
    session, _ = store.create("Anna", PASSPHRASE)
    add_history(session)
    goals_.set_goal(session, "weight", "at_most", 75, "kg")
    window, page = unlock(qtbot, controller, session)
    qtbot.waitUntil(lambda: page.latest_value("Weight") is not None and bool(page.attention_texts()), timeout=15000)
    chart = page.chart
    assert chart.chart.resolution.value == "day" and len(chart.chart.series[0].buckets) == 70
    save_screenshot(window, "today-history")
    page.choose_chart("weight")
    assert [g.label for g in chart.chart.goals] == ["Your goal: 75 kg or lower"]
    assert chart.chart.bands == () and "depends on your height" in page.chart_note.text()

    # A height and a date of birth bring the healthy ranges that depend on them
    controller.session.update_profile(birth_date="1958-03-01")
    type_entry(qtbot, page, "height 175 cm")
    qtbot.waitUntil(lambda: settled(page) and page.latest_value("Height") == "175 cm", timeout=15000)
    page.choose_chart("weight")
    assert [b.label for b in chart.chart.bands] == ["Healthy weight for your height (BMI 18.5 to under 25)"]
    assert not page.chart_note.isVisible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for key in ("blood_pressure", "weight", "steps"):
        page.choose_chart(key)
        (ARTIFACTS / f"today-chart-{key.replace('_', '-')}.png").write_bytes(chart.picture_bytes())
    assert chart.chart.bands[0].low == 6000  # steps, 60 and older
    page.choose_chart("weight")

    # Hover: the pointer on the last point names it
    chart.canvas.draw()
    ax = chart.figure.axes[0]
    plotted = chart._plotted[0]
    x, y = ax.transData.transform((plotted.xs[-1], plotted.ys[-1]))
    text = chart.hover_at(x + 3, y - 2)
    assert text.startswith("Weight\n") and "kg (1 reading)" in text
    assert chart.hover_at(x + 200, y + 200) == ""

    # Zoom in with the keyboard: the buckets follow the span
    page.choose_chart("blood_pressure")
    qtbot.mouseClick(chart.span_group.button(2), Qt.MouseButton.LeftButton)  # 1 year
    assert chart.chart.resolution.value == "week"
    chart.canvas.setFocus()
    for _ in range(4):
        chart.zoom(0.5)
    qtbot.waitUntil(lambda: chart.chart.resolution.value == "day", timeout=5000)
    assert chart.span_group.checkedId() == -1
    chart.show_span(3)
    assert chart.span_group.checkedId() == 3


def test_caregiver_sees_but_cannot_change(qtbot, app_services, store):
    controller, _ = app_services
    owner, _ = store.create("Anna", PASSPHRASE)
    obs_store.add_blood_pressure(owner, 131, 84)
    goals_.set_goal(owner, "active_minutes", "weekly_total", 150, "min")
    owner.add_caregiver(PASSPHRASE, "Maria", CAREGIVER_PASSPHRASE)
    owner.close()
    session = store.unlock("Anna", Secret.passphrase(CAREGIVER_PASSPHRASE))
    window, page = unlock(qtbot, controller, session)
    qtbot.waitUntil(lambda: page.latest_value("Blood pressure") == "131/84 mmHg", timeout=15000)
    assert not page.entry_bar.field.isEnabled() and not page.entry_bar.add_button.isEnabled()
    assert not page.entry_bar.form_button.isEnabled() and not page.goals_button.isEnabled()
    assert "read-only" in page.entry_bar.hint.text()
    assert any("150 active minutes a week" in t for t in page.goal_texts())
    save_screenshot(window, "today-caregiver")
    log = window.show_page("Measurements")
    qtbot.waitUntil(lambda: len(log.entries) == 1 and not log.loading_now, timeout=15000)
    log.table.selectRow(0)
    assert not log.delete_button.isEnabled() and not log.change_button.isEnabled()
    log.delete_selected()  # even if called, nothing changes
    assert len(obs_store.observations(controller.session)) == 2


def test_lock_leaves_no_values_in_the_page(qtbot, app_services, store):
    controller, _ = app_services
    window, page = open_today(qtbot, controller, store)
    type_entry(qtbot, page, "bp 128/82")
    qtbot.waitUntil(lambda: page.latest_value("Blood pressure") == "128/82 mmHg", timeout=15000)
    qtbot.mouseClick(page.goals_button, Qt.MouseButton.LeftButton)
    assert page.goals_dialog.isVisible()
    log = window.page("Measurements")
    controller.lock("user")
    assert controller.session is None and controller.main_window is None
    assert page.data is None and page.chart.input is None and page.chart.chart is None
    assert page.latest_value("Blood pressure") is None
    assert page.entry_bar.feedback.text() == "" and page.chart_summary.text() == ""
    assert page.undo_stack.top is None
    assert log.table.rowCount() == 0 and log.entries == []
    shown = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.windowTitle() == "Your goals"]
    assert shown == []


@pytest.mark.parametrize("text", ["bp 128/82", "weight 160 lb", "sleep 7.5 h yesterday"])
def test_entries_read_back_in_words(qtbot, app_services, store, text):
    controller, _ = app_services
    window, page = open_today(qtbot, controller, store)
    type_entry(qtbot, page, text)
    assert page.entry_bar.feedback.text().startswith("Saved: ")
    assert "today" in page.entry_bar.feedback.text() or "yesterday" in page.entry_bar.feedback.text()

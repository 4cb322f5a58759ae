"""Importing health exports through the real widgets: a typed blood pressure, then a generated
Apple Health export, and the Today chart and goal progress change; a CSV through the column
mapping dialog; Cancel stores nothing; "Undo this import"; caregivers cannot import.
Screenshots go to artifacts/screenshots/health-import-*.png for people to look at."""
from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest

from companion.lifestyle import goals as goals_
from companion.lifestyle import store as obs_store
from companion.ui.health_import import HealthImporter
from companion.ui.qt import Qt
from companion.vault.secrets_input import Secret
from tests.conftest import PASSPHRASE
from tests.ui.conftest import save_screenshot

generate = pytest.importorskip("tests.unit.lifestyle_import.generate")

CAREGIVER_PASSPHRASE = "violet kettle mountain harbour"
N_RECORDS = 20_000
# "Now" for the pages: half a day after the generated export ends (its 3,000 days from START), so
# its last readings count towards the last-7-days goal progress and none is in the future.
FAKE_NOW = generate.START + timedelta(days=3000, hours=12)


@pytest.fixture
def fake_now(monkeypatch):
    import companion.ui.pages.today_page as today_module

    monkeypatch.setattr(today_module, "local_now", lambda: FAKE_NOW)
    # A blood pressure every 3 days (the generator's default is one a month at this size), so
    # the export has readings in the goal's last 7 days.
    monkeypatch.setattr(generate, "_BP_SHARE", 0.05)
    return FAKE_NOW


def settled(page) -> bool:
    return page.data is not None and not page.loading_now


def unlock(qtbot, controller, session):
    controller._session_ready(session)
    qtbot.waitUntil(lambda: controller.main_window is not None)
    window = controller.main_window
    window.resize(1100, 1000)
    page = window.page("Today")
    qtbot.waitUntil(lambda: settled(page), timeout=15000)
    return window, page


def importer_of(window) -> HealthImporter:
    importer = window.findChild(HealthImporter)
    assert importer is not None
    return importer


def choose(monkeypatch, path: Path) -> None:
    """The file dialog answers ``path`` (a real dialog would wait for a person)."""
    import companion.ui.health_import as module

    monkeypatch.setattr(module, "choose_file_to_open", lambda parent, title, filters: path)


def finished(importer: HealthImporter) -> bool:
    return importer.dialog is not None and not importer.dialog.running and not importer.busy


def type_entry(qtbot, page, text):
    page.entry_bar.field.clear()
    qtbot.keyClicks(page.entry_bar.field, text)
    qtbot.keyClick(page.entry_bar.field, Qt.Key.Key_Return)


def test_typed_blood_pressure_then_apple_health_import_updates_chart_and_goal(
        qtbot, app_services, store, tmp_path, monkeypatch, fake_now):
    controller, _ = app_services
    session, _ = store.create("Anna", PASSPHRASE)
    goals_.set_goal(session, "systolic_bp", "at_most", 130)
    goals_.set_goal(session, "diastolic_bp", "at_most", 80)
    window, page = unlock(qtbot, controller, session)
    assert page.import_button.isVisible() and page.import_button.isEnabled()

    type_entry(qtbot, page, "bp 124/78")
    qtbot.waitUntil(lambda: settled(page) and page.latest_value("Blood pressure") == "124/78 mmHg", timeout=15000)
    assert any("124/78" in t and "Goal met" in t for t in page.goal_texts()), page.goal_texts()
    assert page.chart.chart.spec.key == "blood_pressure"
    buckets_before = len(page.chart.chart.series[0].buckets)
    assert buckets_before == 1

    export = tmp_path / "export.xml"
    generate.write_apple_health(export, N_RECORDS, seed=5)
    choose(monkeypatch, export)
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    importer = importer_of(window)
    assert importer.dialog is not None and importer.dialog.isVisible()
    qtbot.waitUntil(lambda: finished(importer), timeout=60000)
    result = importer.last_result
    assert result is not None and result.format == "Apple Health" and result.imported > 1000
    summary = importer.dialog.message.text()
    assert summary.startswith(f"{result.imported:,} new measurements from Apple Health"), summary
    assert importer.dialog.undo_button.isVisible()
    save_screenshot(importer.dialog, "health-import-summary")

    # The Today page heard about it: more days on the chart, and the goal now averages two readings
    qtbot.waitUntil(lambda: settled(page) and len(page.chart.chart.series[0].buckets) > buckets_before,
                    timeout=15000)
    assert not any("124/78" in t for t in page.goal_texts()), page.goal_texts()
    assert any("Average of the last 7 days" in t for t in page.goal_texts()), page.goal_texts()
    importer.dialog.accept()
    qtbot.waitUntil(lambda: importer.dialog is None)
    save_screenshot(window, "health-import-today-after")

    log = window.show_page("Measurements")
    qtbot.waitUntil(lambda: not log.loading_now and len(log.entries) > 100, timeout=15000)
    sources = {log.table.item(row, 4).text() for row in range(log.table.rowCount())}
    assert sources == {"typed in", "from Apple Health"}, sources

    # The same export again adds nothing
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: finished(importer), timeout=60000)
    assert importer.last_result.imported == 0
    assert importer.dialog.message.text().startswith("Nothing new from Apple Health; ")
    assert "were already there" in importer.dialog.message.text()
    assert not importer.dialog.undo_button.isVisible()


def test_undo_this_import(qtbot, app_services, store, tmp_path, monkeypatch, fake_now):
    controller, _ = app_services
    session, _ = store.create("Anna", PASSPHRASE)
    window, page = unlock(qtbot, controller, session)
    type_entry(qtbot, page, "weight 72.5 kg")
    qtbot.waitUntil(lambda: settled(page) and page.latest_value("Weight") == "72.5 kg", timeout=15000)
    export = tmp_path / "export.xml"
    generate.write_apple_health(export, 3000, seed=2)
    importer = importer_of(window)
    importer.import_file(export)
    qtbot.waitUntil(lambda: finished(importer), timeout=60000)
    assert len(obs_store.observations(controller.session)) > 100
    qtbot.mouseClick(importer.dialog.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: finished(importer) and importer.dialog.message.text().startswith("Undone"), timeout=15000)
    assert not importer.dialog.undo_button.isVisible()
    save_screenshot(importer.dialog, "health-import-undone")
    remaining = obs_store.observations(controller.session)
    assert [(o.type, o.source) for o in remaining] == [("weight", "typed")]  # what was typed stays
    qtbot.waitUntil(lambda: settled(page) and page.latest_value("Heart rate") is None, timeout=15000)


def test_cancel_stores_nothing(qtbot, app_services, store, tmp_path, monkeypatch):
    import companion.ui.health_import as module

    controller, _ = app_services
    session, _ = store.create("Anna", PASSPHRASE)
    window, page = unlock(qtbot, controller, session)
    started = threading.Event()
    real_import = module.import_health_file

    def wait_for_cancel(worker, path, **kwargs):
        started.set()
        kwargs["cancel"]._event.wait(10)  # until Cancel is pressed
        return real_import(worker, path, **kwargs)

    monkeypatch.setattr(module, "import_health_file", wait_for_cancel)
    export = tmp_path / "export.xml"
    generate.write_apple_health(export, 3000, seed=3)
    importer = importer_of(window)
    importer.import_file(export)
    qtbot.waitUntil(started.is_set, timeout=10000)
    dialog = importer.dialog
    assert dialog.progress.isVisible() and dialog.cancel_button.isVisible()
    save_screenshot(dialog, "health-import-progress")
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: finished(importer), timeout=15000)
    assert dialog.message.text() == "Import of export.xml cancelled; nothing was stored."
    assert obs_store.observations(controller.session) == []


def test_a_bad_file_is_named_and_nothing_is_stored(qtbot, app_services, store, tmp_path, monkeypatch):
    controller, _ = app_services
    session, _ = store.create("Anna", PASSPHRASE)
    window, page = unlock(qtbot, controller, session)
    bad = tmp_path / "export.xml"
    bad.write_text('<?xml version="1.0"?>\n<HealthData><Record type="HKQuantityTypeIdentifierStepCount"')
    choose(monkeypatch, bad)
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    importer = importer_of(window)
    qtbot.waitUntil(lambda: finished(importer), timeout=15000)
    text = importer.dialog.message.text()
    assert text.startswith("Could not import export.xml: ") and text.endswith("Nothing was stored."), text
    save_screenshot(importer.dialog, "health-import-error")
    assert obs_store.observations(controller.session) == []


CSV_ROWS = """When;Reading;What;Units
2024-03-01 08:00;72,5;weight;kg
2024-03-01 08:05;128;systolic;mmHg
2024-03-01 08:05;82;diastolic;mmHg
2024-03-02 08:00;not measured;weight;kg
2024-03-03 08:00;160;weight;lb
"""


def test_csv_through_the_mapping_dialog(qtbot, app_services, store, tmp_path, monkeypatch):
    controller, _ = app_services
    session, _ = store.create("Anna", PASSPHRASE)
    window, page = unlock(qtbot, controller, session)
    table = tmp_path / "my readings.csv"
    table.write_text(CSV_ROWS, encoding="utf-8")
    choose(monkeypatch, table)
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    importer = importer_of(window)
    qtbot.waitUntil(lambda: importer.mapping_dialog is not None and importer.mapping_dialog.isVisible(), timeout=15000)
    dialog = importer.mapping_dialog
    assert dialog.table.rowCount() == 5 and dialog.table.columnCount() == 4
    assert dialog.table.horizontalHeaderItem(1).text() == "Reading"
    assert dialog.date_box.currentText() == "— choose —" or dialog.date_box.currentText() == "When"
    for box in (dialog.date_box, dialog.value_box, dialog.kind_column_box, dialog.unit_column_box, dialog.table):
        assert box.accessibleName()

    # Keyboard only: choose each column from its box; Import stays off until the mapping is complete
    dialog.date_box.setFocus()
    qtbot.keyClicks(dialog.date_box, "When")
    assert dialog.date_box.currentText() == "When"
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.value_box, "Reading")
    assert not dialog.ok_button.isEnabled() and "what was measured" in dialog.hint.text()
    assert dialog.kind_from_column.isChecked()
    qtbot.keyClicks(dialog.kind_column_box, "What")
    assert not dialog.ok_button.isEnabled() and "unit" in dialog.hint.text()
    qtbot.keyClicks(dialog.unit_column_box, "Units")
    assert dialog.ok_button.isEnabled() and dialog.hint.text() == ""
    save_screenshot(dialog, "health-import-csv-mapping")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: finished(importer), timeout=15000)
    text = importer.dialog.message.text()
    assert text.startswith("4 new measurements from a CSV file; 1 left out: value is not a number (1)"), text
    stored = sorted((o.type, round(o.value, 1)) for o in obs_store.observations(controller.session))
    assert stored == [("diastolic_bp", 82.0), ("systolic_bp", 128.0), ("weight", 72.5), ("weight", 72.6)]
    qtbot.waitUntil(lambda: settled(page) and page.latest_value("Weight") == "72.6 kg", timeout=15000)


def test_csv_with_one_type_for_every_row(qtbot, app_services, store, tmp_path, monkeypatch):
    controller, _ = app_services
    session, _ = store.create("Anna", PASSPHRASE)
    window, page = unlock(qtbot, controller, session)
    table = tmp_path / "scale.csv"
    table.write_text("Date,Weight (lb)\n2024-03-01,160\n2024-03-08,158\n", encoding="utf-8")
    importer = importer_of(window)
    importer.import_file(table)
    qtbot.waitUntil(lambda: importer.mapping_dialog is not None, timeout=15000)
    dialog = importer.mapping_dialog
    # The importer's guess is where the dialog starts: ready to import as found
    assert dialog.wide and dialog.ok_button.isEnabled()
    dialog.wide_box.setChecked(False)  # the long form, started from the same guess
    assert dialog.value_box.currentText() == "Weight (lb)"
    assert dialog.kind_fixed.isChecked() and dialog.kind_box.currentData() == "weight"
    assert dialog.unit_fixed.isChecked() and dialog.unit_box.currentText() == "lb"
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: finished(importer), timeout=15000)
    assert importer.dialog.message.text().startswith("2 new measurements from a CSV file."), importer.dialog.message.text()


def test_ambiguous_dates_ask_for_the_date_order(qtbot, app_services, store, tmp_path):
    controller, _ = app_services
    session, _ = store.create("Anna", PASSPHRASE)
    window, page = unlock(qtbot, controller, session)
    table = tmp_path / "log.csv"
    table.write_text("date;type;value;unit\n03/04/2024;Weight;72,5;kg\n04/04/2024;Weight;72,1;kg\n", encoding="utf-8")
    importer = importer_of(window)
    importer.import_file(table)
    qtbot.waitUntil(lambda: importer.mapping_dialog is not None, timeout=15000)
    first = importer.mapping_dialog
    assert first.ok_button.isEnabled() and not first.note.isVisible()  # the guess is complete
    qtbot.mouseClick(first.ok_button, Qt.MouseButton.LeftButton)
    # The file cannot tell 3 April from 4 March: the dialog comes back and asks
    qtbot.waitUntil(lambda: importer.mapping_dialog is not None and importer.mapping_dialog is not first,
                    timeout=15000)
    again = importer.mapping_dialog
    assert again.note.text().startswith("The dates in log.csv could be day first or month first")
    assert again.kind_column_box.currentText() == "type"  # what was chosen is kept
    assert not again.ok_button.isEnabled() and "day first or month first" in again.hint.text()
    save_screenshot(again, "health-import-csv-date-order")
    again.date_order.setCurrentIndex(again.date_order.findData(True))
    assert again.ok_button.isEnabled()
    qtbot.mouseClick(again.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: finished(importer), timeout=15000)
    days = sorted(o.start.date().isoformat() for o in obs_store.observations(controller.session))
    assert days == ["2024-04-03", "2024-04-04"]


def test_closing_the_mapping_dialog_imports_nothing(qtbot, app_services, store, tmp_path):
    controller, _ = app_services
    session, _ = store.create("Anna", PASSPHRASE)
    window, page = unlock(qtbot, controller, session)
    table = tmp_path / "readings.csv"
    table.write_text(CSV_ROWS, encoding="utf-8")
    importer = importer_of(window)
    importer.import_file(table)
    qtbot.waitUntil(lambda: importer.mapping_dialog is not None, timeout=15000)
    importer.mapping_dialog.reject()
    qtbot.waitUntil(lambda: importer.mapping_dialog is None and importer.dialog is None)
    assert obs_store.observations(controller.session) == []


def drop(page, path: Path) -> None:
    from companion.ui.qt import QDropEvent, QMimeData, QPointF, QUrl

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)
    page.dropEvent(event)


def test_an_export_dropped_on_today_is_imported(qtbot, app_services, store, tmp_path, fake_now):
    controller, _ = app_services
    session, _ = store.create("Anna", PASSPHRASE)
    window, page = unlock(qtbot, controller, session)
    assert page.acceptDrops()
    export = tmp_path / "export.xml"
    generate.write_apple_health(export, 3000, seed=6)
    drop(page, export)
    importer = importer_of(window)
    qtbot.waitUntil(lambda: finished(importer), timeout=60000)
    assert importer.last_result.imported > 100
    qtbot.waitUntil(lambda: settled(page) and page.latest_value("Heart rate") is not None, timeout=15000)


def test_locking_during_an_import_stores_nothing(qtbot, app_services, store, tmp_path, monkeypatch):
    import companion.ui.health_import as module

    controller, _ = app_services
    session, _ = store.create("Anna", PASSPHRASE)
    window, page = unlock(qtbot, controller, session)
    started = threading.Event()
    real_import = module.import_health_file

    def wait_for_cancel(worker, path, **kwargs):
        started.set()
        kwargs["cancel"]._event.wait(10)  # until the lock cancels it
        return real_import(worker, path, **kwargs)

    monkeypatch.setattr(module, "import_health_file", wait_for_cancel)
    export = tmp_path / "export.xml"
    generate.write_apple_health(export, 3000, seed=7)
    importer_of(window).import_file(export)
    qtbot.waitUntil(started.is_set, timeout=10000)
    controller.lock("user")
    assert controller.main_window is None and controller.unlock_window is not None
    from companion.ui.health_import import ImportDialog
    from companion.ui.qt import QApplication

    qtbot.waitUntil(lambda: not any(isinstance(w, ImportDialog) and w.isVisible()
                                    for w in QApplication.topLevelWidgets()))
    owner = store.unlock("Anna", Secret.passphrase(PASSPHRASE))
    try:
        assert obs_store.observations(owner) == []
    finally:
        owner.close()


def test_caregiver_cannot_import(qtbot, app_services, store, tmp_path, monkeypatch):
    controller, _ = app_services
    owner, _ = store.create("Anna", PASSPHRASE)
    owner.add_caregiver(PASSPHRASE, "Maria", CAREGIVER_PASSPHRASE)
    owner.close()
    session = store.unlock("Anna", Secret.passphrase(CAREGIVER_PASSPHRASE))
    window, page = unlock(qtbot, controller, session)
    assert not page.import_button.isEnabled()
    assert not page.acceptDrops()
    export = tmp_path / "export.xml"
    generate.write_apple_health(export, 200, seed=4)
    importer_of(window).import_file(export)  # even if called, nothing happens
    assert importer_of(window).dialog is None
    assert obs_store.observations(controller.session) == []

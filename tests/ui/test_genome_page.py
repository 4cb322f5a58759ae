"""Genome page: import a generated file with progress while the UI keeps running, see the
summary card, look up a variant; cancel leaves nothing; caregivers cannot import."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

from companion.ui.qt import QTimer, Qt
from tests.conftest import PASSPHRASE
from tests.ui.conftest import save_screenshot

generate = pytest.importorskip("tests.unit.genome.generate")

# rs4244285 (CYP2C19*2) at its GRCh37 position, appended so the lookup has a knowledge-base hit.
KB_ROW = "rs4244285\t10\t96541616\tAG\n"


def generated_file(tmp_path: Path, markers: int = 30_000) -> Path:
    path = tmp_path / "genome_Test_v5_Full_20200106101112.txt"
    generate.write_23andme(path, markers, seed=7, sex="female")
    with path.open("a") as handle:
        handle.write(KB_ROW)
    return path


def hold_import_until_cancelled(monkeypatch) -> threading.Event:
    """Make the page's import wait for its cancel token; the event says it has started."""
    import companion.ui.pages.genome_page as page_module

    started = threading.Event()
    real_import = page_module.import_genome

    def wait_for_cancel(session, file_path, **kwargs):
        started.set()
        kwargs["cancel"]._event.wait(10)  # until Cancel is pressed or the app locks
        return real_import(session, file_path, **kwargs)

    monkeypatch.setattr(page_module, "import_genome", wait_for_cancel)
    return started


def open_genome_page(qtbot, controller, store, name="Anna"):
    session, _ = store.create(name, PASSPHRASE)
    controller._session_ready(session)
    qtbot.waitUntil(lambda: controller.main_window is not None)
    return controller.main_window.show_page("Genome")


def test_import_with_progress_while_ui_runs_then_lookup(qtbot, app_services, store, tmp_path, monkeypatch):
    import companion.ui.pages.genome_page as page_module

    controller, _ = app_services
    page = open_genome_page(qtbot, controller, store)
    path = generated_file(tmp_path)
    main_thread = threading.get_ident()
    seen = {}
    ui_ticked = threading.Event()
    real_import = page_module.import_genome

    def observed_import(session, file_path, **kwargs):
        seen["thread"] = threading.get_ident()
        # The import waits until the main thread's event loop has run a timer: proof that
        # the UI thread is free while the import works.
        assert ui_ticked.wait(10), "the UI thread did not run while importing"
        return real_import(session, file_path, **kwargs)

    monkeypatch.setattr(page_module, "import_genome", observed_import)
    progress_values: list[int] = []
    page.progress.valueChanged.connect(progress_values.append)
    page.import_file(path)
    assert page.progress.isVisible() and page.cancel_button.isVisible()
    QTimer.singleShot(20, ui_ticked.set)
    qtbot.waitUntil(lambda: not page.progress.isVisible(), timeout=60000)
    assert seen["thread"] != main_thread
    assert progress_values, "progress was reported"
    assert "Imported 23andMe" in page.status.text()
    titles = page.card_titles()
    assert titles == ["23andMe  (primary)"]
    qtbot.wait(100)  # let the layout settle before the picture
    save_screenshot(controller.main_window, "genome-page-imported")

    # lookup by rsID: the knowledge-base row
    qtbot.keyClicks(page.lookup_field, "rs4244285")
    qtbot.keyClick(page.lookup_field, Qt.Key.Key_Return)
    assert page.results.rowCount() == 1
    assert page.results.item(0, 2).text() == "A/G"
    assert "CYP2C19" in page.results.item(0, 3).text()
    # lookup by gene
    page.lookup_field.setText("cyp2c19")
    page.look_up()
    assert page.results.rowCount() >= 1
    assert "CYP2C19" in page.lookup_note.text()
    qtbot.wait(100)
    save_screenshot(controller.main_window, "genome-page-lookup")
    # an rsID the file does not have
    page.lookup_field.setText("rs1")
    page.look_up()
    assert page.results.item(0, 2).text() == "not in your file"

    # the same file again adds nothing
    page.import_file(path)
    qtbot.waitUntil(lambda: not page.progress.isVisible(), timeout=60000)
    assert "imported before" in page.status.text()
    assert len(page.card_titles()) == 1


def test_bad_file_message_and_nothing_stored(qtbot, app_services, store, tmp_path):
    controller, _ = app_services
    page = open_genome_page(qtbot, controller, store)
    bad = tmp_path / "holiday.txt"
    bad.write_text("Dear diary, today we went to the beach.\n" * 20)
    page.import_file(bad)
    qtbot.waitUntil(lambda: not page.progress.isVisible(), timeout=30000)
    assert "holiday.txt" in page.status.text() and "Nothing was stored" in page.status.text()
    assert page.card_titles() == []


def test_cancel_stores_nothing(qtbot, app_services, store, tmp_path, monkeypatch):
    controller, _ = app_services
    page = open_genome_page(qtbot, controller, store)
    path = generated_file(tmp_path, markers=60_000)
    started = hold_import_until_cancelled(monkeypatch)
    page.import_file(path)
    assert started.wait(10)
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.progress.isVisible(), timeout=30000)
    assert "cancelled" in page.status.text().lower()
    assert page.card_titles() == []


def test_caregiver_cannot_import(qtbot, app_services, store):
    from companion.vault.secrets_input import Secret

    controller, _ = app_services
    owner, _ = store.create("Anna", PASSPHRASE)
    owner.add_caregiver(PASSPHRASE, "Maria", "violet kettle mountain harbour")
    owner.close()
    session = store.unlock("Anna", Secret.passphrase("violet kettle mountain harbour"))
    controller._session_ready(session)
    qtbot.waitUntil(lambda: controller.main_window is not None)
    page = controller.main_window.show_page("Genome")
    assert not page.import_button.isEnabled()
    assert not page.acceptDrops()


def test_drag_and_drop_imports(qtbot, app_services, store, tmp_path):
    from PySide6.QtCore import QMimeData, QPoint, QPointF, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent

    from companion.ui.qt import QApplication

    controller, _ = app_services
    page = open_genome_page(qtbot, controller, store)
    path = generated_file(tmp_path, markers=5_000)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(page, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(page, drop)
    qtbot.waitUntil(lambda: page.card_titles() == ["23andMe  (primary)"], timeout=30000)

    # two files at once are not accepted
    mime2 = QMimeData()
    mime2.setUrls([QUrl.fromLocalFile(str(path)), QUrl.fromLocalFile(str(path))])
    enter2 = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime2, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    enter2.setAccepted(False)
    QApplication.sendEvent(page, enter2)
    assert not enter2.isAccepted()


def test_lock_during_import_abandons_it_quietly(qtbot, app_services, store, tmp_path, monkeypatch):
    from companion.genome.store import list_genomes
    from companion.vault.secrets_input import Secret

    controller, _ = app_services
    page = open_genome_page(qtbot, controller, store)
    path = generated_file(tmp_path, markers=20_000)
    started = hold_import_until_cancelled(monkeypatch)
    page.import_file(path)
    assert started.wait(10)
    controller.lock("idle")  # must not call back into the page being torn down
    qtbot.wait(200)
    assert controller.session is None and controller.unlock_window is not None
    session = store.unlock("Anna", Secret.passphrase(PASSPHRASE))
    try:
        assert list_genomes(session) == []  # the cancelled import left nothing
    finally:
        session.close()

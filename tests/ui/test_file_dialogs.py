"""SECURITY §2.7: using the file dialog leaves no file or folder name in Qt's settings.

(Accepting a file in Qt's non-native dialog offscreen does not close it, so the test browses to
a private folder and closes the dialog; Qt saves its history and last folder either way.)"""
from __future__ import annotations

from pathlib import Path

from companion.ui.qt import QApplication, QFileDialog, QTimer


def test_choose_file_leaves_no_history(qtbot, sandbox: Path):
    from companion.ui.app import make_application
    from companion.ui.file_dialogs import choose_file_to_open

    make_application([])
    secret_dir = sandbox / "home" / "SecretFolderName"
    secret_dir.mkdir(parents=True)
    target = secret_dir / "genome_Private_Person.txt"
    target.write_text("# rsid\tchromosome\tposition\tgenotype\n")

    # Qt's widget dialog keeps "FileDialog/history" and "lastVisited" in QtProject.conf; seed
    # them as an earlier use would have left them.
    from companion.ui.qt import QSettings

    seeded = QSettings("QtProject")
    seeded.setValue("FileDialog/history", [str(secret_dir)])
    seeded.setValue("FileDialog/lastVisited", str(secret_dir))
    seeded.sync()
    assert any(b"SecretFolderName" in p.read_bytes() for p in sandbox.rglob("QtProject.conf"))

    def pick():
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QFileDialog) and w.isVisible()]
        if not dialogs:
            QTimer.singleShot(50, pick)
            return
        # Browse into the private folder (what Qt would remember), then close the dialog.
        dialogs[0].setDirectory(str(secret_dir))
        dialogs[0].selectFile(target.name)
        dialogs[0].reject()

    QTimer.singleShot(50, pick)
    chosen = choose_file_to_open(None, "Choose", ["All files (*)"])
    assert chosen is None
    leftovers = []
    for path in sandbox.rglob("*"):
        if path.is_file() and path != target:
            data = path.read_bytes()
            if b"SecretFolderName" in data or b"genome_Private_Person" in data:
                leftovers.append(path)
    assert leftovers == []

"""File choosers that leave no trace of what was opened (SECURITY §2.7).

Qt's own file dialog remembers recent folders and files in ``QtProject.conf``; a genome file's
name and folder would then sit in plaintext in the user's config. We use a dialog instance
with an empty history and remove Qt's ``FileDialog`` state after every use.
"""
from __future__ import annotations

from pathlib import Path

from companion.ui.qt import QFileDialog, QSettings, QWidget


def forget_file_dialog_state() -> None:
    settings = QSettings("QtProject")
    settings.remove("FileDialog")
    settings.sync()


def choose_file_to_open(parent: QWidget | None, title: str, name_filters: list[str]) -> Path | None:
    dialog = QFileDialog(parent, title)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)  # native dialogs add to OS recents
    return _chosen(dialog, name_filters)


def choose_file_to_save(parent: QWidget | None, title: str, suggested_name: str, name_filters: list[str]) -> Path | None:
    """A save chooser with the same no-trace rules; starts in the home folder with a suggested name."""
    dialog = QFileDialog(parent, title)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    return _chosen(dialog, name_filters, suggested_name)


def _chosen(dialog: QFileDialog, name_filters: list[str], suggested_name: str = "") -> Path | None:
    """Run a chooser that starts at home, keeps no history and leaves no Qt state behind."""
    dialog.setNameFilters(name_filters)
    dialog.setHistory([])
    dialog.setDirectory(str(Path.home()))
    if suggested_name:
        dialog.selectFile(suggested_name)
    try:
        if dialog.exec() != QFileDialog.DialogCode.Accepted:
            return None
        files = dialog.selectedFiles()
        return Path(files[0]) if files else None
    finally:
        dialog.setHistory([])
        dialog.deleteLater()
        forget_file_dialog_state()

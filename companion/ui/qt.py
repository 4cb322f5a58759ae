"""The one place that imports PySide6; the rest of the UI imports Qt names from here.

Names resolve on first use (PEP 562): PySide6 creates each class's type object when it is
first taken from its module, and taking all of them up front cost ~40 ms of cold start
(bench/run.py). The unlock window touches only the names it needs.
"""
from __future__ import annotations

import importlib
from typing import Any

import PySide6

MIN_QT = (6, 5)
_version = tuple(int(p) for p in PySide6.__version__.split(".")[:2])
if _version < MIN_QT:
    raise ImportError(f"Health Companion needs PySide6 {MIN_QT[0]}.{MIN_QT[1]} or newer")

_NAMES: dict[str, str] = {
    "QLocalServer": "QtNetwork",
    "QLocalSocket": "QtNetwork",
    "QByteArray": "QtCore",
    "QDate": "QtCore",
    "QDateTime": "QtCore",
    "QEvent": "QtCore",
    "QLockFile": "QtCore",
    "QMimeData": "QtCore",
    "QPointF": "QtCore",
    "QUrl": "QtCore",
    "QObject": "QtCore",
    "QRunnable": "QtCore",
    "QSettings": "QtCore",
    "QSize": "QtCore",
    "QStringListModel": "QtCore",
    "Qt": "QtCore",
    "QThreadPool": "QtCore",
    "QTimer": "QtCore",
    "Signal": "QtCore",
    "Slot": "QtCore",
    "QDragEnterEvent": "QtGui",
    "QDropEvent": "QtGui",
    "QAction": "QtGui",
    "QCloseEvent": "QtGui",
    "QFont": "QtGui",
    "QFontDatabase": "QtGui",
    "QGuiApplication": "QtGui",
    "QIcon": "QtGui",
    "QKeyEvent": "QtGui",
    "QKeySequence": "QtGui",
    "QPalette": "QtGui",
    "QPixmap": "QtGui",
    "QShowEvent": "QtGui",
    "QAbstractItemView": "QtWidgets",
    "QApplication": "QtWidgets",
    "QButtonGroup": "QtWidgets",
    "QCheckBox": "QtWidgets",
    "QComboBox": "QtWidgets",
    "QCompleter": "QtWidgets",
    "QDateEdit": "QtWidgets",
    "QDateTimeEdit": "QtWidgets",
    "QDialog": "QtWidgets",
    "QDialogButtonBox": "QtWidgets",
    "QDoubleSpinBox": "QtWidgets",
    "QFileDialog": "QtWidgets",
    "QInputDialog": "QtWidgets",
    "QFormLayout": "QtWidgets",
    "QFrame": "QtWidgets",
    "QGridLayout": "QtWidgets",
    "QGroupBox": "QtWidgets",
    "QHBoxLayout": "QtWidgets",
    "QLabel": "QtWidgets",
    "QLineEdit": "QtWidgets",
    "QListWidget": "QtWidgets",
    "QListWidgetItem": "QtWidgets",
    "QMainWindow": "QtWidgets",
    "QMessageBox": "QtWidgets",
    "QProgressBar": "QtWidgets",
    "QProgressDialog": "QtWidgets",
    "QPushButton": "QtWidgets",
    "QRadioButton": "QtWidgets",
    "QScrollArea": "QtWidgets",
    "QSizePolicy": "QtWidgets",
    "QSlider": "QtWidgets",
    "QSpinBox": "QtWidgets",
    "QStackedWidget": "QtWidgets",
    "QStatusBar": "QtWidgets",
    "QTableWidget": "QtWidgets",
    "QTableWidgetItem": "QtWidgets",
    "QToolButton": "QtWidgets",
    "QVBoxLayout": "QtWidgets",
    "QWidget": "QtWidgets",
}

__all__ = sorted(_NAMES)


def __getattr__(name: str) -> Any:
    module = _NAMES.get(name)
    if module is None:
        raise AttributeError(f"companion.ui.qt has no Qt name {name!r}; add it to _NAMES")
    value = getattr(importlib.import_module(f"PySide6.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__

"""The main window: sidebar, pages, status bar and the Lock action. It only wires pages."""
from __future__ import annotations

import base64

from companion import APP_NAME
from companion.settings import WINDOW_GEOMETRY, Settings
from companion.ui import messages
from companion.ui.qt import (
    QAction,
    QByteArray,
    QCloseEvent,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QListWidget,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)


class MainWindow(QMainWindow):
    lock_did_request = Signal()
    quit_did_request = Signal()

    def __init__(self, nickname: str, read_only: bool, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(f"{APP_NAME} — {nickname}")
        self.setMinimumSize(760, 520)
        self.pages: list[QWidget] = []

        self.sidebar = QListWidget()
        self.sidebar.setAccessibleName("Sections")
        self.sidebar.setFixedWidth(200)
        self.sidebar.setStyleSheet("QListWidget { font-size: 13pt; } QListWidget::item { padding: 8px 6px; }")
        self.sidebar.currentRowChanged.connect(self._show_page)
        self.stack = QStackedWidget()
        self.lock_button = QPushButton("Lock  (Ctrl+L)")
        self.lock_button.setToolTip("Close and encrypt your record now")
        self.lock_button.clicked.connect(self.lock_did_request.emit)
        side = QVBoxLayout()
        side.addWidget(self.sidebar, 1)
        side.addWidget(self.lock_button)
        content = QWidget()
        row = QHBoxLayout(content)
        row.addLayout(side)
        main_column = QVBoxLayout()
        if read_only:
            banner = QLabel(messages.READ_ONLY_BANNER)
            banner.setObjectName("readOnlyBanner")
            banner.setStyleSheet(
                "padding: 8px; font-weight: bold; border-radius: 4px;"
                "background: palette(highlight); color: palette(highlighted-text);"
            )
            main_column.addWidget(banner)
        main_column.addWidget(self.stack, 1)
        row.addLayout(main_column, 1)
        self.content = content
        self.blank = QWidget()  # shown first when locking, so previews show nothing
        self.central = QStackedWidget()
        self.central.addWidget(content)
        self.central.addWidget(self.blank)
        self.setCentralWidget(self.central)

        self.lock_action = QAction("&Lock", self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock_did_request.emit)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.quit_did_request.emit)
        menu = self.menuBar().addMenu("&Profile")
        menu.addAction(self.lock_action)
        menu.addSeparator()
        menu.addAction(quit_action)

        self.profile_status = QLabel(f"{nickname} — unlocked" + (" (read-only caregiver access)" if read_only else ""))
        self.lock_status = QLabel("")
        self.statusBar().addWidget(self.profile_status, 1)
        self.statusBar().addPermanentWidget(self.lock_status)
        self._restore_geometry()

    def add_page(self, page: QWidget) -> None:
        self.pages.append(page)
        self.stack.addWidget(page)
        self.sidebar.addItem(str(getattr(page, "title", "Page")))
        if self.sidebar.currentRow() < 0:
            self.sidebar.setCurrentRow(0)

    def page(self, title: str) -> QWidget:
        for page in self.pages:
            if getattr(page, "title", None) == title:
                return page
        raise KeyError(title)

    def show_page(self, title: str) -> QWidget:
        page = self.page(title)
        self.sidebar.setCurrentRow(self.pages.index(page))
        return page

    def _show_page(self, row: int) -> None:
        if 0 <= row < self.stack.count():
            self.stack.setCurrentIndex(row)

    def show_auto_lock(self, minutes: int) -> None:
        self.lock_status.setText(f"Locks after {minutes} idle minutes")

    def blank_out(self) -> None:
        self.central.setCurrentWidget(self.blank)
        self.repaint()

    def clear_pages(self) -> None:
        for page in self.pages:
            clear = getattr(page, "clear", None)
            if callable(clear):
                clear()

    def _restore_geometry(self) -> None:
        stored = self.settings.get(WINDOW_GEOMETRY)
        if stored:
            try:
                self.restoreGeometry(QByteArray(base64.b64decode(stored)))
                return
            except ValueError:
                pass
        self.resize(980, 680)

    def save_geometry(self) -> None:
        self.settings.set(WINDOW_GEOMETRY, base64.b64encode(bytes(self.saveGeometry().data())).decode("ascii"))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt naming
        self.save_geometry()
        self.quit_did_request.emit()
        event.accept()

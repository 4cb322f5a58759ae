"""Today: the home page after unlock. A quick entry bar (and a form), the latest values, goal
progress, what needs attention, and one trend chart at a time. Everything shown is read in the
background (``companion.lifestyle.today.load_today``); saving one entry is a small write here."""
from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from companion.errors import CompanionError
from companion.lifestyle import store
from companion.lifestyle import types as types_
from companion.lifestyle.quick_entry import BLOOD_PRESSURE, QuickEntry
from companion.lifestyle.today import GoalProgress, TodayData, load_today
from companion.lifestyle.ranges import band_needs
from companion.lifestyle.trends import CHARTS, GoalLine, TrendInput
from companion.ui import lifestyle_messages as words
from companion.ui.goal_dialog import GoalsDialog, open_goals
from companion.ui.pages.background_load import BackgroundLoad, undo_on_ctrl_z
from companion.ui.qt import (
    QComboBox,
    QDragEnterEvent,
    QDropEvent,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QKeyEvent,
    QLabel,
    QProgressBar,
    QPushButton,
    QShowEvent,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from companion.ui.tasks import CancelToken, TaskRunner
from companion.ui.undo import UndoStack, undo_in_words
from companion.ui.widgets.quick_entry import EntryForm, QuickEntryBar
from companion.ui.widgets.page_scroll import page_scroll
from companion.ui.widgets.text import heading, paragraph
from companion.vault.session import VaultSession

if TYPE_CHECKING:
    from companion.ui.widgets.trend_chart import TrendChart


def local_now() -> datetime:
    return datetime.now().astimezone()


def when_words(moment: datetime, now: datetime) -> str:
    local = moment.astimezone(now.tzinfo)
    days = (now.date() - local.date()).days
    clock = local.strftime("%H:%M")
    if days == 0:
        return f"today {clock}"
    if days == 1:
        return f"yesterday {clock}"
    if 1 < days < 7:
        return local.strftime("%A ") + clock
    return local.strftime("%d %b %Y")


def save_entry(session: Any, entry: QuickEntry, now: datetime) -> list[Any]:
    """Store a typed entry; the observations made (two for a blood pressure)."""
    if entry.kind == BLOOD_PRESSURE:
        systolic, diastolic = entry.values
        return list(store.add_blood_pressure(session, float(systolic), float(diastolic), entry.unit or "mmHg", entry.at, now=now))
    unit = entry.unit or types_.get(entry.kind).unit  # "steps 8000": the type's own unit
    return [store.add(session, entry.kind, entry.values[0], unit, entry.at, now=now)]


class TodayPage(QWidget):
    title = "Today"
    observations_did_change = Signal()  # a typed entry was saved or undone

    def __init__(
        self,
        session: VaultSession,
        tasks: TaskRunner,
        undo: UndoStack,
        now: Callable[[], datetime] = local_now,
        start_import: Callable[[], None] | None = None,
        drop_import: Callable[[Path], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.tasks, self.undo_stack, self.now = session, tasks, undo, now
        self.data: TodayData | None = None
        self.loader = BackgroundLoad(self, tasks, self.load)

        self.heading = heading(words.TODAY_TITLE)
        self.entry_bar = QuickEntryBar(now)
        self.entry_bar.entry_did_request.connect(self.save)
        self.entry_bar.undo_did_request.connect(self.undo)
        self.entry_form = EntryForm(now)
        self.entry_form.entry_did_request.connect(self.save)
        self.entry_form.entry_did_fail.connect(self.entry_bar.show_error)
        self.entry_form.hide()
        self.entry_bar.form_button.toggled.connect(self.entry_form.setVisible)
        # A hook, not a feature yet: the importers' dialog is wired by the controller when it lands.
        self.import_button = QPushButton(words.IMPORT_BUTTON)
        self.import_button.setVisible(start_import is not None)
        if start_import is not None:
            self.import_button.clicked.connect(start_import)
        self.drop_import = None if session.read_only else drop_import
        self.setAcceptDrops(self.drop_import is not None)  # an export dropped on the page is imported
        if session.read_only:
            self.entry_bar.set_read_only(words.READ_ONLY)
            self.import_button.setEnabled(False)

        self.latest_box = QGroupBox(words.LATEST_TITLE)
        self.latest_grid = QGridLayout(self.latest_box)
        self.goals_box = QGroupBox(words.GOALS_TITLE)
        self.goals_layout = QVBoxLayout()
        self.goals_button = QPushButton(words.GOALS_BUTTON)
        self.goals_button.setEnabled(not session.read_only)
        self.goals_button.clicked.connect(self.edit_goals)
        self.goals_dialog: GoalsDialog | None = None
        goals_outer = QVBoxLayout(self.goals_box)
        goals_outer.addLayout(self.goals_layout)
        goals_outer.addWidget(self.goals_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.attention_box = QGroupBox(words.ATTENTION_TITLE)
        self.attention_layout = QVBoxLayout(self.attention_box)

        self.chart_box = QGroupBox(words.TRENDS_TITLE)
        self.measure_box = QComboBox()
        self.measure_box.setAccessibleName("Which measurement to chart")
        for spec in CHARTS.values():
            self.measure_box.addItem(spec.title, spec.key)
        self.measure_box.currentIndexChanged.connect(self.show_chart)
        # Made when the first data arrives: matplotlib takes ~0.4 s to import, done by the loader's
        # worker thread so that neither unlock nor the first paint waits for it.
        self.chart: TrendChart | None = None
        self.chart_holder = QVBoxLayout()
        self.chart_summary = paragraph("")
        self.chart_summary.setAccessibleName("Chart summary")
        font = self.chart_summary.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.chart_summary.setFont(font)
        self.chart_note = paragraph("")
        self.chart_note.setStyleSheet("color: palette(placeholder-text);")
        self.chart_note.hide()
        chart_top = QHBoxLayout()
        chart_top.addWidget(QLabel("Chart:"))
        chart_top.addWidget(self.measure_box)
        chart_top.addStretch(1)
        chart_layout = QVBoxLayout(self.chart_box)
        chart_layout.addLayout(chart_top)
        chart_layout.addWidget(self.chart_summary)
        chart_layout.addWidget(self.chart_note)
        chart_layout.addLayout(self.chart_holder, 1)

        self.status = paragraph("")
        self.status.setAccessibleName("Page status")
        self.status.hide()

        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(self.heading)
        column.addWidget(self.entry_bar)
        column.addWidget(self.entry_form)
        column.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.status)
        boxes = QHBoxLayout()
        boxes.addWidget(self.latest_box, 1)
        boxes.addWidget(self.goals_box, 1)
        column.addLayout(boxes)
        column.addWidget(self.attention_box)
        column.addWidget(self.chart_box, 1)
        scroll = page_scroll(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        undo.stack_did_change.connect(self._undo_changed)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt naming
        if not undo_on_ctrl_z(event, self.undo):
            super().keyPressEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt naming
        urls = event.mimeData().urls()
        if self.drop_import is not None and len(urls) == 1 and urls[0].isLocalFile():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt naming
        urls = event.mimeData().urls()
        if self.drop_import is not None and len(urls) == 1 and urls[0].isLocalFile():
            event.acceptProposedAction()
            self.drop_import(Path(urls[0].toLocalFile()))

    # ---- loading -------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        self.loader.shown()
        self.entry_bar.field.setFocus()

    def refresh(self) -> None:
        """The data changed elsewhere (an import, the Measurements page): load again."""
        self.loader.refresh()

    def load(self) -> None:
        parent, now = self.session, self.now()

        def work(progress: Any, cancel: CancelToken) -> TodayData:
            importlib.import_module("companion.ui.widgets.trend_chart")  # matplotlib's import, here off the UI thread

            worker = parent.spawn_worker()  # its own connection in this thread (DESIGN §7)
            try:
                return load_today(worker, now)
            finally:
                worker.close()

        self.loader.start(work, self._loaded, self._failed)

    @property
    def loading_now(self) -> bool:
        return self.loader.running

    def _loaded(self, data: TodayData) -> None:
        self.data = data
        self.heading.setText(words.TODAY_TITLE + " — " + data.today.strftime("%A %d %B %Y"))
        self.status.setText("" if data.has_readings else words.FIRST_USE)
        self.status.setVisible(not data.has_readings)
        self._show_latest(data)
        self._show_goals(data.progress)
        self._show_attention(data)
        self.show_chart()

    def _failed(self, exc: BaseException) -> None:
        self.status.show()
        self.status.setText(words.LOAD_FAILED.format(reason=str(exc) if isinstance(exc, CompanionError) else type(exc).__name__))

    def _show_latest(self, data: TodayData) -> None:
        _drop_widgets(self.latest_grid)
        if not data.latest:
            self.latest_grid.addWidget(paragraph(words.NO_LATEST), 0, 0)
            return
        now = self.now()
        for row, item in enumerate(data.latest):
            name = QLabel(item.label)
            value = QLabel(item.value)
            value.setAccessibleName(f"Latest {item.label.lower()}")
            value.setStyleSheet("font-weight: bold;")
            where = QLabel(f"{when_words(item.at, now)} · {words.source_words(item.source)}")
            where.setStyleSheet("color: palette(placeholder-text);")
            where.setWordWrap(True)  # "today 00:55 · from Apple Health" must never be cut off
            self.latest_grid.addWidget(name, row, 0)
            self.latest_grid.addWidget(value, row, 1)
            self.latest_grid.addWidget(where, row, 2)
        self.latest_grid.setColumnStretch(2, 1)

    def latest_value(self, label: str) -> str | None:
        """The value on screen for a type ("Blood pressure"): shown, not only made."""
        for row in range(self.latest_grid.rowCount()):
            name = self.latest_grid.itemAtPosition(row, 0)
            value = self.latest_grid.itemAtPosition(row, 1)
            if name and value and isinstance(name.widget(), QLabel) and name.widget().text() == label:
                return str(value.widget().text()) if value.widget().isVisible() else None
        return None

    def _show_goals(self, progress: tuple[GoalProgress, ...]) -> None:
        _drop_widgets(self.goals_layout)
        if not progress:
            self.goals_layout.addWidget(paragraph(words.NO_GOALS))
        for item in progress:
            title = QLabel(item.title)
            title.setStyleSheet("font-weight: bold;")
            self.goals_layout.addWidget(title)
            if item.fraction is not None:
                bar = QProgressBar()
                bar.setRange(0, 100)
                bar.setValue(round(item.fraction * 100))
                bar.setAccessibleName(item.title)
                bar.setFormat("%p%")
                self.goals_layout.addWidget(bar)
            status = paragraph(("✓ " if item.met else "") + item.status)
            status.setAccessibleName(f"Progress: {item.title}")
            self.goals_layout.addWidget(status)

    def goal_texts(self) -> list[str]:
        return [w.text() for w in _labels(self.goals_layout) if w.isVisible()]

    def _show_attention(self, data: TodayData) -> None:
        _drop_widgets(self.attention_layout)
        if not data.attention:
            self.attention_layout.addWidget(paragraph(words.NOTHING if data.has_readings else words.NOTHING_YET))
        for item in data.attention:
            label = paragraph(("⚠ " if item.urgent else "• ") + item.text)
            if item.urgent:
                label.setStyleSheet("font-weight: bold;")
            self.attention_layout.addWidget(label)

    def attention_texts(self) -> list[str]:
        return [w.text() for w in _labels(self.attention_layout) if w.isVisible()]

    # ---- chart ---------------------------------------------------------------------------
    def show_chart(self, *_: object) -> None:
        data = self.data
        if data is None:
            return
        if self.chart is None:
            from companion.ui.widgets.trend_chart import TrendChart

            self.chart = TrendChart()
            self.chart.setMinimumHeight(380)
            self.chart_holder.addWidget(self.chart)
        spec = CHARTS[str(self.measure_box.currentData())]
        goals = [
            GoalLine(g.type, g.value, words.goal_line_label(g, types_.get(g.type).unit or ""))
            for g in data.goals
            if g.type in spec.kinds
        ]
        self.chart.show_input(
            TrendInput(spec, {k: data.day_values.get(k, {}) for k in spec.kinds}, data.person, tuple(goals), data.markers, data.today)
        )
        self.chart_summary.setText(self.chart.chart.summary if self.chart.chart else "")
        needs = {band_needs(kind, data.person) for kind in spec.kinds} - {None}
        note = words.NEEDS_AGE if "age" in needs else words.NEEDS_HEIGHT if "height" in needs else ""
        self.chart_note.setText(note)
        self.chart_note.setVisible(bool(note))

    def choose_chart(self, key: str) -> None:
        self.measure_box.setCurrentIndex(self.measure_box.findData(key))

    # ---- entries -------------------------------------------------------------------------
    def save(self, entry: QuickEntry) -> None:
        if self.session.read_only:
            return
        try:
            saved = save_entry(self.session, entry, self.now())
        except CompanionError as exc:
            self.entry_bar.show_error(words.not_saved(exc))
            return
        said = entry.words()
        ids = [obs.id for obs in saved]
        session = self.session
        self.undo_stack.push(words.ADDED.format(what=said), lambda: [store.delete(session, i) for i in ids])
        self.entry_bar.show_saved(words.SAVED.format(what=said, when=when_words(saved[0].start, self.now())), True)
        self.entry_form.clear()
        if saved[0].type in ("systolic_bp", "diastolic_bp"):
            self.choose_chart("blood_pressure")
        else:
            for key, spec in CHARTS.items():
                if saved[0].type in spec.kinds:
                    self.choose_chart(key)
        self.observations_did_change.emit()
        self.refresh()

    def undo(self) -> None:
        if self.session.read_only:
            return
        outcome = undo_in_words(self.undo_stack)
        if outcome.failed:
            self.entry_bar.show_error(outcome.text)
            return
        self.entry_bar.show_saved(outcome.text, False, clear_field=False)
        if not outcome.undone:
            return
        self.observations_did_change.emit()
        self.refresh()

    def _undo_changed(self) -> None:
        if self.undo_stack.top is None:
            self.entry_bar.undo_button.hide()

    def edit_goals(self) -> GoalsDialog:
        self.goals_dialog = open_goals(self.session, self.undo_stack, self, self.refresh)
        return self.goals_dialog

    # ---- lock ----------------------------------------------------------------------------
    def clear(self) -> None:
        self.loader.stop()
        self.data = None
        self.goals_dialog = None  # the lock procedure has closed it
        self.undo_stack.clear()
        self.entry_bar.clear()
        self.entry_form.clear()
        if self.chart is not None:
            self.chart.clear()
        self.chart_summary.clear()
        self.chart_note.clear()
        self.status.clear()
        self.status.hide()
        self.heading.setText(words.TODAY_TITLE)
        for layout in (self.latest_grid, self.goals_layout, self.attention_layout):
            _drop_widgets(layout)


def _drop_widgets(layout: Any) -> None:
    while layout.count():
        widget = layout.takeAt(0).widget()
        if widget is not None:
            widget.hide()  # gone now, not at the next event-loop turn
            widget.deleteLater()


def _labels(layout: Any) -> list[QLabel]:
    found = []
    for index in range(layout.count()):
        widget = layout.itemAt(index).widget()
        if isinstance(widget, QLabel):
            found.append(widget)
    return found

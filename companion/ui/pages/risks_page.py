"""Risks page: the clinical risk calculators (``companion.risk``) on the person's own numbers.

A chooser of calculators; the inputs, filled from the profile and the log (read in the
background by ``companion.services.risk.form_for``) and editable in place, each with where and
when it comes from; the result as a number, a category and an icon array of 100 people beside
the same person with optimal risk factors; the plain-language explanation; a what-if panel that
never changes the person's numbers; and a place kept for genetic findings.

Working a result out (``evaluate``) is pure and takes a few milliseconds, so it runs here on the
UI thread, 150 ms after the last keystroke.

This module holds the page itself: its layout, loading, the flow from an edit to the result and
the what-if line, and the small label helpers only it uses. The input editors are in
``companion.ui.widgets.risk_inputs`` and the what-if controls in ``companion.ui.widgets.what_if``.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from companion import risk
from companion.errors import CompanionError
from companion.risk.inputs import KEYS, bmi
from companion.services import risk as service
from companion.ui import risk_messages as words
from companion.ui.pages.background_load import BackgroundLoad
from companion.ui.qt import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QShowEvent,
    QStackedWidget,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from companion.ui.tasks import CancelToken, TaskRunner
from companion.ui.widgets.icon_array import WIDTH as ARRAY_WIDTH
from companion.ui.widgets.icon_array import IconArray
from companion.ui.widgets.risk_inputs import FieldEditor, NumberEditor, is_answer, make_editor
from companion.ui.widgets.page_scroll import page_scroll
from companion.ui.widgets.text import heading, paragraph, set_description, set_enabled, set_text
from companion.ui.widgets.what_if import WhatIfControl
from companion.vault.session import VaultSession

DEBOUNCE_MS = 150
READING_PT = 11.5  # explanations and notes: never smaller than 11 pt for older eyes


def load_forms(session: Any, today: date) -> dict[str, Any]:
    """Runs in the thread pool, on the worker session's own connection (DESIGN §7)."""
    worker = session.spawn_worker()
    try:
        return {name: service.form_for(worker, name, today) for name in risk.NAMES}
    finally:
        worker.close()


# Shown from the fields above them while both are given (the service works them out again from
# those, so typing over them would be ignored): key → (its parts, what the note says).
DERIVED: dict[str, tuple[tuple[str, str], Callable[[float, float], float]]] = {
    "bmi_kg_m2": (("weight_kg", "height_cm"), lambda weight, height: bmi(weight, height)),
    "cholesterol_hdl_ratio": (("total_cholesterol_mg_dl", "hdl_cholesterol_mg_dl"), lambda total, hdl: total / hdl),
}


# ---- the page --------------------------------------------------------------------------------
class RisksPage(QWidget):
    title = words.TITLE

    def __init__(
        self,
        session: VaultSession,
        tasks: TaskRunner,
        today: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.tasks, self.today = session, tasks, today
        self.forms: dict[str, Any] | None = None
        self.name: str = risk.NAMES[0]
        self.edits: dict[str, Any] = {}  # what the person changed here, shared by the calculators
        self.units: dict[str, str] = {}  # the unit chosen for cholesterol / creatinine
        self.editors: dict[str, FieldEditor] = {}
        self.notes: dict[str, QLabel] = {}
        self.evaluation: Any = None
        self.what_if_evaluation: Any = None
        self.what_if_controls: dict[str, WhatIfControl] = {}
        self.loader = BackgroundLoad(self, tasks, self.load)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.recompute)

        # -- loading / failed ---------------------------------------------------------------
        self.loading = QWidget()
        busy = QProgressBar()
        busy.setRange(0, 0)
        busy.setAccessibleName("Working")
        busy.setMaximumWidth(360)
        loading_layout = QVBoxLayout(self.loading)
        loading_layout.addWidget(paragraph(words.LOADING))
        loading_layout.addWidget(busy)
        loading_layout.addStretch(1)
        self.failure = QWidget()
        self.failure_label = paragraph("")
        self.failure_label.setAccessibleName("Problem")
        retry = QPushButton(words.TRY_AGAIN)
        retry.clicked.connect(self.load)
        failure_layout = QVBoxLayout(self.failure)
        failure_layout.addWidget(self.failure_label)
        failure_layout.addWidget(retry, 0, Qt.AlignmentFlag.AlignLeft)
        failure_layout.addStretch(1)

        # -- chooser ------------------------------------------------------------------------
        self.chooser = QListWidget()
        self.chooser.setAccessibleName(words.CHOOSER_NAME)
        self.chooser.setAccessibleDescription(words.CHOOSER_HINT)
        self.chooser.setWordWrap(True)
        self.chooser.setFixedWidth(210)
        self.chooser.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.chooser.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.chooser.setStyleSheet("QListWidget { font-size: 11.5pt; } QListWidget::item { padding: 6px 4px; }")
        self.chooser.currentRowChanged.connect(self._chosen)

        # -- the inputs ---------------------------------------------------------------------
        self.calc_title = heading("")
        self.source_label = small(paragraph(""))
        self.inputs_box = QGroupBox(words.INPUTS_TITLE)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(12)
        self.grid.setVerticalSpacing(8)
        self.save_button = QPushButton(words.SAVE_ANSWERS)
        self.save_button.setAccessibleName(words.SAVE_ANSWERS)
        self.save_button.clicked.connect(self.save_answers)
        if session.read_only:
            self.save_button.setEnabled(False)
            self.save_button.setToolTip(words.SAVE_READ_ONLY_TIP)
        else:
            self.save_button.setToolTip(words.SAVE_ANSWERS_TIP)
        self.save_status = paragraph("")
        self.save_status.setAccessibleName("Saving answers")
        if session.read_only:
            self.save_status.setText(words.SAVE_READ_ONLY_TIP)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addWidget(self.save_status, 1)
        inputs_layout = QVBoxLayout(self.inputs_box)
        inputs_layout.addWidget(readable(paragraph(words.INPUTS_HINT)))
        inputs_layout.addLayout(self.grid)
        inputs_layout.addLayout(save_row)

        # -- the result ---------------------------------------------------------------------
        self.result_box = QGroupBox(words.RESULT_DETAILS_TITLE)
        self.need_label = readable(paragraph(""))
        self.need_label.setObjectName("need")
        self.need_label.setAccessibleName("What is missing")
        self.need_label.setStyleSheet("QLabel#need { font-weight: bold; border: 2px solid #E69F00; border-radius: 4px; padding: 6px; }")
        self.result_number = QLabel("")
        self.result_number.setAccessibleName("Result")
        number_font = self.result_number.font()
        number_font.setPointSizeF(max(28.0, number_font.pointSizeF() * 2.6))
        number_font.setBold(True)
        self.result_number.setFont(number_font)
        self.result_number.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a screen reader reaches it with Tab
        self.category_label = QLabel("")
        category_font = self.category_label.font()
        category_font.setPointSizeF(max(14.0, category_font.pointSizeF() * 1.3))
        category_font.setBold(True)
        self.category_label.setFont(category_font)
        self.category_label.setAccessibleName("Category")
        self.in_100_label = readable(paragraph(""))
        self.comparison_label = readable(paragraph(""))
        self.disclaimer = small(paragraph(""))
        self.disclaimer.setObjectName("disclaimer")
        self.disclaimer.setAccessibleName("QRISK3 disclaimer")
        self.disclaimer.setStyleSheet(
            "QLabel#disclaimer { border: 1px solid palette(mid); border-radius: 4px; padding: 8px;"
            " background: palette(alternate-base); }"
        )
        self.you_array = IconArray("vermillion", words.ARRAY_YOU)
        self.you_caption = caption(words.ARRAY_YOU)
        self.optimal_array = IconArray("bluish_green", "Comparison")
        self.optimal_caption = caption("")
        self.arrays = QWidget()
        arrays = QGridLayout(self.arrays)  # captions in one row, so the two pictures line up
        arrays.setContentsMargins(0, 0, 0, 0)
        arrays.setHorizontalSpacing(24)
        arrays.addWidget(self.you_caption, 0, 0, Qt.AlignmentFlag.AlignBottom)
        arrays.addWidget(self.optimal_caption, 0, 1, Qt.AlignmentFlag.AlignBottom)
        arrays.addWidget(self.you_array, 1, 0)
        arrays.addWidget(self.optimal_array, 1, 1)
        arrays.setColumnStretch(2, 1)
        number_row = QHBoxLayout()
        number_row.addWidget(self.result_number)
        number_row.addSpacing(16)
        number_row.addWidget(self.category_label, 1)
        self.result_view = QWidget()
        result_layout = QVBoxLayout(self.result_view)
        result_layout.setContentsMargins(0, 0, 0, 0)
        result_layout.setSpacing(4)
        result_layout.addLayout(number_row)
        result_layout.addWidget(self.in_100_label)
        result_layout.addWidget(self.disclaimer)  # QRISK3: next to the score, always
        self.refusal_label = readable(paragraph(""), scale=1.2)
        self.refusal_label.setObjectName("refusal")
        self.refusal_label.setAccessibleName(words.REFUSAL_TITLE)
        self.refusal_label.setStyleSheet("QLabel#refusal { font-weight: bold; }")
        self.refusal_view = QWidget()
        refusal_layout = QVBoxLayout(self.refusal_view)
        refusal_layout.setContentsMargins(0, 0, 0, 0)
        refusal_title = bold(QLabel("⚠ " + words.REFUSAL_TITLE))
        refusal_layout.addWidget(refusal_title)
        refusal_layout.addWidget(self.refusal_label)
        self.waiting_view = QWidget()  # inputs missing: the line above says which
        self.result_stack = QStackedWidget()
        for view in (self.waiting_view, self.result_view, self.refusal_view):
            self.result_stack.addWidget(view)
        # The number stays in sight above the scrolling form, so an edit shows its effect at once.
        self.summary = QFrame()
        self.summary.setObjectName("summary")
        self.summary.setStyleSheet("QFrame#summary { border: 1px solid palette(mid); border-radius: 6px; }")
        summary_layout = QVBoxLayout(self.summary)
        summary_layout.setContentsMargins(10, 6, 10, 8)
        summary_layout.addWidget(self.need_label)
        summary_layout.addWidget(self.result_stack)

        self.explanation_title = bold(QLabel(words.EXPLANATION_TITLE))
        self.explanation = readable(paragraph(""))
        self.explanation.setAccessibleName(words.EXPLANATION_TITLE)
        self.explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.explanation.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # after the flags, which reset it
        self.other_results = readable(paragraph(""))
        self.other_results.setAccessibleName(words.OTHER_RESULTS)
        self.warnings_title = bold(QLabel(words.WARNINGS_TITLE))
        self.warnings_label = readable(paragraph(""))
        self.warnings_label.setAccessibleName(words.WARNINGS_TITLE)
        self.legend = readable(paragraph(""))
        self.legend.setAccessibleName("What the pictures show")
        result_outer = QVBoxLayout(self.result_box)
        result_outer.addWidget(self.arrays)
        result_outer.addWidget(self.legend)
        result_outer.addWidget(self.comparison_label)
        result_outer.addWidget(self.explanation_title)
        result_outer.addWidget(self.explanation)
        result_outer.addWidget(self.other_results)
        result_outer.addWidget(self.warnings_title)
        result_outer.addWidget(self.warnings_label)

        # -- what if ------------------------------------------------------------------------
        self.what_if_box = QGroupBox(words.WHAT_IF_TITLE)
        self.what_if_controls_layout = QVBoxLayout()
        self.what_if_line = readable(paragraph(""), scale=1.15)
        self.what_if_line.setAccessibleName("What-if result")
        self.what_if_line.setStyleSheet("font-weight: bold;")
        self.what_if_array = IconArray("blue", "What if")
        self.what_if_caption = caption("")
        self.reset_button = QPushButton(words.WHAT_IF_RESET)
        self.reset_button.setAccessibleName("Reset the what-if values to your own")
        self.reset_button.clicked.connect(self.reset_what_if)
        what_if_layout = QVBoxLayout(self.what_if_box)
        what_if_layout.addWidget(readable(paragraph(words.WHAT_IF_INTRO)))
        what_if_layout.addLayout(self.what_if_controls_layout)
        what_if_layout.addWidget(self.reset_button, 0, Qt.AlignmentFlag.AlignLeft)
        what_if_layout.addWidget(self.what_if_line)
        self.what_if_picture = QWidget()
        self.what_if_picture.setLayout(column(self.what_if_caption, self.what_if_array))
        what_if_layout.addWidget(self.what_if_picture)

        # -- genetics: a place kept in the design -------------------------------------------
        self.genetics_box = QGroupBox(words.GENETICS_TITLE)
        self.genetics_box.setAccessibleName(words.GENETICS_TITLE)
        genetics_layout = QVBoxLayout(self.genetics_box)
        self.genetics_text = readable(paragraph(words.GENETICS_TEXT))
        genetics_layout.addWidget(self.genetics_text)
        genetics_layout.addWidget(small(paragraph(words.GENETICS_EMPTY)))

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 8, 0)
        body_layout.setSpacing(12)
        body_layout.addWidget(self.inputs_box)
        body_layout.addWidget(self.result_box)
        body_layout.addWidget(self.genetics_box)
        body_layout.addWidget(self.what_if_box)
        body_layout.addWidget(self.source_label)
        body_layout.addStretch(1)
        self.scroll = page_scroll(body)
        right = QVBoxLayout()
        right.setSpacing(6)
        right.addWidget(self.calc_title)
        right.addWidget(self.summary)
        right.addWidget(self.scroll, 1)
        self.content = QWidget()
        content_layout = QHBoxLayout(self.content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.addWidget(self.chooser)
        content_layout.addLayout(right, 1)

        self.blank = QWidget()  # after a lock: nothing at all
        self.states = QStackedWidget()
        for state in (self.blank, self.loading, self.failure, self.content):
            self.states.addWidget(state)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(words.HEADING))
        layout.addWidget(readable(paragraph(words.INTRO)))
        layout.addWidget(self.states, 1)

    # ---- loading -----------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        # Each time the page is opened (a measurement may have been added elsewhere), but not
        # when the window is merely restored.
        self.loader.shown(always=not event.spontaneous())

    def refresh(self) -> None:
        self.loader.refresh()

    @property
    def loading_now(self) -> bool:
        return self.loader.running

    def load(self) -> None:
        if self.forms is None:
            self.states.setCurrentWidget(self.loading)  # later loads keep the page as it is
        session, today = self.session, self.today()

        def work(progress: Any, cancel: CancelToken) -> dict[str, Any]:
            return load_forms(session, today)

        self.loader.start(work, self._loaded, self._failed)

    def _loaded(self, forms: dict[str, Any]) -> None:
        self.forms = forms
        if self.chooser.count() != len(risk.NAMES):
            self.chooser.blockSignals(True)
            self.chooser.clear()
            for name in risk.NAMES:
                self.chooser.addItem(forms[name].title)
            self.chooser.blockSignals(False)
        self.states.setCurrentWidget(self.content)
        row = risk.NAMES.index(self.name)
        if self.chooser.currentRow() != row:
            self.chooser.setCurrentRow(row)  # shows it
        else:
            self.show_calculator(self.name)

    def _failed(self, exc: BaseException) -> None:
        reason = str(exc) if isinstance(exc, CompanionError) else type(exc).__name__
        self.failure_label.setText(words.LOAD_FAILED.format(reason=reason))
        self.states.setCurrentWidget(self.failure)

    # ---- choosing ----------------------------------------------------------------------------
    def _chosen(self, row: int) -> None:
        if 0 <= row < len(risk.NAMES) and self.forms is not None:
            self.show_calculator(risk.NAMES[row])

    def choose(self, name: str) -> None:
        self.chooser.setCurrentRow(risk.NAMES.index(name))

    @property
    def form(self) -> Any:
        assert self.forms is not None
        return self.forms[self.name]

    def show_calculator(self, name: str) -> None:
        if name != self.name or not self.editors:  # a reload after saving keeps "saved" on screen
            self.save_status.setText(words.SAVE_READ_ONLY_TIP if self.session.read_only else "")
        self.name = name
        form = self.form
        calc = risk.calculator(name)
        self.calc_title.setText(form.title)
        self.source_label.setText(words.SOURCE.format(source=calc.source))
        self._build_inputs(form)
        self._build_what_if(name)
        self.recompute()
        self._tab_order()

    def _build_inputs(self, form: Any) -> None:
        _drop_grid(self.grid)
        self.editors, self.notes = {}, {}
        for row, key in enumerate(form.fields):
            editor = make_editor(key, self.units.get(key))
            editor.set_value(self.edits[key] if key in self.edits else _filled_value(form, key))
            editor.edited.connect(lambda key=key: self._edited(key))
            if isinstance(editor, NumberEditor) and editor.unit_box is not None:
                editor.unit_box.currentIndexChanged.connect(lambda _i, key=key: self._unit_changed(key))
            label = readable(QLabel(editor.label))
            label.setWordWrap(True)
            label.setBuddy(editor.focus_widgets()[0])
            note = small(QLabel(""))
            note.setWordWrap(True)
            note.setAccessibleName(f"Where this comes from: {editor.label}")
            value_column = QVBoxLayout()  # the value, and under it where and when it comes from
            value_column.setSpacing(0)
            value_column.addWidget(editor)
            value_column.addWidget(note)
            self.grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
            self.grid.addLayout(value_column, row, 1)
            self.editors[key], self.notes[key] = editor, note
            self._show_note(key)
        self._update_derived()
        self.grid.setColumnStretch(0, 4)
        self.grid.setColumnStretch(1, 5)

    def _derived_from_parts(self, key: str) -> bool:
        parts = DERIVED[key][0] if key in DERIVED else ()
        return bool(parts) and all(p in self.editors and self.editors[p].value() is not None for p in parts)

    def _update_derived(self) -> None:
        for key, (parts, work_out) in DERIVED.items():
            editor = self.editors.get(key)
            if editor is None:
                continue
            derived = self._derived_from_parts(key)
            editor.setEnabled(not derived)
            if derived:
                first, second = (float(self.editors[p].value()) for p in parts)
                editor.set_value(work_out(first, second))
                self.edits.pop(key, None)
            self._show_note(key)

    def _show_note(self, key: str) -> None:
        note = self.notes[key]
        filled = self.form.filled.get(key)
        parts = DERIVED[key][0] if key in DERIVED else ()
        if self._derived_from_parts(key) and any(p in self.edits for p in parts):
            note.setText(words.DERIVED_HERE)
            note.setStyleSheet("")
        elif key in self.edits:
            note.setText(words.CHANGED_BY_YOU)
            note.setStyleSheet("")
        elif filled is None:
            note.setText(words.NOT_GIVEN)
            note.setStyleSheet("color: palette(placeholder-text);")
        else:
            note.setText(words.origin_words(filled.note, filled.stale))
            note.setStyleSheet("color: #8a4b00; font-weight: bold;" if filled.stale else "")

    def _edited(self, key: str) -> None:
        value = self.editors[key].value()
        if value == _filled_value(self.form, key) and value is not None:
            self.edits.pop(key, None)  # back to the value from the profile or log
        else:
            self.edits[key] = value
        self._show_note(key)
        if any(key in parts for parts, _ in DERIVED.values()):
            self._update_derived()
        self.save_status.setText(words.SAVE_READ_ONLY_TIP if self.session.read_only else "")
        self._timer.start()  # the result follows 150 ms after the last change

    def _unit_changed(self, key: str) -> None:
        editor = self.editors[key]
        assert isinstance(editor, NumberEditor)
        self.units[key] = editor.unit.name
        control = self.what_if_controls.get(key)
        if control is not None:
            control.unit_name, control.per_canonical = editor.unit.name, editor.unit.per_canonical
            control._show(control.value() if key in self._moved() else control.base)
            self._what_if_changed()

    # ---- computing ---------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """The inputs as the form holds them now (canonical units), not given ones left out."""
        form = self.form
        uses = risk.calculator(self.name).uses
        values = {key: f.value for key, f in form.filled.items() if key in uses and key not in self.editors}
        for key, editor in self.editors.items():
            value = editor.value()
            if value is not None:
                values[key] = value
        return values

    def missing(self, values: Mapping[str, Any]) -> list[str]:
        form = self.form
        missing = [key for key in form.fields if key in form.required and values.get(key) is None]
        evaluation = self.evaluation
        if not missing and evaluation is not None and evaluation.refusal_key and values.get(evaluation.refusal_key) is None \
                and evaluation.refusal_key in KEYS and evaluation.result is None and evaluation.refusal_key not in missing:
            missing.append(evaluation.refusal_key)
        return missing

    def recompute(self) -> None:
        if self.forms is None:
            return
        self._timer.stop()
        values = self.values()
        self.evaluation = _evaluate(self.name, values)
        self._show_result(self.evaluation, self.missing(values))
        self._update_what_if_bases(values)
        self._what_if_changed()

    def _show_result(self, evaluation: Any, missing: list[str]) -> None:
        set_text(self.need_label, words.need_line(words.field_noun(k, KEYS[k].description if k in KEYS else "") for k in missing))
        _shown(self.need_label, bool(missing))
        result = evaluation.result
        if result is None:
            _page(self.result_stack, self.waiting_view if missing else self.refusal_view)
            set_text(self.refusal_label, "" if missing else plain(evaluation.refusal or ""))
            _shown(self.result_stack, not missing)
            set_text(self.result_number, "")
            set_text(self.category_label, "")
            set_description(self.result_number, "")
            self.you_array.set_value(None)
            self.optimal_array.set_value(None)
            for stale in (self.arrays, self.comparison_label, self.other_results, self.legend):
                _shown(stale, False)  # nothing of an earlier result stays on screen
        else:
            _shown(self.result_stack, True)
            _page(self.result_stack, self.result_view)
            self._show_numbers(evaluation)
        set_text(self.explanation, evaluation.explanation)
        has_explanation = bool(evaluation.explanation)
        _shown(self.explanation, has_explanation)
        _shown(self.explanation_title, has_explanation)
        warnings = list(evaluation.warnings) if result is not None else []
        disclaimer = ""
        if self.name == "qrisk3" and warnings:
            disclaimer = warnings.pop(0)  # ClinRisk's licence: shown with every displayed score
        set_text(self.disclaimer, disclaimer)
        _shown(self.disclaimer, bool(disclaimer))
        set_text(self.warnings_label, "\n".join("• " + plain(w) for w in warnings))
        _shown(self.warnings_label, bool(warnings))
        _shown(self.warnings_title, bool(warnings))

    def _show_numbers(self, evaluation: Any) -> None:
        result = evaluation.result
        results = result.results
        category = words.category_label(self.name, results.get("category") if isinstance(results.get("category"), str) else None)
        shown_keys = {"category", evaluation.headline_key}
        percent = evaluation.headline_percent
        if percent is not None:
            event = words.event(self.name, evaluation.headline_key)
            set_text(self.result_number, words.percent(percent))
            set_text(self.in_100_label, words.in_100(percent, event))
            self.you_array.set_value(percent, event)
            set_text(self.you_caption, f"{words.ARRAY_YOU}: {words.percent(percent)}")
            _shown(self.arrays, True)
            set_text(self.legend, words.legend(event))
            _shown(self.legend, True)
            optimal = evaluation.optimal_percent
            if optimal is not None and evaluation.comparison_label:
                who = evaluation.comparison_label
                set_text(self.comparison_label, words.comparison_line(optimal, who))
                self.optimal_array.set_value(optimal, event, who)
                set_text(self.optimal_caption, f"{who[:1].upper()}{who[1:]}: {words.percent(optimal)}")
                if self.optimal_array.accessibleName() != who:
                    self.optimal_array.setAccessibleName(who)
            else:
                set_text(self.comparison_label, "")
                self.optimal_array.set_value(None)
                set_text(self.optimal_caption, "")
            self.optimal_array.setVisible(optimal is not None)
            _shown(self.optimal_caption, optimal is not None)
            _shown(self.comparison_label, optimal is not None)
            _shown(self.in_100_label, True)
            set_description(self.result_number, f"{words.percent(percent)}. {category}. {self.in_100_label.text()}")
        else:
            key, unit, decimals = words.VALUE_RESULTS.get(self.name, ("", "", 1))
            value = results.get(key)
            text = words.number(float(value), decimals) if isinstance(value, (int, float)) else "—"
            unit = "point" if unit == "points" and text == "1" else unit
            set_text(self.result_number, f"{text} {unit}".strip())
            shown_keys.add(key)
            _shown(self.in_100_label, False)
            _shown(self.comparison_label, False)
            _shown(self.arrays, False)
            _shown(self.legend, False)
            self.you_array.set_value(None)
            self.optimal_array.set_value(None)
            set_description(self.result_number, f"{words.VALUE_NAMES.get(self.name, '')}: {text} {unit}. {category}")
        set_text(self.category_label, category)
        others = []
        for key, value in results.items():
            if key in shown_keys or (evaluation.optimal_percent is not None and key == f"average_{evaluation.headline_key}"):
                continue  # already on screen (the average is the comparison beside the number)
            label = words.RESULT_LABELS.get(key, key.replace("_", " ").capitalize())
            if isinstance(value, bool) or value is None:
                continue
            if isinstance(value, (int, float)):
                shown = words.percent(float(value)) if key.endswith("_percent") else words.number(float(value), 0 if float(value).is_integer() else 2)
            else:
                shown = words.choice_label(key, str(value))
            others.append(f"{label}: {shown}")
        set_text(self.other_results, words.OTHER_RESULTS + ":\n" + "\n".join("• " + o for o in others) if others else "")
        _shown(self.other_results, bool(others))

    # ---- what if -----------------------------------------------------------------------------
    def _build_what_if(self, name: str) -> None:
        _drop_layout(self.what_if_controls_layout)
        self.what_if_controls = {}
        keys = [k for k in service.WHAT_IF.get(name, ()) if k in KEYS]
        for key in keys:
            control = WhatIfControl(key)
            editor = self.editors.get(key)
            if isinstance(editor, NumberEditor):
                control.unit_name, control.per_canonical = editor.unit.name, editor.unit.per_canonical
            control.moved.connect(lambda key=key: self._moved_control(key))
            self.what_if_controls_layout.addWidget(control)
            self.what_if_controls[key] = control
        self._moved_keys: set[str] = set()
        _shown(self.what_if_box, bool(keys))

    def _moved(self) -> set[str]:
        return getattr(self, "_moved_keys", set())

    def _moved_control(self, key: str) -> None:
        self._moved_keys.add(key)
        self._what_if_changed()

    def _update_what_if_bases(self, values: Mapping[str, Any]) -> None:
        """Controls not moved follow the person's numbers."""
        for key, control in self.what_if_controls.items():
            base = values.get(key)
            if key == "current_smoker" and base is None:
                base = False if values else None
            if key in self._moved():
                control.base = base
                set_enabled(control, True)
            else:
                control.set_base(base)

    def what_if_values(self) -> dict[str, Any]:
        values = self.values()
        for key in self._moved():
            values[key] = self.what_if_controls[key].value()
        if "weight_kg" in self._moved():
            values.pop("bmi_kg_m2", None)  # worked out again from the new weight
        return values

    def _what_if_changed(self) -> None:
        if not self.what_if_controls or self.forms is None:
            return
        moved = self._moved()
        evaluation = _evaluate(self.name, self.what_if_values()) if moved else self.evaluation
        self.what_if_evaluation = evaluation
        changes = [words.what_if_change(k, c.text_for(c.value())) for k, c in self.what_if_controls.items()
                   if k in moved and c.value() != c.base]
        if evaluation is None or evaluation.result is None:
            main = self.evaluation
            if main is None or main.result is None:
                waiting = self.need_label.isVisibleTo(self) or main is None
                set_text(self.what_if_line, words.WHAT_IF_WAITING if waiting else words.WHAT_IF_AFTER_REFUSAL)
            else:
                set_text(self.what_if_line, words.WHAT_IF_NO_RESULT.format(reason=plain(evaluation.refusal or "") if evaluation else ""))
            self.what_if_array.set_value(None)
            set_text(self.what_if_caption, "")
            _shown(self.what_if_picture, False)
            return
        percent = evaluation.headline_percent
        if percent is not None:
            shown = words.percent(percent)
            event = words.event(self.name, evaluation.headline_key)
            self.what_if_array.set_value(percent, event, "people with these values")
            _shown(self.what_if_picture, True)
            set_text(self.what_if_caption, f"With these values: {shown}")
        else:
            key, unit, decimals = words.VALUE_RESULTS.get(self.name, ("", "", 1))
            value = evaluation.result.results.get(key)
            shown = f"{words.number(float(value), decimals)} {unit}".strip() if isinstance(value, (int, float)) else "—"
            self.what_if_array.set_value(None)
            _shown(self.what_if_picture, False)
            set_text(self.what_if_caption, "")
        set_text(self.what_if_line, words.what_if_line(changes, shown))

    def reset_what_if(self) -> None:
        self._moved_keys = set()
        for control in self.what_if_controls.values():
            control.reset()
        self._what_if_changed()

    # ---- answers -----------------------------------------------------------------------------
    def answers(self) -> dict[str, Any]:
        return {key: editor.value() for key, editor in self.editors.items() if is_answer(key) and editor.value() is not None}

    def save_answers(self) -> None:
        if self.session.read_only:
            return
        answers = self.answers()
        if not answers:
            self.save_status.setText(words.NOTHING_TO_SAVE)
            return
        try:
            service.save_answers(self.session, answers)
        except CompanionError as exc:
            self.save_status.setText(words.NOT_SAVED.format(reason=exc))
            return
        for key in answers:
            self.edits.pop(key, None)
        self.save_status.setText(words.SAVED_ANSWERS)
        self.load()  # the notes now say "your answer"

    # ---- keyboard ----------------------------------------------------------------------------
    def _tab_order(self) -> None:
        chain: list[QWidget] = [self.chooser]
        for editor in self.editors.values():
            chain += editor.focus_widgets()
        chain += [self.save_button, self.result_number, self.explanation]
        chain += [c.focus_widget() for c in self.what_if_controls.values()]
        chain.append(self.reset_button)
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

    # ---- lock --------------------------------------------------------------------------------
    def clear(self) -> None:
        self.loader.stop()
        self._timer.stop()
        self.forms = None
        self.edits = {}
        self.evaluation = self.what_if_evaluation = None
        _drop_grid(self.grid)
        _drop_layout(self.what_if_controls_layout)
        self.editors, self.notes, self.what_if_controls = {}, {}, {}
        self._moved_keys = set()
        for label in (self.result_number, self.category_label, self.in_100_label, self.comparison_label, self.disclaimer,
                      self.refusal_label, self.explanation, self.other_results, self.warnings_label, self.need_label,
                      self.what_if_line, self.you_caption, self.optimal_caption, self.what_if_caption, self.save_status,
                      self.calc_title, self.source_label):
            label.clear()
        for array in (self.you_array, self.optimal_array, self.what_if_array):
            array.set_value(None)
        self.result_number.setAccessibleDescription("")
        self.states.setCurrentWidget(self.blank)


# ---- helpers ---------------------------------------------------------------------------------
def _evaluate(name: str, values: Mapping[str, Any]) -> Any:
    try:
        return service.evaluate(name, values)
    except Exception as exc:  # noqa: BLE001 - a calculator bug must not take the page down
        return service.Evaluation(name, None, f"This result could not be worked out ({type(exc).__name__}).", None,
                                  None, None, None, None, "", ())


DESCRIPTIONS = {key: k.description for key, k in KEYS.items()} | words.RESULT_WORDS


def plain(message: str) -> str:
    return words.plain_keys(message, DESCRIPTIONS)


# Like set_text and the rest in companion.ui.widgets.text: called only for a real change.
def _shown(widget: QWidget, shown: bool) -> None:
    if widget.isHidden() == bool(shown):
        widget.setVisible(bool(shown))


def _page(stack: QStackedWidget, widget: QWidget) -> None:
    if stack.currentWidget() is not widget:
        stack.setCurrentWidget(widget)


def _filled_value(form: Any, key: str) -> Any:
    filled = form.filled.get(key)
    return None if filled is None else filled.value


def readable(label: QLabel, scale: float = 1.0) -> QLabel:
    font = label.font()
    font.setPointSizeF(max(READING_PT, font.pointSizeF()) * scale)
    label.setFont(font)
    return label


def small(label: QLabel) -> QLabel:
    font = label.font()
    font.setPointSizeF(max(11.0, font.pointSizeF()))
    label.setFont(font)
    return label


def bold(label: QLabel) -> QLabel:
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(max(READING_PT, font.pointSizeF()))
    label.setFont(font)
    return label


def caption(text: str) -> QLabel:
    """The words over an icon array, as wide as the picture (wrapping, never cut off)."""
    label = readable(QLabel(text))
    label.setWordWrap(True)
    label.setFixedWidth(ARRAY_WIDTH)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
    return label


def column(*widgets: QWidget) -> QVBoxLayout:
    layout = QVBoxLayout()
    layout.setSpacing(4)
    for widget in widgets:
        layout.addWidget(widget)  # no alignment flag: a wrapping label then gets the height it needs
    layout.addStretch(1)
    return layout


def _drop_grid(grid: QGridLayout) -> None:
    _drop_layout(grid)


def _drop_layout(layout: Any) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget, inner = item.widget(), item.layout()
        if widget is not None:
            widget.hide()  # gone now, not at the next event-loop turn
            widget.deleteLater()
        elif inner is not None:
            _drop_layout(inner)
            inner.deleteLater()

"""First run: welcome → about you → passphrase → recovery code → confirm the code."""
from __future__ import annotations

from collections.abc import Callable

from companion.ui import messages
from companion.ui.qt import (
    QButtonGroup,
    QCheckBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from companion.ui.tasks import TaskRunner
from companion.ui.widgets.passphrase_field import PassphraseEntry
from companion.ui.widgets.recovery_code import RecoveryCodeCheck, RecoveryCodeView
from companion.ui.widgets.text import heading, paragraph
from companion.vault.errors import VaultError
from companion.vault.session import VaultSession
from companion.vault.store import ProfileStore, validate_nickname


class OnboardingWindow(QWidget):
    """Emits ``profile_did_create(session)`` once the recovery code has been confirmed."""

    profile_did_create = Signal(object)
    onboarding_did_cancel = Signal()

    WELCOME, ABOUT, PASSPHRASE, CODE, CONFIRM = range(5)

    def __init__(self, store: ProfileStore, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.tasks = store, tasks
        self.session: VaultSession | None = None
        self._code = ""
        self._done = False
        self.setWindowTitle("Health Companion — new profile")
        self.setMinimumSize(660, 560)
        self.steps = QStackedWidget()
        self.steps.addWidget(self._welcome_step())
        self.steps.addWidget(self._about_step())
        self.steps.addWidget(self._passphrase_step())
        self.steps.addWidget(self._code_step())
        self.steps.addWidget(self._confirm_step())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.addWidget(self.steps)

    # ---- steps ---------------------------------------------------------------------------
    def _nav(self, back: Callable[[], None] | None, next_text: str, on_next: Callable[[], None]) -> tuple[QHBoxLayout, QPushButton]:
        row = QHBoxLayout()
        if back is not None:
            back_button = QPushButton("Back")
            back_button.clicked.connect(back)
            row.addWidget(back_button)
        row.addStretch(1)
        next_button = QPushButton(next_text)
        next_button.setDefault(True)
        next_button.setAutoDefault(True)
        next_button.clicked.connect(on_next)
        row.addWidget(next_button)
        return row, next_button

    def _welcome_step(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(heading(messages.WELCOME_TITLE))
        layout.addWidget(paragraph(messages.WELCOME_TEXT))
        layout.addWidget(paragraph(messages.DISK_ENCRYPTION_TIP))
        layout.addStretch(1)
        row, self.start_button = self._nav(None, "Get started", lambda: self.go(self.ABOUT))
        layout.addLayout(row)
        return page

    def _about_step(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(heading("About you"))
        self.name_field = QLineEdit()
        self.name_field.setAccessibleName("Profile name")
        self.name_field.setPlaceholderText("e.g. Anna")
        self.name_field.setMaxLength(40)
        self.birth_known = QCheckBox("Include my date of birth (risk estimates need it)")
        self.birth_known.setChecked(True)
        self.birth_date = QDateEdit()
        self.birth_date.setCalendarPopup(True)
        self.birth_date.setDisplayFormat("yyyy-MM-dd")
        self.birth_date.setAccessibleName("Date of birth")
        from companion.ui.qt import QDate  # noqa: PLC0415 - only this step needs dates

        self.birth_date.setMaximumDate(QDate.currentDate())
        self.birth_date.setMinimumDate(QDate(1900, 1, 1))
        self.birth_date.setDate(QDate(1960, 1, 1))
        self.birth_known.toggled.connect(self.birth_date.setEnabled)
        self.sex_female = QRadioButton("Female")
        self.sex_male = QRadioButton("Male")
        self.sex_unsaid = QRadioButton("I'd rather not say")
        self.sex_unsaid.setChecked(True)
        self.sex_group = QButtonGroup(page)
        for button in (self.sex_female, self.sex_male, self.sex_unsaid):
            self.sex_group.addButton(button)
        sex_row = QHBoxLayout()
        for button in (self.sex_female, self.sex_male, self.sex_unsaid):
            sex_row.addWidget(button)
        sex_row.addStretch(1)
        form = QFormLayout()
        form.addRow("Profile name:", self.name_field)
        form.addRow("", self.birth_known)
        form.addRow("Date of birth:", self.birth_date)
        form.addRow("Sex at birth:", sex_row)
        layout.addLayout(form)
        layout.addWidget(paragraph(messages.NAME_VISIBLE_NOTE))
        self.about_error = paragraph("")
        self.about_error.setObjectName("error")
        layout.addWidget(self.about_error)
        layout.addStretch(1)
        row, self.about_next = self._nav(lambda: self.go(self.WELCOME), "Next", self._about_done)
        layout.addLayout(row)
        self.name_field.returnPressed.connect(self._about_done)
        return page

    def _passphrase_step(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(heading("Your passphrase"))
        layout.addWidget(paragraph(messages.PASSPHRASE_INTRO))
        self.passphrase = PassphraseEntry(lambda: [self.name_field.text()])
        layout.addWidget(self.passphrase)
        self.create_status = paragraph("")
        self.create_status.setObjectName("error")
        layout.addWidget(self.create_status)
        layout.addStretch(1)
        row, self.create_button = self._nav(lambda: self.go(self.ABOUT), "Create my profile", self._create)
        self.create_button.setEnabled(False)
        self.passphrase.validity_did_change.connect(self.create_button.setEnabled)
        layout.addLayout(row)
        return page

    def _code_step(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(heading("Your recovery code"))
        self.code_view = RecoveryCodeView()
        layout.addWidget(self.code_view)
        layout.addStretch(1)
        row, self.code_next = self._nav(None, "I have written it down", self._to_confirm)
        layout.addLayout(row)
        return page

    def _confirm_step(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(heading("Check your recovery code"))
        self.code_check = RecoveryCodeCheck()
        layout.addWidget(self.code_check)
        layout.addStretch(1)
        row, self.finish_button = self._nav(lambda: self.go(self.CODE), "Finish", self._finish)
        self.finish_button.setEnabled(False)
        self.code_check.confirmation_did_change.connect(self.finish_button.setEnabled)
        layout.addLayout(row)
        return page

    # ---- behaviour -----------------------------------------------------------------------
    def go(self, step: int) -> None:
        self.steps.setCurrentIndex(step)
        focus = {
            self.WELCOME: self.start_button,
            self.ABOUT: self.name_field,
            self.PASSPHRASE: self.passphrase.first,
            self.CODE: self.code_next,
            self.CONFIRM: self.code_check.first,
        }[step]
        focus.setFocus()

    @property
    def step(self) -> int:
        return self.steps.currentIndex()

    def _about_done(self) -> None:
        try:
            nickname = validate_nickname(self.name_field.text())
        except VaultError as exc:
            self.about_error.setText(str(exc).capitalize())
            return
        if any(p.nickname and p.nickname.casefold() == nickname.casefold() for p in self.store.profiles()):
            self.about_error.setText(f"A profile named {nickname} exists already. Choose another name.")
            return
        self.about_error.setText("")
        self.go(self.PASSPHRASE)

    def _create(self) -> None:
        if not self.passphrase.valid:
            return
        nickname = self.name_field.text().strip()
        birth = self.birth_date.date().toString("yyyy-MM-dd") if self.birth_known.isChecked() else None
        sex = "female" if self.sex_female.isChecked() else "male" if self.sex_male.isChecked() else None
        secret = self.passphrase.text()
        self.passphrase.clear()
        self.create_button.setEnabled(False)
        self.create_status.setText(messages.CREATING)

        def work(progress: object, cancel: object) -> tuple[VaultSession, str]:
            return self.store.create(nickname, secret, birth_date=birth, sex_at_birth=sex)

        self.tasks.run(work, self._created, self._create_failed)

    def _created(self, result: tuple[VaultSession, str]) -> None:
        self.session, self._code = result
        self.create_status.setText("")
        self.code_view.show_code(self._code)
        self.go(self.CODE)

    def _create_failed(self, exc: BaseException) -> None:
        text = str(exc) if isinstance(exc, VaultError) else f"Could not create the profile ({type(exc).__name__})."
        self.create_status.setText(text[:1].upper() + text[1:])
        self.create_button.setEnabled(self.passphrase.valid)

    def _to_confirm(self) -> None:
        self.code_check.ask_for(self._code)
        self.go(self.CONFIRM)

    def _finish(self) -> None:
        if not self.code_check.confirmed or self.session is None:
            return
        session, self.session = self.session, None
        self._done = True
        self._code = ""
        self.code_view.clear()
        self.code_check.clear()
        self.profile_did_create.emit(session)

    def closeEvent(self, event: object) -> None:  # noqa: N802 - Qt naming
        if self.session is not None:
            # The profile exists; the person can unlock it later with the passphrase.
            self.session.close()
            self.session = None
        if not self._done:
            self.onboarding_did_cancel.emit()
        super().closeEvent(event)  # type: ignore[arg-type]

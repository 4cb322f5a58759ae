"""Settings: auto-lock, passphrase, recovery code, caregiver access."""
from __future__ import annotations

from collections.abc import Callable

from companion.settings import AUTO_LOCK_MINUTES, Settings
from companion.ui import messages
from companion.ui.dialogs import (
    AddCaregiverDialog,
    ChangePassphraseDialog,
    ConfirmPassphraseDialog,
    NewRecoveryCodeDialog,
)
from companion.ui.qt import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    Qt,
    QVBoxLayout,
    QWidget,
)
from companion.ui.tasks import TaskRunner
from companion.ui.widgets.text import heading, paragraph
from companion.vault.session import VaultSession


class SettingsPage(QWidget):
    title = "Settings"

    def __init__(
        self,
        session: VaultSession,
        settings: Settings,
        tasks: TaskRunner,
        auto_lock_did_change: Callable[[int], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.settings, self.tasks = session, settings, tasks
        self._auto_lock_did_change = auto_lock_did_change
        self.status = paragraph("")

        privacy = QGroupBox("Privacy")
        self.auto_lock = QSpinBox()
        self.auto_lock.setRange(AUTO_LOCK_MINUTES.minimum or 1, AUTO_LOCK_MINUTES.maximum or 60)
        self.auto_lock.setSuffix(" minutes")
        self.auto_lock.setValue(settings.get(AUTO_LOCK_MINUTES))
        self.auto_lock.setAccessibleName("Lock after idle minutes")
        self.auto_lock.valueChanged.connect(self._auto_lock_changed)
        privacy_form = QFormLayout(privacy)
        privacy_form.addRow("Lock automatically after:", self.auto_lock)
        privacy_form.addRow(paragraph("You can also lock at any time with Ctrl+L."))

        security = QGroupBox("Passphrase and recovery code")
        self.change_button = QPushButton("Change passphrase…")
        self.change_button.clicked.connect(self.change_passphrase)
        self.recovery_button = QPushButton("Make a new recovery code…")
        self.recovery_button.clicked.connect(self.regenerate_recovery_code)
        security_layout = QHBoxLayout(security)
        security_layout.addWidget(self.change_button)
        security_layout.addWidget(self.recovery_button)
        security_layout.addStretch(1)

        caregivers = QGroupBox("Caregiver access")
        self.caregiver_list = QListWidget()
        self.caregiver_list.setAccessibleName("Caregivers who can open this profile")
        self.caregiver_list.setMaximumHeight(140)
        self.add_caregiver_button = QPushButton("Add caregiver…")
        self.add_caregiver_button.clicked.connect(self.add_caregiver)
        self.remove_caregiver_button = QPushButton("Remove access…")
        self.remove_caregiver_button.clicked.connect(self.remove_caregiver)
        row = QHBoxLayout()
        row.addWidget(self.add_caregiver_button)
        row.addWidget(self.remove_caregiver_button)
        row.addStretch(1)
        caregiver_layout = QVBoxLayout(caregivers)
        caregiver_layout.addWidget(paragraph(messages.CAREGIVER_EXPLANATION))
        caregiver_layout.addWidget(self.caregiver_list)
        caregiver_layout.addLayout(row)

        layout = QVBoxLayout(self)
        layout.addWidget(heading("Settings"))
        layout.addWidget(privacy)
        layout.addWidget(security)
        layout.addWidget(caregivers)
        layout.addWidget(self.status)
        layout.addStretch(1)
        if session.read_only:
            for box in (security, caregivers):
                box.setEnabled(False)
            self.status.setText(messages.READ_ONLY_BANNER)
        self.refresh()

    def refresh(self) -> None:
        self.caregiver_list.clear()
        for slot in self.session.slots():
            if slot.type == "caregiver":
                item = QListWidgetItem(f"{slot.label} — read-only, added {slot.created[:10]}")
                item.setData(Qt.ItemDataRole.UserRole, slot.id)
                self.caregiver_list.addItem(item)
        has_any = self.caregiver_list.count() > 0
        if has_any:
            self.caregiver_list.setCurrentRow(0)
        else:
            placeholder = QListWidgetItem("Nobody else can open this profile.")
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.caregiver_list.addItem(placeholder)
        self.remove_caregiver_button.setEnabled(has_any and not self.session.read_only)

    def caregiver_names(self) -> list[str]:
        items = [self.caregiver_list.item(i) for i in range(self.caregiver_list.count())]
        return [i.text().split(" — ")[0] for i in items if i.data(Qt.ItemDataRole.UserRole)]

    def _auto_lock_changed(self, minutes: int) -> None:
        self.settings.set(AUTO_LOCK_MINUTES, minutes)
        self._auto_lock_did_change(minutes)

    def change_passphrase(self) -> None:
        dialog = ChangePassphraseDialog(self.session, self.tasks, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.status.setText("Your passphrase was changed. Use the new one next time.")

    def regenerate_recovery_code(self) -> None:
        dialog = ConfirmPassphraseDialog(
            "New recovery code",
            "A new recovery code replaces the old one, which then stops working. Type your passphrase to go on.",
            self.session.regenerate_recovery_code,
            self.tasks,
            self,
        )
        if dialog.exec() == QDialog.DialogCode.Accepted:
            NewRecoveryCodeDialog(str(dialog.result_value), self).exec()
            self.status.setText("A new recovery code was made. The old one no longer works.")

    def add_caregiver(self) -> None:
        dialog = AddCaregiverDialog(self.session, self.tasks, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh()
            self.status.setText(f"{dialog.result_value.label} can now open this profile (read-only).")

    def remove_caregiver(self) -> None:
        item = self.caregiver_list.currentItem()
        if item is None:
            return
        slot_id = item.data(Qt.ItemDataRole.UserRole)
        name = item.text().split(" — ")[0]
        dialog = ConfirmPassphraseDialog(
            "Remove caregiver access",
            f"{name} will no longer be able to open this profile. Type your passphrase to confirm.",
            lambda current: self.session.remove_caregiver(current, slot_id),
            self.tasks,
            self,
        )
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh()
            self.status.setText(f"{name} can no longer open this profile.")

    def clear(self) -> None:
        self.caregiver_list.clear()
        self.status.clear()

"""Overview: who this profile is and what recently happened to it (no health values yet)."""
from __future__ import annotations

from datetime import date, datetime

from companion.ui.qt import QAbstractItemView, QFormLayout, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget
from companion.ui.widgets.text import heading, paragraph
from companion.vault.session import VaultSession

EVENT_WORDS = {
    "profile_created": "Profile created",
    "unlock": "Unlocked",
    "passphrase_changed": "Passphrase changed",
    "passphrase_reset_with_recovery_code": "Passphrase reset with the recovery code",
    "recovery_code_regenerated": "New recovery code made",
    "caregiver_added": "Caregiver access added",
    "caregiver_removed": "Caregiver access removed",
}
SLOT_WORDS = {"passphrase": "passphrase", "recovery": "recovery code", "caregiver": "caregiver passphrase"}


def age_on(birth: str, today: date) -> int:
    born = date.fromisoformat(birth)
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def local_time(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


class OverviewPage(QWidget):
    title = "Overview"

    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.title_label = heading("")
        self.name_value = QLabel()
        self.birth_value = QLabel()
        self.sex_value = QLabel()
        self.access_value = QLabel()
        form = QFormLayout()
        form.addRow("Name:", self.name_value)
        form.addRow("Date of birth:", self.birth_value)
        form.addRow("Sex at birth:", self.sex_value)
        form.addRow("Opened with:", self.access_value)
        self.activity = QTableWidget(0, 2)
        self.activity.setHorizontalHeaderLabels(["When", "What happened"])
        self.activity.horizontalHeader().setStretchLastSection(True)
        self.activity.verticalHeader().setVisible(False)
        self.activity.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.activity.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.activity.setAccessibleName("Recent activity")
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addLayout(form)
        layout.addWidget(paragraph("Recent activity (who opened or changed this profile):"))
        layout.addWidget(self.activity, 1)
        self.refresh()

    def refresh(self) -> None:
        record = self.session.profile()
        self.title_label.setText(record.full_name)
        self.name_value.setText(record.full_name)
        if record.birth_date:
            years = age_on(record.birth_date, date.today())
            self.birth_value.setText(f"{record.birth_date} (age {years})")
        else:
            self.birth_value.setText("not given")
        self.sex_value.setText(record.sex_at_birth or "not given")
        used = self.session.opened_with
        access = SLOT_WORDS.get(used.type, used.type)
        if self.session.read_only:
            access += f" of {used.label} (read-only)"
        self.access_value.setText(access)
        events = self.session.audit_events(50)
        self.activity.setRowCount(len(events))
        for row, event in enumerate(events):
            what = EVENT_WORDS.get(event.event, event.event.replace("_", " ").capitalize())
            if event.event == "unlock" and "slot_type" in event.detail:
                what += f" with the {SLOT_WORDS.get(str(event.detail['slot_type']), 'key')}"
            self.activity.setItem(row, 0, QTableWidgetItem(local_time(event.at)))
            self.activity.setItem(row, 1, QTableWidgetItem(what))
        self.activity.resizeColumnToContents(0)

    def clear(self) -> None:
        for label in (self.title_label, self.name_value, self.birth_value, self.sex_value, self.access_value):
            label.clear()
        self.activity.clearContents()
        self.activity.setRowCount(0)

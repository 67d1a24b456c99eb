"""Vùng phát: the commune's zones and each one's local broadcast policy (allowed hours per
weekday, sessions a day, minutes a session, weekends, days a week, maximum volume). Pick
a zone to edit it, or "New zone"; Save keeps the dialog open, Delete asks first (the core
refuses a zone that broadcasts or receivers still use). UI thread; the caller saves
through the task runner (`save_requested`, `delete_requested`) and hands the zones back
with `set_zones`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.errors import InvalidSchedule
from studio.languages import Language, display_name, normalise
from studio.schedule.zones import Policy, Zone, ZoneKind
from ui.error_messages import ErrorDialogs
from ui.language_choice import language_combo
from ui.time_window_editor import TimeWindowsEditor


class ZonesDialog(QDialog):
    save_requested = Signal(object, str, object, str, object)  # zone id (None: new), name, kind, language, policy
    delete_requested = Signal(int)

    def __init__(self, zones: list[Zone], parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Zones and broadcast rules"))
        self.kind_names = {ZoneKind.VILLAGE: self.tr("Village (thôn, bản, làng)"),
                           ZoneKind.RESIDENTIAL_GROUP: self.tr("Residential group (tổ dân phố)"),
                           ZoneKind.AREA: self.tr("Area (khu vực)")}
        self.zones: list[Zone] = []
        self.editing: int | None = None
        self.list = QListWidget()
        self.list.setMinimumWidth(200)
        self.new_button = QPushButton(self.tr("New zone"))
        self.delete_button = QPushButton(self.tr("Delete zone…"))
        self.name = QLineEdit()
        self.kind = QComboBox()
        for kind, label in self.kind_names.items():
            self.kind.addItem(label, kind)
        self.language = language_combo()
        self.windows = TimeWindowsEditor()
        self.sessions = QSpinBox()
        self.sessions.setRange(0, 24)
        self.sessions.setSpecialValueText(self.tr("no limit"))
        self.minutes = QSpinBox()
        self.minutes.setRange(0, 240)
        self.minutes.setSpecialValueText(self.tr("no limit"))
        self.days = QSpinBox()
        self.days.setRange(0, 7)
        self.days.setSpecialValueText(self.tr("no limit"))
        self.weekends = QCheckBox(self.tr("Broadcasts allowed on Saturday and Sunday"))
        self.volume = QSpinBox()
        self.volume.setRange(0, 100)
        self.volume.setSuffix(" %")
        self.save_button = QPushButton(self.tr("Add zone"))
        self.heading = QLabel()
        self.hint = QLabel()
        self.hint.setStyleSheet("color: #c62828;")
        self.hint.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Name:"), self.name)
        form.addRow(self.tr("Kind:"), self.kind)
        form.addRow(self.tr("Language:"), self.language)
        form.addRow(self.tr("Allowed hours:"), self.windows)
        form.addRow(self.tr("Sessions a day at most:"), self.sessions)
        form.addRow(self.tr("Minutes a session at most:"), self.minutes)
        form.addRow(self.tr("Days a week at most:"), self.days)
        form.addRow("", self.weekends)
        form.addRow(self.tr("Maximum volume:"), self.volume)
        left = QVBoxLayout()
        left.addWidget(QLabel(self.tr("Zones:")))
        left.addWidget(self.list, 1)
        left.addWidget(self.new_button)
        left.addWidget(self.delete_button)
        right = QVBoxLayout()
        right.addWidget(self.heading)
        right.addLayout(form)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)
        right.addLayout(save_row)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left)
        editor = QWidget()
        editor.setLayout(right)
        columns.addWidget(editor, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.hint)
        layout.addWidget(buttons)

        self.list.currentRowChanged.connect(self._row_changed)
        self.new_button.clicked.connect(self.start_new)
        self.save_button.clicked.connect(self._save)
        self.delete_button.clicked.connect(self.ask_delete)
        self.confirm: QMessageBox | None = None
        self.errors = ErrorDialogs(self)
        self.set_zones(zones)

    def set_zones(self, zones: list[Zone], select: int | None = None) -> None:
        """The zones as saved now; keeps the one being edited selected (or `select`)."""
        wanted = select if select is not None else self.editing
        self.zones = list(zones)
        self.list.blockSignals(True)
        self.list.clear()
        for zone in self.zones:
            hours = ", ".join(w.to_rule() for w in zone.policy.windows) or self.tr("any time")
            item = QListWidgetItem(zone.name)
            item.setToolTip(f"{self.kind_names[zone.kind]} — {display_name(zone.language)} — {hours}")
            item.setData(Qt.ItemDataRole.UserRole, zone.id)
            self.list.addItem(item)
        self.list.blockSignals(False)
        ids = [z.id for z in self.zones]
        if wanted in ids:
            self.list.setCurrentRow(ids.index(wanted))
            self._row_changed(ids.index(wanted))
        else:
            self.start_new()

    def set_zones_from_panel(self) -> None:
        self.set_zones(self.parent().zones)

    def _row_changed(self, row: int) -> None:
        if 0 <= row < len(self.zones):
            self.load(self.zones[row])

    def load(self, zone: Zone) -> None:
        self.editing = zone.id
        self.heading.setText("<b>" + self.tr("Zone “%1”").replace("%1", zone.name) + "</b>")
        self.name.setText(zone.name)
        self.kind.setCurrentIndex(self.kind.findData(zone.kind))
        self.language.setCurrentIndex(max(0, self.language.findData(normalise(zone.language))))
        self._load_policy(zone.policy)
        self.save_button.setText(self.tr("Save changes"))
        self.delete_button.setEnabled(True)
        self.hint.clear()

    def start_new(self) -> None:
        self.editing = None
        self.list.blockSignals(True)
        self.list.clearSelection()
        self.list.setCurrentRow(-1)
        self.list.blockSignals(False)
        self.heading.setText("<b>" + self.tr("New zone") + "</b>")
        self.name.clear()
        self.kind.setCurrentIndex(0)
        self.language.setCurrentIndex(max(0, self.language.findData(Language.VIETNAMESE.code)))
        self._load_policy(Policy())
        self.save_button.setText(self.tr("Add zone"))
        self.delete_button.setEnabled(False)
        self.hint.clear()

    def _load_policy(self, policy: Policy) -> None:
        self.windows.set_windows(policy.windows)
        self.sessions.setValue(policy.max_sessions_per_day or 0)
        self.minutes.setValue(int(policy.max_minutes_per_session or 0))
        self.days.setValue(policy.max_days_per_week or 0)
        self.weekends.setChecked(policy.weekends)
        self.volume.setValue(policy.max_volume)

    def policy(self) -> Policy:
        return Policy(self.windows.windows(), self.sessions.value() or None, float(self.minutes.value()) or None,
                      self.weekends.isChecked(), self.days.value() or None, self.volume.value()).check()

    def values(self) -> tuple[str, ZoneKind, str, Policy]:
        return self.name.text().strip(), self.kind.currentData(), self.language.currentData(), \
            self.policy()

    def _save(self) -> None:
        if not self.name.text().strip():
            self.hint.setText(self.tr("Give the zone a name."))
            return
        try:
            values = self.values()
        except InvalidSchedule:
            self.hint.setText(self.tr("Each line of hours needs at least one day ticked and an end after its start."))
            return
        self.hint.clear()
        self.save_requested.emit(self.editing, *values)

    def ask_delete(self) -> QMessageBox | None:
        zone = next((z for z in self.zones if z.id == self.editing), None)
        if zone is None:
            return None
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Delete the zone"),
                          self.tr("Delete the zone “%1”?").replace("%1", zone.name),
                          QMessageBox.StandardButton.NoButton, self)
        delete = box.addButton(self.tr("Delete"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(self.tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.buttonClicked.connect(lambda button: button is delete and self.delete_requested.emit(zone.id))
        self.confirm = box
        box.open()
        return box

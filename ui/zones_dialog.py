"""Vùng phát: the commune's zones and each one's local broadcast policy (allowed hours,
sessions a day, minutes a session, weekends, days a week, maximum volume). UI thread; the
caller saves through the task runner."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QSpinBox,
    QVBoxLayout,
)

from studio.errors import InvalidSchedule
from studio.languages import display_name
from studio.schedule.zones import Policy, Zone, ZoneKind, parse_window
from ui.language_choice import language_combo


class ZonesDialog(QDialog):
    def __init__(self, zones: list[Zone], parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Zones and broadcast rules"))
        self.kind_names = {ZoneKind.VILLAGE: self.tr("Village (thôn, bản, làng)"),
                           ZoneKind.RESIDENTIAL_GROUP: self.tr("Residential group (tổ dân phố)"),
                           ZoneKind.AREA: self.tr("Area (khu vực)")}
        self.list = QListWidget()
        for zone in zones:
            policy = zone.policy
            hours = ", ".join(w.to_text() for w in policy.windows) or self.tr("any time")
            self.list.addItem(f"{zone.name} — {self.kind_names[zone.kind]} — {display_name(zone.language)} — {hours}")
        self.name = QLineEdit()
        self.kind = QComboBox()
        for kind, label in self.kind_names.items():
            self.kind.addItem(label, kind)
        self.language = language_combo()
        self.windows = QLineEdit()
        self.windows.setPlaceholderText("05:30-06:30, 17:00-18:00   (2-6@05:30-06:30 = thứ 2 đến thứ 6)")
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
        self.weekends.setChecked(True)
        self.volume = QSpinBox()
        self.volume.setRange(0, 100)
        self.volume.setValue(100)
        self.volume.setSuffix(" %")
        self.hint = QLabel()
        self.hint.setStyleSheet("color: #c62828;")
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
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Add zone"))
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Zones:")))
        layout.addWidget(self.list)
        layout.addWidget(QLabel(self.tr("New zone:")))
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(buttons)

    def policy(self) -> Policy:
        windows = tuple(parse_window(part) for part in self.windows.text().replace(";", ",").split(",") if part.strip())
        return Policy(windows, self.sessions.value() or None, float(self.minutes.value()) or None,
                      self.weekends.isChecked(), self.days.value() or None, self.volume.value()).check()

    def values(self) -> tuple[str, ZoneKind, str, Policy]:
        return self.name.text().strip(), self.kind.currentData(), self.language.currentData(), \
            self.policy()

    def _accept(self) -> None:
        if not self.name.text().strip():
            self.hint.setText(self.tr("Give the zone a name."))
            return
        try:
            self.policy()
        except InvalidSchedule:
            self.hint.setText(self.tr("Write the hours as 05:30-06:30, separated by commas."))
            return
        self.accept()

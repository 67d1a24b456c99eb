"""Thêm lịch phát: programme, zones, first date and time, how it repeats, priority, start
mode. The repeat choices become an RFC 5545 RRULE (a custom rule may be typed). UI thread;
the caller saves the values through the task runner."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.schedule.slots import Priority, Slot, StartMode

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class SlotRequest:
    programme_id: int
    zone_ids: list[int]
    start: datetime
    rrule: str | None
    priority: Priority
    start_mode: StartMode
    length_min: float | None
    sequence: int = 0


class SlotDialog(QDialog):
    def __init__(self, programmes: list[tuple[int, str]], zones: list[tuple[int, str]], start: datetime,
                 parent=None, slot: Slot | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add to the schedule") if slot is None else self.tr("Edit the broadcast"))
        self.programme = QComboBox()
        for programme_id, title in programmes:
            self.programme.addItem(title, programme_id)
        self.zones = QListWidget()
        for zone_id, name in zones:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, zone_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.zones.addItem(item)
        self.zones.setMaximumHeight(140)
        self.start = QDateTimeEdit(QDateTime(QDate(start.year, start.month, start.day),
                                             QTime(start.hour, start.minute)))
        self.start.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.start.setCalendarPopup(True)
        self.repeat = QComboBox()
        self.repeat.addItem(self.tr("Once"), "once")
        self.repeat.addItem(self.tr("Every day"), "daily")
        self.repeat.addItem(self.tr("Monday to Friday"), "weekdays")
        self.repeat.addItem(self.tr("Every week on the days ticked"), "weekly")
        self.repeat.addItem(self.tr("Custom rule (RRULE)"), "custom")
        self.days = [QCheckBox(name) for name in (self.tr("Mon"), self.tr("Tue"), self.tr("Wed"), self.tr("Thu"),
                                                   self.tr("Fri"), self.tr("Sat"), self.tr("Sun"))]
        days_row = QWidget()
        days_layout = QHBoxLayout(days_row)
        days_layout.setContentsMargins(0, 0, 0, 0)
        for box in self.days:
            days_layout.addWidget(box)
        self.until_enabled = QCheckBox(self.tr("Until"))
        self.until = QDateEdit(QDate(start.year, start.month, start.day).addMonths(1))
        self.until.setDisplayFormat("dd/MM/yyyy")
        self.until.setCalendarPopup(True)
        until_row = QWidget()
        until_layout = QHBoxLayout(until_row)
        until_layout.setContentsMargins(0, 0, 0, 0)
        until_layout.addWidget(self.until_enabled)
        until_layout.addWidget(self.until, 1)
        self.custom = QLineEdit()
        self.custom.setPlaceholderText("FREQ=MONTHLY;BYMONTHDAY=1,15")
        self.priority = QComboBox()
        self.priority.addItem(self.tr("Normal"), Priority.NORMAL)
        self.priority.addItem(self.tr("Priority"), Priority.PRIORITY)
        self.priority.addItem(self.tr("Emergency"), Priority.EMERGENCY)
        self.hard = QCheckBox(self.tr("Start at the exact second (cut what is playing)"))
        self.length = QDoubleSpinBox()
        self.length.setRange(0, 240)
        self.length.setSuffix(self.tr(" min"))
        self.length.setSpecialValueText(self.tr("not set"))
        self.order = QSpinBox()
        self.order.setRange(-99, 99)
        self.order.setToolTip(self.tr("Among broadcasts of the same priority starting together, lower plays first"))
        self.hint = QLabel()
        self.hint.setStyleSheet("color: #c62828;")
        form = QFormLayout()
        form.addRow(self.tr("Programme:"), self.programme)
        form.addRow(self.tr("Zones:"), self.zones)
        form.addRow(self.tr("First broadcast:"), self.start)
        form.addRow(self.tr("Repeat:"), self.repeat)
        form.addRow("", days_row)
        form.addRow("", until_row)
        form.addRow(self.tr("Rule:"), self.custom)
        form.addRow(self.tr("Priority:"), self.priority)
        form.addRow("", self.hard)
        form.addRow(self.tr("Time reserved:"), self.length)
        form.addRow(self.tr("Order in the session:"), self.order)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Add") if slot is None else self.tr("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(buttons)
        self.repeat.currentIndexChanged.connect(self._repeat_changed)
        if slot is not None:
            self.load(slot)
            if slot.rrule:
                note = QLabel(self.tr("The changes apply to every broadcast of this series."))
                note.setWordWrap(True)
                layout.insertWidget(0, note)
        self._repeat_changed()

    def load(self, slot: Slot) -> None:
        """Show an existing slot: its rule back as the repeat choice it came from when it
        is one of them, else as a custom rule."""
        self.programme.setCurrentIndex(self.programme.findData(slot.programme_id))
        for i in range(self.zones.count()):
            item = self.zones.item(i)
            chosen = item.data(Qt.ItemDataRole.UserRole) in slot.zone_ids
            item.setCheckState(Qt.CheckState.Checked if chosen else Qt.CheckState.Unchecked)
        start = slot.start
        self.start.setDateTime(QDateTime(QDate(start.year, start.month, start.day), QTime(start.hour, start.minute)))
        self.priority.setCurrentIndex(self.priority.findData(slot.priority))
        self.hard.setChecked(slot.start_mode is StartMode.HARD)
        self.length.setValue(slot.length_min or 0)
        self.order.setValue(slot.sequence)
        mode, days, until = "custom", [], None
        parts = dict(part.split("=", 1) for part in (slot.rrule or "").split(";") if "=" in part)
        if slot.rrule is None:
            mode = "once"
        elif set(parts) <= {"FREQ", "BYDAY", "UNTIL"} and re.fullmatch(r"(\d{8}T235959)?", parts.get("UNTIL", "")):
            until = parts.get("UNTIL")
            days = parts.get("BYDAY", "").split(",") if "BYDAY" in parts else []
            if parts["FREQ"] == "DAILY" and not days:
                mode = "daily"
            elif parts["FREQ"] == "WEEKLY" and days == list(DAY_CODES[:5]):
                mode = "weekdays"
            elif parts["FREQ"] == "WEEKLY" and days and set(days) <= set(DAY_CODES):
                mode = "weekly"
        self.repeat.setCurrentIndex(self.repeat.findData(mode))
        for code, box in zip(DAY_CODES, self.days):
            box.setChecked(mode == "weekly" and code in days)
        self.until_enabled.setChecked(until is not None)
        if until:
            self.until.setDate(QDate(int(until[:4]), int(until[4:6]), int(until[6:8])))
        self.custom.setText(slot.rrule if mode == "custom" else "")

    def _repeat_changed(self) -> None:
        mode = self.repeat.currentData()
        for box in self.days:
            box.setEnabled(mode == "weekly")
        self.custom.setEnabled(mode == "custom")
        self.until_enabled.setEnabled(mode != "once")
        self.until.setEnabled(mode != "once")

    def rrule(self) -> str | None:
        mode = self.repeat.currentData()
        if mode == "once":
            return None
        if mode == "custom":
            return self.custom.text().strip() or None
        rule = {"daily": "FREQ=DAILY", "weekdays": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"}.get(mode)
        if mode == "weekly":
            chosen = [code for code, box in zip(DAY_CODES, self.days) if box.isChecked()]
            rule = "FREQ=WEEKLY;BYDAY=" + ",".join(chosen or [DAY_CODES[self.start.date().dayOfWeek() - 1]])
        if self.until_enabled.isChecked():
            rule += ";UNTIL=" + self.until.date().toString("yyyyMMdd") + "T235959"
        return rule

    def request(self) -> SlotRequest:
        zone_ids = [self.zones.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.zones.count())
                    if self.zones.item(i).checkState() == Qt.CheckState.Checked]
        moment = self.start.dateTime().toPython().replace(second=0, microsecond=0)
        return SlotRequest(self.programme.currentData(), zone_ids, moment, self.rrule(), self.priority.currentData(),
                           StartMode.HARD if self.hard.isChecked() else StartMode.SOFT,
                           self.length.value() or None, self.order.value())

    def _accept(self) -> None:
        request = self.request()
        if request.programme_id is None and self.programme.count():
            self.hint.setText(self.tr("Choose the programme."))  # the slot's own one no longer exists
        elif request.programme_id is None:
            self.hint.setText(self.tr("Create a programme first."))
        elif not request.zone_ids:
            self.hint.setText(self.tr("Tick at least one zone."))
        elif self.repeat.currentData() == "custom" and not request.rrule:
            self.hint.setText(self.tr("Type the rule, or choose another way to repeat."))
        else:
            self.accept()

"""Phát trực tiếp: speak into the microphone, heard at once on the loudspeakers of the
chosen zones (studio/live/). Zones to include, the input device, who signs for it (an
approver alone, or an editor with a reason: the emergency rule), one big on-air button
(Ctrl+L) with a clear ON AIR state, the input level, the elapsed time, and "on the air at
N/M loudspeakers" with each receiver's state (the ones that dropped say so).

Threads: UI thread. Checking the sign-in, going live (opening the device, the audit entry)
and ending (live-end to every receiver, importing the recording) go through the task
runner's urgent pool; the panel polls the broadcast's values (level, elapsed, each target's
state: plain attributes the broadcast's threads write) at ~30 Hz and never touches the
database.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.errors import AccessDenied, NoReceivers, ReasonRequired, UnknownUser
from studio.live import TargetState
from ui.clip_table_model import format_duration
from ui.error_messages import ErrorDialogs, describe
from ui.record_panel import LevelMeter, input_devices
from ui.services import Services
from ui.task_runner import TaskRunner
from ui.zone_checklist import ZoneChecklist

log = logging.getLogger(__name__)

POLL_MS = 33


class LivePanel(QWidget):
    live_ended = Signal(object)  # the clip id of the recording (None if nothing was kept)

    def __init__(self, services: Services, runner: TaskRunner, parent=None) -> None:
        super().__init__(parent)
        self.services, self.runner = services, runner
        self.errors = ErrorDialogs(self)
        self.broadcast = None
        self._authority = None
        self._busy = False
        self.zones = ZoneChecklist(max_height=140)
        self.device = QComboBox()
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("Required when an editor goes live without an approver"))
        form = QFormLayout()
        form.addRow(self.tr("Zones:"), self.zones)
        form.addRow(self.tr("Microphone:"), self.device)
        form.addRow(self.tr("User name:"), self.username)
        form.addRow(self.tr("Password:"), self.password)
        form.addRow(self.tr("Reason:"), self.reason)
        self.button = QPushButton(self.tr("Go live"))
        self.button.setMinimumHeight(64)
        self.button.setStyleSheet("font-size: 20px; font-weight: bold;")
        self.button.clicked.connect(self.toggle)
        QShortcut(QKeySequence("Ctrl+L"), self, activated=self.toggle)
        self.on_air_label = QLabel()
        self.on_air_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.on_air_label.setMinimumHeight(40)
        self.meter = LevelMeter()
        self.elapsed = QLabel("0:00")
        self.elapsed.setStyleSheet("font-size: 18px;")
        self.summary = QLabel()
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #c62828;")
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels([self.tr("Loudspeaker"), self.tr("State")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        row = QHBoxLayout()
        row.addWidget(self.meter, 1)
        row.addWidget(self.elapsed)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.button)
        layout.addWidget(self.on_air_label)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._poll)
        self._show_off_air()

    # -- loading --------------------------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if self.broadcast is None:
            self.refresh()

    def refresh(self) -> None:
        def load():
            from studio.schedule.zones import Zones

            return [z.name for z in Zones(self.services.library().conn).all()], input_devices()

        self._run(self.tr("Live broadcast"), load, self._loaded)

    def _loaded(self, loaded) -> None:
        zones, devices = loaded
        self.zones.fill(zones)
        current = self.device.currentText()
        self.device.clear()
        self.device.addItems(devices)
        if current in devices:
            self.device.setCurrentText(current)

    def chosen_zones(self) -> list[str]:
        return self.zones.chosen()

    def choose_zones(self, names: list[str]) -> None:
        self.zones.choose(names)

    # -- on and off the air ---------------------------------------------------------------------
    def toggle(self) -> None:
        if self._busy:
            return
        if self.broadcast is None:
            self._go_live()
        else:
            self._end()

    def _go_live(self) -> None:
        zones, device = self.chosen_zones(), self.device.currentText()
        user, password, reason = self.username.text().strip(), self.password.text(), self.reason.text()
        if not zones or not device:
            self.hint.setText(self.tr("Choose the microphone and at least one zone."))
            return
        if not user or not password:
            self.hint.setText(self.tr("Enter the user name and the password."))
            return
        self.hint.setText(self.tr("Checking…"))
        self._busy = True
        self.button.setEnabled(False)

        def start():
            from studio.accounts.store import Accounts
            from studio.fleet.emergency import authorize
            from studio.live import go_live

            library = self.services.library()
            authority = authorize(Accounts(library.conn), user, password, reason)
            return authority, go_live(library, self.services.context.key, zones, device, authority)

        def failed(exc, details) -> None:
            self._busy = False
            self.button.setEnabled(True)
            self.password.clear()
            self.hint.setText(describe(exc)[0])
            if not isinstance(exc, (AccessDenied, ReasonRequired, UnknownUser, NoReceivers)):
                self.errors.show(exc, details)

        self._run(self.tr("Going live"), start, self._on_air, failed)

    def _on_air(self, started) -> None:
        self._authority, self.broadcast = started
        self._busy = False
        self.password.clear()
        self.hint.clear()
        self.button.setEnabled(True)
        self.button.setText(self.tr("End the live broadcast"))
        self.on_air_label.setText(self.tr("ON AIR"))
        self.on_air_label.setStyleSheet("background: #c62828; color: white; font-size: 24px; font-weight: bold;")
        self.timer.start()

    def _end(self) -> None:
        broadcast, authority = self.broadcast, self._authority
        self._busy = True
        self.button.setEnabled(False)
        self.timer.stop()

        def end():
            from studio.live import finish

            return finish(self.services.library(), broadcast, authority)

        def done(clip_id) -> None:
            self._poll()
            self.broadcast = None
            self._busy = False
            self._show_off_air()
            self.live_ended.emit(clip_id)

        def failed(exc, details) -> None:
            self.broadcast = None
            self._busy = False
            self._show_off_air()
            self.errors.show(exc, details)

        self._run(self.tr("Ending the live broadcast"), end, done, failed)

    def _show_off_air(self) -> None:
        self.button.setEnabled(True)
        self.button.setText(self.tr("Go live"))
        self.on_air_label.setText(self.tr("Off the air"))
        self.on_air_label.setStyleSheet("background: #eeeeee; color: #555555; font-size: 18px;")

    # -- while on the air -----------------------------------------------------------------------
    def state_text(self, state: TargetState) -> str:
        return {TargetState.STARTING: self.tr("starting"), TargetState.ON_AIR: self.tr("on the air"),
                TargetState.DROPPED: self.tr("dropped"), TargetState.UNREACHABLE: self.tr("unreachable"),
                TargetState.REFUSED: self.tr("refused"), TargetState.UNSUPPORTED: self.tr("address not supported"),
                TargetState.ENDED: self.tr("ended")}[state]

    def _poll(self) -> None:
        broadcast = self.broadcast
        if broadcast is None:
            return
        self.meter.set_levels(broadcast.level_dbfs, broadcast.level_dbfs, broadcast.level_dbfs >= -0.1)
        self.elapsed.setText(format_duration(broadcast.elapsed_s))
        targets = broadcast.targets
        on_air = sum(t.state is TargetState.ON_AIR for t in targets)
        dropped = [t.name for t in targets if t.state in (TargetState.DROPPED, TargetState.UNREACHABLE)]
        text = self.tr("On the air at %1/%2 loudspeakers").replace("%1", str(on_air)).replace("%2", str(len(targets)))
        if dropped:
            text += " — " + self.tr("dropped: %1").replace("%1", ", ".join(dropped))
        self.summary.setText(text)
        self.table.setRowCount(len(targets))
        for row, t in enumerate(targets):
            for column, value in enumerate((t.name, self.state_text(t.state))):
                item = self.table.item(row, column)
                if item is None:
                    self.table.setItem(row, column, QTableWidgetItem(value))
                elif item.text() != value:
                    item.setText(value)
        if broadcast.finished.is_set() and not self._busy:
            self._end()

    def _run(self, title: str, fn, done, failed=None) -> None:
        self.runner.run(title, lambda progress, cancel: fn(), done, failed or self.errors.show, cancellable=False,
                        urgent=True)

    def shutdown(self) -> None:
        """The window closes: end the session (the receivers go back to their schedule)."""
        broadcast = self.broadcast
        self.timer.stop()
        if broadcast is not None:
            broadcast.stop()
            self.broadcast = None

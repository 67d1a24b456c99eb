"""Thiết bị and Hàng đợi: the receivers at a glance, and the outbox.

Receivers: online or offline and when last seen, the manifest each holds against the
latest, bytes still to send, clock offset, free disk, volume, what is playing, the last
error; actions: publish, pair a new receiver, emergency (ui/emergency_dialog.py), stop,
volume, re-sync. The outbox: every pending delivery with progress, attempts, next retry, the
last error, and "send now". Both refresh every few seconds while shown.

Threads: UI thread; the network goes through the task runner; the delivery engine runs
in its own threads (started by the window) and is woken after a publish or "send now".
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.clock import local_text
from ui.error_messages import ErrorDialogs
from ui.icons import icon
from ui.services import Services
from ui.task_runner import TaskRunner

log = logging.getLogger(__name__)

REFRESH_MS = 5000


def _mb(value: int | None) -> str:
    return "" if value is None else f"{value / 1e6:.1f} MB"


class PairDialog(QDialog):
    def __init__(self, zones: list[str], parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Pair a receiver"))
        self.address = QLineEdit("http://")
        self.code = QLineEdit()
        self.code.setPlaceholderText("12345678")
        self.zone = QComboBox()
        self.zone.addItems(zones)
        self.name = QLineEdit()
        form = QFormLayout()
        form.addRow(self.tr("Address:"), self.address)
        form.addRow(self.tr("Pairing code:"), self.code)
        form.addRow(self.tr("Zone:"), self.zone)
        form.addRow(self.tr("Name (optional):"), self.name)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("The receiver shows its pairing code on its screen or in its log.")))
        layout.addLayout(form)
        layout.addWidget(buttons)


class ReceiversPanel(QWidget):
    published = Signal(int)

    def __init__(self, services: Services, runner: TaskRunner, parent=None) -> None:
        super().__init__(parent)
        self.services, self.runner = services, runner
        self.errors = ErrorDialogs(self)
        self.views = []
        self._busy = False
        self.publish_button = QPushButton(icon("outbox"), self.tr("Publish"))
        self.publish_button.setToolTip(self.tr("Send what is approved and scheduled for the next 14 days"))
        self.pair_button = QPushButton(icon("receivers"), self.tr("Pair a receiver…"))
        self.emergency_button = QPushButton(self.tr("Emergency broadcast…"))
        self.emergency_button.setStyleSheet("QPushButton { color: #b71c1c; font-weight: bold; }")
        self.stop_button = QPushButton(self.tr("Stop"))
        self.volume_button = QPushButton(self.tr("Volume…"))
        self.resync_button = QPushButton(self.tr("Re-sync"))
        headers = [self.tr("Receiver"), self.tr("Zone"), self.tr("State"), self.tr("Schedule held"),
                   self.tr("To send"), self.tr("Clock"), self.tr("Free disk"), self.tr("Volume"),
                   self.tr("Playing"), self.tr("Last error")]
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.summary = QLabel()
        bar = QHBoxLayout()
        for button in (self.publish_button, self.pair_button, self.emergency_button, self.stop_button,
                       self.volume_button, self.resync_button):
            bar.addWidget(button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.publish_button.clicked.connect(self.publish)
        self.pair_button.clicked.connect(self.open_pair_dialog)
        self.emergency_button.clicked.connect(self.open_emergency)
        self.stop_button.clicked.connect(lambda: self._command("stop"))
        self.volume_button.clicked.connect(self._ask_volume)
        self.resync_button.clicked.connect(self.resync)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        self.refresh()
        self.timer.start()

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().hideEvent(event)
        self.timer.stop()

    def key(self):
        return self.services.context.key

    def refresh(self) -> None:
        if self._busy:
            return
        self._busy = True

        def work(progress, cancel):
            from studio.fleet.fleet import receiver_views

            return receiver_views(self.services.library(), self.key())

        def done(views) -> None:
            self._busy = False
            self.show_views(views)

        def failed(exc, details) -> None:
            self._busy = False
            self.errors.show(exc, details)

        self.runner.run(self.tr("Asking the receivers"), work, done, failed, cancellable=False)

    def show_views(self, views) -> None:
        self.views = views
        self.table.setRowCount(len(views))
        online = 0
        for row, v in enumerate(views):
            online += v.online
            state = self.tr("online") if v.online else self.tr("offline since %1").replace(
                "%1", local_text(v.last_seen))
            held = f"{v.manifest_version} / {v.latest_version}"
            cells = [v.name, v.zone, state, held, _mb(v.pending_bytes) if v.pending_bytes else "✔",
                     "" if v.clock_offset_s is None else f"{v.clock_offset_s:+.1f} s", _mb(v.free_bytes),
                     "" if v.volume is None else f"{v.volume} %", v.now_playing or "", v.last_error or ""]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 2:
                    item.setForeground(Qt.GlobalColor.darkGreen if v.online else Qt.GlobalColor.red)
                if column == 3 and v.manifest_version < v.latest_version:
                    item.setForeground(Qt.GlobalColor.darkYellow)
                if column == 0:
                    item.setData(Qt.ItemDataRole.UserRole, v.id)
                self.table.setItem(row, column, item)
        self.summary.setText(self.tr("%1 of %2 receivers online.").replace("%1", str(online))
                             .replace("%2", str(len(views))))

    def selected(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole) if rows else None

    # -- actions ----------------------------------------------------------------------------------
    def publish(self) -> None:
        """Returns at once: compiling and sending continue in the background."""
        by = self.services.operator().username

        def work(progress, cancel):
            from studio.fleet.publish import publish

            return publish(self.services.library(), by, 14, progress=progress, cancel=cancel)

        def done(result) -> None:
            self.services.wake_delivery()
            self.published.emit(result.publish_id)
            self.refresh()

        self.runner.run(self.tr("Publishing"), work, done, self.errors.show)

    def open_pair_dialog(self) -> PairDialog:
        from studio.schedule.zones import Zones

        zones = [z.name for z in Zones(self.services.library().conn).all()]
        dialog = PairDialog(zones, self)
        dialog.accepted.connect(lambda: self.pair(dialog.address.text(), dialog.code.text(),
                                                  dialog.zone.currentText(), dialog.name.text().strip() or None))
        dialog.open()
        return dialog

    def pair(self, address: str, code: str, zone: str, name: str | None) -> None:
        def work(progress, cancel):
            from studio.fleet.fleet import pair_receiver

            return pair_receiver(self.services.library(), self.key(), address, code, zone, name)

        self.runner.run(self.tr("Pairing"), work, lambda _id: self.refresh(), self.errors.show)

    def open_emergency(self):
        """Sign-in, confirmation, then live "reached N/M" (ui/emergency_dialog.py)."""
        from ui.emergency_dialog import EmergencyFlow

        self.emergency_flow = EmergencyFlow(self.services, self.runner, self)
        self.emergency_flow.start()
        return self.emergency_flow

    def _command(self, action: str, volume: int | None = None) -> None:
        receiver = self.selected()
        if receiver is None:
            return

        def work(progress, cancel):
            from studio.fleet.fleet import command

            command(self.services.library(), self.key(), receiver, action, volume)

        self.runner.run(self.tr("Sending the command"), work, lambda _v: self.refresh(), self.errors.show)

    def _ask_volume(self) -> None:
        if self.selected() is None:
            return
        volume, ok = QInputDialog.getInt(self, self.tr("Volume"), self.tr("Volume (%):"), 80, 0, 100)
        if ok:
            self._command("volume", volume)

    def resync(self) -> None:
        from studio.fleet.fleet import send_now

        self.runner.run(self.tr("Re-sync"), lambda p, c: send_now(self.services.library()),
                        lambda _v: self.services.wake_delivery(), self.errors.show)


class OutboxPanel(QWidget):
    def __init__(self, services: Services, runner: TaskRunner, parent=None) -> None:
        super().__init__(parent)
        self.services, self.runner = services, runner
        self.errors = ErrorDialogs(self)
        self.list = QListWidget()
        self.send_button = QPushButton(icon("outbox"), self.tr("Send now"))
        self.summary = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(self.send_button)
        bar.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.list, 1)
        self.timer = QTimer(self)
        self.timer.setInterval(2000)
        self.timer.timeout.connect(self.refresh)
        self.send_button.clicked.connect(self.send_now)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        self.refresh()
        self.timer.start()

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().hideEvent(event)
        self.timer.stop()

    def refresh(self) -> None:
        def work(progress, cancel):
            from studio.fleet.fleet import outbox

            return outbox(self.services.library())

        self.runner.run(self.tr("Reading the outbox"), work, self.show_rows, self.errors.show, cancellable=False)

    def show_rows(self, rows) -> None:
        self.list.clear()
        for row in rows:
            done = f"{row.bytes_sent / 1e6:.1f}/{row.bytes_total / 1e6:.1f} MB"
            text = self.tr("%1 — schedule %2 — %3 — %4 tries").replace("%1", row.receiver).replace(
                "%2", str(row.version)).replace("%3", done).replace("%4", str(row.attempts))
            if row.last_error:
                text += "\n" + self.tr("next try %1: %2").replace("%1", local_text(row.next_attempt, "%H:%M:%S", "")).replace(
                    "%2", row.last_error)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.list.addItem(item)
        self.summary.setText(self.tr("%1 deliveries waiting.").replace("%1", str(len(rows))) if rows else
                             self.tr("Nothing waiting: every receiver holds the latest schedule."))

    def send_now(self) -> None:
        from studio.fleet.fleet import send_now

        item = self.list.currentItem()
        delivery_id = item.data(Qt.ItemDataRole.UserRole) if item else None
        self.runner.run(self.tr("Send now"), lambda p, c: send_now(self.services.library(), delivery_id),
                        lambda _v: (self.services.wake_delivery(), self.refresh()),
                        self.errors.show)

"""Thiết bị and Hàng đợi: the receivers at a glance, and the outbox.

Receivers (ui/receivers_table.py): what the delivery engine last recorded about each one,
read from the database every 2 s while shown; the window never asks the receivers for
their status itself. Actions: publish, pair a new receiver, emergency (ui/emergency_dialog.py),
and for the selected receiver stop, volume and re-sync (studio.fleet.controls: each shows
its result under the table and is in the audit log under the acting user) and "Details…"
of its last problem. The outbox: every pending delivery with progress, attempts, next
retry, the last error, and "send now".

Threads: UI thread; the database and the network go through the task runner; the delivery
engine runs in its own threads (started by the window) and is woken after a publish,
"send now" or a re-sync.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.clock import local_text
from ui.error_messages import ErrorDialog, ErrorDialogs, describe
from ui.flow_layout import FlowLayout
from ui.formatting import megabytes, number
from ui.icons import icon
from ui.publish_dialog import PublishFlow
from ui.receiver_feedback import result_text
from ui.receivers_table import ReceiversTable
from ui.services import Services
from ui.task_runner import TaskRunner

log = logging.getLogger(__name__)

REFRESH_MS = 2000  # a database read: what the delivery engine recorded
RESYNC_WAIT_S = 15.0  # how long a re-sync waits for the engine's answer before saying "still sending"


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
        self.details_button = QPushButton(self.tr("Details…"))
        self.details_button.setToolTip(self.tr("The selected receiver's last problem, with its technical details"))
        self.table = ReceiversTable()
        self.summary = QLabel()
        self.feedback = QLabel()  # the result of the last stop / volume / re-sync
        self.feedback.setWordWrap(True)
        self.problem_dialog: ErrorDialog | None = None
        bar = FlowLayout()  # wraps on a narrow screen
        for button in (self.publish_button, self.pair_button, self.emergency_button, self.stop_button,
                       self.volume_button, self.resync_button, self.details_button):
            bar.addWidget(button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.feedback)
        layout.addWidget(self.summary)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.publish_button.clicked.connect(self.publish)
        self.pair_button.clicked.connect(self.open_pair_dialog)
        self.emergency_button.clicked.connect(self.open_emergency)
        self.stop_button.clicked.connect(self.stop)
        self.volume_button.clicked.connect(self._ask_volume)
        self.resync_button.clicked.connect(self.resync)
        self.details_button.clicked.connect(self.show_problem)

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
        """Read what the delivery engine recorded (the database only; quick)."""
        if self._busy:
            return
        self._busy = True

        def work(progress, cancel):
            from studio.fleet.status import receiver_views

            return receiver_views(self.services.library())

        def done(views) -> None:
            self._busy = False
            self.show_views(views)

        def failed(exc, details) -> None:
            self._busy = False
            self.errors.show(exc, details)

        self.runner.run(self.tr("Reading the receivers' state"), work, done, failed, cancellable=False)

    def show_views(self, views) -> None:
        self.views = views
        self.table.show_views(views)
        online = sum(v.online for v in views)
        self.summary.setText(self.tr("%1 of %2 receivers online.").replace("%1", str(online))
                             .replace("%2", str(len(views))))

    def selected(self) -> int | None:
        return self.table.selected_id()

    def show_problem(self) -> ErrorDialog | None:
        """The selected receiver's last problem: the message, and its technical details."""
        problem = self.table.problem_of_selected()
        if problem is None:
            return None
        self.problem_dialog = self.errors.show(problem, "")
        return self.problem_dialog

    # -- actions ----------------------------------------------------------------------------------
    def publish(self) -> None:
        """Shows what would change first (ui/publish_dialog.py); queues only what the officer confirmed."""
        def done(result) -> None:
            self.services.wake_delivery()
            self.published.emit(result.publish_id)
            self.refresh()

        self.publish_flow = PublishFlow(self.services, self.runner, self.errors.show, self, done)
        self.publish_flow.start()

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

    def _control(self, title: str, work) -> None:
        """Run one control of the selected receiver; its result (or failure) shows under the table."""
        receiver = self.selected()
        if receiver is None:
            self.feedback.setText(self.tr("Select a receiver in the table first."))
            return
        by = self.services.operator().username

        def done(result) -> None:
            self.feedback.setText(result_text(result))
            self.refresh()

        def failed(exc, details) -> None:
            self.feedback.setText(describe(exc)[0])
            self.errors.show(exc, details)
            self.refresh()

        self.feedback.setText(self.tr("%1…").replace("%1", title))
        self.runner.run(title, lambda progress, cancel: work(receiver, by, cancel), done, failed)

    def stop(self) -> None:
        from studio.fleet.controls import stop

        self._control(self.tr("Stopping"), lambda receiver, by, cancel: stop(
            self.services.library(), self.key(), receiver, by))

    def set_volume(self, percent: int) -> None:
        from studio.fleet.controls import set_volume

        self._control(self.tr("Setting the volume"), lambda receiver, by, cancel: set_volume(
            self.services.library(), self.key(), receiver, percent, by))

    def _ask_volume(self) -> None:
        view = self.table.selected_view()
        if view is None:
            self.feedback.setText(self.tr("Select a receiver in the table first."))
            return
        volume, ok = QInputDialog.getInt(self, self.tr("Volume"), self.tr("Volume (%):"),
                                         view.volume if view.volume is not None else 80, 0, 100)
        if ok:
            self.set_volume(volume)

    def resync(self) -> None:
        """Queue the latest schedule again, wake the engine, and say what became of it."""
        from studio.fleet.controls import resync, wait_delivery

        def work(receiver, by, cancel):
            library = self.services.library()
            queued = resync(library, self.key(), receiver, by)
            self.services.wake_delivery()
            return wait_delivery(library, queued, RESYNC_WAIT_S, cancel)

        self._control(self.tr("Re-sync"), work)


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
            done = f"{number(row.bytes_sent / 1e6)}/{megabytes(row.bytes_total)}"
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

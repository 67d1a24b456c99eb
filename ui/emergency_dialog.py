"""Phát khẩn cấp: sign in, confirm, then watch it reach the loudspeakers.

`EmergencyFlow` runs the three steps: `EmergencySignInDialog` (the clip, the zones, how
long it stays valid, and an approver's sign-in, or an editor's with a reason), then
`EmergencyConfirmDialog` naming the zones and the number of loudspeakers, then
`EmergencyProgressDialog`, which shows "reached N/M loudspeakers" and each receiver's
state live, read from the emergency's record every half second. Sending itself is the
delivery engine's (a sender per receiver, studio/fleet/emergency_delivery.py).

Threads: UI thread. The password check, the pre-render, recording the emergency and
every read of its record go through the task runner's urgent pool, so nothing here
waits behind a render or a status refresh; the UI thread never touches the database.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.clock import local_text
from studio.errors import AccessDenied, NoReceivers, ReasonRequired, UnknownUser
from studio.fleet.emergency import DEFAULT_VALID_MIN, MAX_VALID_MIN, TargetState
from ui.error_messages import ErrorDialogs, describe
from ui.services import Services
from ui.task_runner import TaskRunner
from ui.zone_checklist import ZoneChecklist

log = logging.getLogger(__name__)

POLL_MS = 500


class EmergencySignInDialog(QDialog):
    """What to play where, for how long it stays valid, and who signs for it."""

    def __init__(self, clips: list[tuple[int, str]], zones: list[str], parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Emergency broadcast"))
        self.clip = QComboBox()
        for clip_id, title in clips:
            self.clip.addItem(title, clip_id)
        self.zones = ZoneChecklist(max_height=120)
        self.zones.fill(zones)
        self.valid = QSpinBox()
        self.valid.setRange(1, MAX_VALID_MIN)
        self.valid.setValue(DEFAULT_VALID_MIN)
        self.valid.setSuffix(self.tr(" min"))
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.reason = QPlainTextEdit()
        self.reason.setMaximumHeight(70)
        self.reason.setPlaceholderText(self.tr("Required when an editor sends it without an approver"))
        form = QFormLayout()
        form.addRow(self.tr("Clip to play now:"), self.clip)
        form.addRow(self.tr("Zones:"), self.zones)
        form.addRow(self.tr("Valid for:"), self.valid)
        form.addRow(self.tr("User name:"), self.username)
        form.addRow(self.tr("Password:"), self.password)
        form.addRow(self.tr("Reason:"), self.reason)
        explain = QLabel(self.tr("An approver signs in alone; an editor alone must give the reason. Both are "
                                 "recorded. A loudspeaker offline now plays it when it comes back within the "
                                 "time it stays valid."))
        explain.setWordWrap(True)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #c62828;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Continue"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        self.on_submit = None  # set by the flow: called with the dialog once the form is complete

    def chosen_zones(self) -> list[str]:
        return self.zones.chosen()

    def choose_zones(self, names: list[str]) -> None:
        self.zones.choose(names)

    def _submit(self) -> None:
        if self.clip.currentIndex() < 0 or not self.chosen_zones():
            self.hint.setText(self.tr("Choose the clip and at least one zone."))
            return
        if not self.username.text().strip() or not self.password.text():
            self.hint.setText(self.tr("Enter the user name and the password."))
            return
        self.hint.setText(self.tr("Checking…"))
        self.buttons.setEnabled(False)
        if self.on_submit is not None:
            self.on_submit(self)

    def refused(self, message: str) -> None:
        self.hint.setText(message)
        self.password.clear()
        self.buttons.setEnabled(True)


class EmergencyConfirmDialog(QDialog):
    """The last word before it plays: the clip, the zones, how many loudspeakers."""

    def __init__(self, clip: str, zones: list[str], loudspeakers: int, valid_min: int, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Confirm the emergency broadcast"))
        self.message = QLabel(
            self.tr("Play “%1” now on %2 loudspeakers in: %3. Whatever they play is cut. A loudspeaker offline now "
                    "plays it if it comes back within %4 minutes.").replace("%1", clip)
            .replace("%2", str(loudspeakers)).replace("%3", ", ".join(zones)).replace("%4", str(valid_min)))
        self.message.setWordWrap(True)
        self.message.setStyleSheet("font-weight: bold;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Broadcast now"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)


class EmergencyProgressDialog(QDialog):
    """Live: reached N/M loudspeakers, and each receiver's state (non-modal)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Emergency broadcast"))
        self.summary = QLabel(self.tr("Sending…"))
        self.summary.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.detail = QLabel()
        headers = [self.tr("Loudspeaker"), self.tr("State"), self.tr("Time / error")]
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.detail)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(560, 420)

    def state_text(self, state: TargetState) -> str:
        return {TargetState.PENDING: self.tr("waiting (offline)"), TargetState.REACHED: self.tr("playing"),
                TargetState.EXPIRED: self.tr("expired: came back too late"), TargetState.FAILED: self.tr("refused"),
                TargetState.SUPERSEDED: self.tr("replaced by a newer emergency")}[state]

    def show_state(self, emergency, targets) -> None:
        reached = sum(t.state is TargetState.REACHED for t in targets)
        self.summary.setText(self.tr("Reached %1/%2 loudspeakers").replace("%1", str(reached))
                             .replace("%2", str(len(targets))))
        waiting = sum(t.state is TargetState.PENDING for t in targets)
        self.detail.setText(self.tr("%1 waiting: they play it if they come back before %2.").replace(
            "%1", str(waiting)).replace("%2", local_text(emergency.valid_until, "%H:%M")) if waiting else "")
        self.table.setRowCount(len(targets))
        colours = {TargetState.REACHED: Qt.GlobalColor.darkGreen, TargetState.PENDING: Qt.GlobalColor.darkYellow}
        for row, t in enumerate(targets):
            when = local_text(t.reached_at, "%H:%M:%S") if t.reached_at else ""
            if t.state is TargetState.FAILED and t.last_error:
                when = t.last_error
            for column, text in enumerate((t.name, self.state_text(t.state), when)):
                item = QTableWidgetItem(text)
                if column == 1:
                    item.setForeground(colours.get(t.state, Qt.GlobalColor.red))
                self.table.setItem(row, column, item)


class EmergencyFlow(QObject):
    """Sign-in → confirmation → live progress. Keeps its dialogs as attributes (tests read them)."""

    def __init__(self, services: Services, runner: TaskRunner, parent: QWidget) -> None:
        super().__init__(parent)
        self.services, self.runner, self.parent_widget = services, runner, parent
        self.errors = ErrorDialogs(parent)
        self.sign_in: EmergencySignInDialog | None = None
        self.confirm: EmergencyConfirmDialog | None = None
        self.progress: EmergencyProgressDialog | None = None
        self.emergency = None
        self._authority = None
        self._reading = False
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._poll)

    def _run(self, title: str, fn, done, failed=None) -> None:
        self.runner.run(title, lambda progress, cancel: fn(), done, failed or self.errors.show, cancellable=False,
                        urgent=True)

    def start(self) -> None:
        def load():
            from studio.schedule.zones import Zones

            library = self.services.library()
            return [(c.id, c.title) for c in library.clips()], [z.name for z in Zones(library.conn).all()]

        self._run(self.tr("Emergency broadcast"), load, self._show_sign_in)

    def _show_sign_in(self, loaded) -> None:
        clips, zones = loaded
        self.sign_in = EmergencySignInDialog(clips, zones, self.parent_widget)
        self.sign_in.on_submit = self._check
        self.sign_in.open()

    def _check(self, dialog: EmergencySignInDialog) -> None:
        clip_id, zones = dialog.clip.currentData(), dialog.chosen_zones()
        user, password = dialog.username.text().strip(), dialog.password.text()
        reason = dialog.reason.toPlainText()

        def check():
            from studio.accounts.store import Accounts
            from studio.audio.settings import OutputFormat
            from studio.fleet.emergency import authorize, count_receivers
            from studio.rendering import Renderer

            library = self.services.library()
            authority = authorize(Accounts(library.conn), user, password, reason)
            count = count_receivers(library, zones)
            if not count:
                raise NoReceivers(tuple(zones))
            # rendered now, while the officer reads the confirmation: sending starts at once
            Renderer(library).render_clip(clip_id, OutputFormat.OPUS)
            return authority, count

        def failed(exc, details) -> None:
            if isinstance(exc, (AccessDenied, ReasonRequired, UnknownUser, NoReceivers)):
                dialog.refused(describe(exc)[0])
            else:
                dialog.refused("")
                self.errors.show(exc, details)

        self._run(self.tr("Checking the sign-in"), check, self._show_confirm, failed)

    def _show_confirm(self, checked) -> None:
        self._authority, count = checked
        dialog = self.sign_in
        dialog.accept()
        self.confirm = EmergencyConfirmDialog(dialog.clip.currentText(), dialog.chosen_zones(), count,
                                              dialog.valid.value(), self.parent_widget)
        self.confirm.accepted.connect(self._send)
        self.confirm.open()

    def _send(self) -> None:
        dialog, authority = self.sign_in, self._authority
        clip_id, zones, valid = dialog.clip.currentData(), dialog.chosen_zones(), dialog.valid.value()

        def send():
            from studio.fleet.emergency import declare

            emergency = declare(self.services.library(), clip_id, zones, authority, valid)
            if getattr(self.services, "delivery", None) is None:
                self.services.start_delivery()
            self.services.wake_delivery()
            return emergency

        def failed(exc, details) -> None:
            self.progress.summary.setText(describe(exc)[0])
            self.errors.show(exc, details)

        self.progress = EmergencyProgressDialog(self.parent_widget)
        self.progress.finished.connect(self.timer.stop)
        self.progress.show()
        self._run(self.tr("Emergency broadcast"), send, self._sent, failed)

    def _sent(self, emergency) -> None:
        self.emergency = emergency
        self._poll()
        self.timer.start()

    def _poll(self) -> None:
        if self._reading or self.emergency is None:
            return
        self._reading = True
        emergency_id = self.emergency.id

        def read():
            from studio.fleet.emergency import Emergencies

            library = self.services.library()
            return Emergencies(library.conn, library.clock).targets(emergency_id)

        def done(targets) -> None:
            self._reading = False
            self.progress.show_state(self.emergency, targets)
            if not any(t.state is TargetState.PENDING for t in targets):
                self.timer.stop()

        def failed(exc, details) -> None:
            self._reading = False
            log.warning("reading emergency %d failed: %s", emergency_id, exc)

        self._run(self.tr("Emergency broadcast"), read, done, failed)

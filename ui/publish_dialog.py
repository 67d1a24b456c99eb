"""Phát hành, shown before it changes anything: what the new manifests add, remove and
keep on each loudspeaker (occurrences and minutes), and — when scheduled broadcasts would
be removed or a zone would fall silent for the next 24 hours — a warning that names them
and says why ("Bản tin sáng: chưa được phê duyệt lại sau khi sửa “Thông báo tiêm chủng”"),
with Cancel as the default button. Nothing is queued until the officer confirms.

`PublishFlow` runs the preview (`studio.fleet.publish_preview`, which renders what is new)
and then the queueing of exactly what was previewed through the task runner; the dialog
itself only shows values. UI thread.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QLocale, QObject
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from studio.fleet.publish_preview import Amount, PublishPreview, Removal, RemovedBroadcasts
from studio.programmes.approval_status import Why
from ui.services import Services
from ui.task_runner import TaskRunner

PUBLISH_DAYS = 14


def number(value: float, decimals: int = 1) -> str:
    """A number the Vietnamese way (decimal comma) in the window's locale."""
    return QLocale().toString(float(value), "f", decimals)


class PublishDialog(QDialog):
    """The summary of a publish; accepted means "queue it"."""

    def __init__(self, preview: PublishPreview, parent=None) -> None:
        super().__init__(parent)
        self.preview = preview
        self.setWindowTitle(self.tr("Publish"))
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
        heading = QLabel(self.tr("What this publish changes on the loudspeakers (from now to %1):").replace(
            "%1", preview.compiled.last_day.strftime("%d/%m/%Y")))
        heading.setWordWrap(True)
        layout.addWidget(heading)
        headers = [self.tr("Loudspeaker"), self.tr("Zone"), self.tr("Added"), self.tr("Removed"), self.tr("Kept")]
        self.table = QTableWidget(len(preview.receivers), len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        for row, change in enumerate(preview.receivers):
            cells = [change.name, change.zone, self.amount(change.added, "+"), self.amount(change.removed, "−"),
                     self.amount(change.kept)]
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        layout.addWidget(self.table)
        self.removed_list = QListWidget()
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #b71c1c; font-weight: bold;")
        lines = [self.removed_text(group) for group in preview.removed]
        lines += [self.silent_text(zone) for zone in preview.silent_zones]
        self.removed_list.addItems(lines)
        if preview.needs_confirmation:
            self.warning.setText(self.tr("This publish stops scheduled broadcasts. The loudspeakers will no longer "
                                         "play them. Approve the programmes again first, or confirm below."))
            layout.addWidget(self.warning)
            layout.addWidget(self.removed_list)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(self.tr("Cancel"))
        if preview.needs_confirmation:
            self.ok_button.setText(self.tr("Remove them and publish"))
            self.ok_button.setAutoDefault(False)
            cancel.setDefault(True)
        else:
            self.ok_button.setText(self.tr("Publish"))
            self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def amount(self, amount: Amount, sign: str = "") -> str:
        return self.tr("%1%2 (%3 min)").replace("%1", sign if amount.occurrences else "").replace(
            "%2", str(amount.occurrences)).replace("%3", number(amount.minutes))

    def reason_text(self, group: RemovedBroadcasts) -> str:
        clips = ", ".join(f"“{clip.title}”" for clip in group.clips)
        why = {
            Why.CLIP_EDITED: self.tr("not approved again after %1 was edited"),
            Why.CLIP_TRASHED: self.tr("%1 was moved to the trash"),
            Why.PROGRAMME_EDITED: self.tr("not approved again after the programme was changed"),
            Why.CONTENT_CHANGED: self.tr("not approved again after its content changed"),
            Why.AWAITING_APPROVAL: self.tr("submitted, not yet approved"),
            Why.REJECTED: self.tr("rejected by the approver"),
            Why.NEVER_APPROVED: self.tr("never approved"),
        }
        removal = {
            Removal.UNSCHEDULED: self.tr("taken off the schedule"),
            Removal.PROGRAMME_DELETED: self.tr("the programme was deleted"),
            Removal.ZONE_CHANGED: self.tr("the loudspeaker moved to another zone"),
            Removal.BEYOND_DAYS: self.tr("after the last day of this publish"),
        }
        if group.reason is Removal.NOT_APPROVED and group.gap is not None:
            return why[group.gap.why].replace("%1", clips)
        return removal.get(group.reason, group.reason.value)

    def removed_text(self, group: RemovedBroadcasts) -> str:
        title = f"“{group.title}”" if group.title else self.tr("a removed broadcast")
        return self.tr("%1 — %2: %3 times, %4 min, from %5 — %6").replace("%1", group.zone).replace(
            "%2", title).replace("%3", str(group.occurrences)).replace("%4", number(group.minutes)).replace(
            "%5", group.first_start.strftime("%H:%M %d/%m")).replace("%6", self.reason_text(group))

    def silent_text(self, zone) -> str:
        return self.tr("%1 will have nothing to broadcast in the next 24 hours (it had %2 broadcasts, %3 min).").replace(
            "%1", f"“{zone.zone}”").replace("%2", str(zone.occurrences_before)).replace(
            "%3", number(zone.minutes_before))


class PublishFlow(QObject):
    """Preview → dialog → queue. `dialog` is set when the preview is shown."""

    def __init__(self, services: Services, runner: TaskRunner, on_error: Callable, parent,
                 on_published: Callable[[object], None], days: int = PUBLISH_DAYS) -> None:
        super().__init__(parent)
        self.services, self.runner, self.on_error, self.on_published = services, runner, on_error, on_published
        self.days = days
        self.dialog: PublishDialog | None = None
        self.parent_widget = parent

    def start(self) -> None:
        days = self.days

        def work(progress, cancel):
            from studio.fleet.publish_preview import preview_publish

            return preview_publish(self.services.library(), days, progress=progress, cancel=cancel)

        self.runner.run(self.tr("Preparing the publish"), work, self.show_preview, self.on_error)

    def show_preview(self, preview: PublishPreview) -> None:
        self.dialog = PublishDialog(preview, self.parent_widget)
        self.dialog.accepted.connect(lambda: self.queue(preview))
        self.dialog.open()

    def queue(self, preview: PublishPreview) -> None:
        by = self.services.operator().username

        def work(progress, cancel):
            from studio.fleet.publish_preview import queue_previewed

            return queue_previewed(self.services.library(), by, preview)

        self.runner.run(self.tr("Publishing"), work, self.on_published, self.on_error)

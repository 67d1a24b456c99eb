"""The Thiết bị table: one row per receiver, from what the delivery engine recorded
(`studio.fleet.status.ReceiverView`; the same values `radio-studio receivers` prints).

State (online, offline since when in Vietnam time, not checked yet, needs pairing again),
the schedule held against the latest queued for it, what is still to send, clock offset,
free disk, volume (and the zone's maximum when it caps it), what plays by title, and the
last problem in Vietnamese; its technical text is the cell's tooltip and, for the selected
row, behind "Details…" (`problem_of_selected`). UI thread only; no database, no network.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from studio.clock import local_text
from studio.fleet.status import ReceiverState, ReceiverView
from ui.error_messages import describe
from ui.formatting import megabytes, signed

COLUMNS = 10
HELD, TO_SEND, PLAYING, PROBLEM = 3, 4, 8, 9


def _mb(value: int | None) -> str:
    return "" if value is None else megabytes(value)


class ReceiversTable(QTableWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(0, COLUMNS, parent)
        self.views: list[ReceiverView] = []
        self.setHorizontalHeaderLabels([
            self.tr("Receiver"), self.tr("Zone"), self.tr("State"), self.tr("Schedule held"), self.tr("To send"),
            self.tr("Clock"), self.tr("Free disk"), self.tr("Volume"), self.tr("Playing"), self.tr("Last error")])
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(True)

    # -- texts ----------------------------------------------------------------------------------
    def state_text(self, view: ReceiverView) -> str:
        if view.state is ReceiverState.ONLINE:
            return self.tr("online")
        if view.state is ReceiverState.OFFLINE:
            return self.tr("offline since %1").replace("%1", local_text(view.offline_since, "%H:%M:%S %d/%m/%Y"))
        if view.state is ReceiverState.NEEDS_PAIRING:
            return self.tr("needs pairing again")
        return self.tr("not checked yet")

    def to_send_text(self, view: ReceiverView) -> str:
        if view.up_to_date:
            return "✔"
        return _mb(view.pending_bytes) if view.pending_bytes else self.tr("schedule waiting")

    def volume_text(self, view: ReceiverView) -> str:
        if view.volume is None:
            return ""
        if view.max_volume is not None and view.max_volume < view.volume:
            return self.tr("%1 % (zone maximum %2 %)").replace("%1", str(view.volume)).replace(
                "%2", str(view.max_volume))
        return f"{view.volume} %"

    def playing_text(self, view: ReceiverView) -> str:
        playing = view.now_playing
        if playing is None:
            return ""
        if playing.title:
            return playing.title
        return self.tr("Emergency broadcast") if playing.priority == "emergency" else self.tr("Untitled item")

    def problem_text(self, view: ReceiverView) -> str:
        return describe(view.problem)[0] if view.problem is not None else ""

    # -- rows -----------------------------------------------------------------------------------
    def show_views(self, views: list[ReceiverView]) -> None:
        selected = self.selected_id()
        self.views = list(views)
        self.setRowCount(len(self.views))
        for row, v in enumerate(self.views):
            clock = "" if v.clock_offset_s is None else f"{signed(v.clock_offset_s)} s"
            cells = [v.name, v.zone, self.state_text(v), f"{v.manifest_version} / {v.latest_version}",
                     self.to_send_text(v), clock, _mb(v.free_bytes), self.volume_text(v), self.playing_text(v),
                     self.problem_text(v)]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 2:
                    item.setForeground(Qt.GlobalColor.darkGreen if v.online else Qt.GlobalColor.red)
                if column == HELD and v.manifest_version < v.latest_version:
                    item.setForeground(Qt.GlobalColor.darkYellow)
                if column == PROBLEM and v.problem is not None:
                    item.setToolTip(v.problem.describe())
                if column == 0:
                    item.setData(Qt.ItemDataRole.UserRole, v.id)
                self.setItem(row, column, item)
            if v.id == selected:
                self.selectRow(row)

    def selected_id(self) -> int | None:
        rows = self.selectionModel().selectedRows()
        return self.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole) if rows else None

    def selected_view(self) -> ReceiverView | None:
        chosen = self.selected_id()
        return next((v for v in self.views if v.id == chosen), None)

    def problem_of_selected(self):
        view = self.selected_view()
        return view.problem if view is not None else None

"""The programme editor's "Tiếp sóng…" button and the editing of a stream item: the
button opens `StreamItemDialog` on the programme's stream (a programme relays one), or
on a new one, put first in the list; a double-click on the stream's row reopens it with
its values. The items list shows the others as its backup (`ui/programme_items.py`).

Threads: UI thread (the dialog's check goes through the panel's task runner).
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QBoxLayout, QListWidgetItem, QPushButton, QWidget

from ui.icons import icon
from ui.stream_item_dialog import StreamItemDialog


class ProgrammeStreamEditing(QObject):
    """The "Tiếp sóng…" button of one programme editor and the dialog it opens."""

    def __init__(self, panel: QWidget, row: QBoxLayout) -> None:
        super().__init__(panel)
        self.panel = panel
        self.dialog: StreamItemDialog | None = None
        self.button = QPushButton(icon("relay"), self.tr("Relay…"))
        self.button.setToolTip(self.tr("Relay the provincial or national station for a set time; the "
                                       "programme's other items are its backup."))
        row.addWidget(self.button)
        self.button.clicked.connect(lambda: self.open(self.panel.items.stream_row()))
        panel.items.itemDoubleClicked.connect(self._double_clicked)
        panel.items.currentRowChanged.connect(self._selected)

    def _selected(self, row: int) -> None:
        # A relay lasts its own duration and is never rendered: a pause after it would change nothing.
        self.panel.gap.setEnabled(row < 0 or not self.panel.items.item_at(row).stream)

    def _double_clicked(self, entry: QListWidgetItem) -> None:
        row = self.panel.items.row(entry)
        if self.panel.items.item_at(row).stream:
            self.open(row)

    def open(self, row: int | None = None) -> StreamItemDialog:
        """The dialog on the stream item at `row`, or on a new one (`row` None)."""
        items = self.panel.items.values()
        others = tuple(item for n, item in enumerate(items) if n != row)
        self.dialog = StreamItemDialog(self.panel.runner, others, None if row is None else items[row], self.panel)
        dialog = self.dialog
        dialog.accepted.connect(lambda: self._apply(row, dialog))
        dialog.open()
        return dialog

    def _apply(self, row: int | None, dialog: StreamItemDialog) -> None:
        if dialog.result_item is None:
            return
        if row is None:
            self.panel.items.append_item(dialog.result_item, 0)
        else:
            self.panel.items.replace_item(row, dialog.result_item)
        self.panel._changed()

"""A list of zones with a check box each: which villages an emergency or a live
broadcast goes to. UI thread."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem


class ZoneChecklist(QListWidget):
    def __init__(self, max_height: int, parent=None) -> None:
        super().__init__(parent)
        self.setMaximumHeight(max_height)

    def fill(self, names: list[str]) -> None:
        """Show `names`, keeping checked those that were."""
        chosen = set(self.chosen())
        self.clear()
        for name in names:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in chosen else Qt.CheckState.Unchecked)
            self.addItem(item)

    def chosen(self) -> list[str]:
        return [self.item(i).text() for i in range(self.count())
                if self.item(i).checkState() == Qt.CheckState.Checked]

    def choose(self, names: list[str]) -> None:
        for i in range(self.count()):
            item = self.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.text() in names else Qt.CheckState.Unchecked)

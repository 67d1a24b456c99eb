"""The item list of the programme editor: items in playing order, dragged to reorder,
each labelled with its title, length, language versions and the pause after it.

Each row holds its `Item` (a frozen value); a change replaces the value and the label.
The clip titles and lengths come from the panel's last load (`titles`). UI thread only.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QWidget

from studio.languages import display_name
from studio.programmes.model import Item, jingle_name
from ui.clip_table_model import format_duration
from ui.formatting import compact

ITEM_ROLE = Qt.ItemDataRole.UserRole


class ProgrammeItemsList(QListWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.titles: dict[int, tuple[str, float]] = {}  # clip id -> (title, edited length in s)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)

    def label(self, item: Item) -> str:
        # Shown inside the programme editor: the strings keep the ProgrammesPanel catalogue context.
        pause = QCoreApplication.translate("ProgrammesPanel", "then %1 s of silence").replace(
            "%1", compact(item.gap_after))
        if item.jingle:
            return f"♪ {jingle_name(item.jingle)} — {pause}"
        title, seconds = self.titles.get(
            item.clip, (QCoreApplication.translate("ProgrammesPanel", "clip %1").replace("%1", str(item.clip)), 0.0))
        text = f"{title} ({format_duration(seconds)})"
        for language, clip_id in item.variants:
            text += f" · {display_name(language)}: {self.titles.get(clip_id, (str(clip_id), 0))[0]}"
        return f"{text} — {pause}"

    def append_item(self, item: Item) -> None:
        row = QListWidgetItem(self.label(item))
        row.setData(ITEM_ROLE, item)
        self.addItem(row)

    def item_at(self, row: int) -> Item:
        return self.item(row).data(ITEM_ROLE)

    def values(self) -> tuple[Item, ...]:
        """The items in playing order (as dragged)."""
        return tuple(self.item_at(i) for i in range(self.count()))

    def replace_item(self, row: int, item: Item) -> None:
        self.item(row).setData(ITEM_ROLE, item)
        self.item(row).setText(self.label(item))

    def set_variant(self, row: int, language: str, clip_id: int) -> None:
        variants = dict(self.item_at(row).variants)
        variants[language] = clip_id
        self.replace_item(row, replace(self.item_at(row), variants=tuple(sorted(variants.items()))))

    def set_gap(self, row: int, seconds: float) -> None:
        self.replace_item(row, replace(self.item_at(row), gap_after=seconds))

"""The item list of the programme editor: items in playing order, dragged to reorder,
each labelled with its title, length, language versions and the pause after it. A
programme that relays a stream ("tiếp sóng") shows it as "Tiếp sóng: host/path — 30 phút"
(with the relay icon), and its other items as its backup (played when the stream fails
or stays silent).

Each row holds its `Item` (a frozen value); a change replaces the value and the label.
The clip titles and lengths come from the panel's last load (`titles`). UI thread only.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QWidget

from studio.languages import display_name
from studio.programmes.model import Item, jingle_name
from ui.clip_table_model import format_duration
from ui.formatting import compact
from ui.icons import icon

ITEM_ROLE = Qt.ItemDataRole.UserRole


class ProgrammeItemsList(QListWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.titles: dict[int, tuple[str, float]] = {}  # clip id -> (title, edited length in s)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setIconSize(QSize(16, 16))  # the relay's icon keeps its row as high as the others
        self.model().rowsInserted.connect(lambda *_: self.relabel())  # a backup is one only beside a stream
        self.model().rowsRemoved.connect(lambda *_: self.relabel())

    def label(self, item: Item) -> str:
        # Shown inside the programme editor: the strings keep the ProgrammesPanel catalogue context.
        if item.stream:
            text = QCoreApplication.translate("ProgrammesPanel", "Relay: %1 — %2") if self.has_backup() else \
                QCoreApplication.translate("ProgrammesPanel", "Relay: %1 — %2 (no backup: a chime, then silence, "
                                                              "if it fails)")
            return text.replace("%1", stream_place(item.stream)).replace("%2", stream_length(item.duration_s))
        text = self.plain_label(item)
        if self.has_stream():
            return QCoreApplication.translate("ProgrammesPanel", "↳ Backup: %1").replace("%1", text)
        return text

    def plain_label(self, item: Item) -> str:
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

    def _items(self) -> list[Item]:
        return [v for v in (self.item(i).data(ITEM_ROLE) for i in range(self.count())) if v is not None]

    def has_stream(self) -> bool:
        return any(i.stream for i in self._items())

    def has_backup(self) -> bool:
        return any(not i.stream for i in self._items())

    def stream_row(self) -> int | None:
        return next((n for n in range(self.count()) if self.item_at(n).stream), None)

    def current_is_clip(self) -> bool:
        """A clip is selected (only a clip takes language versions)."""
        return self.currentRow() >= 0 and self.item_at(self.currentRow()).clip is not None

    def relabel(self) -> None:
        for n in range(self.count()):
            if (item := self.item(n).data(ITEM_ROLE)) is not None:  # None: a row being dropped
                self.item(n).setText(self.label(item))

    def append_item(self, item: Item, row: int | None = None) -> None:
        """Add `item` at the end (or at `row`)."""
        entry = QListWidgetItem(icon("relay") if item.stream else QIcon(), "")
        entry.setData(ITEM_ROLE, item)
        self.insertItem(self.count() if row is None else row, entry)

    def item_at(self, row: int) -> Item:
        return self.item(row).data(ITEM_ROLE)

    def values(self) -> tuple[Item, ...]:
        """The items in playing order (as dragged)."""
        return tuple(self.item_at(i) for i in range(self.count()))

    def replace_item(self, row: int, item: Item) -> None:
        self.item(row).setData(ITEM_ROLE, item)
        self.item(row).setIcon(icon("relay") if item.stream else QIcon())
        self.relabel()

    def set_variant(self, row: int, language: str, clip_id: int) -> None:
        variants = dict(self.item_at(row).variants)
        variants[language] = clip_id
        self.replace_item(row, replace(self.item_at(row), variants=tuple(sorted(variants.items()))))

    def set_gap(self, row: int, seconds: float) -> None:
        self.replace_item(row, replace(self.item_at(row), gap_after=seconds))


def stream_place(url: str, limit: int = 60) -> str:
    """Where a stream comes from, as the list shows it: host and path, without the scheme."""
    parts = urlsplit(url)
    place = parts.netloc.rpartition("@")[2] + parts.path.rstrip("/")  # no user:password shown
    return place if len(place) <= limit else place[: limit - 1] + "…"


def stream_length(seconds: float) -> str:
    """"30 phút", "2 giờ", "1 giờ 30 phút" for a relay's length."""
    hours, minutes = divmod(seconds / 60, 60)
    if hours < 1:
        return QCoreApplication.translate("ProgrammesPanel", "%1 min").replace("%1", compact(minutes))
    if minutes == 0:
        return QCoreApplication.translate("ProgrammesPanel", "%1 h").replace("%1", str(int(hours)))
    return QCoreApplication.translate("ProgrammesPanel", "%1 h %2 min").replace("%1", str(int(hours))).replace(
        "%2", compact(minutes))

"""Table model over a list of `Clip` values (title, duration, loudness, date, language).

The list is fetched by a background task and handed in with `set_clips`; the model never
reads the database. Sorting uses raw values (SORT_ROLE), not the displayed text. UI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt

from studio.clock import local_text
from studio.languages import display_name
from studio.library import Clip
from ui.formatting import number

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
CLIP_ROLE = Qt.ItemDataRole.UserRole + 2


def format_duration(seconds: float) -> str:
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, sec = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{sec:02d}" if hours else f"{minutes}:{sec:02d}"


def _local_date(iso: str) -> str:
    try:
        return local_text(iso)
    except ValueError:
        return iso


class ClipTableModel(QAbstractTableModel):
    TITLE, DURATION, LOUDNESS, DATE, LANGUAGE = range(5)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._clips: list[Clip] = []

    def headers(self) -> list[str]:
        return [self.tr("Title"), self.tr("Duration"), self.tr("Loudness"), self.tr("Added"), self.tr("Language")]

    def set_clips(self, clips: list[Clip]) -> None:
        self.beginResetModel()
        self._clips = list(clips)
        self.endResetModel()

    def clip_at(self, row: int) -> Clip:
        return self._clips[row]

    def row_of(self, clip_id: int) -> int | None:
        for row, clip in enumerate(self._clips):
            if clip.id == clip_id:
                return row
        return None

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self._clips)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else 5

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        clip = self._clips[index.row()]
        column = index.column()
        if role == CLIP_ROLE:
            return clip
        if role == SORT_ROLE:
            return [clip.title.casefold(), clip.duration_s, clip.loudness_lufs or -1000.0, clip.created_at,
                    clip.language][column]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.TITLE:
                return clip.title
            if column == self.DURATION:
                return format_duration(clip.duration_s)
            if column == self.LOUDNESS:
                return self.tr("silent") if clip.loudness_lufs is None else f"{number(clip.loudness_lufs)} LUFS"
            if column == self.DATE:
                return _local_date(clip.created_at)
            return display_name(clip.language)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (self.DURATION, self.LOUDNESS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.TITLE:
            return clip.source_name
        return None


class ClipFilterModel(QSortFilterProxyModel):
    """Search by title or original file name, case- and accent-insensitive for ASCII input."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._needle = ""

    def set_search(self, text: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.10
            self.beginFilterChange()
            self._needle = _fold(text.strip())
            self.endFilterChange()
        else:
            self._needle = _fold(text.strip())
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:  # noqa: N802
        if not self._needle:
            return True
        clip: Clip = self.sourceModel().clip_at(row)
        return self._needle in _fold(clip.title) or self._needle in _fold(clip.source_name)


def _fold(text: str) -> str:
    """Case-fold and strip Vietnamese diacritics so "ban tin" finds "Bản tin"."""
    import unicodedata

    decomposed = unicodedata.normalize("NFD", text.casefold()).replace("đ", "d")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))

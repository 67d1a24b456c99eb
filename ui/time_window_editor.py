"""The allowed broadcast hours of a zone, edited as rows of "days ticked + from + to"
instead of the command line's `2-6@05:30-06:30`: each row is one `Window` of
studio/schedule/zones.py (the same values the CLI reads and writes). An end at 23:59
means until midnight (24:00, which a time editor cannot show). No rows: any time.

UI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QTimeEdit, QVBoxLayout, QWidget

from studio.errors import InvalidSchedule
from studio.schedule.zones import ALL_DAYS, Window

END_OF_DAY = QTime(23, 59)


def _minutes(time: QTime) -> int:
    return time.hour() * 60 + time.minute()


class WindowRow(QWidget):
    removed = Signal(object)

    def __init__(self, window: Window, parent=None) -> None:
        super().__init__(parent)
        names = (self.tr("Mon"), self.tr("Tue"), self.tr("Wed"), self.tr("Thu"), self.tr("Fri"), self.tr("Sat"),
                 self.tr("Sun"))
        self.days = [QCheckBox(name) for name in names]
        self.start = QTimeEdit()
        self.end = QTimeEdit()
        for edit in (self.start, self.end):
            edit.setDisplayFormat("HH:mm")
        self.end.setToolTip(self.tr("23:59 means until midnight"))
        self.remove_button = QPushButton("✕")
        self.remove_button.setToolTip(self.tr("Remove these hours"))
        self.remove_button.setFixedWidth(28)
        self.remove_button.clicked.connect(lambda: self.removed.emit(self))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        for box in self.days:
            row.addWidget(box)
        row.addSpacing(8)
        row.addWidget(QLabel(self.tr("from")))
        row.addWidget(self.start)
        row.addWidget(QLabel(self.tr("to")))
        row.addWidget(self.end)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        self.set_window(window)

    def set_window(self, window: Window) -> None:
        for day, box in enumerate(self.days):
            box.setChecked(day in window.days)
        self.start.setTime(QTime(window.start_min // 60, window.start_min % 60))
        end = END_OF_DAY if window.end_min >= 24 * 60 else QTime(window.end_min // 60, window.end_min % 60)
        self.end.setTime(end)

    def window(self) -> Window:
        days = frozenset(day for day, box in enumerate(self.days) if box.isChecked())
        start = _minutes(self.start.time())
        end = 24 * 60 if self.end.time() == END_OF_DAY else _minutes(self.end.time())
        if not days:
            raise InvalidSchedule("window", "no day ticked")
        if end <= start:
            raise InvalidSchedule("window", "the end must come after the start")
        return Window(days, start, end)


class TimeWindowsEditor(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[WindowRow] = []
        self.list = QVBoxLayout()
        self.list.setContentsMargins(0, 0, 0, 0)
        self.list.setSpacing(2)
        self.empty = QLabel(self.tr("Any time of day (no hours set)."))
        self.add_button = QPushButton(self.tr("Add hours"))
        self.add_button.clicked.connect(lambda: self.add_row(Window(frozenset(range(5)), 5 * 60 + 30, 6 * 60 + 30)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addLayout(self.list)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def add_row(self, window: Window = Window(ALL_DAYS, 5 * 60, 6 * 60)) -> WindowRow:
        row = WindowRow(window, self)
        row.removed.connect(self.remove_row)
        self.rows.append(row)
        self.list.addWidget(row)
        self.empty.setVisible(False)
        return row

    def remove_row(self, row: WindowRow) -> None:
        self.rows.remove(row)
        self.list.removeWidget(row)
        row.deleteLater()
        self.empty.setVisible(not self.rows)

    def set_windows(self, windows: tuple[Window, ...]) -> None:
        for row in list(self.rows):
            self.remove_row(row)
        for window in windows:
            self.add_row(window)
        self.empty.setVisible(not self.rows)

    def windows(self) -> tuple[Window, ...]:
        """The rows as windows (InvalidSchedule when one has no day or ends before it starts)."""
        return tuple(row.window() for row in self.rows)

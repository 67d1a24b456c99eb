"""A week of the broadcast plan drawn as a calendar: seven day columns, hours down the
side, one block per occurrence — coloured by zone, outlined by priority (red for an
emergency, orange for priority), hatched with ⚠ where a check failed. Drag a block to
move its slot (the whole series moves with it, snapped to 5 minutes).

UI thread only; it paints values handed to it (`set_week`) and emits `slot_moved`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from studio.clock import Clock
from studio.schedule.planner import Occurrence
from studio.schedule.slots import Priority

HEADER = 34
GUTTER = 46
SNAP_MIN = 5


def zone_colour(zone_id: int) -> QColor:
    return QColor.fromHsv((zone_id * 67) % 360, 90, 235)


class WeekCalendar(QWidget):
    slot_moved = Signal(int, object, object)  # slot id, old occurrence start, new occurrence start

    def __init__(self, clock: Clock, parent=None) -> None:
        super().__init__(parent)
        self.setMinimumSize(560, 360)  # fits a 1024×768 screen beside the navigation
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.clock = clock
        today = clock.today()
        self.week_start = today - timedelta(days=today.weekday())
        self.first_hour, self.last_hour = 4, 22
        self.occurrences: list[Occurrence] = []
        self.conflicts: set[tuple[int, date]] = set()  # (slot id, day) with a blocking warning
        self.lanes: dict[int, int] = {}  # zone id -> lane
        self.day_names: list[str] = []
        self.titles: dict[int, str] = {}
        self._drag: tuple[Occurrence, QPointF] | None = None
        self._drag_to: QPointF | None = None

    def set_week(self, week_start: date, occurrences: list[Occurrence], conflicts: set[tuple[int, date]],
                 titles: dict[int, str], day_names: list[str]) -> None:
        self.week_start = week_start
        self.occurrences = occurrences
        self.conflicts = conflicts
        self.titles = titles
        self.day_names = day_names
        zones = sorted({o.zone_id for o in occurrences})
        self.lanes = {z: i for i, z in enumerate(zones)}
        hours = [o.start.hour for o in occurrences] + [o.end.hour + 1 for o in occurrences]
        self.first_hour = min([5] + hours)
        self.last_hour = max([21] + hours)
        self.update()

    # -- geometry -----------------------------------------------------------------------------
    def _column(self) -> float:
        return (self.width() - GUTTER) / 7

    def _per_minute(self) -> float:
        return (self.height() - HEADER) / ((self.last_hour - self.first_hour) * 60)

    def rect_of(self, occurrence: Occurrence) -> QRectF:
        day = (occurrence.start.date() - self.week_start).days
        column = self._column()
        lanes = max(1, len(self.lanes))
        lane_width = (column - 4) / lanes
        minutes = (occurrence.start.hour - self.first_hour) * 60 + occurrence.start.minute
        length = max(6.0, (occurrence.end - occurrence.start).total_seconds() / 60 * self._per_minute())
        x = GUTTER + day * column + 2 + self.lanes.get(occurrence.zone_id, 0) * lane_width
        return QRectF(x, HEADER + minutes * self._per_minute(), max(3.0, lane_width - 1), length)

    def occurrence_at(self, point: QPointF) -> Occurrence | None:
        for occurrence in reversed(self.occurrences):
            if self.rect_of(occurrence).contains(point):
                return occurrence
        return None

    # -- painting -----------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802 (Qt API)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        column, per_minute = self._column(), self._per_minute()
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() - 1))
        painter.setFont(small)
        today = self.clock.today()
        for day in range(7):
            x = GUTTER + day * column
            if self.week_start + timedelta(days=day) == today:
                painter.fillRect(QRectF(x, 0, column, self.height()), QColor("#fff8e1"))
            if day >= 5:
                painter.fillRect(QRectF(x, HEADER, column, self.height()), QColor(0, 0, 0, 10))
            painter.setPen(QColor("#b0bec5"))
            painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))
            painter.setPen(QColor("#263238"))
            name = self.day_names[day] if day < len(self.day_names) else ""
            painter.drawText(QRectF(x, 0, column, HEADER), Qt.AlignmentFlag.AlignCenter, name)
        for hour in range(self.first_hour, self.last_hour + 1):
            y = HEADER + (hour - self.first_hour) * 60 * per_minute
            painter.setPen(QColor("#eceff1"))
            painter.drawLine(QPointF(GUTTER, y), QPointF(self.width(), y))
            painter.setPen(QColor("#607d8b"))
            painter.drawText(QRectF(0, y - 8, GUTTER - 6, 16), Qt.AlignmentFlag.AlignRight, f"{hour:02d}:00")
        for occurrence in self.occurrences:
            self._paint_block(painter, occurrence, self.rect_of(occurrence))
        if self._drag is not None and self._drag_to is not None:
            occurrence, origin = self._drag
            ghost = self.rect_of(occurrence).translated(self._drag_to - origin)
            painter.setPen(QPen(QColor("#1565c0"), 2, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(ghost)

    def _paint_block(self, painter: QPainter, occurrence: Occurrence, rect: QRectF) -> None:
        conflict = (occurrence.slot_id, occurrence.start.date()) in self.conflicts
        pen = {Priority.EMERGENCY: QPen(QColor("#c62828"), 3), Priority.PRIORITY: QPen(QColor("#ef6c00"), 2)}.get(
            occurrence.priority, QPen(QColor("#37474f"), 1))
        painter.setPen(pen)
        painter.setBrush(zone_colour(occurrence.zone_id))
        painter.drawRoundedRect(rect, 3, 3)
        if conflict:
            painter.setBrush(QBrush(QColor(198, 40, 40, 90), Qt.BrushStyle.BDiagPattern))
            painter.drawRoundedRect(rect, 3, 3)
        if rect.height() >= 12 and rect.width() >= 24:
            painter.setPen(QColor("#b71c1c") if conflict else QColor("#102027"))
            text = ("⚠ " if conflict else "") + occurrence.start.strftime("%H:%M") + " " + self.titles.get(
                occurrence.programme_id, "")
            painter.drawText(rect.adjusted(3, 1, -2, -1), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, text)

    # -- dragging -----------------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt API)
        occurrence = self.occurrence_at(event.position())
        if occurrence is not None and event.button() == Qt.MouseButton.LeftButton:
            self._drag = (occurrence, event.position())
            self._drag_to = event.position()

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if self._drag is not None:
            self._drag_to = event.position()
            self.update()
        else:
            occurrence = self.occurrence_at(event.position())
            self.setToolTip(self.titles.get(occurrence.programme_id, "") if occurrence else "")

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if self._drag is None:
            return
        occurrence, origin = self._drag
        self._drag = self._drag_to = None
        moved = self.moved_start(occurrence, event.position() - origin)
        self.update()
        if moved != occurrence.start:
            self.slot_moved.emit(occurrence.slot_id, occurrence.start, moved)

    def moved_start(self, occurrence: Occurrence, delta: QPointF) -> datetime:
        days = round(delta.x() / self._column())
        minutes = round(delta.y() / self._per_minute() / SNAP_MIN) * SNAP_MIN
        return occurrence.start + timedelta(days=days, minutes=minutes)

"""A week of the broadcast plan drawn as a calendar: seven day columns, the whole day
(00:00–24:00) down the side, scrolled inside a QScrollArea with the day names kept at the
top, one block per occurrence labelled with its time and programme — coloured by zone,
outlined by priority (red for an emergency, orange for priority), hatched with ⚠ where a
check failed. Drag a block to move its slot (the whole series moves with it, snapped to 5
minutes); click selects it, double-click asks to edit it, right-click offers Edit and
Delete, the Delete key asks to delete the selected one.

UI thread only; it paints values handed to it (`set_week`) and emits signals.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QMenu, QScrollArea, QSizePolicy, QWidget

from studio.clock import Clock
from studio.schedule.planner import Occurrence
from studio.schedule.slots import Priority

HEADER = 34
GUTTER = 46
SNAP_MIN = 5
HOUR_PX = 60  # one pixel a minute: a 15-minute bulletin is tall enough for its label


def _key(occurrence: Occurrence) -> tuple:
    return occurrence.slot_id, occurrence.zone_id, occurrence.start


def zone_colour(zone_id: int) -> QColor:
    return QColor.fromHsv((zone_id * 67) % 360, 90, 235)


class WeekCalendar(QWidget):
    slot_moved = Signal(int, object, object)  # slot id, old occurrence start, new occurrence start
    edit_requested = Signal(object)  # the Occurrence
    delete_requested = Signal(object)  # the Occurrence

    def __init__(self, clock: Clock, parent=None) -> None:
        super().__init__(parent)
        self.setMinimumSize(560, HEADER + 24 * HOUR_PX)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.clock = clock
        today = clock.today()
        self.week_start = today - timedelta(days=today.weekday())
        self.first_hour, self.last_hour = 0, 24
        self.occurrences: list[Occurrence] = []
        self.conflicts: set[tuple[int, date]] = set()  # (slot id, day) with a blocking warning
        self.lanes: dict[tuple, tuple[int, int]] = {}  # occurrence key -> (lane, lanes side by side)
        self.day_names: list[str] = []
        self.titles: dict[int, str] = {}
        self.selected: Occurrence | None = None
        self.menu: QMenu | None = None
        self._drag: tuple[Occurrence, QPointF] | None = None
        self._drag_to: QPointF | None = None

    def set_week(self, week_start: date, occurrences: list[Occurrence], conflicts: set[tuple[int, date]],
                 titles: dict[int, str], day_names: list[str]) -> None:
        self.week_start = week_start
        self.occurrences = occurrences
        self.conflicts = conflicts
        self.titles = titles
        self.day_names = day_names
        self.lanes = self._lay_out(occurrences)
        if self.selected is not None and _key(self.selected) not in self.lanes:
            self.selected = None
        self.update()

    def _lay_out(self, occurrences: list[Occurrence]) -> dict[tuple, tuple[int, int]]:
        """Blocks that overlap on screen share their day's column side by side; a block
        alone gets the whole width (so its label is readable)."""
        shortest = (QFontMetricsF(self.font()).height() + 2) / self._per_minute()
        placed: dict[tuple, tuple[int, int]] = {}
        by_day: dict[date, list[Occurrence]] = {}
        for occurrence in occurrences:
            by_day.setdefault(occurrence.start.date(), []).append(occurrence)
        for day_occurrences in by_day.values():
            day_occurrences.sort(key=lambda o: (o.start, o.zone_id, o.slot_id))
            cluster: list[tuple[tuple, int]] = []
            lane_ends: list[datetime] = []
            cluster_end: datetime | None = None
            for occurrence in day_occurrences + [None]:
                start = occurrence.start if occurrence is not None else None
                if cluster and (start is None or start >= cluster_end):
                    for key, lane in cluster:
                        placed[key] = (lane, len(lane_ends))
                    cluster, lane_ends = [], []
                if occurrence is None:
                    break
                end = max(occurrence.end, occurrence.start + timedelta(minutes=shortest))
                lane = next((i for i, e in enumerate(lane_ends) if e <= start), len(lane_ends))
                if lane == len(lane_ends):
                    lane_ends.append(end)
                else:
                    lane_ends[lane] = end
                cluster_end = end if not cluster else max(cluster_end, end)
                cluster.append((_key(occurrence), lane))
        return placed

    def first_busy_y(self) -> int:
        """Where the scroll area starts: an hour before the week's first broadcast (05:00 when
        the week is empty)."""
        hour = min([o.start.hour for o in self.occurrences] or [6]) - 1
        return int(max(0, hour * HOUR_PX - 12))  # the hour's own label shows under the day names

    # -- geometry -----------------------------------------------------------------------------
    def _column(self) -> float:
        return (self.width() - GUTTER) / 7

    def _per_minute(self) -> float:
        return HOUR_PX / 60

    def _header_top(self) -> float:
        """The header stays at the top of the visible part while the day scrolls under it."""
        return float(max(0, -self.y()))

    def rect_of(self, occurrence: Occurrence) -> QRectF:
        day = (occurrence.start.date() - self.week_start).days
        column = self._column()
        lane, lanes = self.lanes.get(_key(occurrence), (0, 1))
        lane_width = (column - 4) / lanes
        minutes = occurrence.start.hour * 60 + occurrence.start.minute
        line = QFontMetricsF(self.font()).height()
        length = (occurrence.end - occurrence.start).total_seconds() / 60 * self._per_minute()
        length = min(max(line + 2, length), (24 * 60 - minutes) * self._per_minute())
        x = GUTTER + day * column + 2 + lane * lane_width
        return QRectF(x, HEADER + minutes * self._per_minute(), max(3.0, lane_width - 1), max(4.0, length))

    def occurrence_at(self, point: QPointF) -> Occurrence | None:
        if point.y() < self._header_top() + HEADER:
            return None
        for occurrence in reversed(self.occurrences):
            if self.rect_of(occurrence).contains(point):
                return occurrence
        return None

    def label(self, occurrence: Occurrence) -> str:
        return (f"{occurrence.start.strftime('%H:%M')}–{occurrence.end.strftime('%H:%M')} "
                f"{self.titles.get(occurrence.programme_id, '')}")

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
        for hour in range(self.first_hour, self.last_hour + 1):
            y = HEADER + hour * 60 * per_minute
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
        self._paint_header(painter, column)

    def _paint_header(self, painter: QPainter, column: float) -> None:
        top = self._header_top()
        painter.fillRect(QRectF(0, top, self.width(), HEADER), QColor("#f5f7f8"))
        painter.setPen(QColor("#b0bec5"))
        painter.drawLine(QPointF(0, top + HEADER), QPointF(self.width(), top + HEADER))
        today = self.clock.today()
        for day in range(7):
            x = GUTTER + day * column
            bold = QFont(painter.font())
            bold.setBold(self.week_start + timedelta(days=day) == today)
            painter.setFont(bold)
            painter.setPen(QColor("#263238"))
            name = self.day_names[day] if day < len(self.day_names) else ""
            painter.drawText(QRectF(x, top, column, HEADER), Qt.AlignmentFlag.AlignCenter, name)

    def _paint_block(self, painter: QPainter, occurrence: Occurrence, rect: QRectF) -> None:
        conflict = (occurrence.slot_id, occurrence.start.date()) in self.conflicts
        pen = {Priority.EMERGENCY: QPen(QColor("#c62828"), 3), Priority.PRIORITY: QPen(QColor("#ef6c00"), 2)}.get(
            occurrence.priority, QPen(QColor("#37474f"), 1))
        if self.selected is not None and self.selected.slot_id == occurrence.slot_id:
            pen = QPen(QColor("#1565c0"), 3)
        painter.setPen(pen)
        painter.setBrush(zone_colour(occurrence.zone_id))
        painter.drawRoundedRect(rect, 3, 3)
        if conflict:
            painter.setBrush(QBrush(QColor(198, 40, 40, 90), Qt.BrushStyle.BDiagPattern))
            painter.drawRoundedRect(rect, 3, 3)
        if rect.width() >= 18:
            painter.setPen(QColor("#b71c1c") if conflict else QColor("#102027"))
            metrics = QFontMetricsF(painter.font())
            area = rect.adjusted(3, 1, -2, -1)
            mark = "⚠ " if conflict else ""
            time_text = occurrence.start.strftime("%H:%M")
            title = self.titles.get(occurrence.programme_id, "")
            if area.height() >= 2 * metrics.height():
                text = metrics.elidedText(mark + time_text, Qt.TextElideMode.ElideRight, area.width()) + "\n" + \
                    metrics.elidedText(title, Qt.TextElideMode.ElideRight, area.width())
            elif area.width() >= metrics.horizontalAdvance(f"{mark}{time_text} {title[:6]}"):
                text = metrics.elidedText(f"{mark}{time_text} {title}", Qt.TextElideMode.ElideRight, area.width())
            else:  # narrow: the title says more than the time (the hour lines show it) or ⚠ (the hatching does)
                text = metrics.elidedText(title, Qt.TextElideMode.ElideRight, area.width())
            painter.drawText(area, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, text)

    # -- selecting, editing, deleting ---------------------------------------------------------
    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802 (Qt API)
        occurrence = self.occurrence_at(event.position())
        self._drag = self._drag_to = None
        if occurrence is not None:
            self.selected = occurrence
            self.update()
            self.edit_requested.emit(occurrence)

    def contextMenuEvent(self, event) -> None:  # noqa: N802 (Qt API)
        occurrence = self.occurrence_at(QPointF(event.pos()))
        if occurrence is None:
            return
        self.selected = occurrence
        self.update()
        self.menu = self.context_menu(occurrence)
        self.menu.popup(event.globalPos())

    def context_menu(self, occurrence: Occurrence) -> QMenu:
        menu = QMenu(self)
        menu.addSection(self.label(occurrence))
        menu.addAction(self.tr("Edit…"), lambda: self.edit_requested.emit(occurrence))
        menu.addAction(self.tr("Delete…"), lambda: self.delete_requested.emit(occurrence))
        return menu

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selected is not None:
            self.delete_requested.emit(self.selected)
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.selected is not None:
            self.edit_requested.emit(self.selected)
        else:
            super().keyPressEvent(event)

    # -- dragging -----------------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt API)
        occurrence = self.occurrence_at(event.position())
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if event.button() == Qt.MouseButton.LeftButton:
            self.selected = occurrence
            self.update()
        if occurrence is not None and event.button() == Qt.MouseButton.LeftButton:
            self._drag = (occurrence, event.position())
            self._drag_to = event.position()

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if self._drag is not None:
            self._drag_to = event.position()
            self.update()
        else:
            occurrence = self.occurrence_at(event.position())
            self.setToolTip(self.label(occurrence) if occurrence else "")

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


def scrolling(calendar: WeekCalendar) -> QScrollArea:
    """The calendar in a vertical scroll area that repaints its pinned header as it scrolls."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(calendar)
    area.verticalScrollBar().valueChanged.connect(lambda _v: calendar.update())
    return area

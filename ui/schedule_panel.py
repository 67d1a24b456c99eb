"""Lịch phát: the week's plan as a calendar (colour by zone, outline by priority,
conflicts marked; drag to move), the warnings of the week in words, and the tools: add a
slot, zones and their rules, the printable weekly plan (PDF) and the iCalendar file for
phones.

Threads: UI thread. Planning, saving and exporting go through the task runner; the
planner is pure and plans a year in well under a second, so a week is instant.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from studio.schedule.planner import Plan, PlanWarning, WarningKind
from ui.error_messages import ErrorDialogs
from ui.flow_layout import FlowLayout
from ui.formatting import compact
from ui.icons import icon
from ui.services import Services
from ui.slot_dialog import SlotDialog
from ui.slot_editing import SlotEditing
from ui.task_runner import TaskRunner
from ui.week_calendar import WeekCalendar, scrolling
from ui.zone_legend import ZoneLegend
from ui.zones_dialog import ZonesDialog

log = logging.getLogger(__name__)

_WARNINGS = {
    WarningKind.OVERLAP: QT_TRANSLATE_NOOP("Schedule", "overlaps another broadcast in the same zone"),
    WarningKind.OUTSIDE_WINDOW: QT_TRANSLATE_NOOP("Schedule", "is outside the allowed hours (%1)"),
    WarningKind.WEEKEND: QT_TRANSLATE_NOOP("Schedule", "falls on a weekend, which this zone does not allow"),
    WarningKind.SESSION_TOO_LONG: QT_TRANSLATE_NOOP("Schedule", "lasts %1 min, more than the %2 min allowed"),
    WarningKind.TOO_MANY_SESSIONS: QT_TRANSLATE_NOOP("Schedule", "%1 broadcasts that day, more than the %2 allowed"),
    WarningKind.TOO_MANY_DAYS: QT_TRANSLATE_NOOP("Schedule", "broadcasts on %1 days this week, more than the %2 allowed"),
    WarningKind.NOT_APPROVED: QT_TRANSLATE_NOOP("Schedule", "“%1” is not approved yet"),
    WarningKind.LONGER_THAN_SLOT: QT_TRANSLATE_NOOP("Schedule", "the programme lasts %1 min, longer than the %2 min reserved"),
    WarningKind.PROGRAMME_MISSING: QT_TRANSLATE_NOOP("Schedule", "its programme no longer exists"),
    WarningKind.UNKNOWN_ZONE: QT_TRANSLATE_NOOP("Schedule", "names a zone that no longer exists"),
    WarningKind.EMERGENCY_UNAPPROVED: QT_TRANSLATE_NOOP("Schedule", "emergency broadcast of “%1” without approval (allowed, logged)"),
    WarningKind.PREEMPTED: QT_TRANSLATE_NOOP("Schedule", "interrupted by an emergency broadcast"),
}
_DAYS = (QT_TRANSLATE_NOOP("Schedule", "Mon"), QT_TRANSLATE_NOOP("Schedule", "Tue"),
         QT_TRANSLATE_NOOP("Schedule", "Wed"), QT_TRANSLATE_NOOP("Schedule", "Thu"),
         QT_TRANSLATE_NOOP("Schedule", "Fri"), QT_TRANSLATE_NOOP("Schedule", "Sat"),
         QT_TRANSLATE_NOOP("Schedule", "Sun"))


def tr(text: str) -> str:
    return QCoreApplication.translate("Schedule", text)


def describe(warning: PlanWarning, zone_names: dict[int, str]) -> str:
    values = warning.values
    arguments = {
        WarningKind.OUTSIDE_WINDOW: [", ".join(values.get("windows", [])) or "—"],
        WarningKind.SESSION_TOO_LONG: [values.get("minutes"), values.get("limit")],
        WarningKind.TOO_MANY_SESSIONS: [values.get("count"), values.get("limit")],
        WarningKind.TOO_MANY_DAYS: [values.get("days"), values.get("limit")],
        WarningKind.NOT_APPROVED: [values.get("title")],
        WarningKind.EMERGENCY_UNAPPROVED: [values.get("title")],
        WarningKind.LONGER_THAN_SLOT: [values.get("minutes"), values.get("limit")],
    }.get(warning.kind, [])
    text = tr(_WARNINGS[warning.kind])
    for n, value in enumerate(arguments, 1):
        text = text.replace(f"%{n}", compact(value) if isinstance(value, float) else str(value))
    when = warning.start.strftime("%d/%m %H:%M") if warning.start else ""
    zone = zone_names.get(warning.zone_id, "") if warning.zone_id is not None else ""
    return " · ".join(part for part in (when, zone, text) if part)


class SchedulePanel(QWidget):
    plan_ready = Signal()

    def __init__(self, services: Services, runner: TaskRunner, parent=None) -> None:
        super().__init__(parent)
        self.services, self.runner = services, runner
        self.errors = ErrorDialogs(self)
        today = services.clock.today()
        self.week_start = today - timedelta(days=today.weekday())
        self.plan: Plan | None = None
        self.zones = []
        self.titles: dict[int, str] = {}

        self.previous_button = QPushButton("◀")
        self.next_button = QPushButton("▶")
        self.this_week_button = QPushButton(self.tr("This week"))
        self.week_label = QLabel()
        self.zone_filter = QComboBox()
        self.zone_filter.addItem(self.tr("All zones"), None)
        self.add_button = QPushButton(icon("schedule"), self.tr("Add to the schedule…"))
        self.zones_button = QPushButton(self.tr("Zones…"))
        self.pdf_button = QPushButton(self.tr("Weekly plan (PDF)…"))
        self.ics_button = QPushButton(self.tr("Calendar for phones (.ics)…"))
        self.calendar = WeekCalendar(services.clock)
        self.calendar_area = scrolling(self.calendar)
        self.legend = ZoneLegend()
        self._scrolled_to: date | None = None
        self.warnings = QListWidget()
        self.summary = QLabel()

        bar = FlowLayout()  # wraps on a narrow screen instead of cutting the last buttons off
        for widget in (self.previous_button, self.this_week_button, self.next_button, self.week_label):
            bar.addWidget(widget)
        bar.addStretch(1)
        for widget in (self.zone_filter, self.add_button, self.zones_button, self.pdf_button, self.ics_button):
            bar.addWidget(widget)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.summary)
        bottom_layout.addWidget(self.warnings)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.calendar_area)
        splitter.addWidget(bottom)
        splitter.setSizes([560, 160])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.legend)
        layout.addWidget(splitter, 1)

        self.previous_button.clicked.connect(lambda: self.show_week(self.week_start - timedelta(days=7)))
        self.next_button.clicked.connect(lambda: self.show_week(self.week_start + timedelta(days=7)))
        self.this_week_button.clicked.connect(lambda: self.show_this_week())
        self.zone_filter.currentIndexChanged.connect(lambda _i: self._draw())
        self.add_button.clicked.connect(self.open_add_dialog)
        self.zones_button.clicked.connect(self.open_zones_dialog)
        self.pdf_button.clicked.connect(self.choose_pdf)
        self.ics_button.clicked.connect(self.choose_ics)
        self.calendar.slot_moved.connect(self.move_slot)
        self.editing = SlotEditing(self)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        self.refresh()

    def show_this_week(self) -> None:
        today = self.services.clock.today()
        self.show_week(today - timedelta(days=today.weekday()))

    def show_week(self, week_start: date) -> None:
        self.week_start = week_start
        self.refresh()

    # -- planning -------------------------------------------------------------------------------
    def refresh(self) -> None:
        first, last = self.week_start, self.week_start + timedelta(days=6)

        def work(progress, cancel):
            from studio.schedule.service import load_plan
            from studio.schedule.zones import Zones

            library = self.services.library()
            titles = {p.id: p.title for p in self.services.programmes().all()}
            return load_plan(library, first, last), Zones(library.conn).all(), titles

        def done(value) -> None:
            self.plan, self.zones, self.titles = value
            current = self.zone_filter.currentData()
            self.zone_filter.blockSignals(True)
            self.zone_filter.clear()
            self.zone_filter.addItem(self.tr("All zones"), None)
            for zone in self.zones:
                self.zone_filter.addItem(zone.name, zone.id)
            self.zone_filter.setCurrentIndex(max(0, self.zone_filter.findData(current)))
            self.zone_filter.blockSignals(False)
            self._draw()
            self.plan_ready.emit()

        self.runner.run(self.tr("Planning the week"), work, done, self.errors.show, cancellable=False)

    def zone_names(self) -> dict[int, str]:
        return {z.id: z.name for z in self.zones}

    def _draw(self) -> None:
        if self.plan is None:
            return
        chosen = self.zone_filter.currentData()
        occurrences = [o for o in self.plan.occurrences if chosen is None or o.zone_id == chosen]
        warnings = [w for w in self.plan.warnings if chosen is None or w.zone_id in (None, chosen)]
        conflicts = set()
        for warning in warnings:
            if warning.blocking and warning.start is not None:
                for slot_id in warning.slot_ids:
                    conflicts.add((slot_id, warning.start.date()))
        # A slot-level warning (not approved, too long for its slot) marks every day of it.
        slot_level = {s for w in warnings if w.blocking and w.zone_id is None for s in w.slot_ids}
        for occurrence in occurrences:
            if occurrence.slot_id in slot_level:
                conflicts.add((occurrence.slot_id, occurrence.start.date()))
        day_names = [f"{tr(_DAYS[d])} {(self.week_start + timedelta(days=d)).strftime('%d/%m')}" for d in range(7)]
        self.calendar.set_week(self.week_start, occurrences, conflicts, self.titles, day_names)
        self.legend.set_zones([(z.id, z.name) for z in self.zones if chosen is None or z.id == chosen])
        if self._scrolled_to != self.week_start:  # a new week starts at its first broadcast; an edit keeps the view
            self._scrolled_to = self.week_start
            self.calendar_area.verticalScrollBar().setValue(self.calendar.first_busy_y())
        self.week_label.setText(self.tr("Week of %1").replace("%1", self.week_start.strftime("%d/%m/%Y")))
        names = self.zone_names()
        self.warnings.clear()
        for warning in warnings:
            self.warnings.addItem(("⚠ " if warning.blocking else "ℹ ") + describe(warning, names))
        blocking = sum(1 for w in warnings if w.blocking)
        self.summary.setText(self.tr("%1 broadcasts this week; %2 problems to fix.")
                             .replace("%1", str(len(occurrences))).replace("%2", str(blocking)))

    # -- changes --------------------------------------------------------------------------------
    def open_add_dialog(self) -> SlotDialog:
        start = datetime.combine(max(self.week_start, self.services.clock.today()), datetime.min.time()).replace(hour=6)
        dialog = SlotDialog(sorted(self.titles.items()), [(z.id, z.name) for z in self.zones], start, self)
        dialog.accepted.connect(lambda: self.add_slot(dialog.request()))
        dialog.open()
        return dialog

    def add_slot(self, request) -> None:
        operator = self.services.operator()

        def work(progress, cancel):
            from studio.schedule.slots import Slots

            return Slots(self.services.library().conn).add(
                request.programme_id, request.zone_ids, request.start, operator, request.rrule,
                priority=request.priority, start_mode=request.start_mode, length_min=request.length_min,
                sequence=request.sequence).id

        self.runner.run(self.tr("Adding to the schedule"), work, lambda _id: self.refresh(), self.errors.show)

    def move_slot(self, slot_id: int, old_start: datetime, new_start: datetime) -> None:
        """A drag moves the whole series by the same amount."""
        operator = self.services.operator()

        def work(progress, cancel):
            from studio.schedule.slots import Slots

            slots = Slots(self.services.library().conn)
            slot = slots.get(slot_id)
            return slots.move(slot_id, slot.start + (new_start - old_start), operator).id

        self.runner.run(self.tr("Moving the broadcast"), work, lambda _id: self.refresh(), self.errors.show)

    def open_zones_dialog(self) -> ZonesDialog:
        dialog = ZonesDialog(self.zones, self)
        dialog.save_requested.connect(self.save_zone)
        dialog.delete_requested.connect(self.delete_zone)
        self.plan_ready.connect(dialog.set_zones_from_panel)
        dialog.finished.connect(lambda _r: self.plan_ready.disconnect(dialog.set_zones_from_panel))
        dialog.open()
        self.zones_dialog = dialog
        return dialog

    def add_zone(self, name, kind, language, policy) -> None:
        self.save_zone(None, name, kind, language, policy)

    def save_zone(self, zone_id, name, kind, language, policy) -> None:
        operator = self.services.operator()

        def work(progress, cancel):
            from studio.schedule.zones import Zones

            zones = Zones(self.services.library().conn)
            if zone_id is None:
                return zones.add(name, operator, kind, language, policy).id
            return zones.update(zone_id, operator, name, kind, language, policy).id

        def done(saved_id: int) -> None:
            dialog = getattr(self, "zones_dialog", None)
            if dialog is not None:
                dialog.editing = saved_id
            self.refresh()

        self.runner.run(self.tr("Saving the zone"), work, done, self._zone_errors())

    def delete_zone(self, zone_id: int) -> None:
        operator = self.services.operator()

        def work(progress, cancel):
            from studio.schedule.zones import Zones

            Zones(self.services.library().conn).remove(zone_id, operator)

        self.runner.run(self.tr("Deleting the zone"), work, lambda _r: self.refresh(), self._zone_errors())

    def _zone_errors(self):
        """Errors over the zones dialog while it is open (it is modal: one under it could not be closed)."""
        dialog = getattr(self, "zones_dialog", None)
        return dialog.errors.show if dialog is not None and dialog.isVisible() else self.errors.show

    # -- exports --------------------------------------------------------------------------------
    def choose_pdf(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the weekly plan"),
                                              f"lich-phat-{self.week_start.isoformat()}.pdf", "PDF (*.pdf)")
        if path:
            self.export_pdf(Path(path))

    def weekly_html(self) -> str:
        names = self.zone_names()
        nothing, time_, zone_, programme_, priority_, to_fix = (
            self.tr("No broadcasts."), self.tr("Time"), self.tr("Zone"), self.tr("Programme"), self.tr("Priority"),
            self.tr("To fix"))
        rows = []
        for day in range(7):
            when = self.week_start + timedelta(days=day)
            todays = [o for o in self.plan.occurrences if o.start.date() == when] if self.plan else []
            rows.append(f"<h3>{tr(_DAYS[day])} {when.strftime('%d/%m/%Y')}</h3>")
            if not todays:
                rows.append(f"<p><i>{nothing}</i></p>")
                continue
            rows.append("<table border='1' cellspacing='0' cellpadding='3' width='100%'>"
                        f"<tr><th>{time_}</th><th>{zone_}</th><th>{programme_}</th><th>{priority_}</th></tr>")
            priorities = {"normal": self.tr("Normal"), "priority": self.tr("Priority"),
                          "emergency": self.tr("Emergency")}
            for o in todays:
                rows.append(f"<tr><td>{o.start.strftime('%H:%M')}–{o.end.strftime('%H:%M')}</td>"
                            f"<td>{names.get(o.zone_id, o.zone_id)}</td><td>{self.titles.get(o.programme_id, '')}</td>"
                            f"<td>{priorities[o.priority.value]}</td></tr>")
            rows.append("</table>")
        warnings = "".join(f"<li>{describe(w, names)}</li>" for w in (self.plan.warnings if self.plan else ())
                           if w.blocking)
        title = self.tr("Broadcast plan for the week of %1").replace("%1", self.week_start.strftime("%d/%m/%Y"))
        return (f"<html><body style='font-family: DejaVu Sans, Arial'><h2>{title}</h2>{''.join(rows)}"
                + (f"<h3>{to_fix}</h3><ul>{warnings}</ul>" if warnings else "") + "</body></html>")

    def export_pdf(self, path: Path) -> None:
        from PySide6.QtGui import QPageSize, QPdfWriter, QTextDocument

        writer = QPdfWriter(str(path))
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setTitle(self.tr("Broadcast plan"))
        document = QTextDocument()
        document.setHtml(self.weekly_html())
        document.print_(writer)
        log.info("weekly plan written to %s", path)

    def choose_ics(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the calendar"), "lich-phat.ics",
                                              "iCalendar (*.ics)")
        if path:
            self.export_ics(Path(path))

    def export_ics(self, path: Path) -> None:
        def work(progress, cancel):
            from studio.schedule.ical import export
            from studio.schedule.slots import Slots
            from studio.storage.durable import atomic_write_bytes

            programmes = self.services.programmes()
            durations = {}
            for programme in programmes.all():
                try:
                    durations[programme.id] = programmes.duration(programme.spec)
                except Exception:  # a deleted clip: the slot still goes in the calendar
                    durations[programme.id] = 60.0
            text = export(Slots(programmes.conn).all(), self.titles, durations, self.zone_names())
            atomic_write_bytes(path, text.encode("utf-8"))
            return path

        self.runner.run(self.tr("Writing the calendar"), work, None, self.errors.show)

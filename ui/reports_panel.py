"""Báo cáo: the statistics of a period and a zone, from what the receivers really played.

Period and zone at the top; the charts (ui/report_charts.py); the as-run entries below,
narrowed by a click on a bar (a month, a receiver, an outcome); the proof of broadcast
(chứng nhận phát) of the entry selected: which loudspeakers played it, when, at what level.
A second tab, the archive (ui/archive_panel.py), replays what a village heard on a day;
the categories button opens the admin's category list (ui/categories_dialog.py).
Statistics, entries and exports run off the UI thread (the task runner); a failure shows
in a non-modal error dialog. UI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from studio.accounts.store import Role
from studio.clock import local_text
from studio.reports.document import header_from
from studio.reports.statistics import NO_RECORD, PLAYED, Scope
from ui.archive_panel import ArchivePanel
from ui.error_messages import ErrorDialogs
from ui.formatting import number
from ui.report_charts import ReportCharts
from ui.services import Services
from ui.task_runner import TaskRunner


class ReportsPanel(QWidget):
    report_exported = Signal(str)  # the file written

    def __init__(self, services: Services, runner: TaskRunner, preview=None, parent=None) -> None:
        super().__init__(parent)
        self.services, self.runner = services, runner
        self.categories_dialog = None
        self.errors = ErrorDialogs(self)
        self.report = None
        self.shown: list = []
        today = services.clock.today()
        self.first = QDateEdit(QDate(today.year, 1, 1), calendarPopup=True, displayFormat="dd/MM/yyyy")
        self.last = QDateEdit(QDate(today.year, today.month, today.day), calendarPopup=True,
                              displayFormat="dd/MM/yyyy")
        self.zone = QComboBox()
        self.zone.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        show = QPushButton(self.tr("Show"))
        show.clicked.connect(self.refresh)
        top = QHBoxLayout()
        for widget in (QLabel(self.tr("From")), self.first, QLabel(self.tr("to")), self.last, QLabel(self.tr("Zone")),
                       self.zone, show):
            top.addWidget(widget)
        top.addStretch(1)
        self.categories_button = QPushButton(self.tr("Categories…"))
        self.categories_button.setToolTip(self.tr("The programme categories (an administrator changes them)"))
        self.categories_button.clicked.connect(self.open_categories)
        top.addWidget(self.categories_button)
        second = QHBoxLayout()
        self.exports = {}
        for fmt, label in (("xlsx", self.tr("Excel…")), ("pdf", self.tr("PDF…")), ("csv", "CSV…"), ("json", "JSON…")):
            button = QPushButton(label)
            button.clicked.connect(lambda _=False, f=fmt: self.export(f))
            self.exports[fmt] = button
        self.summary = QLabel(wordWrap=True)
        second.addWidget(self.summary, 1)
        for button in self.exports.values():
            second.addWidget(button)
        self.charts = ReportCharts((self.tr("Hours per month"), self.tr("Availability per receiver (%)"),
                                    self.tr("Planned and played")))
        self.charts.months.bar_clicked.connect(lambda key: self.drill(month=key))
        self.charts.availability.bar_clicked.connect(lambda key: self.drill(receiver=key))
        self.charts.planned.bar_clicked.connect(lambda key: self.drill(outcome=key))
        self.filter_label = QLabel()
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([self.tr("Scheduled"), self.tr("Receiver"), self.tr("Zone"),
                                              self.tr("Programme"), self.tr("Result"), self.tr("Level (dBFS)")])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._show_proof)
        self.proof = QTextBrowser()
        lower = QSplitter()
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.filter_label)
        column.addWidget(self.table)
        lower.addWidget(left)
        lower.addWidget(self.proof)
        lower.setSizes([700, 300])
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.charts)
        split.addWidget(lower)
        statistics = QWidget()
        layout = QVBoxLayout(statistics)
        layout.addLayout(top)
        layout.addLayout(second)
        layout.addWidget(split, 1)
        self.archive = ArchivePanel(services, runner, preview, self.outcome_names)
        self.tabs = QTabWidget()
        self.tabs.addTab(statistics, self.tr("Statistics"))
        self.tabs.addTab(self.archive, self.tr("Archive and replay"))
        self.tabs.currentChanged.connect(lambda index: index == 1 and self._archive_shown())
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.tabs)

    def _archive_shown(self) -> None:
        self.archive.fill_places(then=self.archive.show_day)

    def open_categories(self):
        """The category list, for a signed-in admin only (None otherwise)."""
        from ui.categories_dialog import CategoriesDialog

        user = self.services.user
        if user is None or not user.can(Role.ADMIN):
            self.summary.setText(self.tr("Only an administrator changes the categories: sign in as one."))
            return None
        self.categories_dialog = CategoriesDialog(self.services, self.runner, user, self)
        self.categories_dialog.categories_changed.connect(lambda: self.report is not None and self.refresh())
        self.categories_dialog.open()
        return self.categories_dialog

    def outcome_names(self) -> dict[str, str]:
        return {PLAYED: self.tr("played"), "missed": self.tr("missed (receiver off)"),
                "interrupted": self.tr("interrupted (emergency)"), "failed": self.tr("failed"),
                "skipped-missing": self.tr("media missing"), "skipped-quiet": self.tr("quiet hours"),
                NO_RECORD: self.tr("no play log")}

    def scope(self) -> Scope:
        zone = self.zone.currentData()
        return Scope(self.first.date().toPython(), self.last.date().toPython(), zones=(zone,) if zone else ())

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self.report is None:
            self.refresh()

    def refresh(self) -> None:
        current = self.zone.currentData()
        conn = self.services.library().conn
        self.zone.blockSignals(True)
        self.zone.clear()
        self.zone.addItem(self.tr("All zones"), 0)
        for row in conn.execute("SELECT id, name FROM zones ORDER BY name"):
            self.zone.addItem(row[1], row[0])
        self.zone.setCurrentIndex(max(0, self.zone.findData(current)))
        self.zone.blockSignals(False)
        scope = self.scope()
        services = self.services

        def work(progress, cancel):
            from studio.reports.entries import entries
            from studio.reports.statistics import compute

            library = services.library()
            return compute(library.conn, scope, library.clock.utc_now()), entries(library.conn, scope)

        self.runner.run(self.tr("Computing the report"), work, self._shown, self.errors.show)

    def _shown(self, result) -> None:
        self.report, found = result
        report = self.report
        availability = "—" if report.availability is None else number(report.availability * 100) + " %"
        self.summary.setText(self.tr("%1 sessions, %2 hours; planned %3, played %4; emergencies %5; "
                                     "ethnic-language hours %6; availability %7; faults %8")
                             .replace("%1", str(report.sessions)).replace("%2", number(report.hours))
                             .replace("%3", str(report.planned)).replace("%4", str(report.played))
                             .replace("%5", str(report.emergencies)).replace("%6", number(report.ethnic_hours))
                             .replace("%7", availability).replace("%8", str(len(report.faults))))
        months = sorted({m for m, _ in report.hours_by_month_category})
        categories = sorted({c for _, c in report.hours_by_month_category})
        self.charts.months.show_bars(months, [f"{m[5:]}/{m[2:4]}" for m in months],
                                     [(c or self.tr("No category"), [report.hours_by_month_category.get((m, c), 0.0) for m in months])
                                      for c in categories])
        self.charts.set_legend([c or self.tr("No category") for c in categories])
        names = [r.name for r in report.receivers]
        self.charts.availability.show_bars(names, names, [("", [(r.availability or 0.0) * 100
                                                                for r in report.receivers])], max_labels=3)
        outcomes = [PLAYED] + sorted(report.differences)
        labels = self.outcome_names()
        self.charts.planned.show_bars(outcomes, [labels.get(o, o) for o in outcomes],
                                      [("", [float(report.played)] + [float(report.differences[o])
                                                                      for o in outcomes[1:]])])
        self._fill(found, "")

    def drill(self, outcome: str | None = None, receiver: str | None = None, month: str | None = None) -> None:
        scope = self.scope()
        services = self.services
        label = self.outcome_names().get(outcome, outcome) if outcome else receiver or month or ""

        def work(progress, cancel):
            from studio.reports.entries import entries

            return entries(services.library().conn, scope, outcome, receiver, month)

        self.runner.run(self.tr("Reading the play logs"), work, lambda found: self._fill(found, label),
                        self.errors.show)

    def _fill(self, found: list, label: str) -> None:
        self.shown = found
        self.filter_label.setText(self.tr("Entries: %1").replace("%1", label) if label else self.tr("All entries"))
        names = self.outcome_names()
        self.table.setRowCount(len(found))
        for row, entry in enumerate(found):
            level = "" if entry.level_dbfs is None else number(entry.level_dbfs)
            for column, text in enumerate((local_text(entry.scheduled), entry.receiver, entry.zone,
                                           entry.title or entry.item, names.get(entry.outcome, entry.outcome),
                                           level)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def _show_proof(self) -> None:
        rows = {index.row() for index in self.table.selectedIndexes()}
        if not rows:
            return
        entry = self.shown[min(rows)]
        from studio.reports.entries import proof

        names = self.outcome_names()
        heading, scheduled = self.tr("Proof of broadcast"), self.tr("Scheduled")
        lines = [f"<h3>{heading}</h3><p><b>{entry.title or entry.item}</b><br>"
                 f"{scheduled}: {local_text(entry.scheduled, '%d/%m/%Y %H:%M:%S')}</p><ul>"]
        for found in proof(self.services.library().conn, entry.item):
            level = "—" if found.level_dbfs is None else number(found.level_dbfs) + " dBFS"
            lines.append(f"<li>{found.receiver}: {names.get(found.outcome, found.outcome)}, "
                         f"{local_text(found.started, '%H:%M:%S')}–{local_text(found.ended, '%H:%M:%S')}, "
                         f"{level}</li>")
        self.proof.setHtml("".join(lines) + "</ul>")

    def export(self, fmt: str, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the report"), f"bao-cao.{fmt}")
            if not path:
                return
        scope = self.scope()
        services = self.services

        header = header_from(services.preferences)  # Settings, "Report header"

        def work(progress, cancel):
            from pathlib import Path

            from studio.reports.service import ReportFormat, export

            library = services.library()
            return export(library.conn, scope, ReportFormat(fmt), Path(path), header, library.clock.utc_now())

        self.runner.run(self.tr("Exporting the report"), work, lambda _r: self.report_exported.emit(path),
                        self.errors.show)

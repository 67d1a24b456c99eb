"""Lưu trữ – nghe lại (in the Báo cáo area): what a village or one loudspeaker played on a
day, from the archive; listen to the whole day or one broadcast through the studio's
preview output, exactly the files the receivers played (as far as each played), or save
the day as a WAV file.

The list and the audio are read and decoded off the UI thread (the task runner, the
preview's own loading); a failure shows in the non-modal error dialog. UI thread.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.clock import local_text
from ui.error_messages import ErrorDialogs
from ui.formatting import number
from ui.preview import Preview
from ui.services import Services
from ui.task_runner import TaskRunner


class ArchivePanel(QWidget):
    day_shown = Signal(int)  # entries listed
    replay_saved = Signal(str)  # the WAV file written

    def __init__(self, services: Services, runner: TaskRunner, preview: Preview | None,
                 outcome_names: Callable[[], dict[str, str]], parent=None) -> None:
        super().__init__(parent)
        self.services, self.runner, self.preview, self.outcome_names = services, runner, preview, outcome_names
        self.errors = ErrorDialogs(self)
        self.entries: list = []
        self.shown: list = []
        self._folder = Path(tempfile.mkdtemp(prefix="crs-replay-"))
        today = services.clock.today()
        self.day = QDateEdit(QDate(today.year, today.month, today.day), calendarPopup=True,
                             displayFormat="dd/MM/yyyy")
        self.where = QComboBox()
        self.where.setMinimumContentsLength(24)
        self.text = QLineEdit(placeholderText=self.tr("Search in titles…"))
        self.text.setMinimumWidth(220)
        self.text.textChanged.connect(self._filter)
        show = QPushButton(self.tr("Show"))
        show.clicked.connect(self.show_day)
        top = QHBoxLayout()
        for widget in (QLabel(self.tr("Day")), self.day, QLabel(self.tr("Where")), self.where, show, self.text):
            top.addWidget(widget)
        top.addStretch(1)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Loudspeaker"), self.tr("Programme"),
                                              self.tr("Result"), self.tr("Heard (s)"), self.tr("Level (dBFS)")])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.summary = QLabel(wordWrap=True)
        self.play_day = QPushButton(self.tr("Listen to the day"))
        self.play_one = QPushButton(self.tr("Listen to the selected"))
        self.stop = QPushButton(self.tr("Stop"))
        self.save = QPushButton(self.tr("Save the day as WAV…"))
        self.play_day.clicked.connect(lambda: self.listen(selected=False))
        self.play_one.clicked.connect(lambda: self.listen(selected=True))
        self.stop.clicked.connect(lambda: self.preview and self.preview.stop())
        self.save.clicked.connect(lambda: self.save_day())
        for button in (self.play_day, self.play_one, self.stop):
            button.setEnabled(preview is not None)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        for button in (self.play_day, self.play_one, self.stop, self.save):
            bottom.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

    def fill_places(self, then=None) -> None:
        """Zones, then loudspeakers, read off the UI thread (the database may be busy with a
        delivery); `then` runs once the list is filled."""
        services = self.services

        def work(progress, cancel):
            conn = services.library().conn
            return ([name for (name,) in conn.execute("SELECT name FROM zones ORDER BY name")],
                    [name for (name,) in conn.execute("SELECT name FROM receivers ORDER BY name")])

        def done(names) -> None:
            zones, receivers = names
            current = self.where.currentData()
            self.where.clear()
            for name in zones:
                self.where.addItem(self.tr("Zone: %1").replace("%1", name), f"zone:{name}")
            for name in receivers:
                self.where.addItem(self.tr("Loudspeaker: %1").replace("%1", name), f"receiver:{name}")
            self.where.setCurrentIndex(max(0, self.where.findData(current)))
            if then is not None:
                then()

        self.runner.run(self.tr("Reading the archive"), work, done, self.errors.show, cancellable=False)

    def place(self) -> tuple[str | None, str | None]:
        """(zone, receiver) chosen: one of them is a name (the item's data is "zone:NAME" or
        "receiver:NAME"), or both None when there is nothing to choose."""
        kind, _, name = (self.where.currentData() or "").partition(":")
        if not kind:
            return None, None
        return (name, None) if kind == "zone" else (None, name)

    def show_day(self) -> None:
        if self.where.count() == 0:
            self.fill_places(then=self._show_filled)
            return
        zone, receiver = self.place()
        if zone is None and receiver is None:
            self._shown([])
            return
        day = self.day.date().toPython()
        services = self.services

        def work(progress, cancel):
            from studio.reports.replay import heard

            return heard(services.library().conn, day, zone, receiver)

        self.runner.run(self.tr("Reading the archive"), work, self._shown, self.errors.show, cancellable=False)

    def _show_filled(self) -> None:
        if self.where.count() == 0:  # no zone and no loudspeaker yet: nothing to show
            self._shown([])
        else:
            self.show_day()

    def _shown(self, entries: list) -> None:
        self.entries = entries
        self._filter()
        self.day_shown.emit(len(entries))

    def _filter(self) -> None:
        text = self.text.text().strip().casefold()
        self.shown = [e for e in self.entries if not text or text in (e.title or e.item).casefold()]
        names = self.outcome_names()
        self.table.setRowCount(len(self.shown))
        for row, entry in enumerate(self.shown):
            level = "" if entry.level_dbfs is None else number(entry.level_dbfs)
            for column, value in enumerate((local_text(entry.started or entry.scheduled, "%H:%M:%S"), entry.receiver,
                                            entry.title or entry.item, names.get(entry.outcome, entry.outcome),
                                            number(entry.played_s), level)):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        audible = [e for e in self.shown if e.audible]
        self.summary.setText(self.tr("%1 broadcasts heard, %2 minutes").replace("%1", str(len(audible)))
                             .replace("%2", number(sum(e.played_s for e in audible) / 60)))

    def _chosen(self, selected: bool) -> list:
        if not selected:
            return list(self.shown)
        rows = sorted({index.row() for index in self.table.selectedIndexes()})
        return [self.shown[r] for r in rows if r < len(self.shown)]

    def _writer(self, entries: list, out: Path):
        zone, receiver = self.place()
        scope = f"zone {zone}" if zone is not None else f"receiver {receiver}"
        day = self.day.date().toPython()
        services = self.services

        def make(cancel) -> Path:
            from studio.reports.replay import write_entries

            return write_entries(services.library().store, entries, out, scope, day, cancel=cancel).path

        return make

    def listen(self, selected: bool) -> None:
        entries = self._chosen(selected)
        if self.preview is None or not entries:
            return
        self.preview.play_rendered(self._writer(entries, self._folder / "nghe-lai.wav"), on_error=self.errors.show)

    def save_day(self, path: str | None = None) -> None:
        entries = self._chosen(False)
        if not entries:
            return
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the day as WAV"),
                                                  f"nghe-lai-{self.day.date().toString('yyyy-MM-dd')}.wav",
                                                  "WAV (*.wav)")
            if not path:
                return
        make = self._writer(entries, Path(path))
        self.runner.run(self.tr("Writing the replay"), lambda progress, cancel: make(cancel),
                        lambda written: self.replay_saved.emit(str(written)), self.errors.show)

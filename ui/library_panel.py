"""Thư viện: the clip list with search, sort, import (button and drag-and-drop of files
and folders), rename, trash/restore and play/stop preview.

Threads: UI thread only; every database or disk access goes through the task runner
(`Services.library()` there gives the worker thread its own connection).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from studio.audio.formats import EXTENSIONS
from studio.library import Clip
from ui.clip_change_guard import ClipChangeGuard
from ui.clip_table_model import CLIP_ROLE, ClipFilterModel, ClipTableModel, format_duration
from ui.error_messages import ErrorDialogs
from ui.flow_layout import FlowLayout
from ui.icons import icon
from ui.preview import Preview
from ui.services import Services
from ui.task_runner import TaskRunner

log = logging.getLogger(__name__)


def audio_files_in(paths: list[Path]) -> list[Path]:
    """Files to import from dropped/selected paths: folders are searched recursively for
    audio extensions; files are taken as given (a wrong one gets its own clear error)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in EXTENSIONS))
        elif path.is_file():
            found.append(path)
    return found


class LibraryPanel(QWidget):
    clip_opened = Signal(int)  # the user asked to edit this clip
    clips_loaded = Signal()
    import_finished = Signal(list, list)  # new clip ids, failures [(path, exception)]
    last_import_videos = 0  # files of the last import that were videos (picture left out)
    speech_reopened = Signal(object)  # a synthesised clip whose text the user wants to read again

    def __init__(self, services: Services, runner: TaskRunner, preview: Preview, parent=None) -> None:
        super().__init__(parent)
        self.services, self.runner, self.preview = services, runner, preview
        self.setAcceptDrops(True)
        self.model = ClipTableModel(self)
        self.proxy = ClipFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self.errors = ErrorDialogs(self)
        self.trash_guard = ClipChangeGuard(services, runner, self, trash=True)

        self.search = QLineEdit(placeholderText=self.tr("Search by title or file name…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_search)
        self.trash_toggle = QCheckBox(self.tr("Show trash"))
        self.trash_toggle.toggled.connect(self._on_trash_toggled)
        self.import_button = QPushButton(icon("import"), self.tr("Import files…"))
        self.import_button.clicked.connect(self.choose_files)
        self.import_folder_button = QPushButton(icon("folder"), self.tr("Import folder…"))
        self.import_folder_button.clicked.connect(self.choose_folder)
        self.play_button = QPushButton(icon("play"), self.tr("Play"))
        self.play_button.clicked.connect(self.toggle_play)
        self.edit_button = QPushButton(icon("edit"), self.tr("Edit"))
        self.edit_button.clicked.connect(self.open_selected)
        self.rename_button = QPushButton(icon("rename"), self.tr("Rename…"))
        self.rename_button.clicked.connect(self.rename_selected)
        self.delete_button = QPushButton(icon("trash"), self.tr("Move to trash"))
        self.delete_button.clicked.connect(self.delete_or_restore_selected)
        self.reread_button = QPushButton(icon("tts"), self.tr("Read the text again…"))
        self.reread_button.setToolTip(self.tr("Open this bulletin's text in Write a bulletin"))
        self.reread_button.clicked.connect(self._reread_selected)
        self.position_label = QLabel("")
        self.hint = QLabel(self.tr("Drag audio files or folders here to import them."))
        self.hint.setStyleSheet("color: palette(mid);")

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(ClipTableModel.DATE, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ClipTableModel.TITLE, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())

        top = QHBoxLayout()
        top.addWidget(self.import_button)
        top.addWidget(self.import_folder_button)
        top.addWidget(self.search, 1)
        top.addWidget(self.trash_toggle)
        actions = FlowLayout()
        for button in (self.play_button, self.edit_button, self.rename_button, self.delete_button,
                       self.reread_button):
            actions.addWidget(button)
        actions.addWidget(self.position_label)
        actions.addStretch(1)
        actions.addWidget(self.hint)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)

        self._cursor_timer = QTimer(self)
        self._cursor_timer.setInterval(33)
        self._cursor_timer.timeout.connect(self._update_position)
        self._playing_clip: Clip | None = None
        self._update_buttons()

    # -- data -----------------------------------------------------------------------------
    def refresh(self, select: int | None = None) -> None:
        trash = self.trash_toggle.isChecked()

        def done(clips: list[Clip]) -> None:
            self.model.set_clips(clips)
            if select is not None:
                self.select_clip(select)
            self._update_buttons()
            self.clips_loaded.emit()

        self.runner.run(self.tr("Loading the library"), lambda p, c: self.services.library().clips(trash=trash),
                        done, self.errors.show, cancellable=False)

    def selected_clip(self) -> Clip | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(CLIP_ROLE) if rows else None

    def select_clip(self, clip_id: int) -> None:
        row = self.model.row_of(clip_id)
        if row is not None:
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            self.table.selectRow(index.row())
            self.table.scrollTo(index)

    # -- import ---------------------------------------------------------------------------
    def choose_files(self) -> None:
        patterns = " ".join(f"*{ext}" for ext in sorted(EXTENSIONS))
        names, _ = QFileDialog.getOpenFileNames(self, self.tr("Import audio"), "",
                                                self.tr("Audio files (%1)").replace("%1", patterns))
        if names:
            self.import_paths([Path(n) for n in names])

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Import a folder"))
        if folder:
            self.import_paths([Path(folder)])

    def import_paths(self, paths: list[Path]) -> None:
        def work(progress, cancel):
            from studio.errors import Cancelled, StudioError

            files = audio_files_in(paths)
            library = self.services.library()
            new_ids, failures, videos = [], [], 0
            for number, path in enumerate(files):
                def step(done, total, number=number):
                    progress(number * 1000 + (1000 * done // max(total, 1)), len(files) * 1000)
                try:
                    result = library.import_file(path, progress=step, cancel=cancel)
                except Cancelled:
                    raise
                except StudioError as exc:
                    failures.append((path, exc))
                    continue
                new_ids.append(result.clip.id)
                videos += result.picture_dropped
            return new_ids, failures, videos

        def done(result) -> None:
            new_ids, failures, self.last_import_videos = result
            for _path, exc in failures[:3]:  # more would bury the window; the log has all
                self.errors.show(exc, "")
            self.refresh(select=new_ids[-1] if new_ids else None)
            self.import_finished.emit(new_ids, failures)

        self.runner.run(self.tr("Importing audio"), work, done, self.errors.show, lambda: self.refresh())

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)

    # -- rename, trash --------------------------------------------------------------------
    def rename_selected(self) -> None:
        clip = self.selected_clip()
        if clip is None:
            return
        title, ok = QInputDialog.getText(self, self.tr("Rename"), self.tr("New title:"), text=clip.title)
        if ok and title.strip():
            self.runner.run(self.tr("Renaming"), lambda p, c: self.services.library().rename(clip.id, title.strip()),
                            lambda _c: self.refresh(select=clip.id), self.errors.show, cancellable=False)

    def delete_or_restore_selected(self) -> None:
        clip = self.selected_clip()
        if clip is None:
            return
        if self.trash_toggle.isChecked():
            job = lambda p, c: self.services.library().restore(clip.id)  # noqa: E731
        else:  # approved programmes using it would lose their approval: ask first
            self.trash_guard.forget(clip.id)
            self.trash_guard.confirm(clip.id, lambda: self._trash(clip))
            return
        self.runner.run(self.tr("Updating the library"), job, lambda _r: self.refresh(), self.errors.show,
                        cancellable=False)

    def _trash(self, clip: Clip) -> None:
        if self._playing_clip is not None and self._playing_clip.id == clip.id:
            self.stop()
        self.runner.run(self.tr("Updating the library"), lambda p, c: self.services.library().delete(clip.id),
                        lambda _r: self.refresh(), self.errors.show, cancellable=False)

    def _on_trash_toggled(self, on: bool) -> None:
        self.delete_button.setText(self.tr("Restore") if on else self.tr("Move to trash"))
        self.delete_button.setIcon(icon("restore" if on else "trash"))
        self.refresh()

    # -- preview --------------------------------------------------------------------------
    def toggle_play(self) -> None:
        if self.preview.playing:
            self.stop()
            return
        clip = self.selected_clip()
        if clip is None:
            return
        self._playing_clip = clip
        self.preview.play_clip(clip, on_error=self.errors.show)
        self._cursor_timer.start()
        self.play_button.setText(self.tr("Stop"))
        self.play_button.setIcon(icon("stop"))

    def stop(self) -> None:
        self.preview.stop()
        self._playing_clip = None
        self._update_position()

    def _update_position(self) -> None:
        if self._playing_clip is not None and (self.preview.playing or self.preview.loading):
            self.position_label.setText(
                f"{format_duration(self.preview.position_s)} / {format_duration(self._playing_clip.duration_s)}")
            return
        self._cursor_timer.stop()
        self._playing_clip = None
        self.position_label.setText("")
        self.play_button.setText(self.tr("Play"))
        self.play_button.setIcon(icon("play"))

    # -- misc -----------------------------------------------------------------------------
    def open_selected(self) -> None:
        clip = self.selected_clip()
        if clip is not None and not self.trash_toggle.isChecked():
            self.clip_opened.emit(clip.id)

    def _update_buttons(self) -> None:
        has = self.selected_clip() is not None
        in_trash = self.trash_toggle.isChecked()
        for button in (self.rename_button, self.delete_button):
            button.setEnabled(has)
        self.play_button.setEnabled(has or self.preview.playing)
        self.edit_button.setEnabled(has and not in_trash)
        clip = self.selected_clip()
        self.reread_button.setVisible(clip is not None and clip.speech_json is not None)

    def _reread_selected(self) -> None:
        clip = self.selected_clip()
        if clip is not None and clip.speech_json is not None:
            self.speech_reopened.emit(clip)


    def error_dialogs(self) -> list:
        return self.errors.visible()

    def index_of(self, clip_id: int) -> QModelIndex:
        row = self.model.row_of(clip_id)
        return QModelIndex() if row is None else self.proxy.mapFromSource(self.model.index(row, 0))

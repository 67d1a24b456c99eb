"""Waveform editor for one clip: selection, play selection, trim in/out, cut, gain, fades,
undo/redo, and the loudness and true peak of the broadcast render next to the target.

Normalising is not an option to find: after every change the clip is rendered for
broadcast in the background (debounced, the previous render cancelled) and the measured
result is shown against the target. Undo/redo is a QUndoStack whose commands carry the
whole EditList before and after; the core stores every version, and the writes go
through a one-thread runner so they reach the database in the order they were made.

Threads: UI thread; loading, saving and rendering run in task runners.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.audio.edits import EditList
from studio.audio.peaks import PeakPyramid
from studio.audio.settings import OutputFormat
from studio.library import Clip
from studio.preferences import render_settings
from ui.clip_change_guard import ClipChangeGuard
from ui.clip_table_model import format_duration
from ui.error_messages import ErrorDialogs
from ui.flow_layout import FlowLayout
from ui.formatting import number
from ui.icons import icon
from ui.preview import Preview
from ui.services import Services
from ui.task_runner import Task, TaskRunner
from ui.waveform_view import WaveformView

log = logging.getLogger(__name__)

RENDER_DELAY_MS = 800
SCROLL_STEPS = 10000


class EditCommand(QUndoCommand):
    """One change of the edit list; redo/undo hand the list to the editor to show and save."""

    def __init__(self, editor: EditorPanel, text: str, before: EditList, after: EditList) -> None:
        super().__init__(text)
        self.editor, self.before, self.after = editor, before, after
        self._first = True

    def redo(self) -> None:
        self.editor.apply_edits(self.after, "set" if self._first else "redo")
        self._first = False

    def undo(self) -> None:
        self.editor.apply_edits(self.before, "undo")


def load_pyramid(services: Services, clip_id: int) -> PeakPyramid:
    """The clip's pyramid read fully into memory (painting never touches the disk)."""
    pyramid = services.library().peaks(clip_id)
    return PeakPyramid(pyramid.base_bucket, pyramid.frames, tuple(np.array(level) for level in pyramid.levels))


class EditorPanel(QWidget):
    clip_loaded = Signal(int)
    measured = Signal(object)  # RenderResult of the current edits

    def __init__(self, services: Services, runner: TaskRunner, preview: Preview, parent=None) -> None:
        super().__init__(parent)
        self.services, self.runner, self.preview = services, runner, preview
        self.writer = TaskRunner(self, max_threads=1)  # edit versions reach the DB in order
        self.clip: Clip | None = None
        self.edits = EditList()
        self.undo_stack = QUndoStack(self)
        self._render_task: Task | None = None
        self.errors = ErrorDialogs(self)
        self.last_result = None
        self.guard = ClipChangeGuard(services, runner, self)  # warns before approved programmes lose approval
        undo, redo = (self.guard.guarded(lambda: self.clip and self.clip.id, f) for f in (self.undo_stack.undo,
                                                                                         self.undo_stack.redo))

        self.title_label = QLabel(self.tr("No clip open"))
        self.title_label.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.waveform = WaveformView()
        self.scrollbar = QScrollBar(Qt.Orientation.Horizontal)
        self.scrollbar.setRange(0, 0)
        self.scrollbar.valueChanged.connect(self._on_scroll)
        self.waveform.view_changed.connect(self._sync_scrollbar)
        self.waveform.selection_changed.connect(self._update_actions)
        self.position_label = QLabel("0:00")

        def button(text: str, slot, icon_name: str, shortcut: str | None = None, tip: str | None = None) -> QToolButton:
            b = QToolButton()
            b.setText(text)
            b.setIcon(icon(icon_name))
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            b.clicked.connect(slot)
            if shortcut:
                b.setShortcut(QKeySequence(shortcut))
                b.setToolTip(f"{tip or text} ({shortcut})")
            return b

        self.play_button = button(self.tr("Play selection"), self.toggle_play, "play", "Space")
        self.trim_in_button = button(self.tr("Set start here"), self.set_trim_in, "trim-in", "I")
        self.trim_out_button = button(self.tr("Set end here"), self.set_trim_out, "trim-out", "O")
        self.cut_button = button(self.tr("Cut selection"), self.cut_selection, "cut", "Delete")
        self.undo_button = button(self.tr("Undo"), undo, "undo")
        self.redo_button = button(self.tr("Redo"), redo, "redo")
        self.zoom_in_button = button(self.tr("Zoom in"), lambda: self.waveform.zoom(2.0), "zoom-in")
        self.zoom_out_button = button(self.tr("Zoom out"), lambda: self.waveform.zoom(0.5), "zoom-out")
        self.zoom_fit_button = button(self.tr("Whole clip"), self.waveform.zoom_to_fit, "zoom-fit")
        self.export_button = button(self.tr("Export…"), self.export, "export")
        QShortcut(QKeySequence.StandardKey.Undo, self, undo)
        QShortcut(QKeySequence.StandardKey.Redo, self, redo)
        self.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_button.setEnabled)

        self.gain = QDoubleSpinBox(minimum=-30.0, maximum=30.0, singleStep=0.5, suffix=" dB", decimals=1)
        self.fade_in = QDoubleSpinBox(minimum=0.0, maximum=60.0, singleStep=0.5, suffix=" s", decimals=1)
        self.fade_out = QDoubleSpinBox(minimum=0.0, maximum=60.0, singleStep=0.5, suffix=" s", decimals=1)
        for spin in (self.gain, self.fade_in, self.fade_out):
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(self._on_levels_changed)

        self.result_label = QLabel("")
        self.result_label.setTextFormat(Qt.TextFormat.RichText)
        self.result_label.setWordWrap(True)

        tools = FlowLayout()
        for b in (self.play_button, self.trim_in_button, self.trim_out_button, self.cut_button,
                  self.undo_button, self.redo_button):
            tools.addWidget(b)
        tools.addStretch(1)
        for b in (self.zoom_in_button, self.zoom_out_button, self.zoom_fit_button):
            tools.addWidget(b)
        levels = QGroupBox(self.tr("Level and fades"))
        form = QFormLayout(levels)
        form.addRow(self.tr("Gain"), self.gain)
        form.addRow(self.tr("Fade in"), self.fade_in)
        form.addRow(self.tr("Fade out"), self.fade_out)
        broadcast = QGroupBox(self.tr("Normalised for broadcast"))
        broadcast_layout = QVBoxLayout(broadcast)
        broadcast_layout.addWidget(self.result_label)
        broadcast_layout.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignLeft)
        bottom = QHBoxLayout()
        bottom.addWidget(levels)
        bottom.addWidget(broadcast, 1)

        header = QHBoxLayout()
        header.addWidget(self.title_label, 1)
        header.addWidget(self.position_label)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(tools)
        layout.addWidget(self.waveform, 1)
        layout.addWidget(self.scrollbar)
        layout.addLayout(bottom)

        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(RENDER_DELAY_MS)
        self._render_timer.timeout.connect(self.measure)
        self._cursor_timer = QTimer(self)
        self._cursor_timer.setInterval(33)
        self._cursor_timer.timeout.connect(self._follow_playback)
        self.waveform.cursor_moved.connect(lambda s: self.position_label.setText(format_duration(s)))
        self._update_actions()

    # -- loading --------------------------------------------------------------------------
    def open_clip(self, clip_id: int) -> None:
        def load(progress, cancel):
            library = self.services.library()
            return (library.get(clip_id), library.edits(clip_id), load_pyramid(self.services, clip_id),
                    self.guard.titles(clip_id))

        def loaded(result) -> None:
            clip, edits, pyramid, self.guard.known[clip_id] = result
            self.preview.stop()
            self.clip, self.edits = clip, edits
            self.undo_stack.clear()
            self.title_label.setText(f"{clip.title} — {format_duration(clip.duration_s)}")
            self.waveform.set_clip(pyramid, clip.sample_rate, edits)
            self.waveform.markers = clip.markers
            self._show_levels(edits)
            self._update_actions()
            self.clip_loaded.emit(clip_id)
            self.measure()

        self.runner.run(self.tr("Opening the clip"), load, loaded, self.errors.show)

    # -- edits ----------------------------------------------------------------------------
    def push(self, text: str, after: EditList) -> None:
        if self.clip is None or after == self.edits:
            return
        try:
            after.validate(self.clip.duration_s, self.clip.id)
        except Exception as exc:  # InvalidEdit: say why, change nothing
            self.errors.show(exc, "")
            return
        clip_id = self.clip.id

        def now() -> None:
            if self.clip is not None and self.clip.id == clip_id:
                self.undo_stack.push(EditCommand(self, text, self.edits, after))

        self.guard.confirm(clip_id, now, lambda: self._show_levels(self.edits))

    def apply_edits(self, edits: EditList, how: str) -> None:
        """Show `edits` now and store them (called by EditCommand)."""
        clip_id = self.clip.id
        self.edits = edits
        self.waveform.set_edits(edits)
        self._show_levels(edits)
        library = self.services.library
        job = {
            "set": lambda p, c: library().set_edits(clip_id, edits),
            "undo": lambda p, c: library().undo(clip_id),
            "redo": lambda p, c: library().redo(clip_id),
        }[how]
        self.writer.run(self.tr("Saving the edit"), job, lambda _v: self.guard.remember(clip_id), self.errors.show,
                        cancellable=False)
        self._schedule_measure()

    def _selection_or_cursor(self) -> tuple[float, float | None]:
        selection = self.waveform.selection_seconds()
        if selection is not None:
            return selection
        return self.waveform.cursor / self.waveform.sample_rate, None

    def set_trim_in(self) -> None:
        start, _ = self._selection_or_cursor()
        self.push(self.tr("Set start"), replace(self.edits, trim_in=round(start, 3)))

    def set_trim_out(self) -> None:
        start, end = self._selection_or_cursor()
        self.push(self.tr("Set end"), replace(self.edits, trim_out=round(end if end is not None else start, 3)))

    def cut_selection(self) -> None:
        selection = self.waveform.selection_seconds()
        if selection is None:
            return
        a, b = (round(v, 3) for v in selection)
        self.push(self.tr("Cut"), replace(self.edits, cuts=tuple(sorted(self.edits.cuts + ((a, b),)))))
        self.waveform.selection = None
        self._update_actions()

    def _on_levels_changed(self) -> None:
        if self.clip is None:
            return
        after = replace(self.edits, gain_db=self.gain.value(), fade_in=self.fade_in.value(),
                        fade_out=self.fade_out.value())
        self.push(self.tr("Change level"), after)

    def _show_levels(self, edits: EditList) -> None:
        for spin, value in ((self.gain, edits.gain_db), (self.fade_in, edits.fade_in), (self.fade_out, edits.fade_out)):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)

    # -- playback -------------------------------------------------------------------------
    def toggle_play(self) -> None:
        if self.preview.playing or self.preview.loading:
            self.preview.stop()
            return
        if self.clip is None:
            return
        start, end = self._selection_or_cursor()
        self.preview.play_clip(self.clip, start, end, on_error=self.errors.show)
        self._cursor_timer.start()
        self.play_button.setText(self.tr("Stop"))
        self.play_button.setIcon(icon("stop"))

    def _follow_playback(self) -> None:
        if self.preview.playing or self.preview.loading:
            seconds = self.preview.position_s
            self.waveform.play_position = seconds * self.waveform.sample_rate
            self.position_label.setText(format_duration(seconds))
            self.waveform.update()
            return
        self._cursor_timer.stop()
        self.waveform.play_position = None
        self.waveform.update()
        self.play_button.setText(self.tr("Play selection"))
        self.play_button.setIcon(icon("play"))

    # -- measuring the broadcast render ---------------------------------------------------
    def _schedule_measure(self) -> None:
        if self._render_task is not None:
            self.runner.cancel(self._render_task.id)
        self.result_label.setText(self.tr("Normalising…"))
        self._render_timer.start()

    def measure(self) -> None:
        if self.clip is None:
            return
        if self._render_task is not None:
            self.runner.cancel(self._render_task.id)
        clip_id, edits = self.clip.id, self.edits
        settings = render_settings(self.services.preferences)
        self.result_label.setText(self.tr("Normalising…"))

        def work(progress, cancel):
            self.writer.wait()  # the edit being rendered is stored first
            library = self.services.library()
            if library.edits(clip_id) != edits:
                from studio.errors import Cancelled

                raise Cancelled()  # a newer edit is on its way
            return self.services.renderer().render_clip(clip_id, OutputFormat.OPUS, settings, progress, cancel)

        def done(result) -> None:
            self._render_task = None
            self.last_result = result
            self._show_result(result, settings)
            self.measured.emit(result)

        def failed(exc, details) -> None:
            self._render_task = None
            self.result_label.setText(self.tr("Could not normalise this clip."))
            self.errors.show(exc, details)

        self._render_task = self.runner.run(self.tr("Normalising for broadcast"), work, done, failed)

    def _show_result(self, result, settings) -> None:
        ok_lufs = result.loudness_lufs is not None and abs(result.loudness_lufs - settings.target_lufs) <= 0.5
        ok_peak = result.true_peak_dbtp is not None and result.true_peak_dbtp <= settings.true_peak_dbtp
        mark = {True: "✔", False: "✘"}
        text = self.tr("Loudness %1 LUFS (target %2) %3<br>True peak %4 dBTP (limit %5) %6<br>Length %7")
        for key, value in (
            ("%1", number(result.loudness_lufs)), ("%2", number(settings.target_lufs)), ("%3", mark[ok_lufs]),
            ("%4", number(result.true_peak_dbtp)), ("%5", number(settings.true_peak_dbtp)), ("%6", mark[ok_peak]),
            ("%7", format_duration(result.duration_s)),
        ):
            text = text.replace(key, value)
        self.result_label.setText(text)

    def export(self) -> None:
        if self.clip is None:
            return
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Export for broadcast"), f"{self.clip.title}.opus",
                                              self.tr("Opus (*.opus);;MP3 (*.mp3);;WAV (*.wav)"))
        if name:
            self.export_to(name)

    def export_to(self, name: str) -> Task:
        from pathlib import Path

        clip_id, settings = self.clip.id, render_settings(self.services.preferences)
        return self.runner.run(
            self.tr("Exporting"),
            lambda p, c: self.services.renderer().render_clip_to(clip_id, Path(name), settings, p, c),
            None, self.errors.show)

    # -- misc -----------------------------------------------------------------------------
    def _on_scroll(self, value: int) -> None:
        span = max(0.0, self.waveform.total_frames - self.waveform.visible_frames())
        self.waveform.set_view(span * value / SCROLL_STEPS, self.waveform.frames_per_pixel)

    def _sync_scrollbar(self) -> None:
        span = max(0.0, self.waveform.total_frames - self.waveform.visible_frames())
        self.scrollbar.blockSignals(True)
        self.scrollbar.setRange(0, SCROLL_STEPS if span > 0 else 0)
        self.scrollbar.setPageStep(int(SCROLL_STEPS * self.waveform.visible_frames() / max(1, self.waveform.total_frames)))
        self.scrollbar.setValue(int(SCROLL_STEPS * self.waveform.start / span) if span > 0 else 0)
        self.scrollbar.blockSignals(False)

    def _update_actions(self) -> None:
        has_clip = self.clip is not None
        has_selection = self.waveform.selection is not None
        for widget in (self.play_button, self.trim_in_button, self.trim_out_button, self.gain, self.fade_in,
                       self.fade_out, self.export_button, self.zoom_in_button, self.zoom_out_button,
                       self.zoom_fit_button):
            widget.setEnabled(has_clip)
        self.cut_button.setEnabled(has_clip and has_selection)
        self.undo_button.setEnabled(self.undo_stack.canUndo())
        self.redo_button.setEnabled(self.undo_stack.canRedo())


    @property
    def _errors(self) -> list:
        return self.errors.visible()

    def shutdown(self) -> None:
        self.writer.shutdown()

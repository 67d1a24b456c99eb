"""Thu âm: one big record button (Ctrl+R), pause, marker, level meter with clip light,
timer, dropouts and free disk shown live, input device picker. A finished take is
imported in the background and opens in the editor.

Threads: UI thread. The recorder's callback and writer run on their own threads; this
panel polls `Recorder.status()` at ~30 Hz. Starting and stopping (device and disk work)
go through the task runner.
"""

from __future__ import annotations

import logging
import math

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from studio.audio.recorder import Recorder, RecorderStatus, StopReason, import_take
from ui.clip_table_model import format_duration
from ui.error_messages import ErrorDialogs
from ui.formatting import number
from ui.icons import icon
from ui.services import Services
from ui.task_runner import TaskRunner

log = logging.getLogger(__name__)

METER_FLOOR_DB = -60.0


class LevelMeter(QWidget):
    """Horizontal peak/RMS bar in dBFS with a held clip light."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(28)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.peak_db = METER_FLOOR_DB
        self.rms_db = METER_FLOOR_DB
        self.clipped = False

    def set_levels(self, peak_db: float, rms_db: float, clipped: bool) -> None:
        self.peak_db = max(METER_FLOOR_DB, peak_db) if math.isfinite(peak_db) else METER_FLOOR_DB
        self.rms_db = max(METER_FLOOR_DB, rms_db) if math.isfinite(rms_db) else METER_FLOOR_DB
        self.clipped = clipped
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt API)
        painter = QPainter(self)
        w, h = self.width() - 34, self.height()
        painter.fillRect(0, 0, w, h, QColor("#263238"))

        def x(db: float) -> float:
            return w * (db - METER_FLOOR_DB) / -METER_FLOOR_DB

        for start, end, colour in ((METER_FLOOR_DB, -18.0, "#66bb6a"), (-18.0, -6.0, "#ffee58"), (-6.0, 0.0, "#ef5350")):
            if self.peak_db > start:
                painter.fillRect(QRectF(x(start), h * 0.15, x(min(self.peak_db, end)) - x(start), h * 0.7), QColor(colour))
        painter.fillRect(QRectF(0, h * 0.4, x(self.rms_db), h * 0.2), QColor(255, 255, 255, 120))
        painter.setPen(QColor("#90a4ae"))
        for db in (-48, -36, -24, -18, -12, -6, -3):
            painter.drawLine(int(x(db)), 0, int(x(db)), 4)
        painter.fillRect(w + 4, 0, 30, h, QColor("#d50000") if self.clipped else QColor("#37474f"))


class RecordPanel(QWidget):
    take_imported = Signal(int)

    def __init__(self, services: Services, runner: TaskRunner, parent=None) -> None:
        super().__init__(parent)
        self.services, self.runner = services, runner
        self.recorder: Recorder | None = None
        self.errors = ErrorDialogs(self)

        self.device = QComboBox()
        self.rate = QComboBox()
        for rate in (48000, 44100, 32000, 16000):
            self.rate.addItem(f"{rate} Hz", rate)
        self.channels = QComboBox()
        self.channels.addItem(self.tr("Mono"), 1)
        self.channels.addItem(self.tr("Stereo"), 2)
        self.refresh_devices_button = QPushButton(self.tr("Refresh"))
        self.refresh_devices_button.clicked.connect(self.refresh_devices)
        self.record_button = QPushButton(icon("record"), self.tr("Record"))
        self.record_button.setMinimumHeight(64)
        self.record_button.setStyleSheet("font-size: 20px; font-weight: bold;")
        self.record_button.clicked.connect(self.toggle_record)
        QShortcut(QKeySequence("Ctrl+R"), self, self.toggle_record)
        self.pause_button = QPushButton(self.tr("Pause"))
        self.pause_button.setCheckable(True)
        self.pause_button.toggled.connect(self._on_pause)
        self.marker_button = QPushButton(self.tr("Add marker"))
        self.marker_button.clicked.connect(self.add_marker)
        QShortcut(QKeySequence("Ctrl+M"), self, self.add_marker)
        self.timer_label = QLabel("0:00")
        self.timer_label.setStyleSheet("font-size: 40px; font-family: monospace;")
        self.meter = LevelMeter()
        self.levels_label = QLabel("")
        self.dropouts_label = QLabel("")
        self.disk_label = QLabel("")
        self.state_label = QLabel(self.tr("Choose the microphone, then press Record (Ctrl+R)."))
        self.state_label.setWordWrap(True)
        self.markers = QListWidget()
        self.markers.setMaximumHeight(120)

        devices = QHBoxLayout()
        devices.addWidget(QLabel(self.tr("Microphone")))
        devices.addWidget(self.device, 1)
        devices.addWidget(self.refresh_devices_button)
        devices.addWidget(self.rate)
        devices.addWidget(self.channels)
        buttons = QHBoxLayout()
        buttons.addWidget(self.record_button, 2)
        buttons.addWidget(self.pause_button, 1)
        buttons.addWidget(self.marker_button, 1)
        facts = QHBoxLayout()
        for label in (self.levels_label, self.dropouts_label, self.disk_label):
            facts.addWidget(label, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(devices)
        layout.addWidget(self.timer_label, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.meter)
        layout.addLayout(facts)
        layout.addLayout(buttons)
        layout.addWidget(self.state_label)
        layout.addWidget(QLabel(self.tr("Markers")))
        layout.addWidget(self.markers)
        layout.addStretch(1)

        self._poll = QTimer(self)
        self._poll.setInterval(33)
        self._poll.timeout.connect(self._update_live)
        self._update_buttons()

    # -- devices --------------------------------------------------------------------------
    def refresh_devices(self) -> None:
        def listed(names: list[str]) -> None:
            current = self.device.currentText()
            self.device.clear()
            self.device.addItem(self.tr("System default"), "")
            for name in names:
                self.device.addItem(name, name)
            self.device.setCurrentIndex(max(0, self.device.findData(current)))

        self.runner.run(self.tr("Listing sound devices"), lambda p, c: input_devices(), listed, self.errors.show,
                        cancellable=False)

    # -- recording ------------------------------------------------------------------------
    def toggle_record(self) -> None:
        if self.recorder is not None:
            self.stop()
        else:
            self.start()

    def start(self) -> None:
        device = self.device.currentData() or None
        rate, channels = self.rate.currentData(), self.channels.currentData()
        recorder = Recorder(self.services.paths.recordings_dir)

        def started(_take) -> None:
            self.recorder = recorder
            self.markers.clear()
            self.state_label.setText(self.tr("Recording… press Stop (Ctrl+R) when done."))
            self._poll.start()
            self._update_buttons()

        self.record_button.setEnabled(False)
        self.runner.run(self.tr("Opening the microphone"), lambda p, c: recorder.start(device, rate, channels),
                        started, self._start_failed, cancellable=False)

    def _start_failed(self, exc: BaseException, details: str) -> None:
        self._update_buttons()
        self.errors.show(exc, details)

    def stop(self, reason: StopReason = StopReason.REQUESTED) -> None:
        recorder, self.recorder = self.recorder, None
        if recorder is None:
            return
        self._poll.stop()
        self.pause_button.setChecked(False)

        def finish(progress, cancel):
            status = recorder.stop(reason)
            return status, import_take(self.services.library(), recorder.take_dir)

        def done(result) -> None:
            status, clip_id = result
            self._update_buttons()
            self.state_label.setText(self._stop_text(status))
            if recorder.error is not None:
                self.errors.show(recorder.error, "")
            if clip_id is not None:
                self.take_imported.emit(clip_id)

        def failed(exc: BaseException, details: str) -> None:
            self._update_buttons()
            self.state_label.setText(self.tr("The take is kept on disk and will be recovered at the next start."))
            self.errors.show(exc, details)

        self.record_button.setEnabled(False)
        self.runner.run(self.tr("Saving the recording"), finish, done, failed, cancellable=False)

    def _stop_text(self, status: RecorderStatus) -> str:
        texts = {
            StopReason.REQUESTED: self.tr("Recorded %1. The take opens in the editor."),
            StopReason.TIME_LIMIT: self.tr("Recorded %1. The take opens in the editor."),
            StopReason.DISK_FULL: self.tr("The disk is nearly full: the take was ended and %1 kept."),
            StopReason.DEVICE_LOST: self.tr("The microphone stopped (unplugged?): %1 recorded and kept."),
            StopReason.WRITE_FAILED: self.tr("Writing failed: %1 recorded and kept."),
        }
        return texts[status.stopped or StopReason.REQUESTED].replace("%1", format_duration(status.seconds))

    def _on_pause(self, paused: bool) -> None:
        if self.recorder is not None:
            (self.recorder.pause if paused else self.recorder.resume)()
            self.pause_button.setText(self.tr("Resume") if paused else self.tr("Pause"))

    def add_marker(self) -> None:
        if self.recorder is not None:
            self.markers.addItem(format_duration(self.recorder.mark()))

    def _update_live(self) -> None:
        recorder = self.recorder
        if recorder is None:
            return
        status = recorder.status()
        self.timer_label.setText(format_duration(status.seconds))
        self.meter.set_levels(status.peak_dbfs, status.rms_dbfs, status.clipped)
        peak = "−∞" if not math.isfinite(status.peak_dbfs) else number(status.peak_dbfs)
        rms = "−∞" if not math.isfinite(status.rms_dbfs) else number(status.rms_dbfs)
        self.levels_label.setText(self.tr("Peak %1 dBFS · RMS %2 dBFS").replace("%1", peak).replace("%2", rms))
        self.dropouts_label.setText(self.tr("Dropouts: %1").replace("%1", str(status.overflows)))
        minutes_left = status.free_bytes / (self.rate.currentData() * 2 * self.channels.currentData() * 60)
        self.disk_label.setText(self.tr("Free disk: %1 GB (about %2 hours)").replace(
            "%1", number(status.free_bytes / 1e9)).replace("%2", number(minutes_left / 60, 0)))
        if not recorder.running:  # ended by itself: disk, device, time limit
            self.stop(status.stopped or StopReason.DEVICE_LOST)

    def _update_buttons(self) -> None:
        recording = self.recorder is not None
        self.record_button.setEnabled(True)
        self.record_button.setText(self.tr("Stop") if recording else self.tr("Record"))
        self.record_button.setIcon(icon("stop" if recording else "record"))
        self.pause_button.setEnabled(recording)
        self.marker_button.setEnabled(recording)
        for combo in (self.device, self.rate, self.channels):
            combo.setEnabled(not recording)


    def shutdown(self) -> None:
        """On quit: a take in progress is finished and kept (recovered at the next start)."""
        if self.recorder is not None:
            self.recorder.stop()
            self.recorder = None


def input_devices() -> list[str]:
    import sounddevice as sd

    return [d["name"] for d in sd.query_devices() if d["max_input_channels"] > 0]

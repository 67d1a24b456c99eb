""""Listen" in Soạn bản tin: the first sentence plays as soon as it is synthesised while
the rest is made, then playback goes on from the second sentence without a gap.

Two tasks go to the task runner at once: the first sentence alone and the whole reading.
When the first has played and the whole is ready, the player continues from where the
first sentence ended. A newer `listen()` or `stop()` makes results of older tasks moot
(a generation counter). Threads: UI thread; synthesis and WAV reading run in the task
runner's workers, the synthesis itself in worker processes.
"""

from __future__ import annotations

import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from studio.tts.engines import SpeechSettings
from ui.error_messages import ErrorDialogs
from ui.services import Services
from ui.task_runner import TaskRunner


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as wav:
        data = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
        return (data.astype(np.float32) / 32768.0).reshape(-1, 1), wav.getframerate()


class SpeechPreview(QObject):
    finished = Signal()  # the preview played to its end, failed or was stopped

    def __init__(self, services: Services, runner: TaskRunner, errors: ErrorDialogs, work_dir: Path,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services, self.runner, self.errors, self.work_dir = services, runner, errors, work_dir
        self.generation = 0
        self.first_started = self.final_started = False
        self.first_task = self.rest_task = None
        self._first_end = 0
        self._rest: tuple[np.ndarray, int, int] | None = None  # samples, rate, start sample
        self._player = None
        self._timer = QTimer(self)
        self._timer.setInterval(50)
        self._timer.timeout.connect(self._continue)

    def listen(self, text: str, settings: SpeechSettings, synthesizer: Callable[[], object], convert: bool) -> None:
        """Start a preview of `text`; `synthesizer()` gives a synthesizer (called in workers)."""
        self.stop()
        self.generation += 1
        generation = self.generation
        first_path = self.work_dir / f"first-{generation}.wav"
        full_path = self.work_dir / f"full-{generation}.wav"

        def first(progress, cancel):
            result = synthesizer().synthesize(text, settings, first_path, first_sentence_only=True, cancel=cancel,
                                              convert_legacy=convert)
            return result, read_wav(result.path)

        def rest(progress, cancel):
            result = synthesizer().synthesize(text, settings, full_path, cancel=cancel, progress=progress,
                                              convert_legacy=convert)
            return result, read_wav(result.path)

        def first_ready(value) -> None:
            if generation != self.generation:
                return
            result, (samples, rate) = value
            self._first_end = int((result.duration_s + result.sentences[0].pause_after) * rate)
            if self._rest is not None:  # the whole reading came first (all cached)
                self._rest = (*self._rest[:2], self._first_end)
            try:
                self.player().play(samples, rate)
            except Exception as exc:  # noqa: BLE001 (any device failure ends the preview, shown)
                self.stop()
                self.errors.show(exc)
                return
            self.first_started = True

        def rest_ready(value) -> None:
            if generation != self.generation:
                return
            result, (samples, rate) = value
            self._rest = (samples, rate, self._first_end)

        def failed(exc, details) -> None:
            if generation == self.generation:
                self.stop()
                self.errors.show(exc, details)

        self.first_started = self.final_started = False
        self._first_end = 0
        self._timer.start()
        # The officer sees these as part of the compose panel: they keep its catalogue context.
        self.first_task = self.runner.run(QCoreApplication.translate("ComposePanel", "Preparing the first sentence"),
                                          first, first_ready, failed)
        self.rest_task = self.runner.run(QCoreApplication.translate("ComposePanel", "Reading the notice aloud"),
                                         rest, rest_ready, failed)

    def player(self):
        from studio.audio.playback import Player

        if self._player is None:
            self._player = Player(self.services.preferences.output_device)
        return self._player

    def _continue(self) -> None:
        """Ticks while previewing: when the first sentence has played and the whole
        reading is ready, play on from the second sentence; at the end, stop."""
        player = self.player()
        if not self.first_started or player.playing:
            return
        if self.final_started:
            self.stop()
        elif self._rest is not None:
            samples, rate, start = self._rest
            self._rest = None
            self.final_started = True
            player.play(samples, rate, start=start)

    def stop(self) -> None:
        self.generation += 1
        self._rest = None
        self._timer.stop()
        for name in ("first_task", "rest_task"):
            task = getattr(self, name)
            if task is not None:
                self.runner.cancel(task.id)
                setattr(self, name, None)
        if self._player is not None:
            self._player.stop()
        self.finished.emit()

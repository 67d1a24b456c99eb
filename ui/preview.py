"""Preview playback for the library, the editor and the approval dialog: decodes the
wanted range of a clip's original (or a whole programme render, `play_rendered`) in a
background task, then plays it through `studio.audio.playback.Player`.

Threads: UI thread; decoding runs in the task runner. `position_s` is read by the
panels' 30 Hz timers (the player's position is a plain counter written by PortAudio).
At most PREVIEW_LIMIT_S is loaded at once, so a 2-hour recording starts at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from studio.audio.playback import Player
from studio.library import Clip
from ui.services import Services
from ui.task_runner import TaskRunner

PREVIEW_LIMIT_S = 20 * 60.0


class Preview(QObject):
    started = Signal()

    def __init__(self, services: Services, runner: TaskRunner, parent=None) -> None:
        super().__init__(parent)
        self.services, self.runner = services, runner
        self.player = Player(services.preferences.output_device)
        self.loading = False
        self._offset_s = 0.0
        self._rate = 48000
        self._generation = 0
        self._task = None  # a render started by play_rendered, cancelled by stop

    @property
    def playing(self) -> bool:
        return self.player.playing

    @property
    def position_s(self) -> float:
        """Position in the clip's timeline (seconds)."""
        if self.loading:
            return self._offset_s
        return self._offset_s + self.player.position / self._rate

    def set_device(self, name: str) -> None:
        self.stop()
        self.player = Player(name)

    def play_clip(self, clip: Clip, start_s: float = 0.0, end_s: float | None = None,
                  on_error: Callable[[BaseException, str], None] | None = None) -> None:
        end = clip.duration_s if end_s is None else min(end_s, clip.duration_s)
        end = min(end, start_s + PREVIEW_LIMIT_S)
        first, last = int(start_s * clip.sample_rate), int(end * clip.sample_rate)

        def load(progress, cancel):
            from studio.audio.analysis import open_audio

            with open_audio(self.services.library().source_path(clip)) as f:
                f.seek(min(first, f.frames))
                return f.read(max(0, last - first), dtype="float32", always_2d=True), clip.sample_rate

        self._start(self.tr("Preparing the preview"), load, start_s, on_error, cancellable=False)

    def play_rendered(self, make: Callable[[threading.Event], Path],
                      on_error: Callable[[BaseException, str], None] | None = None) -> None:
        """Play the whole file that `make(cancel)` produces in the background (a programme's
        render: the exact audio an approver decides on). Stop or a new play cancels it."""
        def load(progress, cancel):
            import soundfile as sf

            return sf.read(str(make(cancel)), dtype="float32", always_2d=True)

        self._start(self.tr("Rendering the programme to listen"), load, 0.0, on_error, cancellable=True)

    def _start(self, title: str, load: Callable, start_s: float,
               on_error: Callable[[BaseException, str], None] | None, cancellable: bool) -> None:
        """Run `load` (-> samples, rate) off the UI thread, then play what it gave from
        `start_s` in the clip's timeline; a stop or a newer play in between wins."""
        self.stop()
        self._generation += 1
        generation = self._generation

        def loaded(result) -> None:
            if generation != self._generation:
                return  # stopped or replaced while loading
            samples, rate = result
            self.loading = False
            self._offset_s, self._rate = start_s, rate
            try:
                self.player.play(samples, rate)
            except Exception as exc:
                if on_error:
                    on_error(exc, "")
                return
            self.started.emit()

        def failed(exc, details) -> None:
            self.loading = False
            if on_error:
                on_error(exc, details)

        self.loading = True
        self._offset_s = start_s
        if cancellable:  # a render: stop() cancels it
            self._task = self.runner.run(title, load, loaded, failed, lambda: setattr(self, "loading", False))
        else:
            self.runner.run(title, load, loaded, failed, cancellable=False)

    def stop(self) -> None:
        if self._task is not None:
            self.runner.cancel(self._task.id)
            self._task = None
        self._generation += 1
        self.loading = False
        self.player.stop()

"""A file-backed speaker (tests/support/sound.py) that plays in real time.

ALSA's file plugin over the `null` PCM takes samples as fast as they come, so a minute of
sound "plays" in a second. Tests about wall-clock boundaries (quiet hours) need a speaker
that takes a minute for a minute: the speaker's file becomes a FIFO that a daemon thread
drains at the stream's byte rate, so the receiver's writes block as on a sound card.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

FLOAT32_MONO_48K = 48000 * 4


class PacedSpeaker:
    def __init__(self, speaker: Path, bytes_per_s: int = FLOAT32_MONO_48K) -> None:
        speaker.unlink(missing_ok=True)
        os.mkfifo(speaker)
        self.bytes_per_s, self.taken = bytes_per_s, 0
        self._fd = os.open(speaker, os.O_RDONLY | os.O_NONBLOCK)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._drain, name="paced-speaker", daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        step = 0.02
        while not self._stop.wait(step):
            try:
                self.taken += len(os.read(self._fd, int(self.bytes_per_s * step)))
            except BlockingIOError:
                continue

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        os.close(self._fd)

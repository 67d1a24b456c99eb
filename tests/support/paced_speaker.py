"""A receiver's speaker file made a FIFO that a thread drains at real-time pace (48 kHz
float32 mono), like a sound card would: ALSA's file plugin alone takes samples as fast as
they come, so a 30 s scheduled item would be over before a live session could cut it.
Each stream the receiver opens (one per item, one per live session) is kept apart, in
order, with the monotonic time it opened. Daemon thread; read `streams()` from the test."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import numpy as np

RATE_BYTES = 48000 * 4
CHUNK = RATE_BYTES // 50  # 20 ms


class PacedSpeaker:
    def __init__(self, speaker: Path) -> None:
        if speaker.exists():
            speaker.unlink()
        os.mkfifo(speaker)
        self.speaker = speaker
        self._streams: list[tuple[float, bytearray]] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        while True:
            with open(self.speaker, "rb", buffering=0) as fifo:
                opened = time.monotonic()
                data = bytearray()
                with self._lock:
                    self._streams.append((opened, data))
                n = 0
                while block := fifo.read(CHUNK):
                    with self._lock:
                        data.extend(block)
                    n += len(block)
                    ahead = opened + n / RATE_BYTES - time.monotonic()
                    if ahead > 0:
                        time.sleep(ahead)

    def streams(self) -> list[np.ndarray]:
        with self._lock:
            return [np.frombuffer(bytes(d[:len(d) // 4 * 4]), dtype="<f4") for _, d in self._streams]


def dominant_hz(samples: np.ndarray) -> float:
    """The strongest frequency of the last 0.5 s of `samples` (0 when silent or too short)."""
    tail = samples[-24000:]
    if len(tail) < 4800 or float(np.abs(tail).max()) < 1e-3:
        return 0.0
    spectrum = np.abs(np.fft.rfft(tail * np.hanning(len(tail))))
    return float(np.argmax(spectrum) * 48000 / len(tail))

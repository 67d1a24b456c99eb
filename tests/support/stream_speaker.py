"""A receiver's speaker file made a FIFO that a thread drains at real-time pace (48 kHz
float32 mono), like a sound card would: ALSA's file plugin alone takes samples as fast as
they come, so a 30 s scheduled item would be over before a live session could cut it.
Each time the FIFO is opened afresh is a stream of its own (`streams()`), but a stream that
opens while the pipe still holds the end of the one before joins it: `runs(played())` tells
what played, in order, by its tone. Daemon thread; read from the test."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import numpy as np

RATE_BYTES = 48000 * 4
CHUNK = RATE_BYTES // 50  # 20 ms


class StreamSpeaker:
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


    def played(self) -> np.ndarray:
        streams = self.streams()
        return np.concatenate(streams) if streams else np.zeros(0, dtype="<f4")


def runs(samples: np.ndarray, window: int = 4800, least: int = 3) -> list[float]:
    """The tones heard, in order: the dominant frequency of each 100 ms (silence left out),
    rounded to 10 Hz, with runs shorter than `least` windows dropped and repeats merged."""
    hz = [round(dominant_hz(samples[i:i + window]), -1) for i in range(0, len(samples) - window + 1, window)]
    found: list[list] = []
    for value in hz:
        if found and found[-1][0] == value:
            found[-1][1] += 1
        else:
            found.append([value, 1])
    tones: list[float] = []
    for value, count in found:
        if count >= least and value and (not tones or tones[-1] != value):
            tones.append(value)
    return tones


def dominant_hz(samples: np.ndarray) -> float:
    """The strongest frequency of the last 0.5 s of `samples` (0 when silent or too short)."""
    tail = samples[-24000:]
    if len(tail) < 4800 or float(np.abs(tail).max()) < 1e-3:
        return 0.0
    spectrum = np.abs(np.fft.rfft(tail * np.hanning(len(tail))))
    return float(np.argmax(spectrum) * 48000 / len(tail))

"""Outages a test can cause on a real receiver process: pause it (SIGSTOP: it accepts
connections and never answers, like a receiver whose Raspberry Pi hangs), resume it, and
hold its speaker so an item stays "now playing" until the test lets it go (the file-backed
device consumes audio faster than real time otherwise). Test thread; POSIX only."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

from tests.support.receiver import Receiver


def pause(receiver: Receiver) -> None:
    os.kill(receiver.process.pid, signal.SIGSTOP)


def resume(receiver: Receiver) -> None:
    os.kill(receiver.process.pid, signal.SIGCONT)


class HeldSpeaker:
    """The speaker file of a receiver becomes a FIFO nobody reads: opening the output
    device blocks, so what starts playing stays "now playing". `release` drains it (from a
    daemon thread) for the rest of the test; `received` counts the bytes that came out."""

    def __init__(self, speaker: Path) -> None:
        self.speaker = speaker
        if speaker.exists():
            speaker.unlink()
        os.mkfifo(speaker)
        self.received = 0

    def release(self) -> None:
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        while True:  # one stream per item: the device is opened afresh each time
            with open(self.speaker, "rb") as fifo:
                while block := fifo.read(1 << 16):
                    self.received += len(block)

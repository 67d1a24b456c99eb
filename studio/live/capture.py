"""The microphone side of a live broadcast: PortAudio input in 20 ms blocks, the recorder's
callback discipline (studio/audio/recorder.py): the callback only copies the block into a
bounded queue, or counts an overflow when the queue is full; it never logs, locks or
touches files. The encoder thread (broadcast.py) drains the queue.

Threads: the PortAudio callback; start/stop from the owner's thread.
"""

from __future__ import annotations

import queue

from studio.errors import AudioDeviceError

RATE = 48000
BLOCK = 960  # 20 ms: one Opus frame
QUEUE_BLOCKS = 25  # 500 ms: more is dropped (and counted) rather than sent late


class MicCapture:
    def __init__(self, device: str | int | None) -> None:
        self.device = device
        self.blocks: queue.Queue = queue.Queue(maxsize=QUEUE_BLOCKS)
        self.overflows = 0
        self.stream = None

    def _callback(self, indata, _frames, _time, status) -> None:
        if status.input_overflow:
            self.overflows += 1
        try:
            self.blocks.put_nowait(indata.copy())
        except queue.Full:
            self.overflows += 1

    def start(self) -> None:
        import sounddevice as sd

        try:
            self.stream = sd.InputStream(samplerate=RATE, channels=1, dtype="int16", blocksize=BLOCK,
                                         device=self.device, callback=self._callback, latency="low")
            self.stream.start()
        except (sd.PortAudioError, ValueError) as exc:
            self.stream = None
            raise AudioDeviceError(str(self.device), str(exc)) from exc

    def stop(self) -> None:
        if self.stream is not None:
            try:
                self.stream.stop()
                self.stream.close()
            finally:
                self.stream = None

"""Preview playback through PortAudio (sounddevice): plays a prepared float32 buffer.

Threads: `play`/`stop` are called from one controlling thread (the UI's). The PortAudio
callback only copies the next block out of the prepared buffer into PortAudio's, and
advances a counter: no allocation, no locks, no logging. `position` reads that counter
(a plain int, safe to read from any thread). Device problems raise `AudioDeviceError`
carrying PortAudio's own reason.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np

from studio.errors import AudioDeviceError, DeviceProblem

log = logging.getLogger(__name__)


def output_devices() -> list[str]:
    """Names of the devices that can play, as PortAudio lists them."""
    import sounddevice as sd

    try:
        devices = sd.query_devices()
    except sd.PortAudioError as exc:
        raise AudioDeviceError("", str(exc)) from exc
    return [d["name"] for d in devices if d["max_output_channels"] > 0]


def _device_index(name: str) -> int | None:
    """PortAudio's index for an output device name ("" = the default)."""
    import sounddevice as sd

    if not name:
        return None
    for index, device in enumerate(sd.query_devices()):
        if device["name"] == name and device["max_output_channels"] > 0:
            return index
    raise AudioDeviceError(name, "no such output device (unplugged?)", DeviceProblem.NOT_FOUND)


class Player:
    """One preview at a time; a new `play` stops the previous one."""

    def __init__(self, device: str = "") -> None:
        self.device = device
        self._stream = None
        self._buffer = np.zeros((0, 1), dtype=np.float32)
        self._pos = 0
        self._end = 0
        self._start = 0

    @property
    def playing(self) -> bool:
        return self._stream is not None and self._stream.active

    @property
    def position(self) -> int:
        """Frame index in the buffer being played (stays at the end when finished)."""
        return self._pos

    def play(
        self, samples: np.ndarray, sample_rate: int, start: int = 0, end: int | None = None,
        on_finished: Callable[[], None] | None = None,
    ) -> None:
        """Play frames [start, end) of `samples` ((frames,) or (frames, channels))."""
        import sounddevice as sd

        self.stop()
        buffer = np.ascontiguousarray(samples.reshape(len(samples), -1), dtype=np.float32)
        self._buffer = buffer
        self._start = self._pos = max(0, min(start, len(buffer)))
        self._end = len(buffer) if end is None else max(self._pos, min(end, len(buffer)))
        channels = buffer.shape[1]

        def callback(outdata, frames, _time, _status) -> None:
            pos = self._pos
            n = min(frames, self._end - pos)
            outdata[:n] = buffer[pos : pos + n]
            if n < frames:
                outdata[n:] = 0.0
                self._pos = pos + n
                raise sd.CallbackStop()
            self._pos = pos + n

        try:
            self._stream = sd.OutputStream(
                samplerate=sample_rate, channels=channels, dtype="float32",
                device=_device_index(self.device), callback=callback,
                finished_callback=on_finished,
            )
            self._stream.start()
        except sd.PortAudioError as exc:
            self._stream = None
            from studio.audio.recorder import classify_device_error

            raise AudioDeviceError(self.device, str(exc), classify_device_error(str(exc))) from exc
        log.info("preview: %d frames at %d Hz from %d", self._end - self._start, sample_rate, self._start)

    def stop(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.abort()
                stream.close()
            except Exception as exc:  # a vanished device must not stop the studio
                log.warning("closing the preview stream failed: %s", exc)

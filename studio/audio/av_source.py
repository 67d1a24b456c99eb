"""Decoding through PyAV (FFmpeg) for the containers libsndfile cannot read.

`AvAudioFile` offers the part of `soundfile.SoundFile` the studio uses (samplerate,
channels, frames, format, subtype, read, blocks, seek), so the importer, the waveform,
the preview and the renderer read an AAC voice memo the same way they read a WAV.
Decoding streams packet by packet: memory stays bounded by the block asked for, whatever
the length of the file. A file that also holds a picture (a clip cut from a video) has
`picture_dropped` set: only its first audio stream is read. Decoder errors become
`CorruptAudio` naming the file and the time where decoding stopped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np

from studio.errors import CorruptAudio, UnsupportedAudio

_DECODE_ERRORS = (av.error.FFmpegError, ValueError, OSError)
PREROLL_S = 0.5


class AvAudioFile:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self._container = av.open(str(self.path))
        except _DECODE_ERRORS as exc:
            raise CorruptAudio(self.path, f"cannot be opened ({exc})") from exc
        try:
            if not self._container.streams.audio:
                raise UnsupportedAudio(self.path, "holds no audio stream")
            self._stream = self._container.streams.audio[0]
            self._stream.thread_type = "AUTO"
            context = self._stream.codec_context
            self.samplerate = int(context.sample_rate or self._stream.rate or 0)
            self.channels = int(context.channels or 0)
            if self.samplerate <= 0 or self.channels <= 0:
                raise CorruptAudio(self.path, "audio stream has no sample rate or channel count")
        except BaseException:
            self._container.close()
            raise
        self.picture_dropped = bool(self._container.streams.video)
        self.format = self._container.format.name
        self.subtype = context.name
        self.frames = self._announced_frames()
        self._resampler = av.AudioResampler(format="flt", layout=context.layout, rate=self.samplerate)
        self._frames_iter: Iterator[av.AudioFrame] | None = None
        self._pending = np.zeros((0, self.channels), np.float32)
        self._decoded = 0
        self._skip = 0
        self._ended = False

    # -- what the header says -------------------------------------------------------------
    def _announced_frames(self) -> int:
        """Frames announced by the container (0 when it does not say)."""
        stream = self._stream
        if stream.duration is not None and stream.time_base is not None:
            return int(round(float(stream.duration * stream.time_base) * self.samplerate))
        if self._container.duration is not None and self.format not in ("aac", "amr", "mp3"):
            return int(round(self._container.duration / av.time_base * self.samplerate))
        return 0  # raw streams: the duration FFmpeg gives is guessed from the bitrate

    # -- soundfile-like reading -------------------------------------------------------------
    def seekable(self) -> bool:
        return False  # read_all reads to the end rather than presizing from `frames`

    def _convert(self, frame: av.AudioFrame) -> np.ndarray:
        """(samples, channels) float32. Float and 16-bit frames are read from their planes
        directly (the resampler costs more than the decoder on AAC); others go through it."""
        name, n = frame.format.name, frame.samples
        if frame.sample_rate == self.samplerate and len(frame.layout.channels) == self.channels:
            if name == "fltp":
                planes = [np.frombuffer(plane, np.float32, n) for plane in frame.planes]
                return planes[0][:, None] if len(planes) == 1 else np.stack(planes, axis=1)
            if name == "flt":
                return np.frombuffer(frame.planes[0], np.float32, n * self.channels).reshape(n, self.channels)
            if name in ("s16", "s16p"):
                if name == "s16":
                    ints = np.frombuffer(frame.planes[0], np.int16, n * self.channels).reshape(n, self.channels)
                else:
                    ints = np.stack([np.frombuffer(plane, np.int16, n) for plane in frame.planes], axis=1)
                return ints.astype(np.float32) * np.float32(1.0 / 32768.0)
        parts = [f.to_ndarray().reshape(-1, self.channels) for f in self._resampler.resample(frame)]
        return np.concatenate(parts) if parts else np.zeros((0, self.channels), np.float32)

    def _next_chunk(self) -> np.ndarray | None:
        if self._ended:
            return None
        if self._frames_iter is None:
            self._frames_iter = self._container.decode(self._stream)
        try:
            for frame in self._frames_iter:
                chunk = self._convert(frame)
                if len(chunk):
                    self._decoded += len(chunk)
                    return chunk
            self._ended = True
            tail = [f.to_ndarray().reshape(-1, self.channels) for f in self._resampler.resample(None)]
            if tail and sum(map(len, tail)):
                chunk = np.concatenate(tail)
                self._decoded += len(chunk)
                return chunk
            return None
        except _DECODE_ERRORS as exc:
            raise CorruptAudio(
                self.path, f"decoding failed after {self._decoded / self.samplerate:.1f} s ({exc})"
            ) from exc

    def read(self, frames: int = -1, dtype: str = "float32", always_2d: bool = True,
             out: np.ndarray | None = None) -> np.ndarray:
        parts = [self._pending] if len(self._pending) else []
        have = len(self._pending)
        while frames < 0 or have < frames:
            chunk = self._next_chunk()
            if chunk is None:
                break
            if self._skip:
                drop = min(self._skip, len(chunk))
                self._skip -= drop
                chunk = chunk[drop:]
            parts.append(chunk)
            have += len(chunk)
        data = np.concatenate(parts) if len(parts) > 1 else (parts[0].copy() if parts else self._pending[:0])
        if frames >= 0 and len(data) > frames:
            data, self._pending = data[:frames], data[frames:]
        else:
            self._pending = data[:0]
        if dtype == "int16":
            data = np.clip(np.rint(data * 32767.0), -32768, 32767).astype(np.int16)
        elif data.dtype != np.dtype(dtype):
            data = data.astype(dtype)
        if out is not None:
            out[: len(data)] = data
            return out[: len(data)]
        return data if always_2d else (data[:, 0] if self.channels == 1 else data)

    def blocks(self, blocksize: int, dtype: str = "float32") -> Iterator[np.ndarray]:
        while True:
            block = self.read(blocksize, dtype=dtype)
            if len(block) == 0:
                return
            yield block

    def seek(self, frame: int) -> int:
        """Position at `frame`: the container seeks to a packet before it, the rest is
        decoded and dropped (exact to the frame whatever the codec's packet size)."""
        frame = max(0, int(frame))
        self._pending = np.zeros((0, self.channels), np.float32)
        self._ended = False
        self._frames_iter = None
        self._resampler = av.AudioResampler(format="flt", layout=self._stream.codec_context.layout,
                                            rate=self.samplerate)
        start = 0
        if frame > 0 and self._stream.time_base is not None:
            try:
                # Half a second early: a codec with overlapping windows (AAC, Opus) needs a
                # few packets before its output is exact; those are decoded and dropped.
                target = int(max(0.0, frame / self.samplerate - PREROLL_S) / self._stream.time_base)
                self._container.seek(target, stream=self._stream, backward=True, any_frame=False)
                self._stream.codec_context.flush_buffers()
                first = next(self._container.decode(self._stream))
                start = int(round(float(first.pts * first.time_base) * self.samplerate)) if first.pts is not None else 0
                self._frames_iter = _chain(first, self._container.decode(self._stream))
            except (StopIteration, *_DECODE_ERRORS):
                self._container.seek(0, stream=self._stream)
                self._frames_iter = None
                start = 0
        if start > frame:  # the seek overshot: start again from the top
            self._container.seek(0, stream=self._stream)
            self._frames_iter, start = None, 0
        self._skip = frame - start
        return frame

    def close(self) -> None:
        self._container.close()

    def __enter__(self) -> AvAudioFile:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _chain(first: av.AudioFrame, rest: Iterator[av.AudioFrame]) -> Iterator[av.AudioFrame]:
    yield first
    yield from rest

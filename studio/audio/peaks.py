"""Waveform peak pyramid: min/max per bucket at many resolutions, computed once, cached.

Level 0 holds min/max of every 256 source frames (all channels folded in); each next
level halves the resolution, down to a few hundred buckets. Values are int16 (full scale
= 32767). The file is `CRSPEAK1` + a JSON header + raw arrays and is memory-mapped on
load, so a waveform view can draw any zoom of a 2-hour clip without reading it all.
`PeakBuilder` is fed blocks in order by one thread; a loaded `PeakPyramid` is read-only.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from studio.storage.durable import atomic_writer

MAGIC = b"CRSPEAK1"
BASE_BUCKET = 256
MIN_BUCKETS = 512


class PeakBuilder:
    def __init__(self, bucket: int = BASE_BUCKET) -> None:
        self.bucket = bucket
        self._pending_min = np.zeros(0, dtype=np.float32)
        self._pending_max = np.zeros(0, dtype=np.float32)
        self._mins: list[np.ndarray] = []
        self._maxs: list[np.ndarray] = []
        self._integer = False
        self.frames = 0

    def feed(self, block: np.ndarray) -> None:
        """Add frames (n,) or (n, channels): float in [-1, 1], or int16 PCM as read from a
        16-bit file (3x faster to read and reduce than converting it to float)."""
        self._integer = block.dtype == np.int16
        lo = block.min(axis=1) if block.ndim == 2 else block
        hi = block.max(axis=1) if block.ndim == 2 else block
        self.frames += len(lo)
        if len(self._pending_min):  # (an empty float pending would turn int16 into float)
            lo = np.concatenate((self._pending_min, lo))
            hi = np.concatenate((self._pending_max, hi))
        n = len(lo) // self.bucket
        if n:
            self._mins.append(lo[: n * self.bucket].reshape(n, self.bucket).min(axis=1))
            self._maxs.append(hi[: n * self.bucket].reshape(n, self.bucket).max(axis=1))
        self._pending_min, self._pending_max = lo[n * self.bucket :], hi[n * self.bucket :]

    def finish(self) -> PeakPyramid:
        mins, maxs = list(self._mins), list(self._maxs)
        if len(self._pending_min):
            mins.append(self._pending_min.min(keepdims=True))
            maxs.append(self._pending_max.max(keepdims=True))
        lo = np.concatenate(mins) if mins else np.zeros(1, np.float32)
        hi = np.concatenate(maxs) if maxs else np.zeros(1, np.float32)
        convert = _clip_i16 if self._integer else _to_i16
        base = np.stack((convert(lo), convert(hi)), axis=1)
        levels = [base]
        while len(levels[-1]) > MIN_BUCKETS:
            prev = levels[-1]
            if len(prev) % 2:
                prev = np.concatenate((prev, prev[-1:]))
            pairs = prev.reshape(-1, 2, 2)
            levels.append(np.stack((pairs[:, :, 0].min(axis=1), pairs[:, :, 1].max(axis=1)), axis=1))
        return PeakPyramid(self.bucket, self.frames, tuple(levels))


def build_peaks(path: Path, block_frames: int = 1 << 20) -> PeakPyramid:
    """The pyramid of an audio file, reading 16-bit PCM as integers."""
    from studio.audio.analysis import open_audio

    builder = PeakBuilder()
    with open_audio(path) as handle:
        dtype = "int16" if handle.subtype == "PCM_16" else "float32"
        for block in handle.blocks(blocksize=block_frames, dtype=dtype):
            builder.feed(block)
    return builder.finish()


def _clip_i16(values: np.ndarray) -> np.ndarray:
    return np.maximum(values, -32767).astype(np.int16)


def _to_i16(values: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(values * 32767.0), -32767, 32767).astype(np.int16)


@dataclass(frozen=True)
class PeakPyramid:
    base_bucket: int
    frames: int
    levels: tuple[np.ndarray, ...]  # level i: (n_i, 2) int16 min/max per base_bucket * 2**i frames

    def bucket_frames(self, level: int) -> int:
        return self.base_bucket << level

    def level_for(self, frames_per_pixel: float) -> int:
        """The coarsest level whose buckets are no wider than one pixel."""
        level = 0
        while level + 1 < len(self.levels) and self.bucket_frames(level + 1) <= frames_per_pixel:
            level += 1
        return level

    def columns(self, start_frame: int, end_frame: int, width: int) -> np.ndarray:
        """(width, 2) min/max in [-1, 1] for `width` pixels spanning [start_frame, end_frame)."""
        width = max(1, width)
        span = max(1, end_frame - start_frame)
        level = self.level_for(span / width)
        data = self.levels[level]
        bucket = self.bucket_frames(level)
        edges = start_frame + (np.arange(width + 1, dtype=np.int64) * span) // width
        idx = np.clip(edges // bucket, 0, len(data) - 1)
        stop = np.maximum(idx[1:], idx[:-1] + 1)
        out = np.empty((width, 2), dtype=np.float32)
        # reduceat gives min/max over [idx[i], idx[i+1]); columns narrower than a bucket repeat it.
        lo = np.minimum.reduceat(data[:, 0], idx[:-1])
        hi = np.maximum.reduceat(data[:, 1], idx[:-1])
        narrow = stop - idx[:-1] <= 1
        lo[narrow] = data[idx[:-1][narrow], 0]
        hi[narrow] = data[idx[:-1][narrow], 1]
        out[:, 0] = lo / 32767.0
        out[:, 1] = hi / 32767.0
        return out

    def save(self, path: Path) -> None:
        header = {
            "base_bucket": self.base_bucket,
            "frames": self.frames,
            "levels": [len(level) for level in self.levels],
        }
        blob = json.dumps(header).encode()
        with atomic_writer(path) as out:
            out.write(MAGIC + struct.pack("<I", len(blob)) + blob)
            for level in self.levels:
                out.write(np.ascontiguousarray(level, dtype="<i2").tobytes())

    @classmethod
    def load(cls, path: Path) -> PeakPyramid:
        with open(path, "rb") as handle:
            if handle.read(8) != MAGIC:
                raise ValueError(f"{path}: not a peak file")
            (size,) = struct.unpack("<I", handle.read(4))
            header = json.loads(handle.read(size))
        offset = 12 + size
        levels = []
        for count in header["levels"]:
            levels.append(np.memmap(path, dtype="<i2", mode="r", offset=offset, shape=(count, 2)))
            offset += count * 4
        return cls(header["base_bucket"], header["frames"], tuple(levels))

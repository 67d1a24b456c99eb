"""Non-destructive edit lists: trim, cut ranges, gain and fades, stored as data.

An `EditList` is a frozen value in seconds of the *source* timeline (trim, cuts) or of
the *result* (fades). `apply()` builds the edited samples from the untouched source.
Splices are smoothed with 3 ms fades so a cut never clicks. Pure functions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from studio.errors import InvalidEdit

if TYPE_CHECKING:
    import numpy as np

SPLICE_FADE_S = 0.003
MAX_GAIN_DB = 40.0


@dataclass(frozen=True)
class EditList:
    trim_in: float = 0.0
    trim_out: float | None = None  # None: to the end
    cuts: tuple[tuple[float, float], ...] = field(default_factory=tuple)
    gain_db: float = 0.0
    fade_in: float = 0.0
    fade_out: float = 0.0

    def to_json(self) -> str:
        return json.dumps(
            {
                "trim_in": self.trim_in,
                "trim_out": self.trim_out,
                "cuts": [list(c) for c in self.cuts],
                "gain_db": self.gain_db,
                "fade_in": self.fade_in,
                "fade_out": self.fade_out,
            },
            sort_keys=True,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> EditList:
        data = json.loads(text)
        return cls(
            trim_in=float(data.get("trim_in", 0.0)),
            trim_out=None if data.get("trim_out") is None else float(data["trim_out"]),
            cuts=tuple((float(a), float(b)) for a, b in data.get("cuts", [])),
            gain_db=float(data.get("gain_db", 0.0)),
            fade_in=float(data.get("fade_in", 0.0)),
            fade_out=float(data.get("fade_out", 0.0)),
        )

    def with_cut(self, start: float, end: float) -> EditList:
        return replace(self, cuts=self.cuts + ((start, end),))

    def is_identity(self) -> bool:
        return self == EditList()

    def kept_ranges(self, duration: float, clip_id: int | None = None) -> list[tuple[float, float]]:
        """Source ranges that survive trim and cuts, in order; validates against `duration`."""
        start = self.trim_in
        end = duration if self.trim_out is None else self.trim_out
        if not (0.0 <= start < end <= duration + 1e-6):
            raise InvalidEdit(
                clip_id, f"trim {start:.3f}-{end:.3f} s is outside the clip (0-{duration:.3f} s)"
            )
        for a, b in self.cuts:
            if not (0.0 <= a < b <= duration + 1e-6):
                raise InvalidEdit(clip_id, f"cut {a:.3f}-{b:.3f} s is outside the clip")
        ranges = [(start, min(end, duration))]
        for a, b in sorted(self.cuts):
            next_ranges = []
            for r0, r1 in ranges:
                if b <= r0 or a >= r1:
                    next_ranges.append((r0, r1))
                    continue
                if a > r0:
                    next_ranges.append((r0, a))
                if b < r1:
                    next_ranges.append((b, r1))
            ranges = next_ranges
        if not ranges:
            raise InvalidEdit(clip_id, "the edits remove the whole clip")
        return ranges

    def validate(self, duration: float, clip_id: int | None = None) -> float:
        """Check the edit list against a clip; return the edited duration."""
        if not -MAX_GAIN_DB <= self.gain_db <= MAX_GAIN_DB:
            raise InvalidEdit(clip_id, f"gain {self.gain_db} dB is outside ±{MAX_GAIN_DB:g} dB")
        if self.fade_in < 0 or self.fade_out < 0:
            raise InvalidEdit(clip_id, "fade lengths cannot be negative")
        result = sum(b - a for a, b in self.kept_ranges(duration, clip_id))
        if self.fade_in + self.fade_out > result + 1e-6:
            raise InvalidEdit(
                clip_id, f"fades ({self.fade_in + self.fade_out:.3f} s) are longer than the edited clip ({result:.3f} s)"
            )
        return result


def _ramp(n: int) -> np.ndarray:
    """Raised-cosine ramp 0 -> 1 over n samples."""
    import numpy as np

    if n <= 0:
        return np.ones(0, dtype=np.float32)
    return (0.5 - 0.5 * np.cos(np.pi * (np.arange(n) + 0.5) / n)).astype(np.float32)


def apply(
    samples: np.ndarray, sample_rate: int, edits: EditList, clip_id: int | None = None, overwrite: bool = False,
) -> np.ndarray:
    """Return the edited audio (frames x channels or mono). `samples` is not modified,
    unless `overwrite`: then a trim, gain or fades are applied to it in place and the
    result is a view of it (no copy of an hour-long source)."""
    import numpy as np  # the edit list itself is plain data; only applying it needs numpy

    duration = len(samples) / sample_rate
    edits.validate(duration, clip_id)
    ranges = edits.kept_ranges(duration, clip_id)
    splice = int(SPLICE_FADE_S * sample_rate)
    pieces = []
    in_place = overwrite and len(ranges) == 1 and samples.dtype == np.float32
    for i, (a, b) in enumerate(ranges):
        piece = samples[int(round(a * sample_rate)) : int(round(b * sample_rate))]
        if not in_place:
            piece = piece.astype(np.float32, copy=True)
        if len(ranges) > 1 and len(piece) > 2 * splice:
            shape = (-1,) + (1,) * (piece.ndim - 1)
            if i > 0:
                piece[:splice] *= _ramp(splice).reshape(shape)
            if i < len(ranges) - 1:
                piece[-splice:] *= _ramp(splice)[::-1].reshape(shape)
        pieces.append(piece)
    out = np.concatenate(pieces) if len(pieces) > 1 else pieces[0]
    if edits.gain_db:
        out *= np.float32(10.0 ** (edits.gain_db / 20.0))
    shape = (-1,) + (1,) * (out.ndim - 1)
    n_in = min(len(out), int(round(edits.fade_in * sample_rate)))
    if n_in:
        out[:n_in] *= _ramp(n_in).reshape(shape)
    n_out = min(len(out), int(round(edits.fade_out * sample_rate)))
    if n_out:
        out[-n_out:] *= _ramp(n_out)[::-1].reshape(shape)
    return out

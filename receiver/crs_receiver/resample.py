"""Streaming sample-rate conversion for media that is not at the output's 48 kHz.

soxr (high quality) when it is installed (`pip install crs-receiver[resample]`); otherwise
linear interpolation in numpy, which is enough for speech at 44.1/32/24/16 kHz and costs no
dependency on a small box. The studio itself always sends 48 kHz Opus, so neither runs for
its media. One converter per decoded file, used by one thread.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np


class Converter(Protocol):
    def resample_chunk(self, samples: np.ndarray, last: bool = False) -> np.ndarray: ...


class LinearStream:
    """Linear interpolation over a stream of mono float32 chunks, continuous across chunks."""

    def __init__(self, rate_in: int, rate_out: int) -> None:
        self.step = rate_in / rate_out
        self.position = 0.0  # of the next output sample, in input samples from `held`
        self.held: np.ndarray = np.zeros(0, dtype=np.float32)  # the last input sample, carried over

    def resample_chunk(self, samples: np.ndarray, last: bool = False) -> np.ndarray:
        data = np.concatenate((self.held, np.asarray(samples, dtype=np.float32)))
        if last and len(data):
            data = np.concatenate((data, data[-1:]))  # the final sample is reached, not dropped
        span = len(data) - 1
        if span <= self.position:
            self.held = data[-1:] if len(data) else self.held
            self.position -= max(0, span)
            return np.zeros(0, dtype=np.float32)
        count = int(np.ceil((span - self.position) / self.step))
        where = self.position + self.step * np.arange(count)
        index = where.astype(np.int64)
        fraction = (where - index).astype(np.float32)
        out = data[index] * (1.0 - fraction) + data[index + 1] * fraction
        self.position = float(where[-1] + self.step - span)
        self.held = data[-1:]
        return out.astype(np.float32, copy=False)


def resampler(rate_in: int, rate_out: int) -> Converter:
    """A converter from `rate_in` to `rate_out`, soxr's if it is there."""
    try:
        import soxr
    except ImportError:
        return LinearStream(rate_in, rate_out)
    return soxr.ResampleStream(rate_in, rate_out, 1, dtype="float32")

"""Integrated loudness by ITU-R BS.1770-4 / EBU R128, vectorised.

K-weighting uses the sample-rate-independent filter design of libebur128 (exact ITU
coefficients at 48 kHz). The meter keeps the energy of every 100 ms segment, so a caller
that changes only parts of the signal (the limiter) can update those segments and read
the new loudness without filtering everything again. Stateless functions plus a
streaming `LoudnessMeter` owned by one thread.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.signal as ss

from studio.audio import parallel

ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0


def k_weighting_sos(sample_rate: int) -> np.ndarray:
    f0 = 1681.974450955533
    gain_db = 3.999843853973347
    q = 0.7071752369554196
    k = math.tan(math.pi * f0 / sample_rate)
    vh = 10.0 ** (gain_db / 20.0)
    vb = vh**0.4996667741545416
    a0 = 1.0 + k / q + k * k
    shelf_b = [(vh + vb * k / q + k * k) / a0, 2.0 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0]
    shelf_a = [1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0]
    f0 = 38.13547087602444
    q = 0.5003270373238773
    k = math.tan(math.pi * f0 / sample_rate)
    a0 = 1.0 + k / q + k * k
    hp_b = [1.0, -2.0, 1.0]
    hp_a = [1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0]
    return np.array([shelf_b + shelf_a, hp_b + hp_a], dtype=np.float64)


def segment_length(sample_rate: int) -> int:
    return max(1, round(sample_rate / 10))


def gated_loudness(segment_energy: np.ndarray, segment_samples: int) -> float | None:
    """Integrated loudness from summed K-weighted energy per 100 ms segment (all channels
    added, BS.1770 weights 1.0). None when no 400 ms block passes the absolute gate."""
    if len(segment_energy) < 4:
        if len(segment_energy) == 0:
            return None
        # Shorter than one gating block: measure what there is as a single block.
        blocks = np.array([segment_energy.sum() / (len(segment_energy) * segment_samples)])
    else:
        csum = np.concatenate(([0.0], np.cumsum(segment_energy, dtype=np.float64)))
        blocks = (csum[4:] - csum[:-4]) / (4 * segment_samples)
    with np.errstate(divide="ignore"):
        block_lufs = -0.691 + 10.0 * np.log10(blocks)
    above_abs = blocks[block_lufs > ABSOLUTE_GATE_LUFS]
    if len(above_abs) == 0:
        return None
    relative_gate = -0.691 + 10.0 * math.log10(above_abs.mean()) + RELATIVE_GATE_LU
    gated = above_abs[-0.691 + 10.0 * np.log10(above_abs) > relative_gate]
    return -0.691 + 10.0 * math.log10(gated.mean())


def segment_energies(weighted: np.ndarray, segment_samples: int) -> np.ndarray:
    """Sum of squares per full segment of a K-weighted mono float32 signal."""
    n = len(weighted) // segment_samples
    head = weighted[: n * segment_samples].reshape(n, segment_samples)
    return np.einsum("ij,ij->i", head, head, dtype=np.float64)


@dataclass
class MeasuredMono:
    """Energies of a K-weighted mono signal: per 100 ms segment (the loudness) and per
    `block` (the gain model's). The weighted signal itself is not kept: an hour of it is
    690 MB, and mastering filters again only the stretches the limiter changed."""

    energies: np.ndarray
    block_energies: np.ndarray
    segment_samples: int
    block: int

    @property
    def loudness(self) -> float | None:
        return gated_loudness(self.energies, self.segment_samples)


def measure_mono(x: np.ndarray, sample_rate: int, block: int | None = None) -> MeasuredMono:
    """The energies of `x` K-weighted, per segment and per `block` (default: a segment)."""
    sos = k_weighting_sos(sample_rate).astype(np.float32)
    seg = segment_length(sample_rate)
    block = block or seg
    # Pieces hold whole segments and whole blocks, so their energies join up.
    step = math.lcm(seg, block) * max(1, parallel.CHUNK_SAMPLES // math.lcm(seg, block))
    parts = parallel.map_filtered(
        sos, x, sample_rate // 2, parallel.pieces(0, len(x), step),
        lambda _start, weighted: (segment_energies(weighted, seg), segment_energies(weighted, block)),
    )
    if not parts:
        return MeasuredMono(np.zeros(0), np.zeros(0), seg, block)
    return MeasuredMono(np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]), seg, block)


def integrated_loudness(x: np.ndarray, sample_rate: int) -> float | None:
    """Loudness (LUFS) of a mono (n,) or multichannel (n, ch) signal; None if silent."""
    if x.ndim == 1:
        return measure_mono(x, sample_rate).loudness
    meter = LoudnessMeter(sample_rate, x.shape[1])
    meter.feed(x)
    return meter.loudness()


class LoudnessMeter:
    """Streaming BS.1770 meter: feed blocks of shape (n, channels) in order."""

    def __init__(self, sample_rate: int, channels: int) -> None:
        self.sample_rate = sample_rate
        self.channels = channels
        self._sos = k_weighting_sos(sample_rate)
        self._zi = np.zeros((self._sos.shape[0], 2, channels))
        self._seg = segment_length(sample_rate)
        self._pending = np.zeros(0)
        self._energies: list[np.ndarray] = []

    def feed(self, block: np.ndarray) -> None:
        if block.ndim == 1:
            block = block[:, None]
        weighted, self._zi = ss.sosfilt(self._sos, block, axis=0, zi=self._zi)
        power = np.einsum("ij,ij->i", weighted, weighted)
        power = np.concatenate((self._pending, power))
        n = len(power) // self._seg
        if n:
            self._energies.append(power[: n * self._seg].reshape(n, self._seg).sum(axis=1))
        self._pending = power[n * self._seg :]

    def segment_energies(self) -> np.ndarray:
        """Energy of every full 100 ms segment fed so far (the partial last one left out)."""
        return np.concatenate(self._energies) if self._energies else np.zeros(0)

    def loudness(self) -> float | None:
        energies = self.segment_energies()
        if len(energies) == 0 and len(self._pending):
            energies = np.array([self._pending.sum()])
            return gated_loudness(energies, len(self._pending))
        return gated_loudness(energies, self._seg)

"""Look-ahead true-peak limiter, vectorised at block resolution.

The signal is cut into 5 ms blocks. Each block needs a gain reduction R (dB) so that
its true peak stays under the ceiling. Gain nodes sit on block boundaries; node k is the
larger of the reductions of the blocks on either side, so a linear ramp between nodes
never reduces less than a block needs (this is the look-ahead: the ramp starts one block
before the peak). Release is a constant dB/s slope done with a cumulative maximum.

Speed comes from two facts. True peak is linear in gain, so block peaks of the input are
measured once (`BlockPeaks`, lazily, only where they could matter) and reused for every
gain the loudness search tries. And after the gain curve is applied, a block needs its
true peak measured again only if a bound cannot prove it safe: with the gain varying
by at most d (relative) across the interpolator's reach, a block's output peak is at
most gmax * (TP_in + d * BOUND * peak_in). Pure functions and a per-signal cache owned
by the caller's thread; long sweeps (oversampling, the bounds, the gain pass) run on the
DSP pool (parallel.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio.audio import parallel
from studio.audio import true_peak as tp

BLOCK_SECONDS = 0.005
RELEASE_DB_PER_S = 120.0
MAX_PASSES = 8
#: Blocks are limited this much under the ceiling, so that smoothly varying gain can be
#: proven safe by a bound instead of being oversampled again.
HEADROOM_DB = 0.2
#: Above this share of limited blocks the gain curve is applied to every block.
DENSE_SHARE = 0.25


class BlockPeaks:
    """Per-block true peaks of one signal, measured on demand and remembered."""

    def __init__(self, x: np.ndarray, sample_rate: int) -> None:
        self.x = x
        self.block = max(8, round(sample_rate * BLOCK_SECONDS))
        self.sample_peaks = tp.block_max(x, self.block)
        self.neighbour_peaks = tp.neighbour_max(self.sample_peaks)
        self._exact = np.full(len(self.sample_peaks), np.nan, dtype=np.float32)
        self._bounds = self.neighbour_peaks * np.float32(tp.BOUND)
        self._tight = False

    def __len__(self) -> int:
        return len(self.sample_peaks)

    def upper_bounds(self) -> np.ndarray:
        """A true-peak bound for every block: exact where measured, else BOUND x nearby
        peak, or the tight bound once `tighten` has run."""
        return np.where(np.isnan(self._exact), self._bounds, self._exact)

    def tighten(self) -> bool:
        """Replace BOUND x nearby peak by `tp.tight_block_bounds` (a quarter of the cost of
        oversampling every block); False when already done."""
        if self._tight:
            return False
        self._bounds = tp.tight_block_bounds(self.x, self.block, self.sample_peaks, self.neighbour_peaks)
        self._tight = True
        return True

    def exact(self, which: np.ndarray) -> np.ndarray:
        missing = which[np.isnan(self._exact[which])]
        if len(missing):
            self._exact[missing] = tp.oversampled_block_peaks(self.x, self.block, missing)
        return self._exact[which]


@dataclass(frozen=True)
class LimiterResult:
    audio: np.ndarray  # the limited signal (the `out` buffer when one was given)
    touched_blocks: np.ndarray  # indices of blocks whose gain was reduced
    block: int
    max_reduction_db: float


def _nodes_from_reduction(reduction: np.ndarray, release_per_block: float) -> np.ndarray:
    nodes = np.zeros(len(reduction) + 1, dtype=np.float64)
    nodes[:-1] = reduction
    np.maximum(nodes[1:], reduction, out=nodes[1:])
    # Release: node[k] = max_j(node[j] - (k - j) * rate) via one cumulative maximum.
    slope = np.arange(len(nodes), dtype=np.float64) * release_per_block
    released = np.maximum.accumulate(nodes + slope) - slope
    return np.maximum(released, 0.0)


def _apply_active(
    x: np.ndarray, out: np.ndarray, gain: float, nodes: np.ndarray, block: int
) -> np.ndarray:
    """Write gain * curve * x into `out` on every block with some reduction; return them.

    The curve is interpolated linearly in *gain* between the node gains: both ends are
    at most the gain the block allows, so every point between them is too (and it costs
    one multiply-add per sample instead of a power).
    """
    active = np.flatnonzero((nodes[:-1] > 0) | (nodes[1:] > 0))
    if len(active) == 0:
        return active
    node_gain = (gain * np.power(10.0, -nodes / 20.0)).astype(np.float32)
    n_full = len(x) // block
    full = active[active < n_full]
    frac = (np.arange(block, dtype=np.float32) / np.float32(block))[None, :]
    x_rows = x[: n_full * block].reshape(n_full, block)
    out_rows = out[: n_full * block].reshape(n_full, block)
    if len(full) > DENSE_SHARE * n_full:
        # Most blocks limited (loud speech, squashed music): sweep every block in contiguous
        # spans on all cores; where both nodes are 0 dB this writes gain * x again, the same
        # bits. Gathering the active rows instead cost 0.5 s per pass on 10 minutes.
        step = max(1, tp.BATCH_SAMPLES // block)

        def sweep(first: int) -> None:
            last = min(first + step, n_full)
            left, right = node_gain[first:last, None], node_gain[first + 1 : last + 1, None]
            np.multiply(x_rows[first:last], left + (right - left) * frac, out=out_rows[first:last])

        parallel.map_in_parallel(sweep, range(0, n_full, step))
    else:
        left = node_gain[full][:, None]
        right = node_gain[full + 1][:, None]
        out_rows[full] = x_rows[full] * (left + (right - left) * frac)
    if active[-1] >= n_full:  # the short last block
        i = np.arange(len(x) - n_full * block, dtype=np.float32) / np.float32(block)
        out[n_full * block :] = x[n_full * block :] * (node_gain[n_full] + (node_gain[n_full + 1] - node_gain[n_full]) * i)
    return active


def _scaled(x: np.ndarray, gain: np.float32, out: np.ndarray | None) -> np.ndarray:
    """gain * x into `out` (a new array if None), in spans on all cores: into a fresh
    hour-long buffer this is mostly faulting in 690 MB, 2 s on one core."""
    out = np.empty_like(x) if out is None else out
    if len(x) < parallel.MIN_PARALLEL_SAMPLES:
        return np.multiply(x, gain, out=out)

    def run(span: tuple[int, int]) -> None:
        np.multiply(x[span[0] : span[1]], gain, out=out[span[0] : span[1]])

    parallel.map_in_parallel(run, parallel.pieces(0, len(x), parallel.CHUNK_SAMPLES * 4))
    return out


def _safe_by_bound(
    peaks: BlockPeaks, nodes: np.ndarray, blocks: np.ndarray, gain: float, ceiling: float
) -> np.ndarray:
    """True where a bound proves a block's output true peak is under the ceiling.

    Output points of block k lie between nodes k and k+1, where the (linearly
    interpolated) gain is at most the larger node gain. Each interpolated output value
    is sum_i h_i g_i x_i = g_t * xhat_t + sum_i h_i (g_i - g_t) x_i: the first term is at
    most gmax * TP_in(k); the second at most (relative gain change over the
    interpolator's reach) * gmax * BOUND * (largest nearby sample).
    """
    n = len(peaks)
    lo = np.clip(blocks - 1, 0, n - 1)
    hi = np.clip(blocks + 1, 0, n - 1)
    gmax = gain * np.power(10.0, -np.minimum(nodes[blocks], nodes[blocks + 1]) / 20.0)
    steepest = np.maximum.reduce(
        [np.abs(nodes[j + 1] - nodes[j]) for j in (lo, blocks, hi)]
    ) / peaks.block  # dB per sample
    variation = 10.0 ** (steepest * 2 * tp.REACH / 20.0) - 1.0
    bound = gmax * (peaks.upper_bounds()[blocks] + variation * tp.BOUND * peaks.neighbour_peaks[blocks])
    return bound <= ceiling


def limit(
    x: np.ndarray, sample_rate: int, ceiling_dbtp: float, gain_db: float = 0.0,
    peaks: BlockPeaks | None = None, out: np.ndarray | None = None,
) -> LimiterResult:
    """Return gain * `x` limited so its 4x-oversampled true peak is at most `ceiling_dbtp`.

    Pass the same `peaks` (a `BlockPeaks` of `x`) when limiting one signal at several
    gains, and an `out` buffer to write into (an hour of audio is 690 MB: allocating it
    afresh on every try costs more than limiting).
    """
    peaks = peaks if peaks is not None else BlockPeaks(x, sample_rate)
    block = peaks.block
    gain = 10.0 ** (gain_db / 20.0)
    ceiling = 10.0 ** (ceiling_dbtp / 20.0)
    release = RELEASE_DB_PER_S * block / sample_rate
    reduction = np.zeros(len(peaks), dtype=np.float64)
    candidates = np.flatnonzero(peaks.upper_bounds() * gain > ceiling)
    if len(candidates) > tp.DENSE_SHARE * len(peaks) and peaks.tighten():
        # Most blocks might be over by the loose bound, so all would be oversampled. An
        # hour of hot (clipped) speech turned down 8 dB has 56 % such blocks and none
        # over: the tight bound clears them for a quarter of the cost (4.5 s -> ~1 s).
        candidates = np.flatnonzero(peaks.upper_bounds() * gain > ceiling)
    if len(candidates):
        measured = peaks.exact(candidates) * gain
        over = measured > ceiling
        reduction[candidates[over]] = 20.0 * np.log10(measured[over] / ceiling) + HEADROOM_DB
    out = _scaled(x, np.float32(gain), out)
    if not reduction.any():
        return LimiterResult(out, np.zeros(0, dtype=np.int64), block, 0.0)
    to_check = None
    for _ in range(MAX_PASSES):
        nodes = _nodes_from_reduction(reduction, release)
        # Reduction only grows from pass to pass, so rewriting the active blocks is enough.
        active = _apply_active(x, out, gain, nodes, block)
        if to_check is None:
            to_check = np.unique(np.clip(np.concatenate((active - 1, active, active + 1)), 0, len(peaks) - 1))
        to_check = to_check[~_safe_by_bound(peaks, nodes, to_check, gain, ceiling)]
        measured = tp.oversampled_block_peaks(out, block, to_check)
        still = measured > ceiling
        if not still.any():
            break
        # Interpolation mixes samples with different gains: add what is still missing
        # and look again near those blocks only.
        changed = to_check[still]
        reduction[changed] += 20.0 * np.log10(measured[still] / ceiling) + 0.01
        near = np.concatenate([changed + d for d in range(-3, 4)])
        to_check = np.unique(np.clip(near, 0, len(peaks) - 1))
    return LimiterResult(out, active, block, float(nodes.max()))

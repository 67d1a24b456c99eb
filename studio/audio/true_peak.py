"""True-peak measurement (ITU-R BS.1770-4 Annex 2: 4x oversampling), done only where needed.

The interpolator is a 97-tap windowed-sinc Nyquist filter (a 49-tap one under-reads
broadband content by up to 0.7 dB against a long reference resampler such as ffmpeg's): every 4th coefficient is zero
but the centre, so original samples pass through unchanged and a true peak is never below
the sample peak. `BOUND` = the largest sum of |coefficients| of any phase: no interpolated
value can exceed BOUND x the largest nearby sample, so blocks whose sample peak x BOUND
cannot reach the level of interest are skipped without oversampling. Pure functions.
"""

from __future__ import annotations

import numpy as np
import scipy.signal as ss

from studio.audio import parallel

OVERSAMPLE = 4
TAPS = 97
_DELAY = (TAPS - 1) // 2  # 48 = 12 input samples x 4
REACH = _DELAY // OVERSAMPLE  # input samples the interpolator reaches on each side (12)
CONTEXT = 16  # input samples of context taken each side

_H = (ss.firwin(TAPS, 1.0 / OVERSAMPLE, window=("kaiser", 8.0)) * OVERSAMPLE).astype(np.float64)
_H[_DELAY] = 1.0
_H[_DELAY + OVERSAMPLE :: OVERSAMPLE] = 0.0
_H[_DELAY - OVERSAMPLE :: -OVERSAMPLE] = 0.0
H = _H.astype(np.float32)
BOUND = float(max(np.abs(_H[p::OVERSAMPLE]).sum() for p in range(OVERSAMPLE)))


def block_max(x: np.ndarray, block: int) -> np.ndarray:
    """Max |x| per block of `block` samples (the last block may be short)."""
    n_full = len(x) // block
    out = np.empty(n_full + (1 if len(x) % block else 0), dtype=np.float32)
    if n_full:
        head = x[: n_full * block].reshape(n_full, block)
        np.maximum(head.max(axis=1), -head.min(axis=1), out=out[:n_full])
    if len(x) % block:
        tail = x[n_full * block :]
        out[-1] = max(float(tail.max()), float(-tail.min()))
    return out


def neighbour_max(values: np.ndarray) -> np.ndarray:
    """Each block's value or its neighbours', whichever is larger (interpolation reaches across)."""
    out = values.copy()
    if len(values) > 1:
        np.maximum(out[1:], values[:-1], out=out[1:])
        np.maximum(out[:-1], values[1:], out=out[:-1])
    return out


#: Blocks oversampled per batch: keeps temporaries in cache (a single pass over an hour
#: of speech would allocate gigabytes and run several times slower).
BATCH_SAMPLES = 1 << 18


def oversampled_block_peaks(x: np.ndarray, block: int, which: np.ndarray) -> np.ndarray:
    """True peak (linear) of each block index in `which`, from 4x oversampling with context."""
    which = np.asarray(which, dtype=np.int64)
    if len(which) == 0:
        return np.zeros(0, dtype=np.float32)
    if len(which) > DENSE_SHARE * (-(-len(x) // block)) and len(x) > BATCH_SAMPLES:
        return dense_block_peaks(x, block)[which]
    batch = max(1, BATCH_SAMPLES // block)
    if len(which) <= batch:
        return _oversampled_batch(x, block, which)
    batches = [which[start : start + batch] for start in range(0, len(which), batch)]
    return np.concatenate(parallel.map_in_parallel(lambda w: _oversampled_batch(x, block, w), batches))


def _oversampled_batch(x: np.ndarray, block: int, which: np.ndarray) -> np.ndarray:
    width = block + 2 * CONTEXT
    index = (which * block - CONTEXT)[:, None] + np.arange(width)[None, :]
    outside = (index < 0) | (index >= len(x))
    rows = x[np.clip(index, 0, len(x) - 1)].astype(np.float32, copy=False)
    if outside.any():
        rows[outside] = 0.0
    centre = slice(CONTEXT, CONTEXT + block)
    best = np.abs(rows[:, centre]).max(axis=1)
    flat = rows.ravel()
    for phase in range(1, OVERSAMPLE):
        # Phase p between samples n and n+1: sum_i H[4i+p] * x[n+REACH-i] (polyphase branch).
        # Overlap-add FFT convolution: 4x faster than np.convolve's direct form on 25 taps.
        branch = ss.oaconvolve(flat, H[phase::OVERSAMPLE])[REACH : REACH + len(flat)]
        branch = branch.reshape(rows.shape)[:, centre]
        np.maximum(best, np.abs(branch).max(axis=1), out=best)
    return best


#: Above this share of candidate blocks the whole signal is oversampled in one sweep
#: (contiguous FFT convolution is cheaper than gathering rows block by block).
DENSE_SHARE = 0.25


def _dense_chunk(x: np.ndarray, start: int, stop: int) -> float:
    lo, hi = max(0, start - CONTEXT), min(len(x), stop + CONTEXT)
    seg = x[lo:hi]
    best = float(np.abs(x[start:stop]).max())
    for phase in range(1, OVERSAMPLE):
        branch = ss.oaconvolve(seg, H[phase::OVERSAMPLE])[REACH : REACH + len(seg)]
        best = max(best, float(np.abs(branch[start - lo : stop - lo]).max()))
    return best


def _dense_blocks(x: np.ndarray, block: int, start: int, stop: int) -> np.ndarray:
    lo, hi = max(0, start - CONTEXT), min(len(x), stop + CONTEXT)
    seg = x[lo:hi]
    n = -(-(stop - start) // block)
    best = np.zeros(n * block, dtype=np.float32)
    best[: stop - start] = np.abs(x[start:stop])
    for phase in range(1, OVERSAMPLE):
        branch = ss.oaconvolve(seg, H[phase::OVERSAMPLE])[REACH : REACH + len(seg)]
        np.maximum(best[: stop - start], np.abs(branch[start - lo : stop - lo]), out=best[: stop - start])
    return best.reshape(n, block).max(axis=1)


def dense_block_peaks(x: np.ndarray, block: int) -> np.ndarray:
    """True peak (linear) of every block of `block` samples, the whole signal swept in
    contiguous chunks (what `oversampled_block_peaks` does when most blocks are asked for:
    gathering rows with their context costs more than the convolution)."""
    x = np.asarray(x, dtype=np.float32)
    spans = _block_spans(len(x), block)
    return np.concatenate(parallel.map_in_parallel(lambda span: _dense_blocks(x, block, *span), spans))


def _block_spans(n: int, block: int) -> list[tuple[int, int]]:
    """[0, n) in cache-sized spans of whole blocks (the last one shorter)."""
    return parallel.pieces(0, n, max(1, BATCH_SAMPLES // block) * block)


#: Taps of each polyphase branch that `tight_block_bounds` applies exactly (the largest,
#: central ones); the others are bounded by the sum of their magnitudes x the largest
#: nearby sample. With 8, the bound sits ~1.2 dB over the true peak (median) on programme
#: audio, where BOUND x the sample peak is 6.9 dB over it: a quarter of the work of
#: oversampling, done when most blocks would otherwise be oversampled.
CORE_TAPS = 8


def _branch_cores() -> list[tuple[np.ndarray, np.ndarray, float]]:
    cores = []
    for phase in range(1, OVERSAMPLE):
        branch = _H[phase::OVERSAMPLE]
        taps = np.sort(np.argsort(-np.abs(branch))[:CORE_TAPS])
        tail = float(np.abs(np.delete(branch, taps)).sum())
        cores.append((taps, branch[taps].astype(np.float32), tail))
    return cores


_CORES = _branch_cores()


def _bounds_chunk(x: np.ndarray, block: int, start: int, stop: int, nearby: np.ndarray) -> np.ndarray:
    n = stop - start
    seg = np.zeros(n + 2 * REACH, dtype=np.float32)
    lo, hi = max(0, start - REACH), min(len(x), stop + REACH)
    seg[lo - (start - REACH) : hi - (start - REACH)] = x[lo:hi]
    best = np.zeros(-(-n // block), dtype=np.float32)
    y = np.empty(n, dtype=np.float32)
    term = np.empty(n, dtype=np.float32)
    for taps, coefficients, tail in _CORES:
        # Branch value between samples m and m+1: sum_i branch[i] * x[m + REACH - i].
        np.multiply(seg[2 * REACH - taps[0] : 2 * REACH - taps[0] + n], coefficients[0], out=y)
        for tap, coefficient in zip(taps[1:], coefficients[1:]):
            np.multiply(seg[2 * REACH - tap : 2 * REACH - tap + n], coefficient, out=term)
            y += term
        np.maximum(best, block_max(y, block) + np.float32(tail) * nearby, out=best)
    return best


def tight_block_bounds(
    x: np.ndarray, block: int, sample_peaks: np.ndarray, neighbour_peaks: np.ndarray,
) -> np.ndarray:
    """An upper bound of every block's true peak (linear), up to float32 rounding, far
    tighter than BOUND x the nearby sample peak: each branch's CORE_TAPS central taps are
    applied exactly and the rest bounded by (sum of their |coefficients|) x the largest
    sample within reach (the block and its neighbours). Blocks shorter than REACH (under
    2.4 kHz) get the loose bound: their neighbours do not cover the reach. On all cores,
    in chunks."""
    if block < REACH:
        return np.maximum(sample_peaks, neighbour_peaks * np.float32(BOUND))
    x = np.asarray(x, dtype=np.float32)
    spans = _block_spans(len(x), block)

    def run(span: tuple[int, int]) -> np.ndarray:
        start, stop = span
        return _bounds_chunk(x, block, start, stop, neighbour_peaks[start // block : -(-stop // block)])

    found = np.concatenate(parallel.map_in_parallel(run, spans)) if spans else np.zeros(0, np.float32)
    # float32 rounding of the core sums: a margin far under any level that matters
    return np.maximum(sample_peaks, found * np.float32(1.0 + 1e-5))


def dense_true_peak(x: np.ndarray) -> float:
    """True peak of every sample of a mono signal (linear): all of it 4x oversampled, in
    cache-sized chunks spread over the cores. Outside the signal counts as silence."""
    if len(x) == 0:
        return 0.0
    x = np.asarray(x, dtype=np.float32)
    spans = parallel.pieces(0, len(x), BATCH_SAMPLES)
    return max(parallel.map_in_parallel(lambda span: _dense_chunk(x, *span), spans))


def true_peak(x: np.ndarray, block: int = 4096, floor: float = 0.0) -> float:
    """True peak of a mono signal (linear). Oversamples only blocks that could hold the max.
    With `floor` (a peak already known elsewhere), blocks that cannot exceed it are skipped
    and the result is max(floor, true peak)."""
    if len(x) == 0:
        return floor
    peaks = block_max(x, block)
    reach = neighbour_max(peaks) * BOUND
    best = max(floor, float(peaks.max()))
    candidates = np.flatnonzero(reach > best)
    if len(candidates) > DENSE_SHARE * len(peaks):
        return max(best, dense_true_peak(x))
    order = candidates[np.argsort(reach[candidates])[::-1]]
    start, size = 0, 32  # loudest first; batches grow so the floor rises early
    while start < len(order):
        batch = order[start : start + size]
        batch = batch[reach[batch] > best]
        if len(batch) == 0:
            break
        best = max(best, float(oversampled_block_peaks(x, block, batch).max()))
        start, size = start + size, size * 2
    return best


def to_db(linear: float) -> float:
    return float(20.0 * np.log10(linear)) if linear > 0 else float("-inf")

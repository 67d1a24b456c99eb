"""A cheap model of the loudness a gain gives after limiting, to aim the gain search.

The search of mastering.py needs one full limiter pass and one loudness update per gain
it tries (a third of a second per 10 minutes each). On full-scale espeak-ng speech, which
needs up to 16 dB of limiting, loudness rises far slower than gain, and stepping along
the measured slope took 4-5 tries. The model works per 5 ms block instead of per sample:
the K-weighted energy of each block, reduced by what the limiter would take off given
the block's sample peak (with the limiter's release), gives the gated loudness for any
gain in a few milliseconds. It is biased (sample peaks, no look-ahead ramp), so the
search solves model(gain) = target - bias, the bias measured at the last real try: the
first try lands within a few tenths of a LU, the second within the tolerance.

Pure functions and a value object built once per input (caller's thread).
"""

from __future__ import annotations

import numpy as np

from studio.audio.limiter import HEADROOM_DB, RELEASE_DB_PER_S, _nodes_from_reduction
from studio.audio.loudness import gated_loudness


class GainModel:
    def __init__(self, block_energies: np.ndarray, sample_peaks: np.ndarray, block: int, segment: int,
                 sample_rate: int) -> None:
        """`block_energies`: the K-weighted energy of every full `block` of the input."""
        n_blocks = min(len(block_energies), len(sample_peaks))
        self._energy = block_energies[:n_blocks]
        with np.errstate(divide="ignore"):
            self._peak_db = 20.0 * np.log10(np.maximum(sample_peaks[:n_blocks].astype(np.float64), 1e-12))
        self._per_segment = max(1, segment // block)
        self._segment = segment
        self._release = RELEASE_DB_PER_S * block / sample_rate
        self._usable = n_blocks // self._per_segment * self._per_segment

    def loudness(self, gain_db: float, ceiling_db: float) -> float | None:
        """Modelled integrated loudness (LUFS) of the input at `gain_db`, limited to `ceiling_db`."""
        reduction = np.maximum(self._peak_db + gain_db - ceiling_db + HEADROOM_DB, 0.0)
        if reduction.any():
            nodes = _nodes_from_reduction(reduction, self._release)
            reduction = np.maximum(nodes[:-1], nodes[1:])
        energy = self._energy * 10.0 ** ((gain_db - reduction) / 10.0)  # power follows dB / 10
        segments = energy[: self._usable].reshape(-1, self._per_segment).sum(axis=1)
        return gated_loudness(segments, self._segment)

    def solve(self, target_lufs: float, ceiling_db: float, low_db: float, high_db: float) -> float:
        """The gain in [low_db, high_db] whose modelled loudness is `target_lufs` (bisection:
        the model only rises with gain)."""
        for _ in range(24):
            mid = 0.5 * (low_db + high_db)
            value = self.loudness(mid, ceiling_db)
            if value is None or value < target_lufs:
                low_db = mid
            else:
                high_db = mid
            if high_db - low_db < 0.005:
                break
        return 0.5 * (low_db + high_db)

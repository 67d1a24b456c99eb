"""Fix the few places where libopus pushed the decoded true peak over the ceiling, without
encoding the whole programme again.

At 32 kbps libopus overshoots the master's true peak by 0.5-1.7 dB, most at a handful of
transients; on a long programme one of them nearly always passes any fixed margin, and
each whole-programme retry cost a full master + encode + check (the retries also raised
the limiting, which made libopus overshoot more). Here only the spots are treated: the
master is dipped by the excess (+0.3 dB) over ±10 ms around each one, and 0.1 s either
side is coded again by a fresh encoder that starts 0.5 s early on the same packet grid
(as the second of the two encoders does at its seam, encode.py) -- unless that would
code more than a fifth of the programme again --, and the new packets
replace the old. Each window is then decoded (the decoder primed on the second before it)
and measured; what is still over is dipped further, at most three rounds.

Pure functions over the caller's packet list and master buffer (both changed in place);
windows are coded and checked on the DSP pool's threads.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

import av
import numpy as np

from studio.audio import parallel
from studio.audio import true_peak as tp
from studio.audio.encode import OPUS_FRAME, _opus_part, _Packet

WINDOW_S = 0.1
DIP_S = 0.01
DIP_EXTRA_DB = 0.3
PREROLL_S = 0.5
PRIME_S = 1.0
ROUNDS = 3
SPOT_BLOCK = 240  # 5 ms: where an over-peak is located
#: When coding the spots again would cost more than this share of the programme (windows
#: and their pre-roll), they are not a few transients: the whole programme is mastered
#: again with a larger margin instead.
MAX_SHARE = 0.2
#: The most the dips lower a programme's loudness (they are not measured again).
DIP_LOSS_LU = 0.1


@dataclass(frozen=True)
class Spot:
    sample: int  # centre of the 5 ms block whose decoded true peak is over
    excess_db: float


def over_spots(decoded: np.ndarray, start: int, threshold: float, floor: float = 0.0) -> tuple[list[Spot], float]:
    """5 ms blocks of `decoded` (which begins at programme sample `start`) whose true peak
    passes `threshold` (linear), and the largest true peak of the other blocks, at least
    `floor` (a peak known elsewhere, at most `threshold`): blocks that cannot pass it are
    not oversampled. Each candidate block is oversampled once. When the loose bound
    (BOUND x nearby sample peak) leaves most blocks as candidates, as on loud content
    decoded just under the ceiling (49 % of an hour of hot speech), the tight bound is
    taken first: it left 0.1 % there, for a quarter of the cost of oversampling."""
    peaks = tp.block_max(decoded, SPOT_BLOCK)
    nearby = tp.neighbour_max(peaks)
    candidate = nearby * tp.BOUND > floor
    if floor > 0 and np.count_nonzero(candidate) > tp.DENSE_SHARE * len(peaks):
        candidate = tp.tight_block_bounds(decoded, SPOT_BLOCK, peaks, nearby) > floor
    which = np.flatnonzero(candidate)
    rest = max(floor, float(peaks[~candidate].max(initial=0.0)))
    if len(which) == 0:
        return [], rest
    exact = tp.oversampled_block_peaks(decoded, SPOT_BLOCK, which)
    over = exact > threshold
    rest = max(rest, float(exact[~over].max(initial=0.0)))
    spots = [Spot(start + int(b) * SPOT_BLOCK + SPOT_BLOCK // 2, float(20 * np.log10(p / threshold)))
             for b, p in zip(which[over], exact[over])]
    return spots, rest


def dips_fit(decoded_lufs: float, target_lufs: float, tolerance_lu: float) -> bool:
    """Whether a try may have its stray peaks dipped and coded again instead of being
    mastered again: it must stay within `tolerance_lu` of the target when DIP_LOSS_LU
    quieter. A try up to the tolerance too loud qualifies: the dips only bring it nearer."""
    over = decoded_lufs - target_lufs
    return -tolerance_lu + DIP_LOSS_LU <= over <= tolerance_lu


def _dip(master: np.ndarray, spot: Spot, sample_rate: int) -> None:
    half = int(DIP_S * sample_rate)
    lo, hi = max(0, spot.sample - half), min(len(master), spot.sample + half)
    t = (np.arange(lo, hi) - spot.sample) / half
    depth = 1.0 - 10.0 ** (-(spot.excess_db + DIP_EXTRA_DB) / 20.0)
    master[lo:hi] *= (1.0 - depth * 0.5 * (1.0 + np.cos(np.pi * t))).astype(np.float32)


def _windows(spots: list[Spot], sample_rate: int) -> list[tuple[int, int]]:
    """Sample spans to code again: each spot ± WINDOW_S, overlapping spans merged."""
    reach = int(WINDOW_S * sample_rate)
    spans: list[list[int]] = []
    for spot in sorted(spots, key=lambda s: s.sample):
        lo, hi = spot.sample - reach, spot.sample + reach
        if spans and lo <= spans[-1][1] + int(PREROLL_S * sample_rate):
            spans[-1][1] = max(spans[-1][1], hi)
        else:
            spans.append([lo, hi])
    return [(lo, hi) for lo, hi in spans]


def _decode(packets: list[_Packet], prime: int, extradata: bytes | None, sample_rate: int) -> np.ndarray:
    """Decode `packets`, the first `prime` of them only to settle the decoder."""
    decoder = av.CodecContext.create("opus", "r")
    decoder.sample_rate, decoder.layout = sample_rate, "mono"
    if extradata:
        decoder.extradata = extradata
    fifo = av.AudioFifo()
    for i, (payload, _pts, _duration) in enumerate(packets):
        for frame in decoder.decode(av.Packet(payload)):
            if i >= prime:
                frame.pts = None
                fifo.write(frame)
    if not fifo.samples:
        return np.zeros(0, np.float32)
    return fifo.read().to_ndarray()[0].astype(np.float32, copy=False)


def repair_peaks(
    master: np.ndarray, sample_rate: int, bitrate: int, packets: list[_Packet], extradata: bytes | None,
    spots: list[Spot], threshold: float,
) -> float | None:
    """Dip and code again around `spots`; return the largest true peak (linear) left in
    the windows coded again, or None when there are too many spots to treat this way
    (nothing is changed then)."""
    cost = sum(hi - lo + int(PREROLL_S * sample_rate) for lo, hi in _windows(spots, sample_rate))
    if cost > MAX_SHARE * len(master):
        return None
    pts = [p[1] for p in packets]
    preroll = int(PREROLL_S * sample_rate)
    prime = int(PRIME_S * sample_rate / OPUS_FRAME)
    peak = 0.0
    for _ in range(ROUNDS):
        for spot in spots:
            _dip(master, spot, sample_rate)
        spans = []
        for lo, hi in _windows(spots, sample_rate):
            i0, i1 = bisect_left(pts, lo), bisect_left(pts, hi)
            if i0 < i1:
                spans.append((i0, i1))

        def recode(span: tuple[int, int]) -> list[_Packet]:
            i0, i1 = span
            first, last = pts[i0], pts[i1] if i1 < len(pts) else None
            offset = max(0, (first - preroll) // OPUS_FRAME * OPUS_FRAME)
            new: list[_Packet] = []
            _opus_part(master, sample_rate, bitrate, offset, first if i0 else -(2**62), last, None, new.extend)
            return new

        for (i0, i1), new in zip(spans, parallel.map_in_parallel(recode, spans)):
            if [p[1] for p in new] == pts[i0:i1]:  # same packet grid: splice
                packets[i0:i1] = new

        def decode(span: tuple[int, int]) -> np.ndarray:
            i0, i1 = span
            lead = min(prime, i0)
            tail = min(len(packets), i1 + prime // 2)  # the old packets after it, too
            return _decode(packets[i0 - lead : tail], lead, extradata, sample_rate)

        # Measured here, not in the pool: oversampling a long window submits to it.
        decoded = parallel.map_in_parallel(decode, spans)
        checked = [over_spots(d, pts[i0], threshold) for d, (i0, _i1) in zip(decoded, spans)]
        spots = [s for found, _rest in checked for s in found]
        peak = max((rest for _found, rest in checked), default=0.0)
        if not spots:
            break
    if spots:
        peak = max(threshold * 10 ** (max(s.excess_db for s in spots) / 20), peak)
    return peak

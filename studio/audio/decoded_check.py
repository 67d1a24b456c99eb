"""The check of an encoded result, decoded as it is encoded: its loudness, its true peak,
and where it passes the peak threshold (the spots opus_repair.py codes again).

One check per part of the programme: a long Opus programme is coded and decoded in two
parts at once (encode.py), each on its own thread, feeding its own check; the parts'
results are put together here, in programme order.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from studio.audio import true_peak as tp
from studio.audio.loudness import LoudnessMeter, gated_loudness, segment_length
from studio.audio.opus_repair import Spot, over_spots


class DecodedCheck:
    """Loudness and true peak of decoded audio fed in order, and where it passes
    `threshold` (one thread per check: a long Opus programme is decoded in two parts at
    once, one check each, the part beginning at programme sample `start`)."""

    def __init__(self, sample_rate: int, start: int = 0, threshold: float = np.inf) -> None:
        self.meter = LoudnessMeter(sample_rate, 1)
        self.peak = 0.0
        self.rest = 0.0  # the true peak outside the spots (exact near the threshold)
        self.spots: list[Spot] = []
        self._threshold = threshold
        self._position = start
        self._context = np.zeros(0, dtype=np.float32)

    def feed(self, chunk: np.ndarray) -> None:
        self.meter.feed(chunk)
        # Keep a little of the previous chunk so peaks across the seam are interpolated.
        joined = np.concatenate((self._context, chunk))
        # Blocks that cannot pass the largest peak outside the spots so far are skipped;
        # the others are oversampled once, for the peak and the spots together (finding
        # the peak first and the spots after oversampled dense music twice).
        found, self.rest = over_spots(joined, self._position - len(self._context), self._threshold, self.rest)
        self.spots += found
        worst = max((spot.excess_db for spot in found), default=None)
        self.peak = max(self.peak, self.rest, 0.0 if worst is None else self._threshold * 10.0 ** (worst / 20.0))
        self._position += len(chunk)
        self._context = joined[-2 * tp.CONTEXT :]


def decoded_result(checks: list[DecodedCheck], fallback_lufs: float, gain_db: float = 0.0) -> tuple[float, float]:
    """(loudness, true peak dBTP) of the parts together, in programme order, decoded
    with an output gain of `gain_db` (opus_gain.py)."""
    energies = np.concatenate([c.meter.segment_energies() for c in checks])
    if len(energies):
        scaled = energies * 10.0 ** (gain_db / 10.0)
        loudness = gated_loudness(scaled, segment_length(checks[0].meter.sample_rate))
    else:  # under 100 ms
        measured = checks[0].meter.loudness()
        loudness = None if measured is None else measured + gain_db
    return loudness or fallback_lufs, tp.to_db(max(c.peak for c in checks)) + gain_db


def opus_extradata(path: Path) -> bytes | None:
    """The OpusHead of a written file (what its decoder is opened with)."""
    with av.open(str(path)) as container:
        return container.streams.audio[0].codec_context.extradata

"""Predict how much loudness a lossy codec takes away, from a few short excerpts.

libopus at 32 kbps makes the decoded programme 0.35-0.75 LU quieter than its master
(it drops the top of the spectrum, which K-weighting favours; more on noise and bright
music than on speech). Measured only after a full encode, that loss made most renders
master, encode and check two or three times. Instead, about a dozen 3 s excerpts of the
master, taken from its loudest stretches spread over the programme, are encoded and
decoded once (each with a fresh encoder and 0.5 s of pre-roll, so its state has settled)
and their K-weighted energy is compared before and after: the first full encode then
lands within the tolerance. The full encode's decoded check stays the judge.

Pure functions; the excerpts are coded on the DSP pool's threads (PyAV releases the GIL
while coding).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import av
import numpy as np
import scipy.signal as ss

from studio.audio import parallel
from studio.audio.loudness import k_weighting_sos
from studio.audio.settings import OutputFormat

EXCERPTS = 12
EXCERPT_S = 3.0
PREROLL_S = 0.5
#: Excerpts cover at most this share of the programme; shorter ones are not probed (their
#: full encode is cheap to repeat).
MAX_SHARE = 0.25
_EDGE_S = 0.05  # left out at each end of the measured window (codec delay, filter start)

_CODECS = {OutputFormat.OPUS: ("libopus", "opus", "flt"), OutputFormat.MP3: ("libmp3lame", "mp3", "fltp")}
_INT_SCALE = {"s16": 32768.0, "s16p": 32768.0, "s32": 2147483648.0, "s32p": 2147483648.0}


def excerpt_starts(energies: np.ndarray, segment: int, length: int, count: int) -> list[int]:
    """Start samples of `count` windows of `length` samples, one per equal span of the
    programme, each where that span is loudest (per 100 ms `energies` of `segment`)."""
    per = max(1, round(length / segment))
    if len(energies) < per:
        return []
    window = np.convolve(energies, np.ones(per), mode="valid")  # energy of each window start
    edges = np.linspace(0, len(window), count + 1).astype(np.int64)
    starts = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        if hi > lo and window[lo:hi].max() > 0:
            starts.append(int(lo + np.argmax(window[lo:hi])) * segment)
    return starts


def _coded(samples: np.ndarray, sample_rate: int, fmt: OutputFormat, bitrate: int) -> np.ndarray:
    """`samples` through a fresh encoder and decoder (first channel, float32)."""
    encoder_name, decoder_name, sample_format = _CODECS[fmt]
    encoder = av.CodecContext.create(encoder_name, "w")
    encoder.sample_rate, encoder.layout, encoder.format = sample_rate, "mono", sample_format
    encoder.bit_rate = bitrate
    decoder = av.CodecContext.create(decoder_name, "r")
    decoder.sample_rate, decoder.layout = sample_rate, "mono"
    frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(samples, np.float32)[None, :],
                                       format=sample_format, layout="mono")
    frame.sample_rate = sample_rate
    fifo = av.AudioFifo()
    packets = list(encoder.encode(frame)) + list(encoder.encode(None))
    if encoder.extradata:
        decoder.extradata = encoder.extradata
    for packet in packets:
        for decoded in decoder.decode(packet):
            decoded.pts = None
            fifo.write(decoded)
    for decoded in decoder.decode(None):
        decoded.pts = None
        fifo.write(decoded)
    if not fifo.samples:
        return np.zeros(0, np.float32)
    out = fifo.read()
    data = out.to_ndarray()[0]
    scale = _INT_SCALE.get(out.format.name)
    return data.astype(np.float32) / np.float32(scale) if scale else data.astype(np.float32, copy=False)


def _weighted_energy(x: np.ndarray, sos: np.ndarray, skip: int, stop: int) -> float:
    weighted = ss.sosfilt(sos, x.astype(np.float64))[skip:stop]
    return float(np.dot(weighted, weighted))


@dataclass(frozen=True)
class Probe:
    """What the excerpts showed: the loudness the codec takes away (LU, positive: quieter)
    and how many of their 5 ms blocks it pushed over `threshold`, of how many."""

    loss_lu: float
    over_blocks: int
    blocks: int


def probe(
    master: np.ndarray | Callable[[int, int], np.ndarray], frames: int, sample_rate: int,
    energies: np.ndarray, segment: int, fmt: OutputFormat, bitrate: int, threshold: float = np.inf,
) -> Probe | None:
    """Code a few excerpts of the master and compare; None when the programme is too
    short to be worth probing. `master` is the mastered programme of `frames` samples,
    or a function giving its samples [lo, hi) (so that only the excerpts need
    mastering). `energies`: 100 ms K-weighted segment energies of the programme (or its
    source), used to find the loud stretches. `threshold`: the true peak (linear) the
    decoded excerpts' blocks are counted over."""
    from studio.audio.opus_repair import SPOT_BLOCK, over_spots

    piece_of = master if callable(master) else (lambda lo, hi: master[lo:hi])
    length = int(EXCERPT_S * sample_rate)
    count = min(EXCERPTS, int(frames * MAX_SHARE // length))
    if count < 2:
        return None
    preroll = int(PREROLL_S * sample_rate)
    edge = int(_EDGE_S * sample_rate)
    sos = k_weighting_sos(sample_rate)

    def code(job: tuple[int, int, np.ndarray]) -> tuple[float, float, int, int]:
        start, lo, piece = job
        decoded = _coded(piece, sample_rate, fmt, bitrate)
        skip, stop = start - lo + edge, len(piece) - edge
        if len(decoded) < stop:
            return 0.0, 0.0, 0, 0
        # Only the spots are counted: blocks that cannot pass the threshold are not oversampled.
        overs = len(over_spots(decoded[skip:stop], 0, threshold, threshold)[0]) if np.isfinite(threshold) else 0
        return (_weighted_energy(piece, sos, skip, stop), _weighted_energy(decoded[: len(piece)], sos, skip, stop),
                overs, (stop - skip) // SPOT_BLOCK)

    # Pieces are cut (and mastered) here, on the caller's thread: the pool's tasks must
    # not submit to it, and mastering may.
    jobs = []
    for start in excerpt_starts(energies, segment, length, count):
        lo = max(0, start - preroll)
        jobs.append((start, lo, piece_of(lo, min(frames, start + length))))
    results = parallel.map_in_parallel(code, jobs)
    before = sum(r[0] for r in results)
    after = sum(r[1] for r in results)
    if before <= 0 or after <= 0:
        return None
    return Probe(10.0 * math.log10(before / after), sum(r[2] for r in results), sum(r[3] for r in results))


def loudness_loss_lu(
    master: np.ndarray | Callable[[int, int], np.ndarray], frames: int, sample_rate: int,
    energies: np.ndarray, segment: int, fmt: OutputFormat, bitrate: int,
) -> float | None:
    """How many LU quieter the codec makes the master (positive: quieter), or None when
    the programme is too short to be worth probing (`probe`)."""
    found = probe(master, frames, sample_rate, energies, segment, fmt, bitrate)
    return None if found is None else found.loss_lu

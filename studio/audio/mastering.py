"""Broadcast mastering: mono 48 kHz, speech high-pass, loudness normalisation, true-peak
limiting, encoding, and a check of the encoded result.

`prepare()` turns edited source audio into the mono signal to master; `master()`
normalises it to the target loudness and limits its true peak, iterating until the
loudness after limiting is on target (the limiter lowers loudness a little).
Loudness after limiting is updated incrementally: K-weighting is linear, so only the
limited regions are filtered again. `render_to_file()` encodes and, for lossy codecs,
decodes the result and re-masters with a lower ceiling if the codec pushed the true
peak over the target. Pure functions; long ones take progress and cancel.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import av
import numpy as np
import scipy.signal as ss
import soxr

from studio.audio import parallel
from studio.audio import true_peak as tp
from studio.audio.codec_probe import probe
from studio.audio.encode import encode, write_opus_packets
from studio.audio.gain_model import GainModel
from studio.audio.limiter import BlockPeaks, limit
from studio.audio.loudness import (
    LoudnessMeter,
    MeasuredMono,
    gated_loudness,
    k_weighting_sos,
    measure_mono,
    segment_energies,
    segment_length,
)
from studio.audio.opus_repair import Spot, dips_fit, over_spots, repair_peaks
from studio.audio.settings import OutputFormat, RenderSettings
from studio.errors import Cancelled, SilentAudio

Progress = Callable[[int, int], None]
log = logging.getLogger(__name__)

#: Internal safety margin under the requested true peak (meters interpolate differently).
CEILING_MARGIN_DB = 0.3
#: Extra first-try margin for lossy codecs, whose decoded peaks overshoot the input.
#: Measured: libopus at 32 kbps adds ~1.0 dB of true peak on speech, LAME at 64 kbps ~0.5 dB.
LOSSY_MARGIN_DB = {OutputFormat.OPUS: 1.3, OutputFormat.MP3: 0.7, OutputFormat.WAV: 0.0}
#: Probed excerpts with this many 5 ms blocks over the ceiling after coding (of ~7000)
#: are dense content; it gets DENSE_EXTRA_MARGIN_DB more margin on its first try.
#: Measured on squashed music at 32 kbps: 24 blocks at 1.3 dB (76 spots over 10 minutes,
#: 1.1 s of repair), 12 at 1.8 dB, none at 2.3 dB; speech, noise and hum show none.
DENSE_OVERS = 5
DENSE_EXTRA_MARGIN_DB = 1.0
#: How far the decoded loudness of a lossy file may drift before it is mastered again.
#: 0.3 LU leaves 0.2 LU of the ±0.5 LU target for the difference between our decoded
#: check and another meter (ffmpeg's ebur128 agrees with it within 0.1 LU on the corpus).
LOSSY_LOUDNESS_TOLERANCE_LU = 0.3
#: Loudness normalisation stops when this close to the target.
LOUDNESS_TOLERANCE_LU = 0.1
#: The most gain the limiter may be asked to absorb above plain normalisation.
MAX_EXTRA_GAIN_DB = 12.0
_K_TAIL_S = 0.2  # K-weighting impulse response is negligible after this


@dataclass(frozen=True)
class Mastered:
    audio: np.ndarray
    sample_rate: int
    loudness_lufs: float
    true_peak_dbtp: float
    gain_db: float
    max_reduction_db: float
    #: How far the gain model (gain_model.py) was off at the result: a later try at
    #: another aim starts its search from the model corrected by it.
    model_bias_lu: float = 0.0

    @property
    def duration_s(self) -> float:
        return len(self.audio) / self.sample_rate


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled()


def prepare(samples: np.ndarray, sample_rate: int, settings: RenderSettings, overwrite: bool = False) -> np.ndarray:
    """Downmix to mono, resample to the broadcast rate, apply the speech high-pass. With
    `overwrite`, a mono float32 `samples` at the broadcast rate is filtered in place
    (the render's copy: an hour of it is 690 MB, and fresh memory is slow to fault in)."""
    if samples.ndim == 2 and samples.shape[1] > 1:
        mono = samples.mean(axis=1, dtype=np.float32)
        owned = True
    else:
        flat = samples.reshape(len(samples))
        mono = np.ascontiguousarray(flat, dtype=np.float32)
        owned = overwrite or not np.shares_memory(mono, samples)
    if sample_rate != settings.sample_rate:
        mono = soxr.resample(mono, sample_rate, settings.sample_rate, quality="HQ").astype(np.float32, copy=False)
        owned = True
    if settings.highpass_hz:
        sos = ss.butter(2, settings.highpass_hz, "highpass", fs=settings.sample_rate, output="sos")
        mono = parallel.sosfilt(sos.astype(np.float32), mono, preroll=settings.sample_rate // 2,
                                out=mono if owned else None)
    elif not owned:
        mono = mono.copy()
    return mono


def _loudness_after_limit(
    measured: MeasuredMono, gain: float, limited: np.ndarray, touched_blocks: np.ndarray, block: int,
    sample_rate: int,
) -> float | None:
    """Loudness of `limited` (= gain * the measured input except in touched blocks),
    filtering again only the touched stretches (K-weighting is linear)."""
    seg = measured.segment_samples
    energies = measured.energies * (gain * gain)
    n_full = len(energies) * seg
    if len(touched_blocks) == 0 or n_full == 0:
        return gated_loudness(energies, seg)
    sos = k_weighting_sos(sample_rate).astype(np.float32)
    tail = int(_K_TAIL_S * sample_rate)
    starts = touched_blocks * block
    # Group touched blocks into runs far enough apart that one run's filter tail has
    # died away before the next begins; each run is filtered from `tail` before it (the
    # filter's memory) and its segments' energies replaced.
    breaks = np.flatnonzero(np.diff(starts) > tail + 2 * seg + block) + 1
    step = seg * max(1, parallel.CHUNK_SAMPLES // seg)
    spans = []
    for run in np.split(starts, breaks):
        a = (int(run[0]) // seg) * seg
        b = min(n_full, -(-(int(run[-1]) + block + tail) // seg) * seg)
        spans += parallel.pieces(a, b, step)
    for start, found in zip(
        (span[0] for span in spans),
        parallel.map_filtered(sos, limited, tail, spans, lambda _start, weighted: segment_energies(weighted, seg)),
    ):
        energies[start // seg : start // seg + len(found)] = found
    return gated_loudness(energies, seg)


@dataclass(frozen=True)
class Analysed:
    """What mastering measures of its input once: the K-weighted energies per segment
    and per block, and the block true peaks. Every try of a render reuses it."""

    measured: MeasuredMono
    block_peaks: BlockPeaks
    model: GainModel


def analyse_input(mono: np.ndarray, sample_rate: int) -> Analysed:
    peaks = BlockPeaks(mono, sample_rate)
    measured = measure_mono(mono, sample_rate, peaks.block)
    model = GainModel(measured.block_energies, peaks.sample_peaks, peaks.block, measured.segment_samples, sample_rate)
    return Analysed(measured, peaks, model)


def master(
    mono: np.ndarray, settings: RenderSettings, extra_margin_db: float = 0.0,
    clip_id: int | None = None, cancel: threading.Event | None = None,
    measure_peak: bool = True, analysed: Analysed | None = None, start_bias_lu: float = 0.0,
) -> Mastered:
    """Normalise and limit `mono`. With measure_peak=False the reported true peak is the
    limiter's ceiling (a guaranteed bound), saving a full scan when the caller measures
    the encoded result anyway. `analysed` (of this `mono`) saves measuring it again;
    `start_bias_lu` is the gain model's error found by an earlier try (gain_model.py)."""
    sr = settings.sample_rate
    analysed = analysed if analysed is not None else analyse_input(mono, sr)
    measured, model = analysed.measured, analysed.model
    loudness = measured.loudness
    if loudness is None:
        raise SilentAudio(clip_id)
    ceiling = settings.true_peak_dbtp - CEILING_MARGIN_DB - extra_margin_db
    linear_gain_db = min(settings.target_lufs - loudness, settings.max_gain_db)
    # Find the gain whose *limited* result is on target. Limiting only lowers loudness,
    # so the linear gain is a lower bound; more than MAX_EXTRA_GAIN_DB above it would
    # squash the audio, so that is the upper bound. Each next gain comes from the model
    # corrected by its bias at the last try; Illinois regula falsi when the model's
    # answer falls outside the bracket.
    low: tuple[float, float] | None = None  # (gain, loudness) known to be under target
    high: tuple[float, float] | None = None  # known to be over target
    upper = min(linear_gain_db + MAX_EXTRA_GAIN_DB, settings.max_gain_db)
    bias = start_bias_lu
    gain_db = model.solve(settings.target_lufs - bias, ceiling, linear_gain_db, upper)
    last_side = ""
    block_peaks = analysed.block_peaks  # measured once, reused at every gain tried
    buffer = np.empty_like(mono)  # every try writes here; the last one is the result
    for _ in range(10):
        _check(cancel)
        tried = gain_db
        gain = np.float32(10.0 ** (gain_db / 20.0))
        limited = limit(mono, sr, ceiling, gain_db, block_peaks, out=buffer)
        result_loudness = _loudness_after_limit(
            measured, float(gain), limited.audio, limited.touched_blocks, limited.block, sr
        )
        if result_loudness is None:
            raise SilentAudio(clip_id)
        modelled = model.loudness(gain_db, ceiling)
        bias = result_loudness - modelled if modelled is not None else bias
        error = settings.target_lufs - result_loudness
        if abs(error) < LOUDNESS_TOLERANCE_LU:
            break
        # Illinois variant: when the same side moves twice, halve the other side's error
        # so the bracket keeps shrinking from both ends.
        if error > 0:
            if last_side == "low" and high is not None:
                high = (high[0], settings.target_lufs + (high[1] - settings.target_lufs) / 2)
            low, last_side = (gain_db, result_loudness), "low"
            if gain_db >= upper:
                break  # as loud as it can be made without squashing it
        else:
            if last_side == "high" and low is not None:
                low = (low[0], settings.target_lufs + (low[1] - settings.target_lufs) / 2)
            high, last_side = (gain_db, result_loudness), "high"
        lo = low[0] if low is not None else linear_gain_db
        hi = high[0] if high is not None else upper
        guess = model.solve(settings.target_lufs - bias, ceiling, lo, hi)
        if lo + 0.001 < guess < hi - 0.001 and abs(guess - gain_db) > 0.001:
            gain_db = guess
        elif low is not None and high is not None:
            (g0, l0), (g1, l1) = low, high
            gain_db = g0 + (settings.target_lufs - l0) * (g1 - g0) / (l1 - l0)
        else:
            gain_db = min(gain_db + error, upper) if error > 0 else max(gain_db + error, linear_gain_db - 24.0)
    return Mastered(
        audio=limited.audio,
        sample_rate=sr,
        loudness_lufs=result_loudness,
        true_peak_dbtp=tp.to_db(tp.true_peak(limited.audio)) if measure_peak else ceiling,
        gain_db=tried,
        max_reduction_db=limited.max_reduction_db,
        model_bias_lu=bias,
    )


class _DecodedCheck:
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


def _decoded_result(checks: list[_DecodedCheck], fallback_lufs: float) -> tuple[float, float]:
    """(loudness, true peak dBTP) of the parts together, in programme order."""
    if len(checks) == 1:
        return checks[0].meter.loudness() or fallback_lufs, tp.to_db(checks[0].peak)
    energies = np.concatenate([c.meter.segment_energies() for c in checks])
    loudness = gated_loudness(energies, segment_length(checks[0].meter.sample_rate))
    return loudness or fallback_lufs, tp.to_db(max(c.peak for c in checks))


def _opus_extradata(path: Path) -> bytes | None:
    """The OpusHead of a written file (what its decoder is opened with)."""
    with av.open(str(path)) as container:
        return container.streams.audio[0].codec_context.extradata


def render_to_file(
    mono: np.ndarray, settings: RenderSettings, target: Path, fmt: OutputFormat,
    clip_id: int | None = None, progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Mastered:
    """Master `mono` (already prepared) and encode it to `target`.

    A lossy file is decoded as it is encoded and measured: if the codec moved its true
    peak over the ceiling or its loudness off target, it is mastered again with the
    observed difference taken into account (at most twice more)."""
    margin = LOSSY_MARGIN_DB[fmt]
    aim = settings.target_lufs
    steps = 4
    best: tuple[tuple[float, float], Mastered, Path] | None = None
    analysed = analyse_input(mono, settings.sample_rate)
    bias = 0.0
    threshold = 10.0 ** ((settings.true_peak_dbtp - CEILING_MARGIN_DB / 2) / 20.0)
    if fmt.lossy:
        # Aim above the target by what the codec will take away, so that one full encode
        # lands on target (codec_probe.py). Only the excerpts are mastered for this, at
        # the gain the model gives (the loss hardly depends on a few tenths of a dB).
        ceiling = settings.true_peak_dbtp - CEILING_MARGIN_DB - margin
        loudness = analysed.measured.loudness
        if loudness is None:
            raise SilentAudio(clip_id)
        linear = min(aim - loudness, settings.max_gain_db)
        guess = analysed.model.solve(aim, ceiling, linear, min(linear + MAX_EXTRA_GAIN_DB, settings.max_gain_db))
        found = probe(
            lambda lo, hi: limit(mono[lo:hi], settings.sample_rate, ceiling, guess).audio, len(mono),
            settings.sample_rate, analysed.measured.energies, analysed.measured.segment_samples,
            fmt, settings.bitrate(fmt), threshold,
        )
        if found is not None and abs(found.loss_lu) > 0.05:
            aim += found.loss_lu
        if found is not None and found.over_blocks >= DENSE_OVERS:
            # Dense, squashed content: libopus overshoots at dozens of transients, each a
            # spot to code again. With DENSE_EXTRA_MARGIN_DB more headroom it does not.
            margin += DENSE_EXTRA_MARGIN_DB
    for attempt in range(3):
        if progress:
            progress(1, steps)
        mastered = master(
            mono, replace(settings, target_lufs=aim), margin, clip_id, cancel, measure_peak=not fmt.lossy,
            analysed=analysed, start_bias_lu=bias,
        )
        bias = mastered.model_bias_lu
        if progress:
            progress(2, steps)
        _check(cancel)
        checks: list[_DecodedCheck] = []

        def new_check(start: int = 0) -> Callable[[np.ndarray], None]:
            checks.append(_DecodedCheck(mastered.sample_rate, start, threshold))
            return checks[-1].feed

        path = target if attempt == 0 else target.with_name(f"{target.name}.try{attempt}")
        packets: list = []
        encode(
            mastered.audio, mastered.sample_rate, path, fmt, settings.bitrate(fmt), cancel,
            on_decoded=new_check() if fmt is OutputFormat.MP3 else None,
            decoded_part=new_check if fmt is OutputFormat.OPUS else None,
            packets_out=packets if fmt is OutputFormat.OPUS else None,
        )
        if progress:
            progress(3, steps)
        if not fmt.lossy:
            best = ((0.0, 0.0), mastered, path)
            break
        decoded_loudness, decoded_peak = _decoded_result(checks, mastered.loudness_lufs)
        spots = [spot for check in checks for spot in check.spots]
        repairable = dips_fit(decoded_loudness, settings.target_lufs, LOSSY_LOUDNESS_TOLERANCE_LU)
        if spots and fmt is OutputFormat.OPUS and repairable:
            # A few transients over the ceiling: code those spots again, not the programme.
            repaired = repair_peaks(mastered.audio, mastered.sample_rate, settings.bitrate(fmt), packets,
                                    _opus_extradata(path), spots, threshold)
            if repaired is not None:
                write_opus_packets(packets, mastered.sample_rate, settings.bitrate(fmt), path)
                log.debug("try %d: %d spots over %.2f dBTP coded again", attempt, len(spots), tp.to_db(threshold))
                decoded_peak = tp.to_db(max([repaired] + [check.rest for check in checks]))
        mastered = replace(mastered, true_peak_dbtp=decoded_peak, loudness_lufs=decoded_loudness)
        excess = decoded_peak - (settings.true_peak_dbtp - CEILING_MARGIN_DB / 2)
        drift = settings.target_lufs - decoded_loudness
        log.debug("try %d: decoded %.2f LUFS %.2f dBTP (aim %.2f, gain %.2f dB, margin %.2f dB)",
                  attempt, decoded_loudness, decoded_peak, aim, mastered.gain_db, margin)
        # A try over the peak ceiling ranks after every try under it; then the nearest
        # loudness wins. A retry can come out worse on squashed content (the codec's
        # overshoot grows with the gain): the best try is kept, not the last.
        score = (max(excess, 0.0), abs(drift))
        if best is None or score < best[0]:
            if best is not None and best[2] != path:
                best[2].unlink(missing_ok=True)
            best = (score, mastered, path)
        else:
            path.unlink(missing_ok=True)
        if excess <= 0 and abs(drift) <= LOSSY_LOUDNESS_TOLERANCE_LU:
            break
        if excess > 0:
            margin += excess + 0.1
        if abs(drift) > 0.1:
            aim += drift
    assert best is not None
    _score, mastered, path = best
    if path != target:
        path.replace(target)
    if progress:
        progress(steps, steps)
    return mastered

"""Broadcast mastering: mono 48 kHz, speech high-pass, loudness normalisation, true-peak
limiting, encoding, and a check of the encoded result.

`prepare()` turns edited source audio into the mono signal to master; `master()`
normalises it to the target loudness and limits its true peak, iterating until the
loudness after limiting is on target (the limiter lowers loudness a little).
Loudness after limiting is updated incrementally: K-weighting is linear, so only the
limited regions are filtered again. `render_to_file()` encodes and, for lossy codecs,
decodes the result as it is encoded (decoded_check.py); an Opus try off its loudness is
put on target by the file's output gain (opus_gain.py), a few stray peaks are coded
again in place (opus_repair.py), and otherwise it is mastered again with the observed
difference (a lower ceiling, another aim). Pure functions; long ones take progress and
cancel.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import scipy.signal as ss
import soxr

from studio.audio import parallel
from studio.audio import true_peak as tp
from studio.audio.codec_probe import probe
from studio.audio.decoded_check import DecodedCheck, decoded_result, opus_extradata
from studio.audio.encode import encode, write_opus_packets
from studio.audio.gain_model import GainModel
from studio.audio.limiter import BlockPeaks, limit
from studio.audio.loudness import (
    MeasuredMono,
    gated_loudness,
    k_weighting_sos,
    measure_mono,
    segment_energies,
)
from studio.audio.ogg_pages import replace_packets
from studio.audio.opus_gain import output_gain_db, set_output_gain
from studio.audio.opus_repair import Spot, dips_fit, repair_peaks
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
        checks: list[DecodedCheck] = []

        def new_check(start: int = 0) -> Callable[[np.ndarray], None]:
            checks.append(DecodedCheck(mastered.sample_rate, start, threshold))
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
        decoded_loudness, decoded_peak = decoded_result(checks, mastered.loudness_lufs)
        coded_drift = settings.target_lufs - decoded_loudness  # what the codec and the master missed by
        spots = [spot for check in checks for spot in check.spots]
        rest = max(check.rest for check in checks)
        header_db = 0.0
        if fmt is OutputFormat.OPUS:
            header_db = output_gain_db(coded_drift, decoded_peak, tp.to_db(threshold),
                                       LOSSY_LOUDNESS_TOLERANCE_LU, settings.max_gain_db - mastered.gain_db)
        if header_db:  # on target by the file's output gain: the peaks move with it
            set_output_gain(path, header_db)
            decoded_loudness, decoded_peak = decoded_result(checks, mastered.loudness_lufs, header_db)
            spots = [Spot(s.sample, s.excess_db + header_db) for s in spots if s.excess_db + header_db > 0]
            rest *= 10.0 ** (header_db / 20.0)
            log.debug("try %d: output gain %.2f dB", attempt, header_db)
        repairable = dips_fit(decoded_loudness, settings.target_lufs, LOSSY_LOUDNESS_TOLERANCE_LU)
        if spots and fmt is OutputFormat.OPUS and repairable:
            # A few transients over the ceiling: code those spots again, not the programme
            # (decoded with the file's header, its output gain applied).
            repaired = repair_peaks(mastered.audio, mastered.sample_rate, settings.bitrate(fmt), packets,
                                    opus_extradata(path), spots, threshold)
            if repaired is not None:
                # Only the pages holding a packet coded again are rebuilt (the first page,
                # with the output gain, stays); the whole file is muxed again otherwise.
                if not replace_packets(path, [payload for payload, _pts, _duration in packets]):
                    log.debug("try %d: pages not rebuilt alone; muxed again", attempt)
                    write_opus_packets(packets, mastered.sample_rate, settings.bitrate(fmt), path)
                    if header_db:
                        set_output_gain(path, header_db)
                log.debug("try %d: %d spots over %.2f dBTP coded again", attempt, len(spots),
                          tp.to_db(threshold))
                decoded_peak = tp.to_db(max(repaired, rest))
        mastered = replace(mastered, true_peak_dbtp=decoded_peak, loudness_lufs=decoded_loudness,
                           gain_db=mastered.gain_db + header_db)
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
        if excess > 0:  # by as much as it was over before its output gain: the next try may have none
            margin += excess - header_db + 0.1
        if abs(coded_drift) > 0.1:
            aim += coded_drift
    assert best is not None
    _score, mastered, path = best
    if path != target:
        path.replace(target)
    if progress:
        progress(steps, steps)
    return mastered

"""Decode a file once, block by block, and measure what the library records about it.

One streaming pass gives: frame count (checked against the header), integrated loudness,
sample and true peak, and the waveform peak pyramid. Decoding errors become typed errors
naming the file. Runs on any thread; checks `cancel` between blocks. `read_all` reads a
long file in two halves on the DSP pool (parallel.py), one libsndfile handle each.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from studio.audio import formats, parallel
from studio.audio import true_peak as tp
from studio.audio.loudness import LoudnessMeter
from studio.audio.peaks import PeakBuilder, PeakPyramid
from studio.errors import AudioTooLarge, Cancelled, CorruptAudio, EmptyAudio, TruncatedAudio

BLOCK_FRAMES = 1 << 20

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class AudioAnalysis:
    container: formats.Container
    format: str
    subtype: str
    sample_rate: int
    channels: int
    frames: int
    loudness_lufs: float | None
    sample_peak_dbfs: float
    true_peak_dbtp: float
    peaks: PeakPyramid
    picture_dropped: bool = False  # a video file: its audio was taken, the picture left out


# Decoded frames may fall this far short of what an MP4/WebM/WMA header announces (encoder
# priming and padding) before the file counts as cut short.
SHORTFALL_S = 0.25


def _container_of(path: Path) -> formats.Container | None:
    try:
        with open(path, "rb") as handle:
            return formats.sniff(path, handle.read(4096))
    except OSError:
        return None


def open_audio(path: Path, container: formats.Container | None = None):
    """A soundfile.SoundFile for what libsndfile reads, an AvAudioFile for the rest."""
    container = container or _container_of(path)
    if container is not None and container not in formats.SNDFILE_CONTAINERS:
        from studio.audio.av_source import AvAudioFile

        return AvAudioFile(path)
    try:
        return sf.SoundFile(path)
    except (sf.LibsndfileError, RuntimeError) as exc:
        raise CorruptAudio(path, f"cannot be decoded ({exc})") from exc


def _prefetched(read: Callable[[], np.ndarray], stop: threading.Event, depth: int = 2):
    """Blocks from `read()` decoded on a helper thread while the caller measures the last
    one (decoders and numpy release the GIL: decoding and measuring share the two cores).
    Stops at an empty block; an error in `read` is raised in the caller at that point."""
    import queue

    blocks: queue.Queue = queue.Queue(maxsize=depth)

    def produce() -> None:
        while not stop.is_set():
            try:
                item = read()
            except BaseException as exc:  # handed to the consumer, raised there
                item = exc
            while not stop.is_set():
                try:
                    blocks.put(item, timeout=0.1)
                    break
                except queue.Full:
                    continue
            if isinstance(item, BaseException) or len(item) == 0:
                return

    worker = threading.Thread(target=produce, name="decode", daemon=True)
    worker.start()
    try:
        while True:
            item = blocks.get()
            if isinstance(item, BaseException):
                raise item
            if len(item) == 0:
                return
            yield item
    finally:
        stop.set()
        worker.join()


def analyse(
    path: Path,
    inspection: formats.Inspection,
    max_seconds: float,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> AudioAnalysis:
    with open_audio(path, inspection.container) as handle:
        sr, channels, announced = handle.samplerate, handle.channels, handle.frames
        if announced > max_seconds * sr:
            raise AudioTooLarge(
                path, f"{announced / sr / 3600:.1f} h long, more than the {max_seconds / 3600:g} h import limit"
            )
        meter = LoudnessMeter(sr, channels)
        builder = PeakBuilder()
        sample_peak = 0.0
        true_peak = 0.0
        decoded = 0

        def read() -> np.ndarray:
            try:
                return handle.read(BLOCK_FRAMES, dtype="float32", always_2d=True)
            except (sf.LibsndfileError, RuntimeError) as exc:
                raise CorruptAudio(path, f"decoding failed after {decoded / sr:.1f} s ({exc})") from exc

        for block in _prefetched(read, threading.Event()):
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            if not np.isfinite(block).all():
                raise CorruptAudio(path, f"non-finite samples near {decoded / sr:.1f} s")
            decoded += len(block)
            if decoded > max_seconds * sr:
                raise AudioTooLarge(path, f"longer than the {max_seconds / 3600:g} h import limit")
            meter.feed(block)
            builder.feed(block)
            sample_peak = max(sample_peak, float(np.abs(block).max()))
            for ch in range(channels):
                true_peak = tp.true_peak(np.ascontiguousarray(block[:, ch]), floor=true_peak)
            if progress is not None:
                progress(decoded, max(announced, decoded))
        if decoded == 0:
            raise EmptyAudio(path, "no audio frames")
        expected = inspection.expected_frames
        if expected is not None and decoded < expected:
            raise TruncatedAudio(path, f"header announces {expected} frames, {decoded} decoded")
        if inspection.container not in formats.SNDFILE_CONTAINERS and decoded < announced - SHORTFALL_S * sr:
            raise TruncatedAudio(
                path, f"header announces {announced / sr:.1f} s of audio, only {decoded / sr:.1f} s decoded"
            )
        return AudioAnalysis(
            container=inspection.container,
            format=handle.format,
            subtype=handle.subtype,
            sample_rate=sr,
            channels=channels,
            frames=decoded,
            loudness_lufs=meter.loudness(),
            sample_peak_dbfs=tp.to_db(sample_peak),
            true_peak_dbtp=tp.to_db(true_peak),
            peaks=builder.finish(),
            picture_dropped=getattr(handle, "picture_dropped", False),
        )


READ_BLOCK = 1 << 18  # frames per read in read_all (~5 s at 48 kHz)
PARALLEL_READ_FRAMES = 1 << 23  # read_all reads files from ~3 minutes at 48 kHz in two halves


def read_all(path: Path) -> tuple[np.ndarray, int]:
    """The whole file as float32 (frames, channels) and its sample rate.

    Read in blocks into one array: a single call for a long file holds the process for
    a long stretch (allocating and faulting in the whole buffer at once), which stalls
    the window's thread; blocks of READ_BLOCK frames keep each step short."""
    with open_audio(path) as handle:
        try:
            if handle.frames <= 0 or not handle.seekable():
                parts = list(handle.blocks(READ_BLOCK * 4, dtype="float32"))
                rate, channels = handle.samplerate, handle.channels
                return (np.concatenate(parts) if parts else np.zeros((0, channels), np.float32)), rate
            data = np.empty((handle.frames, handle.channels), dtype=np.float32)
            if isinstance(handle, sf.SoundFile) and len(data) >= PARALLEL_READ_FRAMES:
                # Two halves, each by its own handle on its own core (libsndfile runs with
                # the GIL released): reading an hour of WAV is mostly faulting in 690 MB
                # of fresh memory and converting it, 2.2 s on one core.
                half = len(data) // 2
                spans = [(0, half), (half, len(data))]
                first, second = parallel.map_in_parallel(lambda span: _read_span(path, data, *span), spans)
                filled = first if first < half else half + second  # a short file ends where it ends
            else:
                filled = _read_into(handle, data, 0, len(data))
        except (sf.LibsndfileError, RuntimeError) as exc:
            raise CorruptAudio(path, f"cannot be decoded ({exc})") from exc
        return data[:filled], handle.samplerate


def _read_into(handle: sf.SoundFile, data: np.ndarray, start: int, stop: int) -> int:
    """Read frames [start, stop) of `handle` (positioned at start) into `data`; frames read."""
    filled = start
    while filled < stop:
        got = handle.read(min(READ_BLOCK, stop - filled), dtype="float32", always_2d=True,
                          out=data[filled : min(filled + READ_BLOCK, stop)])
        if len(got) == 0:
            break
        filled += len(got)
    return filled - start


def _read_span(path: Path, data: np.ndarray, start: int, stop: int) -> int:
    with sf.SoundFile(path) as handle:
        handle.seek(start)
        return _read_into(handle, data, start, stop)

"""Recording that survives power cuts: PortAudio capture into WAV segments whose headers
are kept valid on disk, so a take interrupted at any instant is playable up to its last
second and is recovered into the library on the next start.

Layout: `recordings/<take>/take.json` (rate, channels, device, start time) and
`seg-0001.wav`, `seg-0002.wav`, … (16-bit PCM, a new segment every SEGMENT_SECONDS so no
file nears the 4 GiB WAV limit). Every FLUSH_SECONDS the writer appends the frames it has,
fsyncs, then rewrites the two header size fields and fsyncs again: a kill between the two
leaves a header one flush behind, and recovery re-derives the sizes from the file length.

Threads: the PortAudio callback only copies the block into a queue and counts overflows
(no locks, no logging, no allocation beyond the copy). One writer thread drains the queue,
writes, fsyncs, measures levels and watches the free disk space. `Recorder` methods are
called from one controlling thread; `status()` may be read from any thread.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import shutil
import struct
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path

import numpy as np

from studio.clock import local_text
from studio.errors import AudioDeviceError, DeviceProblem, StorageError
from studio.storage.durable import FileLock

log = logging.getLogger(__name__)

FLUSH_SECONDS = 0.5
SEGMENT_SECONDS = 30 * 60
DISK_RESERVE_BYTES = 64 << 20  # stop the take before the disk is this full
HEADER_BYTES = 44


class StopReason(str, Enum):
    REQUESTED = "requested"
    TIME_LIMIT = "time limit"
    DISK_FULL = "disk nearly full"
    DEVICE_LOST = "device lost"
    WRITE_FAILED = "write failed"


@dataclass
class RecorderStatus:
    """A snapshot for meters (read ~30 times a second)."""

    frames: int = 0
    seconds: float = 0.0
    peak_dbfs: float = float("-inf")
    rms_dbfs: float = float("-inf")
    clipped: bool = False
    overflows: int = 0
    paused: bool = False
    free_bytes: int = 0
    stopped: StopReason | None = None
    markers: list[float] = field(default_factory=list)


def _wav_header(frames: int, rate: int, channels: int) -> bytes:
    data = frames * channels * 2
    return struct.pack(
        "<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + data, b"WAVE", b"fmt ", 16, 1, channels, rate,
        rate * channels * 2, channels * 2, 16, b"data", data,
    )


class _Segment:
    """One WAV file being written; its header always describes what is safely on disk."""

    def __init__(self, path: Path, rate: int, channels: int) -> None:
        self.path, self.rate, self.channels = path, rate, channels
        self.frames = 0
        self.file = open(path, "wb")
        self.file.write(_wav_header(0, rate, channels))
        self.sync()

    def write(self, block: np.ndarray) -> None:
        self.file.write(np.ascontiguousarray(block, dtype="<i2").tobytes())
        self.frames += len(block)

    def sync(self) -> None:
        """Data first, then the header that makes it visible to readers."""
        self.file.flush()
        os.fsync(self.file.fileno())
        end = self.file.tell()
        self.file.seek(0)
        self.file.write(_wav_header(self.frames, self.rate, self.channels))
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.seek(end)

    def close(self) -> None:
        self.sync()
        self.file.close()


def repair_segment(path: Path, channels: int) -> int:
    """Make a segment's header match the whole frames in the file; returns its frames."""
    size = path.stat().st_size
    if size < HEADER_BYTES:
        return 0
    frame_bytes = 2 * channels
    frames = (size - HEADER_BYTES) // frame_bytes
    with open(path, "r+b") as f:
        header = f.read(HEADER_BYTES)
        rate = struct.unpack_from("<I", header, 24)[0]
        f.truncate(HEADER_BYTES + frames * frame_bytes)
        f.seek(0)
        f.write(_wav_header(frames, rate, channels))
        f.flush()
        os.fsync(f.fileno())
    return frames


class Recorder:
    """One take at a time: `start`, then `pause`/`resume`/`mark`, then `stop` (or the take
    ends itself: time limit, disk nearly full, device lost). The take folder is complete
    and valid at every moment; `finish_take` turns it into one WAV file to import."""

    def __init__(self, recordings_dir: Path, disk_reserve: int = DISK_RESERVE_BYTES) -> None:
        self.root = recordings_dir
        self.disk_reserve = disk_reserve
        self._queue: queue.Queue = queue.Queue()
        self._status = RecorderStatus()
        self._stream = None
        self._writer: threading.Thread | None = None
        self._stop = threading.Event()
        self._overflows = 0
        self._paused = False
        self._markers_dirty = False
        self.take_dir: Path | None = None
        self.error: BaseException | None = None

    # -- control ----------------------------------------------------------------------------
    def start(self, device: str | int | None, samplerate: int = 48000, channels: int = 1,
              max_seconds: float | None = None) -> Path:
        import sounddevice as sd

        self.root.mkdir(parents=True, exist_ok=True)
        started = datetime.now(UTC)
        take = self.root / started.strftime("take-%Y%m%d-%H%M%S-%f")
        take.mkdir()
        self._lock = FileLock(take / "lock")
        self._lock.try_acquire()
        meta = {"rate": samplerate, "channels": channels, "device": str(device or ""),
                "started_at": started.isoformat(), "format": "pcm16"}
        (take / "take.json").write_text(json.dumps(meta), encoding="utf-8")
        self.take_dir = take
        self._rate, self._channels, self._max_frames = samplerate, channels, (
            None if max_seconds is None else int(max_seconds * samplerate))
        self._segment = _Segment(take / "seg-0001.wav", samplerate, channels)
        self._status = RecorderStatus(free_bytes=shutil.disk_usage(take).free)
        self._stop.clear()

        def callback(indata, frames, _time, status) -> None:
            if status.input_overflow:
                self._overflows += 1
            self._queue.put(indata.copy())

        try:
            self._stream = sd.InputStream(
                samplerate=samplerate, channels=channels, dtype="int16", device=device,
                callback=callback, finished_callback=lambda: self._queue.put(None),
            )
            self._stream.start()
        except (sd.PortAudioError, ValueError) as exc:
            self._segment.close()
            self._lock.release()
            shutil.rmtree(take, ignore_errors=True)
            self.take_dir = None
            raise AudioDeviceError(str(device or ""), str(exc), classify_device_error(str(exc))) from exc
        self._writer = threading.Thread(target=self._write_loop, name="recorder-writer", daemon=True)
        self._writer.start()
        log.info("recording to %s from %r at %d Hz, %d channel(s)", take, device, samplerate, channels)
        return take

    def pause(self) -> None:
        self._paused = True

    def resume(self) -> None:
        self._paused = False

    def mark(self) -> float:
        seconds = self._status.seconds
        self._status.markers.append(seconds)
        self._markers_dirty = True  # the writer saves them at its next flush
        return seconds

    def stop(self, reason: StopReason = StopReason.REQUESTED) -> RecorderStatus:
        if self._status.stopped is None:
            self._status.stopped = reason
        self._stop.set()
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
                stream.close()
            except Exception as exc:  # a vanished device: keep what was recorded
                log.warning("closing the input stream failed: %s", exc)
        self._queue.put(None)
        if self._writer is not None:
            self._writer.join()
        self._write_markers()
        self._lock.release()
        return self.status()

    def status(self) -> RecorderStatus:
        s = self._status
        return RecorderStatus(s.frames, s.seconds, s.peak_dbfs, s.rms_dbfs, s.clipped, self._overflows,
                              self._paused, s.free_bytes, s.stopped, list(s.markers))

    @property
    def running(self) -> bool:
        return self._writer is not None and self._writer.is_alive()

    # -- writer thread ----------------------------------------------------------------------
    def _write_loop(self) -> None:
        last_sync = time.monotonic()
        segment_frames = SEGMENT_SECONDS * self._rate
        index = 1
        try:
            while True:
                try:
                    block = self._queue.get(timeout=FLUSH_SECONDS)
                except queue.Empty:
                    block = False
                if block is None:
                    if self._stream is not None and not self._stop.is_set():
                        self._status.stopped = StopReason.DEVICE_LOST  # the stream ended by itself
                    break
                if block is not False and not self._paused:
                    if self._max_frames is not None:
                        block = block[: max(0, self._max_frames - self._status.frames)]
                    self._take_block(block)
                    if self._segment.frames >= segment_frames:
                        self._segment.close()
                        index += 1
                        self._segment = _Segment(self.take_dir / f"seg-{index:04d}.wav", self._rate, self._channels)
                if time.monotonic() - last_sync >= FLUSH_SECONDS:
                    self._segment.sync()
                    if self._markers_dirty:
                        self._markers_dirty = False
                        self._write_markers()
                    last_sync = time.monotonic()
                    self._status.free_bytes = shutil.disk_usage(self.take_dir).free
                    if self._status.free_bytes < self.disk_reserve:
                        self._status.stopped = StopReason.DISK_FULL
                        break
                if self._max_frames is not None and self._status.frames >= self._max_frames:
                    self._status.stopped = self._status.stopped or StopReason.TIME_LIMIT
                    break
        except OSError as exc:
            self._status.stopped = StopReason.DISK_FULL if exc.errno == 28 else StopReason.WRITE_FAILED
            self.error = StorageError(self._segment.path, "disk full" if exc.errno == 28 else exc.strerror or str(exc))
            log.warning("recording stopped: %s", exc)
        finally:
            try:
                self._segment.close()
            except OSError as exc:  # the header of the last flush stays valid
                log.warning("final header write failed: %s", exc)
            self._stop.set()

    def _take_block(self, block: np.ndarray) -> None:
        if len(block) == 0:
            return
        self._segment.write(block)
        self._status.frames += len(block)
        self._status.seconds = self._status.frames / self._rate
        peak = int(np.abs(block.astype(np.int32)).max())
        rms = float(np.sqrt(np.mean(np.square(block, dtype=np.float64))))
        self._status.peak_dbfs = 20 * np.log10(peak / 32768) if peak else float("-inf")
        self._status.rms_dbfs = 20 * np.log10(rms / 32768) if rms > 0 else float("-inf")
        self._status.clipped = self._status.clipped or peak >= 32767

    def _write_markers(self) -> None:
        if self.take_dir is not None and self._status.markers:
            (self.take_dir / "markers.json").write_text(json.dumps(self._status.markers), encoding="utf-8")


def classify_device_error(message: str) -> DeviceProblem:
    """The kind of trouble behind a PortAudio error message."""
    text = message.lower()
    if "busy" in text or "-9985" in text or "device unavailable" in text:
        return DeviceProblem.BUSY
    if "permission" in text or "access denied" in text or "not permitted" in text:
        return DeviceProblem.PERMISSION
    if "no input device" in text or "invalid device" in text or "no such" in text or "-9996" in text \
            or "no device matching" in text or "error querying device" in text:
        return DeviceProblem.NOT_FOUND
    return DeviceProblem.OTHER


def unfinished_takes(recordings_dir: Path) -> list[Path]:
    """Takes no running recorder holds (the recorder keeps take/lock locked)."""
    if not recordings_dir.is_dir():
        return []
    found = []
    for take in sorted(p for p in recordings_dir.iterdir() if p.is_dir() and (p / "take.json").exists()):
        lock = FileLock(take / "lock")
        try:
            if lock.try_acquire():
                found.append(take)
        finally:
            lock.release()
    return found


def finish_take(take: Path, out: Path) -> tuple[Path, int]:
    """Repair the take's segments; join several into one WAV at `out`. Returns the file to
    import (a single segment is used as it is: no copy on a nearly full disk) and frames."""
    import soundfile as sf

    meta = json.loads((take / "take.json").read_text(encoding="utf-8"))
    channels, rate = int(meta["channels"]), int(meta["rate"])
    segments = sorted(take.glob("seg-*.wav"))
    frames = [repair_segment(seg, channels) for seg in segments]
    total = sum(frames)
    if len(segments) == 1:
        return segments[0], total
    subtype_format = "RF64" if total * channels * 2 > (4 << 30) - 1024 else "WAV"
    with sf.SoundFile(out, "w", rate, channels, subtype="PCM_16", format=subtype_format) as dst:
        for seg in segments:
            with sf.SoundFile(seg) as src:
                while True:
                    block = src.read(rate * 10, dtype="int16", always_2d=True)
                    if not len(block):
                        break
                    dst.write(block)
    return out, total


def import_take(library, take: Path, title: str | None = None) -> int | None:
    """Join a finished or interrupted take into one WAV, import it as a clip, then remove
    the take folder. Returns the clip id, or None for a take with no audio. Safe to run
    again after a crash at any point: the import finds the same audio already there."""
    from studio.errors import EmptyAudio, TruncatedAudio

    meta = json.loads((take / "take.json").read_text(encoding="utf-8"))
    joined, frames = finish_take(take, take / "take.wav")
    if frames == 0:
        shutil.rmtree(take, ignore_errors=True)
        return None
    try:
        result = library.import_file(joined, title=title or local_text(meta["started_at"], "Thu âm %d/%m/%Y %H:%M:%S"))
    except (EmptyAudio, TruncatedAudio):
        shutil.rmtree(take, ignore_errors=True)
        return None
    markers_file = take / "markers.json"
    if markers_file.exists():
        try:
            library.set_markers(result.clip.id, json.loads(markers_file.read_text(encoding="utf-8")))
        except ValueError as exc:  # damaged markers must not cost the audio
            log.warning("markers of %s unreadable: %s", take.name, exc)
    shutil.rmtree(take, ignore_errors=True)
    log.info("take %s imported as clip %d (%.1f s)", take.name, result.clip.id, frames / int(meta["rate"]))
    return result.clip.id


def recover_takes(library, recordings_dir: Path) -> list[int]:
    """Import every take left unfinished (a crash, a power cut); returns the clip ids."""
    ids = []
    for take in unfinished_takes(recordings_dir):
        clip_id = import_take(library, take)
        if clip_id is not None:
            ids.append(clip_id)
    return ids

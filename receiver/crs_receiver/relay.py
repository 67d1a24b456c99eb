"""Relaying an external stream ("tiếp sóng"): a manifest item of kind "stream"
(docs/protocol.md, section 5) plays what an Icecast/HTTP stream sends, for its declared
duration.

The receiver pulls the URL itself (urllib, in a fetch thread) into a bounded queue of
byte chunks (at most `QUEUE_CHUNKS` x `CHUNK` bytes, 512 KB). An MP3 stream is decoded by
libsndfile out of that queue through `StreamReader`, a file-like object that fakes what
libsndfile asks of a file (a length, an ID3v1 probe at the end, short seeks backwards while
it finds the frames): no PyAV and no ffmpeg, so a Raspberry Pi that relays MP3 keeps its
libsndfile-only footprint. Anything else — AAC, Ogg, an HLS playlist — goes to PyAV
(relay_av.py, the receiver's `relay` extra), which opens the URL itself; without PyAV it
fails at once ("stream-failed", the reason logged) and the backup plays.

The level is brought toward the item's `loudness_lufs` by a slow running gain
(`Leveller`: RMS over a few seconds, gain limited to `MIN_GAIN_DB`..`MAX_GAIN_DB` and
moved at most `SLEW_DB_S` per second, silence never measured, a hard ceiling against
overs). The relay ends at the item's end in wall-clock time (what is queued for the
output counts, so the sound stops on time, not a buffer later). When the stream cannot
be opened, ends, stalls for `STALL_S`, or stays below `SILENCE_DBFS` for `SILENCE_S`, the
item's media (its backup, a chime when the studio was given none) play for what is left
of the slot, then silence; the play log says "stream-failed" or "stream-silent".

Threads: `relay_item` runs on the item's decoder thread (player.py) and starts one fetch
thread; both stop when the item's stop event is set. No lock: the byte queue is the only
thing they share.
"""

from __future__ import annotations

import logging
import math
import queue
import threading
import time
import urllib.request
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

from crs_receiver import relay_av
from crs_receiver.decode import _put, decode_item

log = logging.getLogger(__name__)

CHUNK = 16_384
QUEUE_CHUNKS = 32
STALL_S = 8.0  # no byte for this long: the stream failed
CONNECT_TIMEOUT_S = 10.0
SILENCE_DBFS = -50.0
SILENCE_S = 10.0
READ_S = 0.2  # seconds decoded per read: the decoder follows a live stream closely
TARGET_LUFS = -16.0
MIN_GAIN_DB, MAX_GAIN_DB = -12.0, 20.0
SLEW_DB_S = 1.5  # the running gain moves this fast at most, once settled
SETTLE_S, SETTLE_SLEW_DB_S = 3.0, 8.0  # faster during the first seconds of a relay
AVERAGE_S = 3.0  # the time constant of the level measurement
CEILING = 0.95  # about -0.4 dBFS: nothing louder reaches the amplifier


_BITRATES_V1 = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_BITRATES_V2 = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)


def _frame_length(data: bytes, at: int) -> int:
    """The length of the MPEG layer III frame whose header is at `at` (0: no header)."""
    if at + 4 > len(data) or data[at] != 0xFF or data[at + 1] & 0xE0 != 0xE0:
        return 0
    version, layer = (data[at + 1] >> 3) & 3, (data[at + 1] >> 1) & 3
    index, rate_index, padding = data[at + 2] >> 4, (data[at + 2] >> 2) & 3, (data[at + 2] >> 1) & 1
    if version == 1 or layer != 1 or index in (0, 15) or rate_index == 3:
        return 0
    rate = (44100, 48000, 32000)[rate_index] >> {3: 0, 2: 1, 0: 2}[version]
    if version == 3:
        return 144_000 * _BITRATES_V1[index] // rate + padding
    return 72_000 * _BITRATES_V2[index] // rate + padding


def mp3_sync(data: bytes) -> int | None:
    """Where the first MP3 frame starts (two frames in a row), or None: a relay joins a
    live stream anywhere in a frame, and libsndfile recognises MP3 only from a frame (or
    an ID3 tag) at the very start."""
    if data.startswith(b"ID3"):
        return 0
    for at in range(len(data) - 4):
        length = _frame_length(data, at)
        if length and _frame_length(data, at + length):
            return at
    return None


class StreamReader:
    """A file-like view of a byte queue for libsndfile: reads block until bytes come (at
    most `stall_s`), the last `KEEP` bytes stay for its short seeks back, and the end of
    the "file" is a length no stream reaches (the ID3v1 probe there reads zeros: no tag)."""

    FAKE_LENGTH = 1 << 40
    KEEP = 1 << 16

    def __init__(self, chunks: queue.Queue, stop: threading.Event, stall_s: float = STALL_S) -> None:
        self.chunks, self.stop, self.stall_s = chunks, stop, stall_s
        self.buffer = bytearray()
        self.base = 0  # stream offset of buffer[0]
        self.pos = 0
        self.ended = False
        self.stalled = False

    def _fill(self, upto: int) -> None:
        quiet_since = time.monotonic()
        while self.base + len(self.buffer) < upto and not self.ended and not self.stop.is_set():
            try:
                chunk = self.chunks.get(timeout=0.1)
            except queue.Empty:
                if time.monotonic() - quiet_since > self.stall_s:
                    self.stalled = self.ended = True
                continue
            if chunk is None:
                self.ended = True
            else:
                self.buffer += chunk
                quiet_since = time.monotonic()

    def head(self, size: int) -> bytes:
        """The stream's first `size` bytes (fewer if it ends or stalls first), kept for reading."""
        self._fill(size)
        return bytes(self.buffer[:size])

    def align(self) -> None:
        """Drop what comes before the first MP3 frame (the stream then starts there)."""
        for enough in (4096, self.KEEP):  # a few frames; more only when they did not show
            self._fill(enough)
            start = mp3_sync(bytes(self.buffer))
            if start is not None:
                del self.buffer[:start]
                return

    def read(self, size: int = -1) -> bytes:
        size = int(size)
        if size <= 0:
            return b""
        if self.pos >= self.FAKE_LENGTH // 2:  # the tag probes at the "end": zeros, no tag
            size = max(min(size, self.FAKE_LENGTH - self.pos), 0)
            self.pos += size
            return bytes(size)
        self._fill(self.pos + size)
        start = self.pos - self.base
        data = bytes(self.buffer[start:start + size])
        self.pos += len(data)
        drop = self.pos - self.base - self.KEEP
        if drop > 0:
            del self.buffer[:drop]
            self.base += drop
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        target = (offset, self.pos + offset, self.FAKE_LENGTH + offset)[whence]
        self.pos = max(int(target), self.base)
        return self.pos

    def tell(self) -> int:
        return self.pos


class Leveller:
    """A slow running gain toward `target_db` (RMS dBFS standing in for LUFS: no K-weighting
    on the receiver), limited in range and speed, that never measures silence."""

    def __init__(self, target_db: float, rate: int) -> None:
        self.target_db, self.rate = target_db, rate
        self.gain_db = 0.0
        self.energy: float | None = None
        self.seconds = 0.0

    def apply(self, samples):
        import numpy as np

        n = len(samples)
        if n == 0:
            return samples
        mean_square = float(np.dot(samples, samples)) / n
        if mean_square > 10 ** (SILENCE_DBFS / 10):
            weight = 1 - math.exp(-n / (self.rate * AVERAGE_S))
            self.energy = mean_square if self.energy is None else self.energy + weight * (mean_square - self.energy)
        before = self.gain_db
        if self.energy is not None:
            wanted = min(max(self.target_db - 10 * math.log10(self.energy), MIN_GAIN_DB), MAX_GAIN_DB)
            slew = SETTLE_SLEW_DB_S if self.seconds < SETTLE_S else SLEW_DB_S
            step = slew * n / self.rate
            self.gain_db += min(max(wanted - self.gain_db, -step), step)
        self.seconds += n / self.rate
        ramp = np.linspace(before, self.gain_db, n, dtype=np.float32)
        out = samples * np.power(np.float32(10), ramp / np.float32(20))
        return np.clip(out, -CEILING, CEILING).astype(np.float32)


def _fetch(url: str, chunks: queue.Queue, stop: threading.Event, problem: list) -> None:
    try:
        request = urllib.request.Request(url, headers={"User-Agent": "crs-receiver relay", "Icy-MetaData": "0"})
        with urllib.request.urlopen(request, timeout=CONNECT_TIMEOUT_S) as response:
            while not stop.is_set():
                data = response.read1(CHUNK)
                if not data:
                    break
                while not stop.is_set():
                    try:
                        chunks.put(data, timeout=0.1)
                        break
                    except queue.Full:
                        continue
    except Exception as exc:  # refused, DNS, timeout, HTTP error: the relay falls back
        problem.append(f"{type(exc).__name__}: {exc}")
    _end(chunks, stop)


def _end(marks: queue.Queue, stop: threading.Event) -> None:
    """Put the end mark (None) on a bounded queue, unless the item stopped meanwhile."""
    while not stop.is_set():
        try:
            marks.put(None, timeout=0.1)
            return
        except queue.Full:
            continue


def _relay(playing, blocks: queue.Queue, rate: int, block: int, deadline: float) -> str:
    """Relay until `deadline` (monotonic): "played", or why it stopped early."""
    stream = playing.stream
    chunks: queue.Queue = queue.Queue(maxsize=QUEUE_CHUNKS)
    problem: list[str] = []
    halt = threading.Event()  # the fetch is not needed: FFmpeg opens the URL itself
    fetch_stop = SimpleNamespace(is_set=lambda: playing.stop.is_set() or halt.is_set())
    fetcher = threading.Thread(target=_fetch, args=(stream["url"], chunks, fetch_stop, problem),
                               name="receiver-relay-fetch", daemon=True)
    fetcher.start()
    reader = StreamReader(chunks, playing.stop)
    head = reader.head(4096)
    playlist = relay_av.looks_like_playlist(stream["url"], head)
    not_mp3 = bool(head) and mp3_sync(head) is None
    aac = not playlist and not_mp3 and relay_av.adts_sync(head) is not None
    if (playlist or aac) and not relay_av.available():  # at once, so that the backup gets the whole slot
        halt.set()
        log.warning("stream of %s is %s and PyAV is not installed (pip install 'crs-receiver[relay]'): it "
                    "cannot be relayed", playing.item_id, "an HLS playlist" if playlist else "AAC")
        return "stream-failed"
    if playlist or (not_mp3 and relay_av.available()):  # AAC, Ogg, HLS: PyAV opens the URL itself
        halt.set()
        problem.clear()
        source = relay_av.av_blocks(stream["url"], rate, playing.stop, problem, format="aac" if aac else None)
    else:  # MP3 (or unknown: libsndfile tries it)
        source = _sndfile_blocks(playing, reader, rate, problem)
    return _play(playing, source, problem, blocks, rate, block, deadline)


def _sndfile_blocks(playing, reader: StreamReader, rate: int, problem: list[str]):
    """The MP3 stream decoded by libsndfile: mono float32 arrays at `rate`; why it ended
    early goes to `problem`."""
    import numpy as np
    import soundfile as sf

    from crs_receiver.resample import resampler

    try:
        reader.align()
        handle = sf.SoundFile(reader)
    except Exception as exc:
        if not problem:
            problem.append(f"cannot be decoded: {exc}")
        return
    log.info("relaying %s: %s %d Hz, %d channel(s)", playing.item_id, handle.format, handle.samplerate,
             handle.channels)
    converter = resampler(handle.samplerate, rate) if handle.samplerate != rate else None
    frames = max(1, int(handle.samplerate * READ_S))
    with handle:
        while not playing.stop.is_set():
            try:
                data = handle.read(frames, dtype="float32", always_2d=True)
            except Exception as exc:  # libsndfile's mpg123 reports a cut stream as an internal error
                log.debug("stream decoder of %s: %s", playing.item_id, exc)
                data = np.zeros((0, 1), dtype=np.float32)
            if len(data) == 0:
                if reader.stalled:
                    problem.insert(0, "stalled")
                elif not problem:
                    problem.append("the stream ended")
                return
            samples = data.mean(axis=1) if data.shape[1] > 1 else data[:, 0]
            if converter is not None:
                samples = converter.resample_chunk(np.ascontiguousarray(samples), last=False)
            yield samples


def _play(playing, source, problem: list[str], blocks: queue.Queue, rate: int, block: int, deadline: float) -> str:
    """Level what `source` decodes and queue it for the output until `deadline`."""
    import numpy as np

    leveller = Leveller(float(playing.stream.get("loudness_lufs", TARGET_LUFS)), rate)
    quiet_s = 0.0
    for samples in source:
        if playing.stop.is_set():
            return "played"
        if len(samples):
            level = float(np.dot(samples, samples)) / len(samples)
            quiet_s = quiet_s + len(samples) / rate if level < 10 ** (SILENCE_DBFS / 10) else 0.0
        if quiet_s >= SILENCE_S:
            log.warning("stream of %s silent for %.0f s", playing.item_id, quiet_s)
            return "stream-silent"
        # What is queued still has to play: the sound stops at the deadline, not after it.
        room = int((deadline - time.monotonic() - blocks.qsize() * block / rate) * rate)
        samples = leveller.apply(samples[:max(room, 0)])
        for i in range(0, len(samples), block):
            _put(playing, blocks, np.ascontiguousarray(samples[i:i + block]))
        if room <= len(samples):
            log.info("item %s relayed to the end of its %s s", playing.item_id, playing.duration_s)
            return "played"
    if playing.stop.is_set():
        return "played"
    log.warning("stream of %s stopped early: %s", playing.item_id, problem[0] if problem else "the stream ended")
    return "stream-failed"


def _late(playing) -> float:
    """How far into its slot the relay starts: a restart mid-item, or a soft start that
    waited for the item before it. The relay still ends at the slot's end."""
    late = playing.offset_s
    if playing.scheduled:
        try:
            late = max(late, (playing.started - datetime.fromisoformat(playing.scheduled)).total_seconds())
        except (TypeError, ValueError):  # a start the timeline accepted is comparable; never crash here
            pass
    return late


def relay_item(playing, blocks: queue.Queue, media_dir: Path, rate: int, block: int) -> None:
    """The decoder of a stream item: the stream, then (if it failed) the backup, then the
    end mark for the output."""
    deadline = time.monotonic() + max(playing.duration_s - _late(playing), 0.0)
    try:
        outcome = _relay(playing, blocks, rate, block, deadline)
    except Exception:  # never a crash: the backup plays
        log.exception("relay of %s failed", playing.item_id)
        outcome = "stream-failed"
    if outcome != "played" and not playing.stop.is_set():
        playing.outcome = outcome
        left = deadline - time.monotonic() - blocks.qsize() * block / rate
        if left > 0 and playing.media:
            log.info("item %s: backup plays for the %.0f s left", playing.item_id, left)
            backup = SimpleNamespace(item_id=playing.item_id, media=playing.media, offset_s=0.0, duration_s=left,
                                     stop=playing.stop, skipped=playing.skipped)
            decode_item(backup, blocks, media_dir, rate, block)  # ends with the end mark
            return
    _end(blocks, playing.stop)

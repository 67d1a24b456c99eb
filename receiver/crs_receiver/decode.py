"""Decoding an item's media files into 20 ms blocks for the output callback.

Stream-decode each file with libsndfile (WAV, FLAC, Ogg Opus/Vorbis, MP3): small on a
Raspberry Pi, where PyAV's libraries alone would take 20 MB of memory. Before a file is
opened its SHA-256 is checked against its name: a stored file that rotted on the SD card
is skipped ("corrupt") and removed, so the studio sends it again. Memory stays bounded
whatever the file declares: each read is sized so that it gives about half a second at
the output rate, and a sample rate below `MIN_RATE` (a tiny file declaring 7 Hz as an
hour would become gigabytes at 48 kHz) is refused. An item with a declared duration
stops there, however long its media.
"""

from __future__ import annotations

import hashlib
import logging
import queue
from pathlib import Path

log = logging.getLogger(__name__)

MIN_RATE = 8000
OUT_CHUNK = 24_000  # output samples per read: 0.5 s at 48 kHz
# An item stops this long after its declared duration: the studio rounds durations to the
# millisecond and codecs pad, so the declared length is never meant to cut the last samples.
DURATION_SLACK_S = 0.25


def intact(path: Path, sha: str) -> bool:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest() == sha


def _put(playing, blocks: queue.Queue, block) -> None:
    while not playing.stop.is_set():
        try:
            blocks.put(block, timeout=0.1)
            return
        except queue.Full:
            continue


def decode_item(playing, blocks: queue.Queue, media_dir: Path, rate: int, block: int) -> None:
    import numpy as np
    import soundfile as sf

    from crs_receiver.resample import resampler

    skip = int(playing.offset_s * rate)
    # What is left to send: the declared duration minus where we start in it (none: no limit).
    left = (max(int((playing.duration_s + DURATION_SLACK_S - playing.offset_s) * rate), 0)
            if playing.duration_s else None)
    for sha in playing.media:
        if playing.stop.is_set() or left == 0:
            break
        path = media_dir / sha
        if not path.is_file():
            playing.skipped.append((sha, "skipped-missing"))
            continue
        try:
            if not intact(path, sha):
                playing.skipped.append((sha, "corrupt"))
                log.warning("media %s is corrupt (its SHA-256 changed): removed, skipped", sha[:12])
                path.unlink(missing_ok=True)
                continue
            with sf.SoundFile(str(path)) as handle:
                if handle.samplerate < MIN_RATE:
                    raise ValueError(f"sample rate {handle.samplerate} Hz is below {MIN_RATE} Hz")
                converter = resampler(handle.samplerate, rate) if handle.samplerate != rate else None
                frames = max(1, OUT_CHUNK * handle.samplerate // rate)
                while not playing.stop.is_set() and left != 0:
                    data = handle.read(frames, dtype="float32", always_2d=True)
                    last = len(data) < frames
                    samples = data.mean(axis=1) if data.shape[1] > 1 else data[:, 0]
                    if converter is not None:
                        samples = converter.resample_chunk(np.ascontiguousarray(samples), last=last)
                    if skip:
                        drop = min(skip, len(samples))
                        samples, skip = samples[drop:], skip - drop
                    if left is not None and len(samples) >= left:
                        samples, left = samples[:left], 0
                        log.info("item %s stopped at its declared duration (%s s)", playing.item_id,
                                 playing.duration_s)
                    elif left is not None:
                        left -= len(samples)
                    for i in range(0, len(samples), block):
                        _put(playing, blocks, np.ascontiguousarray(samples[i:i + block]))
                    if last:
                        break
        except Exception as exc:  # undecodable media: skip it, keep the rest of the item
            playing.skipped.append((sha, "failed"))
            log.warning("media %s cannot be played: %s", sha[:12], exc)
    while True:
        try:
            blocks.put(None, timeout=0.1)
            return
        except queue.Full:
            if playing.stop.is_set():
                return

"""Relaying what libsndfile cannot decode: AAC (Icecast's AAC/ADTS mounts, the national
radio's streams) and HLS playlists (`.m3u8`, the provinces' web radio), through PyAV
(FFmpeg's demuxers, HTTP client and decoders).

PyAV is the `relay` extra of the receiver (`pip install 'crs-receiver[relay]'`): a Raspberry
Pi that relays MP3 only keeps its libsndfile-only footprint, and `relay.py` imports this
module only when a stream is not MP3. Without PyAV such a stream fails at once
("stream-failed", the reason logged) and the backup plays.

FFmpeg opens the URL itself (an HLS stream is a playlist and segments, not one body):
10 s to connect, and a read that waits more than `STALL_S` ends the relay as a stall.
What it decodes is resampled by FFmpeg to the output's rate, mono, float.

Threads: `av_blocks` runs on the item's decoder thread; it returns within one read
timeout of the stop event being set.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from importlib.util import find_spec

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 10.0
STALL_S = 8.0
READ_S = 0.2  # seconds handed on at a time, as the MP3 path reads
MAX_BAD_PACKETS = 50  # in a row: not a stream this decoder understands


def available() -> bool:
    """Whether this receiver relays AAC and HLS (PyAV installed), without importing it."""
    return find_spec("av") is not None


def formats() -> list[str]:
    """What this receiver can relay, as its status says (the studio warns about the rest)."""
    return ["mp3", "aac", "hls", "ogg"] if available() else ["mp3"]


def looks_like_playlist(url: str, head: bytes) -> bool:
    return url.split("?", 1)[0].lower().endswith((".m3u8", ".m3u")) or head.lstrip()[:7] == b"#EXTM3U"


def adts_sync(data: bytes) -> int | None:
    """Where the first ADTS (AAC) frame starts (two frames in a row), or None. FFmpeg's
    probe, given a stream joined mid-frame under a name such as `live.mp3`, can take AAC
    for MP3: when the head shows ADTS frames the demuxer is named."""
    for at in range(len(data) - 7):
        if data[at] == 0xFF and data[at + 1] & 0xF6 == 0xF0:
            length = ((data[at + 3] & 3) << 11) | (data[at + 4] << 3) | (data[at + 5] >> 5)
            nxt = at + length
            if length >= 7 and nxt + 1 < len(data) and data[nxt] == 0xFF and data[nxt + 1] & 0xF6 == 0xF0:
                return at
    return None


def av_blocks(url: str, rate: int, stop: threading.Event, problem: list[str], format: str | None = None) -> Iterator:
    """Mono float32 arrays at `rate`, about `READ_S` each, as the stream comes; ends when it
    ends, stalls, cannot be decoded, or `stop` is set. Why it ended early is appended to
    `problem` (PyAV missing or broken included). `format` names FFmpeg's demuxer (None: it
    probes)."""
    import numpy as np

    try:
        import av
    except ImportError as exc:
        problem.append(f"PyAV cannot be imported (pip install 'crs-receiver[relay]'): {exc}")
        return
    try:
        container = av.open(url, format=format, timeout=(CONNECT_TIMEOUT_S, STALL_S),
                            options={"user_agent": "crs-receiver relay", "icy": "0"})
    except (av.error.FFmpegError, OSError) as exc:
        problem.append(f"cannot open the stream: {exc}")
        return
    with container:
        if not container.streams.audio:
            problem.append("no audio in the stream")
            return
        stream = container.streams.audio[0]
        log.info("relaying through PyAV: %s, %s Hz, %s channel(s)", stream.codec_context.name,
                 stream.codec_context.sample_rate, stream.codec_context.channels)
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        pending: list = []
        held = 0
        bad = 0
        try:
            for packet in container.demux(stream):
                if stop.is_set():
                    return
                try:
                    frames = packet.decode()
                    bad = 0
                except av.error.InvalidDataError:  # joined mid-frame, a damaged packet: skip it
                    bad += 1
                    if bad > MAX_BAD_PACKETS:
                        problem.append(f"{bad} packets in a row cannot be decoded")
                        return
                    continue
                for frame in frames:
                    for out in resampler.resample(frame):
                        samples = out.to_ndarray().reshape(-1).astype(np.float32, copy=False)
                        pending.append(samples)
                        held += len(samples)
                if held >= rate * READ_S:
                    yield np.concatenate(pending)
                    pending, held = [], 0
        except (av.error.FFmpegError, OSError) as exc:  # a cut connection, a read timeout
            problem.append(f"{type(exc).__name__}: {exc}")
        if pending and not stop.is_set():
            yield np.concatenate(pending)

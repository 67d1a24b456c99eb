"""A look at an external stream before a relay of it is scheduled ("tiếp sóng"): connect,
take a few seconds, decode them (PyAV: MP3, AAC, Ogg, an HLS playlist), and say what it
is — codec, sample rate, channels, bit rate, loudness, and which receivers can relay it
(every receiver relays MP3, with libsndfile; AAC, Ogg and HLS need the receiver's `relay`
extra, PyAV, and its status lists what it relays).

Blocking (network and decoding, a few seconds): the CLI's main thread or a UI worker.
"""

from __future__ import annotations

import io
import time
import urllib.request
from dataclasses import dataclass

import numpy as np

from studio.errors import StreamFailure, StreamUnavailable

PREVIEW_S = 5.0
CONNECT_TIMEOUT_S = 10.0
MAX_BYTES = 2 << 20
MP3_CODECS = ("mp3", "mp3float")  # what libsndfile decodes on every receiver


@dataclass(frozen=True)
class StreamPreview:
    url: str
    content_type: str
    codec: str
    sample_rate: int
    channels: int
    bitrate_kbps: float
    seconds: float  # of audio decoded
    loudness_lufs: float | None  # None: silent
    peak_dbfs: float
    hls: bool  # an HLS playlist, decoded from its segments

    @property
    def needs_relay_extra(self) -> bool:
        """Only receivers with PyAV (their `relay` extra) relay it; others play the backup."""
        return self.hls or self.codec not in MP3_CODECS

    @property
    def silent(self) -> bool:
        return self.loudness_lufs is None or self.loudness_lufs < -50


def fetch_head(url: str, seconds: float = PREVIEW_S, timeout: float = CONNECT_TIMEOUT_S) -> tuple[bytes, str, float]:
    """The first bytes of the stream: about `seconds` of it in wall-clock time (a live
    stream comes in real time), at most `MAX_BYTES`. Returns (bytes, content type, seconds taken)."""
    if not url.startswith(("http://", "https://")):
        raise StreamUnavailable(url, "not an http:// or https:// URL")
    request = urllib.request.Request(url, headers={"User-Agent": "radio-studio stream check", "Icy-MetaData": "0"})
    started = time.monotonic()
    data = bytearray()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            kind = response.headers.get("Content-Type", "")
            while len(data) < MAX_BYTES and time.monotonic() - started < seconds:
                chunk = response.read1(16_384)
                if not chunk:
                    break
                data += chunk
    except OSError as exc:  # refused, DNS, timeout, HTTP error (urllib's errors are OSErrors)
        raise StreamUnavailable(url, f"{type(exc).__name__}: {exc}") from exc
    if not data:
        raise StreamUnavailable(url, "the stream sent nothing")
    return bytes(data), kind, time.monotonic() - started


def preview_stream(url: str, seconds: float = PREVIEW_S, timeout: float = CONNECT_TIMEOUT_S) -> StreamPreview:
    import av

    from studio.audio.loudness import integrated_loudness

    data, kind, _ = fetch_head(url, seconds, timeout)
    hls = url.split("?", 1)[0].lower().endswith((".m3u8", ".m3u")) or data.lstrip()[:7] == b"#EXTM3U"
    try:
        # A playlist names its segments: FFmpeg follows it from the URL (it stops after `seconds`).
        opened = av.open(url, timeout=(timeout, timeout)) if hls else av.open(io.BytesIO(data))
        with opened as container:
            if not container.streams.audio:
                raise StreamUnavailable(url, "no audio in the stream", StreamFailure.NOT_AUDIO)
            stream = container.streams.audio[0]
            context = stream.codec_context
            pieces, got = [], 0
            try:
                for frame in container.decode(stream):
                    pieces.append(frame.to_ndarray().astype(np.float32).reshape(-1, frame.samples).mean(axis=0)
                                  if frame.format.is_planar else
                                  frame.to_ndarray().astype(np.float32).reshape(-1, context.channels).mean(axis=1))
                    got += frame.samples
                    if got >= seconds * context.sample_rate:
                        break
            except (av.error.FFmpegError, ValueError):
                pass  # the last frame of the bytes taken is cut: what was decoded is enough
            rate, channels, codec = int(context.sample_rate), int(context.channels), context.name
            # The codec says its own rate (an MP3 frame header does); bytes / seconds is wrong for a file
            # served at once rather than paced like a station.
            bitrate = (context.bit_rate or 0) / 1000 or (0.0 if hls else None)
    except av.error.FFmpegError as exc:
        raise StreamUnavailable(url, f"not audio that can be decoded ({exc})", StreamFailure.NOT_AUDIO) from exc
    if not pieces:
        raise StreamUnavailable(url, "no audio could be decoded", StreamFailure.NOT_AUDIO)
    mono = np.concatenate(pieces)
    audio_s = len(mono) / rate
    peak = float(np.max(np.abs(mono))) if len(mono) else 0.0
    if bitrate is None:
        bitrate = len(data) * 8 / 1000 / max(audio_s, 1e-3)
    return StreamPreview(url, kind, codec, rate, channels, round(bitrate, 1), round(audio_s, 2),
                         integrated_loudness(mono, rate), round(20 * np.log10(peak), 1) if peak > 0 else -120.0, hls)

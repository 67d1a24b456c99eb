"""Encoders for broadcast output: Ogg Opus and MP3 through PyAV (libopus, LAME), WAV
through soundfile. The output format follows the file extension.

PyAV is used for the lossy codecs because its libopus is ~4x faster than libsndfile's
Opus writer on long speech. Every output is written through `atomic_writer`. Runs on any
thread; checks `cancel` between chunks.
"""

from __future__ import annotations

import threading
from pathlib import Path

import av
import numpy as np
import soundfile as sf

from studio.durable import atomic_writer
from studio.audio.settings import OutputFormat
from studio.errors import Cancelled

CHUNK_FRAMES = 48000 * 10


def _encode_lossy(
    samples: np.ndarray, sample_rate: int, fmt: OutputFormat, bitrate: int, target: Path,
    cancel: threading.Event | None,
) -> None:
    container_format, codec = ("ogg", "libopus") if fmt is OutputFormat.OPUS else ("mp3", "libmp3lame")
    with atomic_writer(target) as handle:
        with av.open(handle, mode="w", format=container_format) as container:
            stream = container.add_stream(codec, rate=sample_rate, layout="mono")
            stream.bit_rate = bitrate
            for start in range(0, len(samples), CHUNK_FRAMES):
                if cancel is not None and cancel.is_set():
                    raise Cancelled()
                chunk = np.ascontiguousarray(samples[start : start + CHUNK_FRAMES], dtype=np.float32)
                frame = av.AudioFrame.from_ndarray(chunk[None, :], format="flt", layout="mono")
                frame.sample_rate = sample_rate
                for packet in stream.encode(frame):
                    container.mux(packet)
            for packet in stream.encode(None):
                container.mux(packet)


def _encode_wav(samples: np.ndarray, sample_rate: int, target: Path) -> None:
    # 16-bit with TPDF dither; the ceiling leaves headroom for the dither's +-1 LSB.
    rng = np.random.default_rng(0)
    lsb = 1.0 / 32768.0
    dither = (rng.random(len(samples), dtype=np.float32) - rng.random(len(samples), dtype=np.float32)) * lsb
    pcm = np.clip(np.rint((samples + dither) * 32767.0), -32768, 32767).astype(np.int16)
    with atomic_writer(target) as handle:
        sf.write(handle, pcm, sample_rate, format="WAV", subtype="PCM_16")


def encode(
    samples: np.ndarray, sample_rate: int, target: Path, fmt: OutputFormat, bitrate: int,
    cancel: threading.Event | None = None,
) -> None:
    if fmt is OutputFormat.WAV:
        _encode_wav(samples, sample_rate, target)
    else:
        _encode_lossy(samples, sample_rate, fmt, bitrate, target, cancel)


def decode_mono(path: Path) -> tuple[np.ndarray, int]:
    """Decode a mono output file back to float32 (used to verify lossy true peak/loudness)."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        parts = [frame.to_ndarray()[0] for frame in container.decode(stream)]
        rate = stream.rate
    if not parts:
        return np.zeros(0, np.float32), rate
    audio = np.concatenate(parts)
    if audio.dtype != np.float32:  # integer sample formats from other decoders
        audio = audio.astype(np.float32) / np.float32(np.iinfo(audio.dtype).max + 1)
    return audio, rate

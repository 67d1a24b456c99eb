"""Encoders for broadcast output: Ogg Opus and MP3 through PyAV (libopus, LAME), WAV
through soundfile. The output format follows the file extension.

PyAV is used for the lossy codecs because its libopus is ~4x faster than libsndfile's
Opus writer on long speech. Opus keeps libopus's 20 ms frames: 60 ms frames are ~12%
smaller at 32 kbps but overshoot the true peak by up to 2.3 dB on speech transients,
which no limiter margin reliably absorbs. Every output is written through `atomic_writer`.

Threads: with `on_decoded`, the encoder runs in a worker thread (PyAV releases the GIL
while coding) and hands each packet through a queue to a decoder in the calling thread,
which passes decoded audio to `on_decoded`: the check of the encoded result overlaps the
encoding on a second core. `cancel` is checked between chunks.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from pathlib import Path

import av
import numpy as np
import soundfile as sf

from studio.durable import atomic_writer
from studio.audio.settings import OutputFormat
from studio.errors import Cancelled

CHUNK_FRAMES = 48000 * 10


# Decoders: FFmpeg's own, which output floats (libopus's decoder gives 16-bit, clipping overs).
_CODECS = {OutputFormat.OPUS: ("ogg", "libopus", "opus"), OutputFormat.MP3: ("mp3", "libmp3lame", "mp3")}
_OPTIONS: dict[OutputFormat, dict[str, str]] = {OutputFormat.OPUS: {}, OutputFormat.MP3: {}}
_DONE = object()
_INT_SCALE = {"s16": 32768.0, "s16p": 32768.0, "s32": 2147483648.0, "s32p": 2147483648.0}


def _frame_to_float(frame: av.AudioFrame) -> np.ndarray:
    """First channel of a decoded frame as float32 in [-1, 1], whatever the decoder's format."""
    data = frame.to_ndarray()[0]
    scale = _INT_SCALE.get(frame.format.name)
    if scale is not None:
        return data.astype(np.float32) / np.float32(scale)
    return data.astype(np.float32, copy=False)


def _encode_lossy(
    samples: np.ndarray, sample_rate: int, fmt: OutputFormat, bitrate: int, target: Path,
    cancel: threading.Event | None, packets: "queue.Queue | None" = None,
) -> None:
    container_format, codec, _ = _CODECS[fmt]
    with atomic_writer(target) as handle:
        with av.open(handle, mode="w", format=container_format) as container:
            stream = container.add_stream(codec, rate=sample_rate, layout="mono")
            stream.bit_rate = bitrate
            stream.options = dict(_OPTIONS[fmt])
            starts = list(range(0, len(samples), CHUNK_FRAMES)) + [None]  # None: flush
            for start in starts:
                if cancel is not None and cancel.is_set():
                    raise Cancelled()
                frame = None
                if start is not None:
                    chunk = np.ascontiguousarray(samples[start : start + CHUNK_FRAMES], dtype=np.float32)
                    frame = av.AudioFrame.from_ndarray(chunk[None, :], format="flt", layout="mono")
                    frame.sample_rate = sample_rate
                encoded = stream.encode(frame)
                if packets is not None and encoded:
                    # One hand-over per chunk, not per 20 ms packet: far less locking.
                    packets.put((stream.codec_context.extradata, [bytes(p) for p in encoded]))
                for packet in encoded:
                    container.mux(packet)


def _encode_and_decode(
    samples: np.ndarray, sample_rate: int, fmt: OutputFormat, bitrate: int, target: Path,
    cancel: threading.Event | None, on_decoded: Callable[[np.ndarray], None],
) -> None:
    packets: queue.Queue = queue.Queue(maxsize=8)
    failure: list[BaseException] = []

    def work() -> None:
        try:
            _encode_lossy(samples, sample_rate, fmt, bitrate, target, cancel, packets)
        except BaseException as exc:  # handed to the calling thread below
            failure.append(exc)
        finally:
            packets.put(_DONE)

    worker = threading.Thread(target=work, name="encoder", daemon=True)
    worker.start()
    decoder = None
    pending: list[np.ndarray] = []
    pending_frames = 0
    try:
        while (item := packets.get()) is not _DONE:
            extradata, batch = item
            if decoder is None:
                decoder = av.CodecContext.create(_CODECS[fmt][2], "r")
                decoder.sample_rate = sample_rate
                decoder.layout = "mono"
                if extradata:
                    decoder.extradata = extradata
            for data in batch:
                for frame in decoder.decode(av.Packet(data)):
                    pending.append(_frame_to_float(frame))
                    pending_frames += frame.samples
            if pending_frames >= CHUNK_FRAMES:
                on_decoded(np.concatenate(pending))
                pending, pending_frames = [], 0
        if decoder is not None:
            for frame in decoder.decode(None):
                pending.append(_frame_to_float(frame))
        if pending:
            on_decoded(np.concatenate(pending))
    finally:
        worker.join()
    if failure:
        raise failure[0]


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
    on_decoded: Callable[[np.ndarray], None] | None = None,
) -> None:
    """Encode to `target`. For lossy formats, `on_decoded` receives the decoded result in
    order, in chunks of about 10 s, while encoding goes on."""
    if fmt is OutputFormat.WAV:
        _encode_wav(samples, sample_rate, target)
    elif on_decoded is None:
        _encode_lossy(samples, sample_rate, fmt, bitrate, target, cancel)
    elif fmt is OutputFormat.MP3:
        # LAME's delay and padding are trimmed only by the demuxer's gapless header, so a
        # live decode of the packets measures a slightly different signal: read the file.
        _encode_lossy(samples, sample_rate, fmt, bitrate, target, cancel)
        decoded, _ = decode_mono(target)
        for start in range(0, len(decoded), CHUNK_FRAMES):
            on_decoded(decoded[start : start + CHUNK_FRAMES])
    else:
        _encode_and_decode(samples, sample_rate, fmt, bitrate, target, cancel, on_decoded)


def decode_mono(path: Path) -> tuple[np.ndarray, int]:
    """Decode a mono output file back to float32."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        parts = [_frame_to_float(frame) for frame in container.decode(stream)]
        rate = stream.rate
    return (np.concatenate(parts) if parts else np.zeros(0, np.float32)), rate

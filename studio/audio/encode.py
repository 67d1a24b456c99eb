"""Encoders for broadcast output: Ogg Opus and MP3 through PyAV (libopus, LAME), WAV
through soundfile. The output format follows the file extension.

PyAV is used for the lossy codecs because its libopus is ~4x faster than libsndfile's
Opus writer on long speech. Opus keeps libopus's 20 ms frames: 60 ms frames are ~12%
smaller at 32 kbps but overshoot the true peak by up to 2.3 dB on speech transients,
which no limiter margin reliably absorbs. Every output is written through `atomic_writer`.

Threads: Opus is coded by up to two encoder threads (PyAV releases the GIL while coding)
that hand packets, per 10 s chunk, to the calling thread, which muxes them in order.
With a decoded check, each encoder thread also decodes the packets it made and passes
the audio to that part's consumer: the check of the encoded result overlaps the encoding
and runs on both cores (decoding the second half on the muxing thread after the encoders
finished left one core idle). `cancel` is checked between chunks.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import soundfile as sf

from studio.audio.settings import OutputFormat
from studio.errors import Cancelled
from studio.storage.durable import atomic_writer

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
    cancel: threading.Event | None,
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
                for packet in stream.encode(frame):
                    container.mux(packet)


# Opus on two cores: libopus is the slowest stage of a long render, so a long programme is
# split at its quietest 20 ms frame near the middle and the halves are coded by two encoders
# at once. The second encoder starts PREROLL_FRAMES early so its state has settled on the
# same audio by the seam; its pre-roll packets are dropped. Packet k of an encoder fed from
# a 960-aligned offset O covers input [O + k*960 - 312, ...), so the halves join on packet
# boundaries with continuous timestamps.
OPUS_FRAME = 960
PREROLL_FRAMES = 48000
SPLIT_MIN_FRAMES = 48000 * 120


SEAM_WINDOW = 0.015  # either side of the middle: 9 s of a 10-minute programme


def opus_seam(samples: np.ndarray) -> int | None:
    """A 20 ms-aligned sample index within 1.5 % of the middle where the audio is quietest,
    or None when the programme is too short to be worth two encoders. The window is narrow
    because the two encoders finish together only when their parts are equal: the
    quietest frame of the middle fifth sat at 40 % on real speech and music (the second
    encoder then did half as much again as the first, 1 s more wall per 10 minutes)."""
    if len(samples) < SPLIT_MIN_FRAMES:
        return None
    low = int(len(samples) * (0.5 - SEAM_WINDOW)) // OPUS_FRAME
    high = int(len(samples) * (0.5 + SEAM_WINDOW)) // OPUS_FRAME
    frames = samples[low * OPUS_FRAME : high * OPUS_FRAME].reshape(-1, OPUS_FRAME)
    energy = np.einsum("ij,ij->i", frames, frames)
    # The seam sits between two frames: take the quietest pair.
    quiet = int(np.argmin(energy[:-1] + energy[1:])) + 1
    return (low + quiet) * OPUS_FRAME


def _opus_encoder(sample_rate: int, bitrate: int) -> av.CodecContext:
    context = av.CodecContext.create("libopus", "w")
    context.sample_rate = sample_rate
    context.layout = "mono"
    context.format = "flt"
    context.bit_rate = bitrate
    context.time_base = Fraction(1, sample_rate)
    return context


_Packet = tuple[bytes, int, int]  # payload, pts, duration (in samples)


def _opus_part(
    samples: np.ndarray, sample_rate: int, bitrate: int, offset: int, first: int, last: int | None,
    cancel: threading.Event | None, emit: Callable[[list[_Packet]], None],
    live: _LiveDecoder | None = None,
) -> None:
    """Encode `samples[offset:]` (up to `last` + a little look-ahead) with a fresh encoder
    and emit, per chunk, the packets whose timestamps lie in [first, last). With `live`,
    those packets are also decoded on this thread; the pre-roll packets before `first`
    are decoded and dropped, so the decoder's state has settled by the seam too."""
    encoder = _opus_encoder(sample_rate, bitrate)
    stop = len(samples) if last is None else min(len(samples), last + PREROLL_FRAMES // 4)
    starts: list[int | None] = list(range(offset, stop, CHUNK_FRAMES))
    starts.append(None)  # flush
    for start in starts:
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        frame = None
        if start is not None:
            chunk = np.ascontiguousarray(samples[start : min(start + CHUNK_FRAMES, stop)], dtype=np.float32)
            frame = av.AudioFrame.from_ndarray(chunk[None, :], format="flt", layout="mono")
            frame.sample_rate = sample_rate
            frame.pts = start - offset
            frame.time_base = encoder.time_base
        batch, coded = [], []
        for packet in encoder.encode(frame):
            pts = packet.pts + offset
            if last is not None and pts + OPUS_FRAME > last:
                continue
            if pts + packet.duration <= first:
                if live is not None:
                    live.prime(encoder.extradata, packet)
                continue
            batch.append((bytes(packet), pts, packet.duration))
            coded.append(packet)
        if batch:
            if live is not None:
                live(encoder.extradata, coded)
            emit(batch)
    if live is not None:
        live.finish()


def _encode_opus(
    samples: np.ndarray, sample_rate: int, bitrate: int, target: Path,
    cancel: threading.Event | None, decoded_part: Callable[[int], Callable[[np.ndarray], None]] | None,
    packets_out: list[_Packet] | None = None,
) -> None:
    """Encode to Ogg Opus, on two encoder threads when the programme is long; packets are
    muxed in order by the calling thread. With `decoded_part`, each encoder thread also
    decodes its own part and feeds it, in order, to a consumer made for that part."""
    seam = opus_seam(samples)
    # The seam timestamp: packet boundaries lie at k*960 - 312.
    bounds = [0] if seam is None else [0, seam - 312]
    parts: list[queue.Queue] = [queue.Queue() for _ in bounds]
    failure: list[BaseException] = []
    stop_all = threading.Event()
    consumers = [decoded_part(start) for start in bounds] if decoded_part is not None else []

    def work(index: int) -> None:
        first = -(2**62) if index == 0 else bounds[index]
        last = bounds[index + 1] if index + 1 < len(bounds) else None
        offset = 0 if index == 0 else max(0, seam - PREROLL_FRAMES)
        try:
            live = _LiveDecoder("opus", sample_rate, consumers[index]) if consumers else None
            _opus_part(samples, sample_rate, bitrate, offset, first, last, _Either(cancel, stop_all),
                       parts[index].put, live)
        except BaseException as exc:  # handed to the calling thread below
            failure.append(exc)
            stop_all.set()
        finally:
            parts[index].put(_DONE)

    workers = [threading.Thread(target=work, args=(i,), name=f"opus-{i}", daemon=True) for i in range(len(bounds))]
    for worker in workers:
        worker.start()
    try:
        with atomic_writer(target) as handle:
            with av.open(handle, mode="w", format="ogg") as container:
                stream = container.add_stream("libopus", rate=sample_rate, layout="mono")
                stream.bit_rate = bitrate
                stream.time_base = Fraction(1, sample_rate)
                for part in parts:
                    while (batch := part.get()) is not _DONE:
                        _mux(container, stream, batch)
                        if packets_out is not None:
                            packets_out.extend(batch)
                    if failure:
                        raise failure[0]
    finally:
        stop_all.set()
        for worker in workers:
            worker.join()
    if failure:
        raise failure[0]


def _mux(container: av.container.OutputContainer, stream: av.audio.stream.AudioStream, batch: list[_Packet]) -> None:
    for payload, pts, duration in batch:
        packet = av.Packet(payload)
        packet.pts = packet.dts = pts
        packet.duration = duration
        packet.time_base = stream.time_base
        packet.stream = stream
        container.mux(packet)


def write_opus_packets(packets: list[_Packet], sample_rate: int, bitrate: int, target: Path) -> None:
    """Mux already coded Opus packets (e.g. after some were coded again) into `target`."""
    with atomic_writer(target) as handle:
        with av.open(handle, mode="w", format="ogg") as container:
            stream = container.add_stream("libopus", rate=sample_rate, layout="mono")
            stream.bit_rate = bitrate
            stream.time_base = Fraction(1, sample_rate)
            for start in range(0, len(packets), 500):
                _mux(container, stream, packets[start : start + 500])


class _Either:
    """Set when either of two events is set (what `_opus_part` polls)."""

    def __init__(self, a: threading.Event | None, b: threading.Event) -> None:
        self._events = [e for e in (a, b) if e is not None]

    def is_set(self) -> bool:
        return any(e.is_set() for e in self._events)


class _LiveDecoder:
    """Decodes packets as they are muxed and passes ~10 s chunks of audio on. Frames are
    gathered in an AudioFifo: converting each 20 ms frame to numpy would double the cost."""

    def __init__(self, codec: str, sample_rate: int, on_decoded: Callable[[np.ndarray], None]) -> None:
        self._codec, self._rate, self._on_decoded = codec, sample_rate, on_decoded
        self._decoder: av.CodecContext | None = None
        self._fifo = av.AudioFifo()

    def prime(self, extradata: bytes | None, packet: av.Packet) -> None:
        """Decode a packet only to bring the decoder's state up to date; drop its audio."""
        self._open(extradata)
        self._decoder.decode(packet)

    def _open(self, extradata: bytes | None) -> None:
        if self._decoder is None:
            self._decoder = av.CodecContext.create(self._codec, "r")
            self._decoder.sample_rate = self._rate
            self._decoder.layout = "mono"
            if extradata:
                self._decoder.extradata = extradata

    def __call__(self, extradata: bytes | None, packets: list[av.Packet]) -> None:
        """Decode the encoder's own packets (not copies made from their bytes: that was a
        new Packet per 20 ms, Python work contending for the GIL with the other encoder).
        The last one carries libopus's end trim, so the check ends where the file's audio
        does (the copies decoded the padding after it too)."""
        self._open(extradata)
        for packet in packets:
            self._take(self._decoder.decode(packet))
        while self._fifo.samples >= CHUNK_FRAMES:
            self._on_decoded(_frame_to_float(self._fifo.read(CHUNK_FRAMES)))

    def _take(self, frames: list[av.AudioFrame]) -> None:
        for frame in frames:
            frame.pts = None  # the fifo checks timestamps for gaps; parts' timestamps restart
            self._fifo.write(frame)

    def finish(self) -> None:
        if self._decoder is not None:
            self._take(self._decoder.decode(None))
        if self._fifo.samples:
            self._on_decoded(_frame_to_float(self._fifo.read()))


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
    decoded_part: Callable[[int], Callable[[np.ndarray], None]] | None = None,
    packets_out: list[_Packet] | None = None,
) -> None:
    """Encode to `target`. For lossy formats, `on_decoded` receives the decoded result in
    order, in chunks of about 10 s, while encoding goes on. Opus may instead be given
    `decoded_part`, called once per independently coded part (in programme order, with
    the sample where the part's audio starts) for a consumer that receives that part's
    decoded audio in order, on that part's encoder thread; a long programme is then
    decoded on the encoder threads too. `packets_out` collects Opus packets (payload,
    pts, duration) in order."""
    if fmt is OutputFormat.WAV:
        _encode_wav(samples, sample_rate, target)
    elif fmt is OutputFormat.OPUS and on_decoded is None:
        _encode_opus(samples, sample_rate, bitrate, target, cancel, decoded_part, packets_out)
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
        # One consumer in programme order: the first part feeds it as it is decoded, later
        # parts are held until the encoders are done.
        held: list[list[np.ndarray]] = []

        def make_consumer(_start: int) -> Callable[[np.ndarray], None]:
            if not held:
                held.append([])
                return on_decoded
            held.append([])
            return held[-1].append

        _encode_opus(samples, sample_rate, bitrate, target, cancel, make_consumer)
        for chunks in held[1:]:
            for chunk in chunks:
                on_decoded(chunk)


def decode_mono(path: Path) -> tuple[np.ndarray, int]:
    """Decode a mono output file back to float32."""
    parts: list[np.ndarray] = []
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        rate = stream.rate
        fifo = av.AudioFifo()
        for frame in container.decode(stream):
            frame.pts = None
            fifo.write(frame)
            if fifo.samples >= CHUNK_FRAMES:
                parts.append(_frame_to_float(fifo.read()))
        if fifo.samples:
            parts.append(_frame_to_float(fifo.read()))
    return (np.concatenate(parts) if parts else np.zeros(0, np.float32)), rate

"""20 ms Opus frames through libopus itself (ctypes), for live broadcast: the encoder with
in-band FEC on, the decoder with FEC recovery and packet-loss concealment (PLC), which
neither PyAV nor libsndfile expose.

libopus is found as the system library (Debian's libopus0, which libsndfile already pulls
in) or, failing that, as the copy bundled with PyAV. One Encoder or Decoder per thread.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import glob
import os

from crs_protocol.live import FRAME_SAMPLES, MAX_PAYLOAD, RATE

APPLICATION_VOIP = 2048
SET_BITRATE = 4002
SET_INBAND_FEC = 4012
SET_PACKET_LOSS_PERC = 4014

_lib = None


class OpusUnavailable(RuntimeError):
    """libopus could not be loaded."""


def _libopus():
    global _lib
    if _lib is not None:
        return _lib
    candidates = [ctypes.util.find_library("opus"), "libopus.so.0"]
    try:
        import av  # noqa: F401 (only to find the libopus it bundles)

        folder = os.path.join(os.path.dirname(os.path.dirname(av.__file__)), "av.libs")
        candidates += glob.glob(os.path.join(folder, "libopus*"))
    except ImportError:
        pass
    for name in candidates:
        if not name:
            continue
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        lib.opus_encoder_create.restype = ctypes.c_void_p
        lib.opus_decoder_create.restype = ctypes.c_void_p
        lib.opus_encode.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int32]
        lib.opus_decode.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int32, ctypes.c_char_p, ctypes.c_int,
                                    ctypes.c_int]
        lib.opus_encoder_destroy.argtypes = [ctypes.c_void_p]
        lib.opus_decoder_destroy.argtypes = [ctypes.c_void_p]
        _lib = lib
        return lib
    raise OpusUnavailable("libopus not found (install libopus0)")


class Encoder:
    """Mono 48 kHz int16 PCM, 960 samples at a time, into Opus packets with in-band FEC."""

    def __init__(self, bitrate: int = 32000, loss_percent: int = 10) -> None:
        self.lib = _libopus()
        error = ctypes.c_int()
        self.state = self.lib.opus_encoder_create(RATE, 1, APPLICATION_VOIP, ctypes.byref(error))
        if error.value != 0 or not self.state:
            raise OpusUnavailable(f"opus_encoder_create: {error.value}")
        for request, value in ((SET_BITRATE, bitrate), (SET_INBAND_FEC, 1), (SET_PACKET_LOSS_PERC, loss_percent)):
            self.lib.opus_encoder_ctl(ctypes.c_void_p(self.state), ctypes.c_int(request), ctypes.c_int32(value))
        self.out = ctypes.create_string_buffer(MAX_PAYLOAD)

    def encode(self, pcm: bytes) -> bytes:
        if len(pcm) != FRAME_SAMPLES * 2:
            raise ValueError("an Opus frame here is 960 int16 samples")
        n = self.lib.opus_encode(self.state, pcm, FRAME_SAMPLES, self.out, MAX_PAYLOAD)
        if n < 0:
            raise ValueError(f"opus_encode: {n}")
        return self.out.raw[:n]

    def close(self) -> None:
        if self.state:
            self.lib.opus_encoder_destroy(self.state)
            self.state = None


class Decoder:
    """Opus packets back into 960 int16 samples (bytes); `decode(None)` conceals a lost
    frame, `decode(next_packet, fec=True)` recovers it from the next packet's FEC data."""

    def __init__(self) -> None:
        self.lib = _libopus()
        error = ctypes.c_int()
        self.state = self.lib.opus_decoder_create(RATE, 1, ctypes.byref(error))
        if error.value != 0 or not self.state:
            raise OpusUnavailable(f"opus_decoder_create: {error.value}")
        self.out = ctypes.create_string_buffer(FRAME_SAMPLES * 2)

    def decode(self, packet: bytes | None, fec: bool = False) -> bytes:
        n = self.lib.opus_decode(self.state, packet, len(packet) if packet else 0, self.out, FRAME_SAMPLES,
                                 1 if fec else 0)
        if n < 0:
            raise ValueError(f"opus_decode: {n}")
        return self.out.raw[:n * 2]

    def close(self) -> None:
        if self.state:
            self.lib.opus_decoder_destroy(self.state)
            self.state = None

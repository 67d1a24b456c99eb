"""crs_receiver.resample's fallback (no soxr on the box): a 44.1 kHz tone fed in uneven
chunks comes out at 48 kHz with its pitch, its length and no seams between chunks."""

from __future__ import annotations

import numpy as np
from crs_receiver.resample import LinearStream


def test_a_tone_keeps_its_pitch_and_length_across_chunks():
    rate_in, seconds, freq = 44100, 2.0, 440.0
    t = np.arange(int(rate_in * seconds)) / rate_in
    tone = (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    stream = LinearStream(rate_in, 48000)
    cuts = [0, 1, 1000, 1001, 20000, 44100, 60000, len(tone)]
    parts = [stream.resample_chunk(tone[a:b], last=(b == len(tone))) for a, b in zip(cuts, cuts[1:])]
    out = np.concatenate(parts)
    assert out.dtype == np.float32
    assert abs(len(out) - 48000 * seconds) <= 2
    expected = 0.5 * np.sin(2 * np.pi * freq * np.arange(len(out)) / 48000)
    # linear interpolation of a 440 Hz tone at 44.1 kHz: error well under 1 % of full scale
    assert np.max(np.abs(out - expected)) < 0.01
    spectrum = np.abs(np.fft.rfft(out * np.hanning(len(out))))
    assert abs(np.argmax(spectrum) * 48000 / len(out) - freq) < 1.0


def test_downsampling_and_tiny_chunks():
    stream = LinearStream(96000, 48000)
    ramp = np.arange(96, dtype=np.float32)
    out = np.concatenate([stream.resample_chunk(ramp[i:i + 1]) for i in range(96)] +
                         [stream.resample_chunk(np.zeros(0, np.float32), last=True)])
    assert np.allclose(out, np.arange(0, 96, 2, dtype=np.float32))

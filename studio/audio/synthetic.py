"""Synthesised signals for tests, benchmarks and demo content (no recordings shipped).

`speech_like` is a pulse-excited, formant-filtered voice with syllable envelopes, noisy
consonants and pauses: the crest factor and spectrum of speech, deterministic by seed.
Pure functions.
"""

from __future__ import annotations

import numpy as np
import scipy.signal as ss

_VOWELS = ((730, 1090, 2440), (270, 2290, 3010), (300, 870, 2240), (530, 1840, 2480), (570, 840, 2410))


def _resonators(formants: tuple[int, int, int], sr: int) -> np.ndarray:
    sections = []
    for f, bw in zip(formants, (90, 120, 170)):
        r = np.exp(-np.pi * bw / sr)
        theta = 2 * np.pi * f / sr
        sections.append([1 - r, 0, 0, 1, -2 * r * np.cos(theta), r * r])
    return np.array(sections)


def speech_like(seconds: float, sr: int = 48000, seed: int = 0, level_db: float = -20.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    total = int(seconds * sr)
    out = np.zeros(total, dtype=np.float32)
    pos = int(0.2 * sr)
    while pos < total:
        syllables = rng.integers(3, 12)
        for _ in range(syllables):
            n = int(rng.uniform(0.14, 0.32) * sr)
            if pos + n >= total:
                break
            pitch = rng.uniform(95, 220)
            t = np.arange(n) / sr
            phase = np.cumsum(np.full(n, pitch / sr) * (1 + 0.03 * np.sin(2 * np.pi * 3 * t)))
            pulses = (np.diff(np.floor(phase), prepend=0) > 0).astype(np.float32)
            # Glottal source: pulses through a double pole give the -12 dB/octave tilt of a voice.
            glottal = ss.lfilter([1.0], [1.0, -1.94, 0.9409], pulses)
            glottal -= glottal.mean()
            voiced = ss.sosfilt(_resonators(_VOWELS[rng.integers(len(_VOWELS))], sr), glottal)
            envelope = np.sin(np.pi * np.minimum(1, t / t[-1])) ** 0.7
            consonant = np.zeros(n)
            k = int(rng.uniform(0.02, 0.06) * sr)
            consonant[:k] = rng.standard_normal(k) * 0.15 * np.hanning(2 * k)[:k]
            out[pos : pos + n] = (voiced * envelope * rng.uniform(0.5, 1.0) + consonant).astype(np.float32)
            pos += n + int(rng.uniform(0.0, 0.05) * sr)
        pos += int(rng.uniform(0.25, 0.8) * sr)  # pause between phrases
    rms = np.sqrt(np.mean(out[out != 0] ** 2))
    out *= np.float32(10 ** (level_db / 20) / rms)
    out += rng.standard_normal(total).astype(np.float32) * np.float32(10 ** (-65 / 20))  # room noise
    return out


def music_like(seconds: float, sr: int = 48000, seed: int = 1) -> np.ndarray:
    """Chords with a beat: dense, low crest factor, bass under 100 Hz."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * sr)) / sr
    out = np.zeros_like(t)
    for f in (55.0, 110.0, 220.0, 277.2, 329.6, 440.0, 659.3):
        out += np.sin(2 * np.pi * f * t + rng.uniform(0, 6.28)) / len((1,) * 7)
    beat = 0.6 + 0.4 * (np.sin(2 * np.pi * 2 * t) > 0)
    return (0.3 * out * beat + 0.02 * rng.standard_normal(len(t))).astype(np.float32)


def near_silence_with_spike(seconds: float, sr: int = 48000, seed: int = 2) -> np.ndarray:
    """Hiss at -60 dBFS with one full-scale click in the middle."""
    rng = np.random.default_rng(seed)
    out = (rng.standard_normal(int(seconds * sr)) * 10 ** (-60 / 20)).astype(np.float32)
    mid = len(out) // 2
    out[mid : mid + 48] = np.hanning(48).astype(np.float32) * 0.99
    return out


def clipped(seconds: float, sr: int = 48000, seed: int = 3) -> np.ndarray:
    """Speech driven 12 dB into hard clipping, as from an overloaded recorder."""
    return np.clip(speech_like(seconds, sr, seed, level_db=-8.0), -1.0, 1.0)


def sine(seconds: float, freq: float, sr: int = 48000, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)

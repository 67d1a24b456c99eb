"""Make the studio's own jingles: studio/resources/jingles/*.flac (run once; the files are committed).

Bell-like chimes synthesised from a few inharmonic partials with exponential decay, the
way a carillon or a school bell sounds, in the pentatonic notes familiar from Vietnamese
radio call signs. 48 kHz mono, peak -3 dBFS. Made for this project; no licence needed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

SR = 48000
OUT = Path(__file__).resolve().parent.parent / "studio" / "resources" / "jingles"
PARTIALS = ((1.0, 1.0, 1.0), (2.0, 0.5, 1.6), (2.76, 0.25, 2.2), (5.4, 0.12, 3.0))  # ratio, level, decay


def bell(freq: float, seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    tone = sum(level * np.exp(-decay * t / seconds * 3) * np.sin(2 * np.pi * freq * ratio * t)
               for ratio, level, decay in PARTIALS)
    attack = np.minimum(1.0, t / 0.004)
    return tone * attack


def sequence(notes: list[tuple[float, float, float]], tail: float = 1.2) -> np.ndarray:
    """(start s, frequency Hz, ring s) per note."""
    length = max(start + ring for start, _, ring in notes) + tail
    out = np.zeros(int(length * SR))
    for start, freq, ring in notes:
        note = bell(freq, ring + tail)
        i = int(start * SR)
        out[i:i + len(note)] += note[: len(out) - i]
    fade = np.minimum(1.0, (len(out) - np.arange(len(out))) / (0.3 * SR))
    out *= fade
    return (out / np.max(np.abs(out)) * 10 ** (-3 / 20)).astype(np.float32)


C5, D5, E5, G5, A5, C6 = 523.25, 587.33, 659.26, 783.99, 880.0, 1046.5
JINGLES = {
    "chuong-mo-dau": [(0.0, C5, 0.6), (0.35, E5, 0.6), (0.7, G5, 0.6), (1.05, C6, 1.4)],  # intro
    "chuong-ket-thuc": [(0.0, C6, 0.6), (0.35, G5, 0.6), (0.7, E5, 0.6), (1.05, C5, 1.4)],  # outro
    "chuong-bao": [(0.0, G5, 0.5), (0.3, E5, 0.9)],  # a short call between items
    "chuong-khan-cap": [(i * 0.25, A5 if i % 2 else D5, 0.3) for i in range(8)],  # emergency
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, notes in JINGLES.items():
        sf.write(OUT / f"{name}.flac", sequence(notes), SR, subtype="PCM_16")
        print(OUT / f"{name}.flac")


if __name__ == "__main__":
    main()

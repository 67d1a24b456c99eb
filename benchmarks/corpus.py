"""A render corpus made of real material, not the project's own synthesiser.

Made at benchmark (or test) time, nothing downloaded at run time: espeak-ng reads the
sample bulletins (/work/shared/samples, else a built-in paragraph) in several voices and
rates; the music is eight recorded rock and metal songs that Debian packages
(fretsonfire-songs-muldjord and -sectoid, CC BY-SA 3.0, 27 minutes; setup-env.sh installs
them); numpy only mixes, scales and clips. Each class is a 48 kHz mono 16-bit WAV of the
asked length:

- speech: espeak-ng, Vietnamese and English voices at 130-200 words/min, concatenated
- noisy: that speech under broadband (pink) noise at 10 dB SNR, a field recording
- music: the songs one after the other, each its backing and guitar stems mixed and
  brick-wall limited by ffmpeg's alimiter (dense masters, -7.6 to -11 LUFS)
- hot: the speech 18 dB too hot, hard-clipped at full scale (a phone held too close)
- hum: the speech 30 dB down under 50 Hz mains hum and its harmonics (a quiet room mic)

`loop` (not in CLASSES, ask for it) is the earlier music: an 8 s sox loop of chords and
drums tiled for the whole length, squashed by ffmpeg's compressor. Every stretch of it is
the same, so the codec probe's excerpts all sample one moment; kept as that hard case.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

SR = 48000
CLASSES = ("speech", "noisy", "music", "hot", "hum")
SAMPLES = Path("/work/shared/samples")
SONGS = Path("/usr/share/games/fretsonfire/data/songs")
_FALLBACK = (
    "Thông báo của Ủy ban nhân dân xã về việc tổ chức tiêm chủng mở rộng cho trẻ em dưới năm tuổi. "
    "Đề nghị các hộ gia đình đưa trẻ đến đúng giờ và mang theo sổ tiêm chủng."
)
_VOICES = (("vi", 150), ("vi+f3", 175), ("en-gb", 165), ("vi+m3", 130), ("en-us+f2", 200), ("vi+f4", 160))


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} is needed to build the corpus")
    return found


def _texts() -> list[str]:
    files = sorted(SAMPLES.glob("0[1-5]*.txt")) if SAMPLES.is_dir() else []
    texts = [f.read_text(encoding="utf-8") for f in files]
    return texts or [_FALLBACK]


def _read_48k(path: Path) -> np.ndarray:
    import soxr

    audio, rate = sf.read(path, dtype="float32", always_2d=True)
    mono = audio.mean(axis=1)
    return soxr.resample(mono, rate, SR).astype(np.float32) if rate != SR else mono


def _fit(parts: list[np.ndarray], seconds: float) -> np.ndarray:
    """Concatenate `parts` over and over to exactly `seconds`."""
    need = int(seconds * SR)
    joined = np.concatenate(parts)
    reps = -(-need // len(joined))
    return np.tile(joined, reps)[:need]


def speech(seconds: float, work: Path) -> np.ndarray:
    espeak = _tool("espeak-ng")
    parts: list[np.ndarray] = []
    total = 0
    texts = _texts()
    for i, (voice, rate) in enumerate(_VOICES * 4):
        out = work / f"tts{i}.wav"
        text = texts[i % len(texts)]
        subprocess.run([espeak, "-v", voice, "-s", str(rate), "-g", str(2 + i % 5), "-w", str(out), text],
                       check=True, capture_output=True, timeout=300)
        part = _read_48k(out)
        part *= np.float32(10 ** ((-3.0 * (i % 4)) / 20))  # a level change per speaker
        parts += [part, np.zeros(int(SR * (0.4 + 0.3 * (i % 3))), np.float32)]
        total += len(part)
        if total > seconds * SR or total > 12 * 60 * SR:  # enough distinct material
            break
    return _fit(parts, seconds)


def _pink(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    spectrum = np.fft.rfft(rng.standard_normal(min(n, 1 << 22)))
    spectrum /= np.sqrt(np.maximum(np.arange(len(spectrum)), 1.0))
    noise = np.fft.irfft(spectrum).astype(np.float32)
    return np.resize(noise, n) / np.float32(noise.std())


def noisy(clean: np.ndarray) -> np.ndarray:
    active = clean[np.abs(clean) > 1e-3]
    rms = float(np.sqrt(np.mean(active.astype(np.float64) ** 2))) if len(active) else 0.1
    noise = _pink(len(clean), 3) * np.float32(rms / 10 ** (10 / 20))  # 10 dB SNR on the speech
    return np.clip(clean + noise, -1, 1)


def music(seconds: float, work: Path) -> np.ndarray:
    """The recorded songs back to back (over again if `seconds` is longer than all 27 min)."""
    ffmpeg = _tool("ffmpeg")
    songs = sorted(SONGS.glob("*/*/song.ogg"))
    if not songs:
        raise RuntimeError(f"no songs in {SONGS}: install Debian's fretsonfire-songs-muldjord and "
                           "fretsonfire-songs-sectoid (bash installers/linux/setup-env.sh does)")
    parts: list[np.ndarray] = []
    total = 0
    for i, song in enumerate(songs):
        stems = sorted(song.parent.glob("*.ogg"))  # guitar.ogg and song.ogg: the game plays both
        out = work / f"song{i}.wav"
        inputs = [arg for stem in stems for arg in ("-i", str(stem))]
        # Summed they pass full scale by up to 5 dB: limited as a mastering engineer would.
        subprocess.run([ffmpeg, "-v", "error", "-y", *inputs, "-filter_complex",
                        f"amix=inputs={len(stems)}:normalize=0,alimiter=limit=0.95:level=false",
                        "-c:a", "pcm_f32le", str(out)], check=True, capture_output=True, timeout=300)
        parts.append(_read_48k(out))
        total += len(parts[-1])
        if total >= seconds * SR:
            break
    return _fit(parts, seconds)


def loop(seconds: float, work: Path) -> np.ndarray:
    sox, ffmpeg = _tool("sox"), _tool("ffmpeg")
    bar = work / "bar.wav"
    chords = ["C3 E3 G3 C4", "A2 C3 E3 A3", "F2 A2 C3 F3", "G2 B2 D3 G3"]
    pieces = []
    for i, chord in enumerate(chords):
        out = work / f"chord{i}.wav"
        synth = [w for note in chord.split() for w in ("pluck", note)]
        subprocess.run([sox, "-R", "-n", "-r", str(SR), "-c", "1", str(out), "synth", "2", *synth,
                        "gain", "-6"], check=True, capture_output=True)
        pieces.append(out)
    subprocess.run([sox, "-R", *map(str, pieces), str(bar)], check=True, capture_output=True)
    kick, snare, hat = work / "kick.wav", work / "snare.wav", work / "hat.wav"
    subprocess.run([sox, "-R", "-n", "-r", str(SR), "-c", "1", str(kick), "synth", "0.5", "sine", "90:40",
                    "fade", "0", "0.5", "0.45"], check=True, capture_output=True)
    subprocess.run([sox, "-R", "-n", "-r", str(SR), "-c", "1", str(snare), "synth", "0.5", "noise",
                    "bandpass", "1800", "1.2q", "fade", "0", "0.5", "0.4"], check=True, capture_output=True)
    subprocess.run([sox, "-R", "-n", "-r", str(SR), "-c", "1", str(hat), "synth", "0.25", "noise",
                    "highpass", "7000", "fade", "0", "0.25", "0.22"], check=True, capture_output=True)
    loop = _read_48k(bar)
    beat = SR // 2  # 120 bpm
    for hit, every, offset, level in ((kick, 2, 0, 0.9), (snare, 2, 1, 0.6), (hat, 1, 0, 0.25)):
        sound = _read_48k(hit) * np.float32(level)
        for start in range(offset * beat, len(loop) - len(sound), every * beat):
            loop[start : start + len(sound)] += sound
    raw = work / "music-raw.wav"
    sf.write(raw, _fit([loop], min(seconds, 120.0)), SR, subtype="FLOAT")
    squashed = work / "music.wav"
    subprocess.run([ffmpeg, "-v", "error", "-y", "-i", str(raw), "-af",
                    "acompressor=threshold=0.05:ratio=8:attack=2:release=60:makeup=6,alimiter=limit=0.95",
                    "-c:a", "pcm_f32le", str(squashed)], check=True, capture_output=True)
    return _fit([_read_48k(squashed)], seconds)


def hot(clean: np.ndarray) -> np.ndarray:
    return np.clip(clean * np.float32(10 ** (18 / 20)), -1.0, 1.0)


def hum(clean: np.ndarray) -> np.ndarray:
    t = np.arange(len(clean), dtype=np.float64) / SR
    mains = sum(a * np.sin(2 * np.pi * f * t) for f, a in ((50, 0.006), (100, 0.003), (150, 0.002), (250, 0.001)))
    floor = _pink(len(clean), 7) * np.float32(0.0008)
    return (clean * np.float32(10 ** (-30 / 20)) + mains.astype(np.float32) + floor).astype(np.float32)


def build(minutes: float, out_dir: Path, classes: tuple[str, ...] = CLASSES) -> dict[str, Path]:
    """Write each class as `out_dir/<class>.wav` (48 kHz mono PCM-16); return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    seconds = minutes * 60
    made: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(prefix="crs-corpus-") as tmp:
        work = Path(tmp)
        clean = speech(seconds, work) if set(classes) - {"music", "loop"} else None
        for name in classes:
            if name == "music":
                audio = music(seconds, work)
            elif name == "loop":
                audio = loop(seconds, work)
            else:
                audio = {"speech": lambda x: x, "noisy": noisy, "hot": hot, "hum": hum}[name](clean)
            path = out_dir / f"{name}.wav"
            sf.write(path, audio, SR, subtype="PCM_16")
            made[name] = path
    return made

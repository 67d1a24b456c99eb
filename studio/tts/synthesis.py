"""From typed text to one WAV of speech: normalise, split, synthesise, join with pauses.

The reading is split into sentences; each is synthesised once per (engine, voice, rate,
engine rate parameter, volume, lexicon version, normalised sentence) and kept in a content-addressed cache, so
editing one sentence of a bulletin re-synthesises that sentence only. The sentences are
trimmed of the engine's own edge silence and joined with pauses that say where a
sentence, a line and a paragraph end. The result goes into the library like any clip,
with its `SpeechSource` (text, voice, settings), and is rendered for broadcast by the
same render path as every other clip (loudness target, true-peak limit).

The rate is syllables per minute: the synthesiser maps it to the engine's own parameter
through the voice's calibration (`studio.tts.speech_rate`, measured on first use of a
voice and stored beside the cache), and `estimate_seconds` says, before synthesis, how
long the clip will last (the syllables at that rate plus the pauses below).

Threading: `Synthesizer.synthesize` blocks (child processes, disk); run it in a worker
thread. Progress and cancellation follow the core's long-job convention.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import threading
import wave
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import soundfile as sf

from studio.errors import Cancelled, EmptyText, StudioError
from studio.tts.engines import SpeechSettings, TtsEngine
from studio.tts.normalizer import Normalizer, Reading
from studio.tts.speech_rate import RATE_UNIT, RateCalibrator, count_syllables, syllables_from_legacy_wpm

log = logging.getLogger(__name__)

PAUSE_SENTENCE = 0.45  # seconds of silence after a sentence
PAUSE_LINE = 0.65  # after a heading or a list item (a line of its own)
PAUSE_PARAGRAPH = 1.0  # after a paragraph
EDGE_KEEP = 0.03  # keep this much of the engine's silence at each edge of a sentence
SILENCE_DBFS = -50.0


@dataclass(frozen=True)
class Sentence:
    text: str
    pause_after: float


_SPLIT = re.compile(r"\n[ \t]*\n\s*|\n|(?<=[.!?…])[ \t]+(?=\S)")


def split_sentences(spoken: str) -> list[Sentence]:
    """Sentences of a reading with the pause after each (only those holding a letter or
    digit: a line of dashes says nothing)."""
    sentences: list[Sentence] = []
    position = 0
    for match in _SPLIT.finditer(spoken + "\n"):
        text = spoken[position:match.start()].strip()
        position = match.end()
        separator = match.group()
        pause = PAUSE_PARAGRAPH if separator.count("\n") >= 2 else PAUSE_LINE if "\n" in separator else PAUSE_SENTENCE
        if any(c.isalnum() for c in text):
            sentences.append(Sentence(text, pause))
        elif sentences and pause > sentences[-1].pause_after:
            sentences[-1] = Sentence(sentences[-1].text, pause)
    return sentences


def estimate_seconds(sentences: list[Sentence], syllables_per_minute: float) -> float:
    """How long the clip of these sentences will last at this speed: the syllables at the
    rate, the pauses between sentences, and the edge the join keeps around each."""
    if not sentences:
        return 0.0
    speech = sum(count_syllables(s.text) for s in sentences) * 60.0 / max(1.0, syllables_per_minute)
    return speech + sum(s.pause_after for s in sentences[:-1]) + 2 * EDGE_KEEP * len(sentences)


@dataclass(frozen=True)
class SpeechSource:
    """What a synthesised clip was made from: enough to make it again."""

    text: str
    engine: str
    voice: str
    rate: int  # syllables per minute
    volume: float
    region: str
    lexicon_version: str
    rate_unit: str = RATE_UNIT

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> SpeechSource:
        data = json.loads(text)
        if "rate_unit" not in data:  # written before issue 17: the rate was espeak's words/min
            data["rate"] = syllables_from_legacy_wpm(data["rate"])
            data["rate_unit"] = RATE_UNIT
        return cls(**data)


@dataclass(frozen=True)
class SynthesisResult:
    path: Path
    reading: Reading
    sentences: tuple[Sentence, ...]
    sample_rate: int
    duration_s: float
    cached_sentences: int


class SpeechCache:
    """Synthesised sentences by content key, one WAV each; safe to share between
    threads and processes (files appear by atomic rename)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @staticmethod
    def key(engine: str, settings: SpeechSettings, voice_id: str, lexicon_version: str, text: str) -> str:
        native = "" if settings.native_rate is None else f"{settings.native_rate:.3f}"
        parts = (engine, voice_id, f"{settings.rate}{RATE_UNIT}", native, f"{settings.volume:.3f}",
                 lexicon_version, text)
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()

    def path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.wav"

    def get(self, key: str) -> Path | None:
        path = self.path(key)
        return path if path.exists() else None

    def put(self, key: str, source: Path) -> Path:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        shutil.copyfile(source, temporary)
        os.replace(temporary, target)
        return target

    def take(self, key: str, source: Path) -> Path:
        """Like put, moving `source` (a file of ours on the same disk) instead of copying."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(source, target)
        except OSError:  # another disk: copy
            return self.put(key, source)
        return target


class Synthesizer:
    def __init__(self, engine: TtsEngine, cache: SpeechCache, normalizer: Normalizer,
                 rates: RateCalibrator | None = None) -> None:
        self.engine = engine
        self.cache = cache
        self.normalizer = normalizer
        self.rates = rates or RateCalibrator(cache.directory / "rate-calibration.json")

    def engine_settings(self, settings: SpeechSettings, cancel: threading.Event | None = None) -> SpeechSettings:
        """`settings` with the engine's own rate parameter for its syllables/min, from the
        voice's calibration (measured now if it never was)."""
        control = getattr(self.engine, "rate_control", None)
        if control is None or settings.native_rate is not None:
            return settings
        try:
            voice = self.voice_id(settings)
        except StudioError:  # no voice list: the engine reports that when it synthesises
            voice = settings.voice
        calibration = self.rates.calibration(self.engine, voice, cancel)
        return replace(settings, native_rate=round(control.native(settings.rate, calibration), 3))

    def voice_id(self, settings: SpeechSettings) -> str:
        """The voice this synthesiser will use (asks the engine when none is set)."""
        from studio.tts.engines import default_voice

        return settings.voice or default_voice(self.engine).id

    def synthesize(
        self,
        text: str,
        settings: SpeechSettings,
        out_path: Path,
        first_sentence_only: bool = False,
        cancel: threading.Event | None = None,
        progress: Callable[[int, int], None] | None = None,
        convert_legacy: bool = True,
    ) -> SynthesisResult:
        reading = self.normalizer.normalize(text, convert_legacy=convert_legacy)
        sentences = split_sentences(reading.text)
        if not sentences:
            raise EmptyText()
        if first_sentence_only:
            sentences = sentences[:1]
        voice_id = settings.voice  # "" (the engine's default voice) is a key of its own
        settings = self.engine_settings(SpeechSettings(voice_id, settings.rate, settings.volume,
                                                       settings.native_rate), cancel)
        version = self.normalizer.lexicon.version
        # An engine whose voices are files (Piper) keys them by content, not by name alone.
        tag = getattr(self.engine, "cache_tag", None)
        engine_key = tag(voice_id) if tag is not None else self.engine.id
        keys = [SpeechCache.key(engine_key, settings, voice_id, version, s.text) for s in sentences]
        found = {i: p for i, key in enumerate(keys) if (p := self.cache.get(key)) is not None}
        todo = [i for i in range(len(sentences)) if i not in found]
        if todo:
            with tempfile.TemporaryDirectory(prefix="crs-tts-") as work:
                def step(done: int, total: int) -> None:
                    if progress is not None:
                        progress(len(found) + done, len(sentences))

                try:
                    made = self.engine.synthesize([sentences[i].text for i in todo],
                                                  settings,
                                                  Path(work), cancel, step)
                except StudioError as exc:
                    # An engine that made some sentences before failing (a provider gone offline
                    # mid-bulletin) lists them in `partial`: keep them, they cost quota.
                    for j, path in getattr(exc, "partial", {}).items():
                        self.cache.take(keys[todo[j]], path)
                    raise
                for i, path in zip(todo, made):
                    found[i] = self.cache.take(keys[i], path)
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        rate, duration = _join([found[i] for i in range(len(sentences))], sentences, out_path)
        log.info("synthesised %d sentences (%d from cache), %.1f s of speech", len(sentences),
                 len(sentences) - len(todo), duration)
        return SynthesisResult(out_path, reading, tuple(sentences), rate, duration, len(sentences) - len(todo))


def _read_pcm16(path: Path) -> tuple[np.ndarray, int]:
    """A sentence as mono 16-bit samples. Engines write plain 16-bit WAV, read here
    without conversion; anything else goes through soundfile."""
    try:
        with wave.open(str(path), "rb") as wav:
            if wav.getsampwidth() == 2 and wav.getnchannels() == 1:
                return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2"), wav.getframerate()
    except (wave.Error, EOFError):
        pass
    audio, rate = sf.read(path, dtype="float32", always_2d=True)
    return np.clip(np.round(audio.mean(axis=1) * 32767), -32768, 32767).astype(np.int16), rate


def _trim(audio: np.ndarray, rate: int) -> np.ndarray:
    loud = np.flatnonzero(np.abs(audio.astype(np.int32)) > int(32768 * 10 ** (SILENCE_DBFS / 20)))
    if loud.size == 0:
        return audio[:0]
    keep = int(EDGE_KEEP * rate)
    return audio[max(0, loud[0] - keep): loud[-1] + 1 + keep]


def _join(paths: list[Path], sentences: list[Sentence], out_path: Path) -> tuple[int, float]:
    """Write the sentences one after another with their pauses; returns (rate, seconds)."""
    pieces: list[np.ndarray] = []
    rate = 0
    for path, sentence in zip(paths, sentences):
        audio, file_rate = _read_pcm16(path)
        if rate == 0:
            rate = file_rate
        elif file_rate != rate:
            import soxr

            audio = soxr.resample(audio, file_rate, rate)
        pieces.append(_trim(audio, rate))
        pieces.append(np.zeros(int(sentence.pause_after * rate), dtype=np.int16))
    joined = np.concatenate(pieces[:-1])
    if joined.size == 0:
        raise EmptyText()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    temporary = out_path.with_name(f".{out_path.name}.tmp")
    with wave.open(str(temporary), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(joined.astype("<i2", copy=False).tobytes())
    os.replace(temporary, out_path)
    return rate, joined.size / rate

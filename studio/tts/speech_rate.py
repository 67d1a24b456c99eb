"""The speed setting in syllables per minute, whatever the engine.

Vietnamese writes one syllable per word, so the officer's "180 âm tiết/phút" is the one
measure that means the same for every voice. Each engine has a rate parameter of its own
(espeak-ng: "words per minute" that are not Vietnamese words — 150 gives about 230
syllables a minute; SAPI5: a rate around 200; Piper: `length_scale`, which is inverse).
An engine describes that parameter with a `RateControl`: the values worth probing and a
nominal table measured once on the engine. `RateCalibrator` measures each (engine, voice)
on the engine itself — a fixed passage read at the probe values, syllables counted from
its text, speech timed from the audio without its edge silence — and stores the result,
so every later synthesis maps syllables/min to the engine's parameter by interpolation
(log-log, which fits both a proportional and an inverse parameter).

A words/min value stored by an older studio is converted by `syllables_from_legacy_wpm`.

Threading: the value types are frozen; `RateCalibrator` guards its store with a lock and
writes it atomically, so one calibrator may serve several threads. `calibration()` may
synthesise (blocking, child processes): call it off the UI thread.
"""

from __future__ import annotations

import json
import logging
import math
import tempfile
import threading
import wave
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from studio.storage.durable import atomic_write_bytes

if TYPE_CHECKING:
    import numpy as np

    from studio.tts.engines import TtsEngine

log = logging.getLogger(__name__)

DEFAULT_RATE = 180  # syllables per minute: slower than a desk reading, for loudspeakers outdoors
RATE_RANGE = (80, 300)
RATE_UNIT = "syllables/min"
# The old setting was espeak-ng's own words/min: "150 từ/phút" read about 214 syllables a
# minute (issue 17: 59 words in 16.5 s). A stored old value is converted with that ratio,
# so a bulletin read again keeps the speed it was made at.
LEGACY_SYLLABLES_PER_WPM = 214 / 150
SILENCE_DBFS = -50.0  # the threshold the synthesiser trims sentences at

# The passage every voice is calibrated on: notice sentences, already in words, with the
# commas of a real notice (an engine pauses at them, and so will it in a bulletin).
CALIBRATION_PASSAGE = (
    "Ủy ban nhân dân xã thông báo lịch tiêm vắc xin sởi cho trẻ em từ chín tháng tuổi tại trạm y tế xã, "
    "đề nghị các gia đình đưa con em đến đúng giờ.",
    "Các hộ ở vùng nguy cơ sạt lở di dời đến nơi an toàn trước mười bảy giờ ngày hai mươi lăm tháng mười một, "
    "mang theo giấy tờ tùy thân và lương thực cho ba ngày.",
    "Hạn nộp thuế sử dụng đất phi nông nghiệp là ngày ba mươi tháng sáu, bà con nộp tại bộ phận một cửa.",
)


def syllables_from_legacy_wpm(words_per_minute: float) -> int:
    return round(words_per_minute * LEGACY_SYLLABLES_PER_WPM)


def count_syllables(spoken: str) -> int:
    """Syllables in a normalised reading: one per written word (a word holding a letter or
    a digit; punctuation alone is none)."""
    return sum(1 for word in spoken.split() if any(c.isalnum() for c in word))


def speech_span(samples: np.ndarray, sample_rate: int, threshold_dbfs: float = SILENCE_DBFS) -> float:
    """Seconds from the first to the last sample above the threshold (16-bit samples)."""
    import numpy as np  # here, not at the top: the CLI reads this module's constants at start-up

    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > int(32768 * 10 ** (threshold_dbfs / 20)))
    return 0.0 if loud.size == 0 else (loud[-1] + 1 - loud[0]) / sample_rate


def read_wav16(path: Path) -> tuple[np.ndarray, int]:
    import numpy as np

    with wave.open(str(path), "rb") as wav:
        if wav.getsampwidth() != 2:
            raise ValueError(f"{path}: expected 16-bit samples")
        audio = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
        return audio.reshape(-1, wav.getnchannels()).mean(axis=1).astype(np.int16), wav.getframerate()


@dataclass(frozen=True)
class RateCalibration:
    """Measured (engine parameter, syllables/min) points of one voice; maps either way."""

    points: tuple[tuple[float, float], ...]

    def __post_init__(self) -> None:
        usable = sorted((p for p in self.points if p[0] > 0 and p[1] > 0), key=lambda p: p[1])
        if len(usable) < 2:
            raise ValueError("a rate calibration needs two points")
        object.__setattr__(self, "points", tuple(usable))

    def native_for(self, syllables_per_minute: float) -> float:
        """The engine parameter for a speed: log-log interpolation between the measured
        points, extrapolated along the nearest segment."""
        target = math.log(max(1.0, syllables_per_minute))
        logs = [(math.log(native), math.log(rate)) for native, rate in self.points]
        for k in range(len(logs) - 1):
            (n0, r0), (n1, r1) = logs[k], logs[k + 1]
            if target <= r1 or k == len(logs) - 2:
                if r1 == r0:
                    return math.exp(n0)
                return math.exp(n0 + (target - r0) * (n1 - n0) / (r1 - r0))
        raise AssertionError("unreachable")

    def to_json(self) -> list:
        return [list(p) for p in self.points]


@dataclass(frozen=True)
class RateControl:
    """An engine's own rate parameter: its name, the values a calibration probes, and a
    nominal calibration measured once on the engine (used for a voice not yet measured)."""

    parameter: str
    probes: tuple[float, ...]
    nominal: RateCalibration
    version: int = 1  # bump when the parameter's meaning changes: stored calibrations are redone

    def native(self, syllables_per_minute: float, calibration: RateCalibration | None = None) -> float:
        return (calibration or self.nominal).native_for(syllables_per_minute)


class RateCalibrator:
    """Measured calibrations by (engine, voice), kept in one JSON file."""

    def __init__(self, store: Path) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._known: dict[str, RateCalibration] | None = None

    @staticmethod
    def _key(engine: TtsEngine, control: RateControl, voice_id: str) -> str:
        return f"{engine.id}|{control.parameter}|v{control.version}|{voice_id}"

    def _load(self) -> dict[str, RateCalibration]:
        if self._known is None:
            known: dict[str, RateCalibration] = {}
            try:
                data = json.loads(self.store.read_text(encoding="utf-8"))
                for key, points in data.items():
                    known[key] = RateCalibration(tuple((float(a), float(b)) for a, b in points))
            except FileNotFoundError:
                pass
            except (OSError, ValueError, TypeError, AttributeError) as exc:
                log.warning("rate calibrations in %s unreadable (%s); measuring again", self.store, exc)
            self._known = known
        return self._known

    def stored(self, engine: TtsEngine, voice_id: str) -> RateCalibration | None:
        control = getattr(engine, "rate_control", None)
        if control is None:
            return None
        with self._lock:
            return self._load().get(self._key(engine, control, voice_id))

    def calibration(self, engine: TtsEngine, voice_id: str, cancel: threading.Event | None = None
                    ) -> RateCalibration | None:
        """The voice's calibration, measured now (and stored) if it never was; None for an
        engine without a rate control."""
        control = getattr(engine, "rate_control", None)
        if control is None:
            return None
        key = self._key(engine, control, voice_id)
        with self._lock:
            found = self._load().get(key)
        if found is not None:
            return found
        measured = measure(engine, control, voice_id, cancel)
        with self._lock:
            known = self._load()
            known[key] = measured
            data = {k: v.to_json() for k, v in known.items()}
            atomic_write_bytes(self.store, json.dumps(data, indent=1).encode("utf-8"))
        log.info("calibrated %s voice %r: %s", engine.id, voice_id or "(default)",
                 ", ".join(f"{n:g} -> {r:.0f}" for n, r in measured.points))
        return measured


def measure(engine: TtsEngine, control: RateControl, voice_id: str, cancel: threading.Event | None = None,
            passage: Sequence[str] = CALIBRATION_PASSAGE) -> RateCalibration:
    """Read the passage at each probe value and time it: (value, syllables/min) points."""
    from studio.tts.engines import SpeechSettings

    syllables = [count_syllables(s) for s in passage]
    points = []
    with tempfile.TemporaryDirectory(prefix="crs-rate-") as work:
        for k, probe in enumerate(control.probes):
            settings = replace(SpeechSettings(voice_id), native_rate=probe)
            out = Path(work) / f"p{k}"
            out.mkdir()
            paths = engine.synthesize(list(passage), settings, out, cancel)
            seconds = 0.0
            for path in paths:
                audio, rate = read_wav16(path)
                seconds += speech_span(audio, rate)
            if seconds > 0:
                points.append((probe, sum(syllables) / seconds * 60))
    return RateCalibration(tuple(points))

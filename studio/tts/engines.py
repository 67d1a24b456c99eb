"""Speech engines behind one `TtsEngine` protocol.

- `Pyttsx3Engine` (the default): pyttsx3, which drives SAPI5 on Windows (the "Microsoft
  An" vi-VN voice) and espeak-ng on Linux. It runs in a worker process per job
  (`studio.tts.worker`) with a deadline: a hang is killed and reported as
  `SynthesisTimeout`, and a sentence the engine silently skipped is retried once in a
  fresh process before `SynthesisFailed`.
- `EspeakNgEngine`: the espeak-ng command line, one process per sentence; used when
  pyttsx3 is not installed.
The Piper neural engine (`studio.tts.piper_engine`) fits the same protocol: its `voices()`
lists the voice packs the user has installed, and `synthesize()` writes one WAV per
sentence; `studio.tts.engine_set` puts it beside the engine here in one voice list.

Speed: `SpeechSettings.rate` is syllables per minute for every engine. Each engine names
its own rate parameter in `rate_control` (`studio.tts.speech_rate`): the synthesiser maps
the syllables/min through a calibration measured on the voice and passes the result as
`SpeechSettings.native_rate`; an engine called without one uses its nominal table. A
Piper engine plugs in the same way with `length_scale` as its parameter.

Threading: methods block (they wait on child processes); call them off the UI thread.
Each call is independent, so one engine may serve several threads.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from importlib.util import find_spec
from pathlib import Path
from typing import Protocol

from studio.errors import Cancelled, EngineUnavailable, SynthesisFailed, SynthesisTimeout, VoiceNotFound
from studio.launch import module_command
from studio.tts.defaults import DEFAULT_TUNING
from studio.tts.espeak_tuning import EspeakTuning
from studio.tts.shares import EitherEvent, run_shares, split_shares
from studio.tts.speech_rate import DEFAULT_RATE, RateCalibration, RateControl

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


class VoiceAccent(Enum):
    """The regional accent a Vietnamese voice reads with (the window names it in Vietnamese)."""

    NORTHERN = "northern"
    CENTRAL = "central"
    SOUTHERN = "southern"


@dataclass(frozen=True)
class Voice:
    id: str
    name: str
    languages: tuple[str, ...]
    engine: str
    language_name: str = ""  # the language in its own name, where the engine says (Piper packs)
    country: str = ""  # the region the voice comes from, where the engine says (Piper packs)

    @property
    def accent(self) -> VoiceAccent | None:
        """From the engine's own id and name (espeak-ng: `vi` is Northern, `vi-vn-x-central`,
        `vi-vn-x-south`); None when the engine does not say (Windows' "Microsoft An")."""
        text = f"{self.id} {self.name}".lower()
        for accent, marks in ((VoiceAccent.CENTRAL, ("central",)), (VoiceAccent.SOUTHERN, ("south",)),
                              (VoiceAccent.NORTHERN, ("north",))):
            if any(mark in text for mark in marks):
                return accent
        return VoiceAccent.NORTHERN if self.id.lower() == "vi" else None

    @property
    def vietnamese(self) -> bool:
        return (any(lang.lower().replace("_", "-").startswith("vi") for lang in self.languages)
                or "vietnam" in self.name.lower() or self.name.startswith("Microsoft An"))


@dataclass(frozen=True)
class SpeechSettings:
    voice: str = ""  # a voice id; "" = the engine's first Vietnamese voice
    rate: int = DEFAULT_RATE  # syllables per minute (studio.tts.speech_rate), for every engine
    volume: float = 1.0
    # The engine's own rate parameter for `rate`, when the caller has mapped it through a
    # measured calibration; None: the engine maps `rate` with its nominal table.
    native_rate: float | None = None


# espeak-ng's speed is "words per minute" (80 to 450) that count no Vietnamese syllables;
# below 80 it stops slowing down, so the slower speeds add a gap between words instead.
# The parameter is one number, an "effective" speed: at or above 80 the speed itself,
# below 80 speed 80 and a word gap that grows smoothly as the value falls.
ESPEAK_MIN_SPEED = 80
# Measured on espeak-ng 1.51's `vi` voice, the calibration passage (studio.tts.speech_rate).
ESPEAK_RATE_CONTROL = RateControl(
    parameter="espeak-speed",
    probes=(50.0, 65.0, 80.0, 150.0, 240.0),
    nominal=RateCalibration(((40.0, 76.0), (50.0, 90.0), (60.0, 104.0), (80.0, 127.0), (150.0, 230.0),
                             (260.0, 415.0))),
)


def espeak_speed(native: float) -> tuple[int, int]:
    """(speed, word gap in espeak's 10 ms units) for an effective espeak speed."""
    if native >= ESPEAK_MIN_SPEED:
        return min(450, round(native)), 0
    return ESPEAK_MIN_SPEED, min(60, round((ESPEAK_MIN_SPEED / max(native, 10.0) - 1) * 10))


def native_rate(engine: TtsEngine, settings: SpeechSettings) -> float:
    """The engine parameter to synthesise `settings` at."""
    if settings.native_rate is not None:
        return settings.native_rate
    return engine.rate_control.native(settings.rate)


class TtsEngine(Protocol):
    id: str
    rate_control: RateControl  # how syllables/min map to this engine's own rate parameter

    def voices(self) -> list[Voice]: ...

    def synthesize(
        self,
        sentences: Sequence[str],
        settings: SpeechSettings,
        out_dir: Path,
        cancel: threading.Event | None = None,
        progress: Progress | None = None,
    ) -> list[Path]:
        """One WAV file per sentence, in order, written into `out_dir`."""
        ...


def default_voice(engine: TtsEngine, wanted: str = "") -> Voice:
    voices = engine.voices()
    if wanted:
        for voice in voices:
            if wanted in (voice.id, voice.name):
                return voice
        raise VoiceNotFound(engine.id, wanted)
    for voice in voices:
        if voice.vietnamese:
            return voice
    raise VoiceNotFound(engine.id, "(any Vietnamese voice)")


class _Worker:
    """One worker process, read line by line with a deadline (portable: no select on
    Windows pipes, so a thread reads)."""

    def __init__(self, command: Sequence[str], request: dict) -> None:
        # The worker finds studio.tts.worker where the parent found studio: installed (a wheel,
        # an editable checkout) or frozen (module_command), never through a path of our own.
        self.process = subprocess.Popen(
            list(command), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        self.lines: queue.Queue = queue.Queue()
        self.stderr_tail = b""
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()
        try:
            self.process.stdin.write(json.dumps(request, ensure_ascii=False).encode("utf-8"))
            self.process.stdin.close()
        except OSError:  # it died at once; its stderr says why
            pass

    def _read_stdout(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def _read_stderr(self) -> None:
        for line in self.process.stderr:
            self.stderr_tail = (self.stderr_tail + line)[-2000:]

    def messages(self, deadline: float, cancel: threading.Event | None):
        while True:
            remaining = deadline - time.monotonic()
            if cancel is not None and cancel.is_set():
                self.kill()
                raise Cancelled()
            if remaining <= 0:
                self.kill()
                raise TimeoutError
            try:
                line = self.lines.get(timeout=min(remaining, 0.1))
            except queue.Empty:
                continue
            if line is None:
                return
            try:
                yield json.loads(line)
            except ValueError:
                log.warning("speech worker wrote a stray line: %r", line[:200])

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()

    def finish(self) -> int:
        try:
            return self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
            return -9

    def reason(self) -> str:
        tail = self.stderr_tail.decode("utf-8", "replace").strip().splitlines()
        return tail[-1] if tail else f"exit status {self.process.returncode}"


class Pyttsx3Engine:
    id = "pyttsx3"
    # On Linux pyttsx3 drives libespeak-ng (the same parameter as the command line); SAPI5's
    # rate is measured by the calibration like any voice (this nominal table is espeak's).
    rate_control = ESPEAK_RATE_CONTROL

    def __init__(self, command: Sequence[str] | None = None, timeout_base: float = 20.0,
                 timeout_per_char: float = 0.02, workers: int | None = None) -> None:
        self.command = list(command) if command else module_command("studio.tts.worker")
        self.workers = workers or max(1, min(2, os.cpu_count() or 1))
        self.timeout_base = timeout_base
        self.timeout_per_char = timeout_per_char
        self._voices: list[Voice] | None = None

    @staticmethod
    def installed() -> bool:
        return find_spec("pyttsx3") is not None

    def _timeout(self, sentences: Sequence[str]) -> float:
        return self.timeout_base + self.timeout_per_char * sum(len(s) for s in sentences)

    def _run(self, request: dict, timeout: float, cancel: threading.Event | None):
        worker = _Worker(self.command, request)
        finished = False
        try:
            for message in worker.messages(time.monotonic() + timeout, cancel):
                if "error" in message:
                    worker.finish()
                    raise SynthesisFailed(self.id, message["error"])
                yield message
            finished = True
        except TimeoutError:
            log.error("speech worker killed after %.0f s", timeout)
            raise SynthesisTimeout(self.id, timeout) from None
        finally:
            if not finished:
                worker.kill()
        if worker.finish() != 0:
            raise SynthesisFailed(self.id, worker.reason())

    def voices(self) -> list[Voice]:
        if self._voices is None:
            found: list[Voice] = []
            for message in self._run({"op": "voices"}, self.timeout_base, None):
                for v in message.get("voices", []):
                    found.append(Voice(v["id"], v["name"], tuple(v["languages"]), self.id))
            if not found:
                raise EngineUnavailable(self.id, "it lists no voices")
            self._voices = found
        return self._voices

    def synthesize(self, sentences, settings, out_dir, cancel=None, progress=None) -> list[Path]:
        voice = settings.voice  # the worker resolves it ("" = first Vietnamese voice)
        results: dict[int, Path] = {}
        lock = threading.Lock()
        todo = list(range(len(sentences)))
        for attempt in range(2):  # a silently skipped sentence gets one more, fresh, process
            # Contiguous shares, one worker process each, so both cores synthesise.
            def run(share: list[int], slot: int, stop: EitherEvent, attempt=attempt) -> None:
                self._run_share(share, sentences, voice, settings, Path(out_dir) / f"w{attempt}-{slot}",
                                stop, results, lock, progress)

            run_shares(split_shares(todo, self.workers), run, cancel)
            todo = [i for i in todo if i not in results]
            if not todo:
                return [results[i] for i in range(len(sentences))]
            log.warning("pyttsx3 produced no audio for sentences %s; retrying in a new process", todo[:10])
        raise SynthesisFailed(self.id, f"no audio for {len(todo)} sentence(s), e.g. {sentences[todo[0]][:60]!r}")

    def _run_share(self, share, sentences, voice, settings, work_dir, cancel, results, lock, progress) -> None:
        work_dir.mkdir(parents=True, exist_ok=True)
        batch = [sentences[i] for i in share]
        speed, gap = espeak_speed(native_rate(self, settings))
        request = {"op": "synthesize", "voice": voice, "rate": speed, "word_gap": gap, "volume": settings.volume,
                   "out_dir": str(work_dir), "sentences": batch}
        for message in self._run(request, self._timeout(batch), cancel):
            if "no_voice" in message:
                raise VoiceNotFound(self.id, message["no_voice"])
            if "index" in message and not message.get("missing"):
                with lock:
                    results[share[message["index"]]] = Path(message["path"])
                    done = len(results)
                if progress is not None:
                    progress(done, len(sentences))


class EspeakNgEngine:
    id = "espeak-ng"
    rate_control = ESPEAK_RATE_CONTROL

    def __init__(self, executable: str | None = None, timeout: float = 30.0, tuning: EspeakTuning = DEFAULT_TUNING) -> None:
        self.executable = executable or shutil.which("espeak-ng") or "espeak-ng"
        self.timeout, self.tuning = timeout, tuning
        self.rate_control = tuning.rate_control(ESPEAK_RATE_CONTROL)

    @staticmethod
    def installed() -> bool:
        return shutil.which("espeak-ng") is not None

    def voices(self) -> list[Voice]:
        try:
            listing = subprocess.run([self.executable, "--voices"], capture_output=True, timeout=self.timeout,
                                     check=True, text=True, encoding="utf-8").stdout
        except (OSError, subprocess.SubprocessError) as exc:
            raise EngineUnavailable(self.id, str(exc)) from exc
        voices = []
        for line in listing.splitlines()[1:]:
            fields = line.split()
            if len(fields) >= 4:  # Pty Language Age/Gender VoiceName File ...
                voices.append(Voice(fields[1], fields[3].replace("_", " "), (fields[1],), self.id))
        return voices

    def synthesize(self, sentences, settings, out_dir, cancel=None, progress=None) -> list[Path]:
        voice = default_voice(self, settings.voice) if settings.voice else Voice("vi", "vi", ("vi",), self.id)
        amplitude = str(max(0, min(200, round(settings.volume * 100))))
        speed, gap = espeak_speed(native_rate(self, settings))
        paths = []
        for index, sentence in enumerate(sentences):
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            path = Path(out_dir) / f"{index:05d}.wav"
            try:
                subprocess.run([self.executable, *self.tuning.args(voice.id, speed, gap),
                                "-a", amplitude, "-w", str(path), "--stdin"], input=sentence.encode("utf-8"),
                               capture_output=True, timeout=self.timeout, check=True)
            except subprocess.TimeoutExpired:
                raise SynthesisTimeout(self.id, self.timeout) from None
            except (OSError, subprocess.CalledProcessError) as exc:
                raise SynthesisFailed(self.id, str(exc)) from exc
            paths.append(path)
            if progress is not None:
                progress(index + 1, len(sentences))
        return paths


ENGINES: dict[str, Callable[[], TtsEngine]] = {"pyttsx3": Pyttsx3Engine, "espeak-ng": EspeakNgEngine}


def create_engine(name: str | None = None) -> TtsEngine:
    """The named engine, or the first one installed (pyttsx3, then espeak-ng)."""
    if name is not None:
        if name not in ENGINES:
            raise EngineUnavailable(name, f"unknown engine (known: {', '.join(ENGINES)})")
        engine_class = ENGINES[name]
        if not engine_class.installed():
            raise EngineUnavailable(name, "not installed")
        return engine_class()
    for engine_class in ENGINES.values():
        if engine_class.installed():
            return engine_class()
    raise EngineUnavailable("pyttsx3", "neither pyttsx3 nor espeak-ng is installed")

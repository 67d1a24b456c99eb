"""The Piper neural engine behind the `TtsEngine` protocol.

Its voices are the packs installed in the data folder (`studio.tts.voice_packs`), listed
as `piper:NAME` without starting anything. Synthesis runs in worker processes
(`studio.tts.piper_worker`), the same isolation as pyttsx3: every job has a deadline, and
a worker that passes it, or is cancelled, is killed (`SynthesisTimeout`, `Cancelled`);
a crash is `SynthesisFailed` with the worker's last words. Unlike pyttsx3's one process
per job, Piper's workers stay warm between jobs (a voice takes most of a second to load,
and the first sentence of "Nghe thử" must be heard within one): at most `workers` idle
ones are kept, a busy engine starts more, a killed one is replaced by a fresh process on
the next job. `prepare()` loads a voice ahead of time (the compose panel calls it when a
Piper voice is chosen).

The speed setting (syllables per minute) becomes Piper's length_scale through the voice's
measured natural rate (`studio.tts.piper_rate`).

Threading: methods block on worker processes; call them off the UI thread. The pool is
locked, so one engine serves several threads (a preview's first sentence and the rest of
it run at once in two workers).
"""

from __future__ import annotations

import json
import logging
import os
import queue
import subprocess
import threading
import time
from collections.abc import Sequence
from importlib.util import find_spec
from pathlib import Path

from studio.errors import (
    Cancelled,
    SynthesisFailed,
    SynthesisTimeout,
    VoiceNotFound,
    VoicePackInvalid,
    VoicePackProblem,
)
from studio.launch import module_command
from studio.tts.engines import SpeechSettings, Voice
from studio.tts.piper_rate import CALIBRATION_SCALES, length_scale
from studio.tts.shares import EitherEvent, run_shares, split_shares
from studio.tts.voice_packs import VoicePack, VoicePackStore

log = logging.getLogger(__name__)

PREFIX = "piper:"


class WorkerDied(Exception):
    """The worker process ended in the middle of a request."""


class _WarmWorker:
    """One long-lived worker process, one request at a time, read with a deadline."""

    def __init__(self, command: Sequence[str], threads: int) -> None:
        env = dict(os.environ, CRS_PIPER_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
        self.process = subprocess.Popen(list(command), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, env=env)
        self.lines: queue.Queue = queue.Queue()
        self.stderr_tail = b""
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read_stdout(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def _read_stderr(self) -> None:
        for line in self.process.stderr:
            self.stderr_tail = (self.stderr_tail + line)[-2000:]

    def alive(self) -> bool:
        return self.process.poll() is None

    def request(self, message: dict, deadline: float, cancel: threading.Event | None):
        """The worker's answers to `message` up to its {"done"} (not included); an
        {"error"} answer is yielded and ends the request. Raises TimeoutError or
        Cancelled (after killing the worker) and WorkerDied."""
        try:
            self.process.stdin.write(json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n")
            self.process.stdin.flush()
        except OSError:
            raise WorkerDied(self.reason()) from None
        while True:
            if cancel is not None and cancel.is_set():
                self.kill()
                raise Cancelled()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.kill()
                raise TimeoutError
            try:
                line = self.lines.get(timeout=min(remaining, 0.1))
            except queue.Empty:
                continue
            if line is None:
                self.process.wait()
                raise WorkerDied(self.reason())
            try:
                answer = json.loads(line)
            except ValueError:
                log.warning("piper worker wrote a stray line: %r", line[:200])
                continue
            if answer.get("done"):
                return
            yield answer
            if "error" in answer:
                return

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()

    def close(self) -> None:
        """Ask it to end (EOF on stdin); kill it if it does not."""
        try:
            self.process.stdin.close()
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.kill()

    def reason(self) -> str:
        time.sleep(0.05)  # let the stderr reader take the last line
        tail = self.stderr_tail.decode("utf-8", "replace").strip().splitlines()
        return tail[-1] if tail else f"exit status {self.process.poll()}"


class PiperEngine:
    id = "piper"

    def __init__(self, store: VoicePackStore, command: Sequence[str] | None = None, workers: int | None = None,
                 timeout_base: float = 30.0, timeout_per_char: float = 0.05) -> None:
        self.store = store
        self.command = list(command) if command else module_command("studio.tts.piper_worker")
        self.workers = workers or max(1, min(2, os.cpu_count() or 1))
        self.timeout_base = timeout_base
        self.timeout_per_char = timeout_per_char
        self._idle: list[_WarmWorker] = []
        self._lock = threading.Lock()

    @staticmethod
    def installed() -> bool:
        return find_spec("piper") is not None and find_spec("onnxruntime") is not None

    # -- voices -----------------------------------------------------------------------

    def voices(self) -> list[Voice]:
        return [Voice(p.voice_id, p.name, (p.language,), self.id, language_name=p.language_name, country=p.country)
                for p in self.store.packs()]

    def pack(self, voice_id: str) -> VoicePack:
        """The pack of `piper:NAME` (or NAME); "" is the first Vietnamese pack."""
        packs = self.store.packs()
        if not voice_id:
            for pack in packs:
                if pack.language.lower().startswith("vi"):
                    return pack
            raise VoiceNotFound(self.id, "(any Vietnamese voice)")
        name = voice_id.removeprefix(PREFIX)
        for pack in packs:
            if pack.name == name:
                return pack
        raise VoiceNotFound(self.id, voice_id)

    def cache_tag(self, voice_id: str) -> str:
        """What the speech cache keys this voice's audio by: its model's hash, so a voice
        removed and installed again from another file never serves the old audio."""
        return f"{self.id}:{self.pack(voice_id).sha256[:16]}"

    # -- workers ----------------------------------------------------------------------

    def _acquire(self) -> _WarmWorker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.alive():
                    return worker
        return _WarmWorker(self.command, threads=1)

    def _release(self, worker: _WarmWorker) -> None:
        with self._lock:
            if worker.alive() and len(self._idle) < self.workers:
                self._idle.append(worker)
                return
        worker.close()

    def close(self) -> None:
        """End the idle workers (they also end by themselves when the studio exits)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.close()

    def _ask(self, message: dict, timeout: float, cancel: threading.Event | None = None, pooled: bool = True):
        """Yield the answers to one request; a worker that timed out, was cancelled or
        died is not reused."""
        worker = self._acquire() if pooled else _WarmWorker(self.command, threads=1)
        healthy = False
        try:
            for answer in worker.request(message, time.monotonic() + timeout, cancel):
                if "error" in answer:
                    healthy = True
                    raise _WorkerError(answer["error"], answer.get("kind", ""))
                yield answer
            healthy = True
        except TimeoutError:
            log.error("piper worker killed after %.0f s", timeout)
            raise SynthesisTimeout(self.id, timeout) from None
        except WorkerDied as died:
            raise SynthesisFailed(self.id, f"the worker process ended: {died}") from None
        finally:
            if healthy and pooled:
                self._release(worker)
            elif healthy:
                worker.close()
            else:
                worker.kill()

    def prepare(self, voice_id: str) -> None:
        """Load the voice in an idle worker now, so the next job starts at once."""
        pack = self.pack(voice_id)
        try:
            for _answer in self._ask({"op": "load", "onnx": str(pack.onnx), "config": str(pack.config)},
                                     self.timeout_base):
                pass
        except _WorkerError as exc:
            raise SynthesisFailed(self.id, exc.message) from None

    def check(self, onnx: Path, config: Path, text: str) -> dict:
        """Load a model in a fresh worker and speak `text` (the install check): what it
        heard, or VoicePackInvalid when the model does not load or the worker dies."""
        try:
            request = {"op": "check", "onnx": str(onnx), "config": str(config), "text": text,
                       "length_scales": list(CALIBRATION_SCALES)}
            for answer in self._ask(request, self.timeout_base * 2, pooled=False):
                return answer
        except _WorkerError as exc:
            problem = VoicePackProblem.BAD_MODEL if exc.kind == "load" else VoicePackProblem.SILENT
            raise VoicePackInvalid(onnx, problem, exc.message) from None
        except (SynthesisFailed, SynthesisTimeout) as exc:
            raise VoicePackInvalid(onnx, VoicePackProblem.BAD_MODEL, str(exc)) from None
        raise VoicePackInvalid(onnx, VoicePackProblem.SILENT, "the worker gave no answer")

    # -- synthesis --------------------------------------------------------------------

    def synthesize(self, sentences, settings: SpeechSettings, out_dir, cancel=None, progress=None) -> list[Path]:
        pack = self.pack(settings.voice)
        scale = length_scale(settings.rate, pack.natural_spm, pack.scaled_fraction)
        results: dict[int, Path] = {}
        lock = threading.Lock()
        todo = list(range(len(sentences)))

        def run(share: list[int], slot: int, stop: EitherEvent) -> None:
            work_dir = Path(out_dir) / f"p{slot}"
            work_dir.mkdir(parents=True, exist_ok=True)
            batch = [sentences[i] for i in share]
            request = {"op": "synthesize", "onnx": str(pack.onnx), "config": str(pack.config),
                       "length_scale": scale, "volume": settings.volume, "out_dir": str(work_dir),
                       "sentences": batch}
            timeout = self.timeout_base + self.timeout_per_char * sum(len(s) for s in batch)
            try:
                for answer in self._ask(request, timeout, stop):
                    with lock:
                        results[share[answer["index"]]] = Path(answer["path"])
                        done = len(results)
                    if progress is not None:
                        progress(done, len(sentences))
            except _WorkerError as exc:
                raise SynthesisFailed(self.id, exc.message) from exc

        run_shares(split_shares(todo, self.workers), run, cancel)  # contiguous shares, one worker each
        missing = [i for i in todo if i not in results]
        if missing:
            raise SynthesisFailed(self.id, f"no audio for {len(missing)} sentence(s)")
        return [results[i] for i in range(len(sentences))]


class _WorkerError(Exception):
    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.message, self.kind = message, kind

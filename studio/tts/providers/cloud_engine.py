"""A domestic speech platform as a `TtsEngine`: its voices in the studio's list (ids
`fpt:banmai`, `viettel:hn-quynhanh`, `zalo:2`), and `synthesize` that sends each sentence
(cut within the provider's length limit) and decodes the MP3 it gets back into the 16-bit
WAV the synthesiser caches per sentence. Sentences are requested a few at a time (the
FPT.AI async URL takes seconds to fill), in order of the result.

Failures are the typed provider errors (studio.errors.providers); `ProviderOffline` is the
one the caller turns into a queued job (studio.tts.speech_queue). A failure carries the
sentences already made in `partial` (index -> WAV), which the synthesiser caches: a
bulletin interrupted half-way does not pay for its first half again.

Threading: `synthesize` blocks; it runs its requests on a small pool of its own threads.
"""

from __future__ import annotations

import io
import logging
import threading
import wave
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from pathlib import Path

import av
import numpy as np

from studio.errors import Cancelled, ProviderFailed, VoiceNotFound
from studio.tts.engines import SpeechSettings, Voice
from studio.tts.providers.base import Adapter, ProviderClient, RetryPolicy, split_for_limit

log = logging.getLogger(__name__)

PARALLEL_REQUESTS = 3


def voice_id(provider: str, code: str) -> str:
    return f"{provider}:{code}"


class CloudEngine:
    def __init__(self, adapter: Adapter, key: Callable[[], str], base_url: str, timeout: float = 30.0,
                 retry: RetryPolicy = RetryPolicy(), parallel: int = PARALLEL_REQUESTS) -> None:
        self.adapter = adapter
        self.id = adapter.id
        self._key = key  # read at each job: a key changed in the settings applies at once
        self.base_url = base_url
        self.timeout = timeout
        self.retry = retry
        self.parallel = parallel

    @staticmethod
    def installed() -> bool:
        return True

    def voices(self) -> list[Voice]:
        """Named so that `Voice.accent` reads the region ("northern", "central", "southern")."""
        return [Voice(voice_id(self.id, v.id), f"{self.adapter.label} {v.name} ({v.gender.value}, {v.accent.value})",
                      ("vi",), self.id) for v in self.adapter.voices]

    def _code(self, wanted: str) -> str:
        if not wanted:
            return self.adapter.voices[0].id
        code = wanted.split(":", 1)[1] if wanted.startswith(f"{self.id}:") else wanted
        if not any(v.id == code for v in self.adapter.voices):
            raise VoiceNotFound(self.id, wanted)
        return code

    def synthesize(self, sentences: Sequence[str], settings: SpeechSettings, out_dir: Path,
                   cancel: threading.Event | None = None,
                   progress: Callable[[int, int], None] | None = None) -> list[Path]:
        code = self._code(settings.voice)
        client = ProviderClient(self.id, self.base_url, self._key(), self.timeout, self.retry, cancel)
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        paths = [out_dir / f"{index:05d}.wav" for index in range(len(sentences))]
        done = 0
        made: set[int] = set()
        lock = threading.Lock()

        def one(index: int) -> None:
            nonlocal done
            pieces = [self._decode(self.adapter.fetch(client, chunk, code, settings.rate))
                      for chunk in split_for_limit(sentences[index], self.adapter.max_chars)]
            rate = pieces[0][1] if pieces else 24000
            audio = np.concatenate([p for p, _ in pieces]) if pieces else np.zeros(0, np.int16)
            gain = max(0.0, min(1.0, settings.volume))
            if gain < 1.0:
                audio = np.round(audio * gain).astype(np.int16)
            _write_wav(paths[index], audio, rate)
            with lock:
                done += 1
                count = done
                made.add(index)
            if progress is not None:
                progress(count, len(sentences))

        with ThreadPoolExecutor(max_workers=max(1, self.parallel), thread_name_prefix=f"tts-{self.id}") as pool:
            futures = [pool.submit(one, i) for i in range(len(sentences))]
            finished, _ = wait(futures, return_when=FIRST_EXCEPTION)
            failed = next((f for f in futures if f.done() and f.exception() is not None), None)
            if failed is not None:
                for future in futures:
                    future.cancel()
                error = failed.exception()
                wait(futures)  # the requests in flight finish (or fail) before the files are listed
                with lock:
                    error.partial = {i: paths[i] for i in sorted(made)}  # the synthesiser caches these
                raise error
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        return paths

    def _decode(self, data: bytes) -> tuple[np.ndarray, int]:
        """MP3 (or WAV) bytes as mono 16-bit samples at the file's own rate (PyAV)."""
        try:
            with av.open(io.BytesIO(data)) as container:
                stream = container.streams.audio[0]
                rate = stream.rate or stream.codec_context.sample_rate
                resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
                blocks = []
                for frame in container.decode(stream):
                    for out in resampler.resample(frame):
                        blocks.append(out.to_ndarray().reshape(-1))
                for out in resampler.resample(None):
                    blocks.append(out.to_ndarray().reshape(-1))
        except (av.error.FFmpegError, IndexError, ValueError) as exc:
            raise ProviderFailed(self.id, 200, f"audio does not decode: {exc}") from exc
        if not blocks:
            raise ProviderFailed(self.id, 200, "audio holds no samples")
        return np.concatenate(blocks).astype(np.int16, copy=False), int(rate)


def _write_wav(path: Path, audio: np.ndarray, rate: int) -> None:
    with wave.open(str(path), "wb") as wav_file:
        wav_file.setnchannels(1)
        wav_file.setsampwidth(2)
        wav_file.setframerate(rate)
        wav_file.writeframes(audio.astype("<i2", copy=False).tobytes())

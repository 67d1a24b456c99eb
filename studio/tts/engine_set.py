"""The speech engines the studio offers at once: the system engine and Piper's voices.

`EngineSet` is itself a `TtsEngine`: its voice list is the system engine's voices
(pyttsx3 or espeak-ng) followed by the installed Piper packs (`piper:NAME`), and
`synthesize()` hands a job to the engine that owns the chosen voice ("" stays the system
engine's default Vietnamese voice, or the first Vietnamese Piper voice when there is no
system engine). `create_speech_engine(paths)` builds it for the window and the CLI.

Threading: as the engines it holds (methods block; call them off the UI thread).
"""

from __future__ import annotations

import logging
from pathlib import Path

from studio.errors import EngineUnavailable
from studio.paths import StudioPaths
from studio.tts.engines import SpeechSettings, TtsEngine, Voice, create_engine
from studio.tts.piper_engine import PREFIX, PiperEngine
from studio.tts.voice_packs import VoicePackStore

log = logging.getLogger(__name__)


class EngineSet:
    def __init__(self, system: TtsEngine | None, piper: PiperEngine | None) -> None:
        if system is None and piper is None:
            raise EngineUnavailable("pyttsx3", "neither pyttsx3 nor espeak-ng nor Piper is installed")
        self.system = system
        self.piper = piper
        self.id = system.id if system is not None else piper.id

    def engine_for(self, voice_id: str) -> TtsEngine:
        if self.piper is not None and (voice_id.startswith(PREFIX) or self.system is None):
            return self.piper
        if self.system is None:
            raise EngineUnavailable("pyttsx3", "not installed")
        return self.system

    def voices(self) -> list[Voice]:
        voices = list(self.system.voices()) if self.system is not None else []
        if self.piper is not None:
            voices += self.piper.voices()
        return voices

    def cache_tag(self, voice_id: str) -> str:
        engine = self.engine_for(voice_id)
        tag = getattr(engine, "cache_tag", None)
        return tag(voice_id) if tag is not None else engine.id

    def prepare(self, voice_id: str) -> None:
        """Warm the engine of `voice_id` up, where it can be (Piper loads the voice)."""
        engine = self.engine_for(voice_id)
        if isinstance(engine, PiperEngine):
            engine.prepare(voice_id)

    def synthesize(self, sentences, settings: SpeechSettings, out_dir: Path, cancel=None, progress=None):
        return self.engine_for(settings.voice).synthesize(sentences, settings, out_dir, cancel, progress)

    def close(self) -> None:
        if self.piper is not None:
            self.piper.close()


def piper_engine(paths: StudioPaths) -> PiperEngine:
    return PiperEngine(VoicePackStore(paths.voices_dir))


def create_speech_engine(paths: StudioPaths, name: str | None = None) -> TtsEngine:
    """The engine `name` alone ("piper", "pyttsx3", "espeak-ng"), or with no name the
    system engine (pyttsx3, else espeak-ng) beside Piper's installed voices."""
    if name == "piper":
        if not PiperEngine.installed():
            raise EngineUnavailable("piper", "piper-tts is not installed")
        return piper_engine(paths)
    if name is not None:
        return create_engine(name)
    try:
        system = create_engine()
    except EngineUnavailable as exc:
        log.warning("no system speech engine: %s", exc)
        system = None
    piper = piper_engine(paths) if PiperEngine.installed() else None
    return EngineSet(system, piper)

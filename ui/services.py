"""The core services the window works with, built once by `ui/app.py` and handed down.

They wrap the one `StudioContext` of the process (paths, clock, media store, the
studio's key, the database connection factory). SQLite connections belong to one thread each, and the UI thread never touches the
database: `library()` gives the calling thread its own `ClipLibrary` (its own
connection), so worker threads of the task runner can each use one. Preferences are a
frozen value replaced as a whole.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from studio.accounts.store import Role, User
from studio.clock import Clock
from studio.context import StudioContext
from studio.library import ClipLibrary
from studio.paths import StudioPaths
from studio.preferences import Preferences, save_preferences
from studio.rendering import Renderer

log = logging.getLogger(__name__)


@dataclass
class Services:
    context: StudioContext
    preferences: Preferences
    user: User | None = None  # the account signed in from the window (ui/session_controls.py)
    _local: threading.local = field(default_factory=threading.local, repr=False)

    @property
    def paths(self) -> StudioPaths:
        return self.context.paths

    @property
    def clock(self) -> Clock:
        return self.context.clock

    def library(self) -> ClipLibrary:
        library = getattr(self._local, "library", None)
        if library is None:
            library = self._local.library = self.context.library()
        return library

    def renderer(self) -> Renderer:
        return Renderer(self.library())

    def speech_engine(self):
        """The speech engines (pyttsx3 in a worker process, or the espeak-ng command line,
        beside the installed Piper voices in their warm worker processes); created on
        first use, safe to share between threads."""
        engine = getattr(self, "_speech_engine", None)
        if engine is None:
            from studio.tts.engine_set import create_speech_engine

            engine = self._speech_engine = create_speech_engine(self.paths)
        return engine

    def stop_speech(self) -> None:
        """End the speech engine's idle worker processes (the window is closing)."""
        close = getattr(getattr(self, "_speech_engine", None), "close", None)
        if close is not None:
            close()

    def voice_packs(self):
        """The installed Piper voice packs (disk: call off the UI thread)."""
        from studio.tts.voice_packs import VoicePackStore

        return VoicePackStore(self.paths.voices_dir).packs()

    def start_delivery(self) -> None:
        """The background delivery engine (one worker per receiver with something to send),
        started after the window is up so it costs nothing at start-up."""
        if getattr(self, "delivery", None) is not None:
            return
        from studio.fleet.delivery import Delivery

        self.delivery = Delivery(self.context.library, self.context.key)
        self.delivery.start()

    def stop_delivery(self) -> None:
        delivery = getattr(self, "delivery", None)
        if delivery is not None:
            delivery.stop(join_timeout=0.5)  # the window must close at once; the outbox is durable
            self.delivery = None

    def wake_delivery(self) -> None:
        delivery = getattr(self, "delivery", None)
        if delivery is not None:
            delivery.wake()

    def operator(self) -> User:
        """Who the window acts as: the signed-in account, or before anyone signs in the
        computer's login name as an editor. Approval always asks for an approver's own name
        and password."""
        import getpass

        if self.user is not None:
            return self.user
        return User(0, f"ui:{getpass.getuser()}", "studio window", Role.EDITOR, False)

    def programmes(self):
        from studio.programmes.workflow import Programmes

        return Programmes(self.library())

    def synthesizer(self, lexicon, style, voice: str = ""):
        """The synthesiser for `voice`: the local engine's, or (a domestic platform's voice,
        `fpt:banmai`) that provider's, falling back to the local engine while it is
        unreachable (previews; `speak` queues the bulletin instead). Worker threads."""
        from studio.tts.normalizer import Normalizer
        from studio.tts.providers.registry import cloud_engine, provider_of_voice
        from studio.tts.speech_queue import FallbackSynthesizer
        from studio.tts.synthesis import SpeechCache, Synthesizer

        cache, normalizer = SpeechCache(self.paths.speech_cache_dir), Normalizer(lexicon, style)
        provider = provider_of_voice(voice)
        if provider is None:
            return Synthesizer(self.speech_engine(), cache, normalizer)
        cloud = Synthesizer(cloud_engine(self.paths.data_dir, provider, self.provider_keys()), cache, normalizer)
        try:
            local = Synthesizer(self.speech_engine(), cache, normalizer)
        except Exception as exc:  # no local engine: the preview waits for the provider
            log.warning("no local speech engine for previews: %s", exc)
            local = None
        return FallbackSynthesizer(cloud, local)

    def provider_keys(self):
        """The officer's API keys for the domestic speech platforms (studio.tts.providers)."""
        from studio.tts.providers.keys import KeyStore

        store = getattr(self, "_provider_keys", None)
        if store is None:
            store = self._provider_keys = KeyStore(self.paths.data_dir)
        return store

    def speech_voices(self) -> list:
        """Every Vietnamese voice: the local engine's, then each provider's with a key set.
        Blocking (the local engine lists its voices in a worker process): worker threads."""
        from studio.tts.providers.registry import configured_engines

        voices = []
        try:
            voices += [v for v in self.speech_engine().voices() if v.vietnamese or v.engine == "piper"]
        except Exception as exc:
            if not self.provider_keys().configs():
                raise
            log.warning("local speech engine unavailable: %s", exc)
        for engine in configured_engines(self.paths.data_dir, self.provider_keys()):
            voices += engine.voices()
        return voices

    def speak(self, text: str, settings, lexicon, style, title=None, cancel=None, progress=None,
              convert_legacy: bool = True):
        """Make a bulletin clip (`SpokenBulletin`): through a provider for its voices, queued
        with a local reading meanwhile when it is offline. Worker threads."""
        from studio.tts.bulletin import make_bulletin
        from studio.tts.speech_queue import FallbackSynthesizer, SpokenBulletin, speak_or_queue

        synthesizer = self.synthesizer(lexicon, style, settings.voice)
        library = self.library()
        if isinstance(synthesizer, FallbackSynthesizer):
            return speak_or_queue(library, synthesizer.primary, synthesizer.fallback, text, settings, title=title,
                                  cancel=cancel, progress=progress, convert_legacy=convert_legacy)
        return SpokenBulletin(make_bulletin(library, synthesizer, text, settings, title=title, cancel=cancel,
                                            progress=progress, convert_legacy=convert_legacy).clip.id)

    def deliver_speech_queue(self, cancel=None):
        """Make the bulletins queued while a provider was offline (`QueueReport`). Worker threads."""
        from studio.tts.lexicon_store import load_lexicon
        from studio.tts.numbers import STYLES, Region
        from studio.tts.speech_queue import deliver_queued, jobs

        library = self.library()
        if not jobs(library.conn):
            return None

        def synthesizer_for(job):
            return self.synthesizer(load_lexicon(library.conn), STYLES[Region(job.region)], job.voice).primary

        return deliver_queued(library, synthesizer_for, cancel)

    def save_preferences(self, preferences: Preferences) -> None:
        save_preferences(self.paths.settings_file, preferences)
        self.preferences = preferences

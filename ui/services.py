"""The core services the window works with, built once by `ui/app.py` and handed down.

They wrap the one `StudioContext` of the process (paths, clock, media store, the
studio's key, the database connection factory). SQLite connections belong to one thread each, and the UI thread never touches the
database: `library()` gives the calling thread its own `ClipLibrary` (its own
connection), so worker threads of the task runner can each use one. Preferences are a
frozen value replaced as a whole.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from studio.accounts.store import Role, User
from studio.clock import Clock
from studio.context import StudioContext
from studio.library import ClipLibrary
from studio.paths import StudioPaths
from studio.preferences import Preferences, save_preferences
from studio.rendering import Renderer


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

    def synthesizer(self, lexicon, style):
        from studio.tts.normalizer import Normalizer
        from studio.tts.synthesis import SpeechCache, Synthesizer

        return Synthesizer(self.speech_engine(), SpeechCache(self.paths.speech_cache_dir), Normalizer(lexicon, style))

    def save_preferences(self, preferences: Preferences) -> None:
        save_preferences(self.paths.settings_file, preferences)
        self.preferences = preferences

"""The composition root of the studio core: what one running studio is made of.

A `StudioContext` holds the paths, the clock, the media store and the one `StudioKey`,
and opens database connections. The CLI builds one per run (`studio/cli/main.py`), the
window one per process (`ui/app.py`); everything below receives it (or the part of it
it needs) instead of building its own. Nothing here runs at import time, and nothing is
opened before it is asked for: `--help` and cache hits stay fast.

Threading: the context is shared by every thread. `connect()` and `library()` return a
new connection each call; a connection belongs to the thread that opened it. `key` is
created once, under a lock (StudioKey itself is thread-safe).
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from studio.clock import Clock
from studio.paths import StudioPaths
from studio.storage.media_store import MediaStore

if TYPE_CHECKING:
    from studio.fleet.keys import StudioKey
    from studio.library import ClipLibrary


@dataclass(frozen=True)
class StudioContext:
    paths: StudioPaths
    clock: Clock
    media: MediaStore
    _key_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _key_holder: list = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def create(cls, paths: StudioPaths, clock: Clock | None = None) -> StudioContext:
        """The context of a studio keeping its data in `paths` (the host's clock unless
        one is given: tests and benchmarks hand in a `ManualClock`)."""
        return cls(paths, clock or Clock(), MediaStore(paths.media_dir))

    def connect(self) -> sqlite3.Connection:
        """A new connection to the studio database (created or migrated as needed)."""
        from studio.storage.database import connect

        self.paths.ensure()
        return connect(self.paths.database)

    def library(self) -> ClipLibrary:
        """A `ClipLibrary` on a new connection, for the calling thread."""
        from studio.library import ClipLibrary

        return ClipLibrary(self.paths, self.connect(), store=self.media, clock=self.clock)

    @property
    def key(self) -> StudioKey:
        """The studio's signing key: one per process, loaded (or created) on first use."""
        with self._key_lock:
            if not self._key_holder:
                from studio.fleet.keys import StudioKey

                self._key_holder.append(StudioKey(self.paths.keys_dir))
            return self._key_holder[0]

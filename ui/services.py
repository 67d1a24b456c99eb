"""The core services the window works with, built once by `ui/app.py` and handed down.

SQLite connections belong to one thread each, and the UI thread never touches the
database: `library()` gives the calling thread its own `ClipLibrary` (its own
connection), so worker threads of the task runner can each use one. Preferences are a
frozen value replaced as a whole.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from studio.library import ClipLibrary
from studio.paths import StudioPaths
from studio.preferences import Preferences, save_preferences
from studio.rendering import Renderer


@dataclass
class Services:
    paths: StudioPaths
    preferences: Preferences
    _local: threading.local = field(default_factory=threading.local, repr=False)

    def library(self) -> ClipLibrary:
        library = getattr(self._local, "library", None)
        if library is None:
            from studio.database import connect

            library = ClipLibrary(self.paths, connect(self.paths.database))
            self._local.library = library
        return library

    def renderer(self) -> Renderer:
        return Renderer(self.library())

    def save_preferences(self, preferences: Preferences) -> None:
        save_preferences(self.paths.settings_file, preferences)
        self.preferences = preferences

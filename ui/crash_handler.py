"""Unexpected exceptions on the UI thread: logged with their traceback, and reported in
a non-modal window (the studio keeps running; a broadcast is never blocked by a dialog).
Installed by `ui/app.py` as `sys.excepthook`; UI thread.
"""

from __future__ import annotations

import logging
import sys
import traceback

from ui.error_messages import ErrorDialogs

log = logging.getLogger(__name__)


class CrashHandler:
    def __init__(self) -> None:
        self.dialogs = ErrorDialogs(None)
        self._previous = sys.excepthook

    @property
    def reports(self) -> list:
        return self.dialogs.visible()

    def install(self) -> None:
        sys.excepthook = self

    def uninstall(self) -> None:
        sys.excepthook = self._previous

    def __call__(self, kind, exc, tb) -> None:
        if issubclass(kind, KeyboardInterrupt):
            self._previous(kind, exc, tb)
            return
        details = "".join(traceback.format_exception(kind, exc, tb))
        log.error("unexpected error:\n%s", details)
        try:
            self.dialogs.show(exc, details)
        except Exception:  # never let the handler itself take the studio down
            log.exception("could not show the error report")

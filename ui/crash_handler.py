"""Unexpected exceptions on the UI thread: logged with their traceback, and reported in
a non-modal window (the studio keeps running; a broadcast is never blocked by a dialog).
Installed by `ui/app.py` as `sys.excepthook`; UI thread.
"""

from __future__ import annotations

import logging
import sys
import traceback

from ui.error_messages import ErrorDialog

log = logging.getLogger(__name__)


class CrashHandler:
    def __init__(self) -> None:
        self.parent = None
        self.reports: list[ErrorDialog] = []
        self._previous = sys.excepthook

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
            dialog = ErrorDialog(exc, details, self.parent)
            dialog.show()
            self.reports = [d for d in self.reports if d.isVisible()] + [dialog]
        except Exception:  # never let the handler itself take the studio down
            log.exception("could not show the error report")

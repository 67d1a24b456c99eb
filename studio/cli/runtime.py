"""What commands need at run time: the log file, the opened library, the window.

The window is found through an entry point (`commune_radio_studio.window`, registered by
the `ui` package in pyproject.toml), so the core never imports ui/. Main thread only.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import sys
from typing import TYPE_CHECKING

from studio.clock import VietnamLogFormatter
from studio.context import StudioContext
from studio.errors import StudioError
from studio.paths import StudioPaths

if TYPE_CHECKING:
    from studio.library import ClipLibrary

log = logging.getLogger(__name__)

WINDOW_ENTRY_POINTS = "commune_radio_studio.window"


def setup_logging(paths: StudioPaths, verbose: bool) -> None:
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    if any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        return  # already set up (the demo opens the window after its own set-up)
    paths.log_dir.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        paths.log_dir / "studio.log", maxBytes=2 << 20, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(VietnamLogFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    if verbose:
        root.addHandler(logging.StreamHandler(sys.stderr))


def open_library(ctx: StudioContext) -> ClipLibrary:
    """The library for a command, after sweeping staging files a crashed run left."""
    library = ctx.library()
    swept = library.store.sweep_incoming()
    if swept:
        log.info("removed %d staging files left by an interrupted run", swept)
    return library


def open_window(paths: StudioPaths, args: argparse.Namespace) -> int:
    """No subcommand: the window (or exit 1 when the `ui` extra is not installed)."""
    from importlib.metadata import entry_points

    found = entry_points(group=WINDOW_ENTRY_POINTS)
    try:
        if not found:
            raise ImportError("no window is installed")
        window_main = next(iter(found)).load()
    except ImportError as exc:
        print(f"radio-studio: the window needs PySide6 ({exc}); install the 'ui' extra, "
              "or use a subcommand (see --help)", file=sys.stderr)
        return 1
    setup_logging(paths, args.verbose)
    try:
        return window_main(paths, args.lang)
    except StudioError as exc:
        log.warning("window failed to start: %s", exc.describe())
        print(f"radio-studio: error: {exc.describe()}", file=sys.stderr)
        return 1

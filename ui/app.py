"""Composition root of the window: builds the core services once and hands them down.

`main(paths, language)` is called by `radio-studio` with no subcommand. It sets up
logging (rotating file + in-app view), the crash handler, the translator (Vietnamese by
default, English from the settings or `--lang en`), the services, and the main window.
Nothing happens at import time. UI thread.

With CRS_FIRST_PAINT_EXIT=1 the process prints the wall-clock time of the window's first
paint and exits: the start-up benchmark uses it.
"""

from __future__ import annotations

import gc
import logging
import os
import sys

from studio.clock import Clock
from studio.context import StudioContext
from studio.paths import StudioPaths
from studio.preferences import UiLanguage, load_preferences

log = logging.getLogger(__name__)

def install_translator(app, language: UiLanguage) -> object | None:
    """Load the catalogues for `language` (English is the source language: none).

    Qt's own strings (standard buttons, file and colour dialogs) come from Qt's
    `qtbase_<lang>.qm` when the Qt build ships one (PySide6's wheels have none for
    Vietnamese), with our `qt_<lang>.qm` over it; the window's strings from
    `studio_<lang>.qm`. Returns the studio translator, or None when its catalogue is missing."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    from ui.resources import catalogue, real_path

    if language is UiLanguage.ENGLISH:
        QLocale.setDefault(QLocale(QLocale.Language.English))
        return None
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qtbase = QTranslator(app)
    if qtbase.load(f"qtbase_{language.value}", qt_dir):
        app.installTranslator(qtbase)
    loaded = None
    for name in ("qt", "studio"):
        resource = catalogue(language.value, name)
        translator = QTranslator(app)
        if not resource.is_file() or not translator.load(str(real_path(resource))):
            log.warning("translation %s missing (run installers/build_translations.py); showing English",
                        resource)
            continue
        app.installTranslator(translator)
        loaded = translator if name == "studio" else loaded
    return loaded


def build_window(paths: StudioPaths, language: UiLanguage | None = None, clock: Clock | None = None):
    """Everything but the event loop: used by main() and by the UI tests (which may hand
    in a `ManualClock`). The one `StudioContext` of the window is built here."""
    from PySide6.QtWidgets import QApplication

    from ui.crash_handler import CrashHandler
    from ui.fonts import use_bundled_fonts
    from ui.log_panel import LogBridge
    from ui.main_window import MainWindow
    from ui.services import Services

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Commune Radio Studio")
    app.setOrganizationName("CommuneRadioStudio")
    use_bundled_fonts(app)
    paths.ensure()
    preferences = load_preferences(paths.settings_file)
    install_translator(app, language or preferences.ui_language)
    bridge = LogBridge()
    root = logging.getLogger()
    if root.getEffectiveLevel() > logging.INFO:
        root.setLevel(logging.INFO)
    root.addHandler(bridge)
    crash = CrashHandler()
    crash.install()
    services = Services(StudioContext.create(paths, clock), preferences)
    window = MainWindow(services, bridge)
    crash.dialogs.parent = window
    # Everything loaded so far lives as long as the process: keep it out of the garbage
    # collector's full passes, which would otherwise pause the window now and then.
    gc.freeze()
    window.library.refresh()
    window.recover_takes()
    window.recorder_panel.refresh_devices()
    from PySide6.QtCore import QTimer

    # After the first paint, and off the UI thread: its imports (requests, PyNaCl) and
    # key loading would otherwise stall the window for a tenth of a second.
    QTimer.singleShot(1500, window, lambda: window.runner.run(
        window.tr("Starting the delivery engine"), lambda progress, cancel: services.start_delivery(),
        None, None, cancellable=False))
    # Bulletins queued while a domestic speech platform was offline: tried after start-up,
    # then every ten minutes (each try is one quick failed connection while still offline).
    QTimer.singleShot(4000, window, window.deliver_speech_queue)
    speech_queue_timer = QTimer(window)
    speech_queue_timer.setInterval(10 * 60 * 1000)
    speech_queue_timer.timeout.connect(window.deliver_speech_queue)
    speech_queue_timer.start()
    return app, window, crash, bridge


def main(paths: StudioPaths, language: str | None = None) -> int:
    from PySide6.QtWidgets import QApplication  # noqa: F401 (fails early with a clear message)

    lang = UiLanguage(language) if language else None
    app, window, crash, bridge = build_window(paths, lang)
    if os.environ.get("CRS_FIRST_PAINT_EXIT"):
        def painted(when: float) -> None:
            print(f"first-paint {when:.6f}", flush=True)
            app.quit()
        window.first_painted.connect(painted)
    window.show()
    log.info("studio window opened (data in %s)", paths.data_dir)
    code = app.exec()
    crash.uninstall()
    logging.getLogger().removeHandler(bridge)
    return code

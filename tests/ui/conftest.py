"""The real window, built by the composition root on a temporary data folder."""

from __future__ import annotations

import contextlib
import logging

import pytest

from studio.paths import StudioPaths


@contextlib.contextmanager
def open_window(qtbot, data_dir):
    from PySide6.QtCore import QCoreApplication, QTranslator

    from ui.app import build_window

    app, window, crash, bridge = build_window(StudioPaths.at(data_dir))
    qtbot.addWidget(window)
    try:
        yield window
    finally:
        window.close()
        crash.uninstall()
        logging.getLogger().removeHandler(bridge)
        for translator in app.findChildren(QTranslator):
            QCoreApplication.removeTranslator(translator)
            translator.deleteLater()


@pytest.fixture
def studio_window(qtbot, data_dir):
    with open_window(qtbot, data_dir) as window:
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.runner.active_count() == 0, timeout=10000)
        yield window

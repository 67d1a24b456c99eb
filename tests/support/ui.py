"""The real window for UI tests, built by the composition root on a temporary data
folder, and the drops Qt would deliver. GUI thread only."""

from __future__ import annotations

import contextlib
import logging
import warnings
from pathlib import Path

from studio.paths import StudioPaths

SCHEDSTAT = Path("/proc/thread-self/schedstat")


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


def drop(widget, paths) -> None:
    """What Qt delivers when files are dropped (a synthetic event cannot go through the
    platform's drag manager offscreen, so the handlers are called as Qt would)."""
    from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    with warnings.catch_warnings():  # PySide marks the only constructor deprecated
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier)
    widget.dragEnterEvent(enter)
    assert enter.isAccepted()
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    widget.dropEvent(event)
    assert event.isAccepted()


def import_by_drop(qtbot, window, paths):
    with qtbot.waitSignal(window.library.import_finished, timeout=60000) as blocker:
        drop(window.library, paths)
    qtbot.waitUntil(lambda: window.runner.active_count() == 0, timeout=10000)
    return blocker.args


def run_queue_wait_s() -> float:
    """Seconds the calling thread has spent runnable but not running: the share of a wall
    clock gap that other work on a busy machine took (0 where Linux does not say)."""
    try:
        return int(SCHEDSTAT.read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def confirm_publish(qtbot, panel) -> None:
    """Phát hành shows its summary first (ui/publish_dialog.py); the officer confirms it."""
    panel.publish()
    qtbot.waitUntil(lambda: panel.publish_flow.dialog is not None, timeout=30000)
    panel.publish_flow.dialog.accept()

"""The window fits a 1366×768 laptop with its status bar on screen and stays usable on a
1024×768 screen: no area asks for more room than that, and at 1024×768 every button of
every area is inside the window (toolbars wrap instead of being cut off)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QAbstractButton, QComboBox

from ui.main_window import SMALLEST_SCREEN, TASKBAR, TITLE_BAR, initial_size

SCREENS = Path(__file__).resolve().parents[1] / "artifacts" / "screens"  # with the others, for a person to look at

FREE = QSize(SMALLEST_SCREEN.width(), SMALLEST_SCREEN.height() - TASKBAR - TITLE_BAR)  # what the window may use


def test_the_first_size_fits_the_screen():
    assert initial_size(QSize(1366, 768 - TASKBAR)) == QSize(1280, 768 - TASKBAR - TITLE_BAR)
    assert initial_size(QSize(1920, 1040)) == QSize(1280, 800)
    assert initial_size(QSize(1024, 768 - TASKBAR)) == FREE


def test_every_area_fits_1024_by_768_with_the_status_bar_visible(qtbot, studio_window):
    window = studio_window
    for key in window.AREAS:  # each area loads what it shows, which may widen it
        window.show_area(key)
        qtbot.waitUntil(lambda: window.runner.active_count() == 0, timeout=10000)
    hint = window.minimumSizeHint()
    assert hint.width() <= FREE.width() and hint.height() <= FREE.height(), hint

    window.resize(FREE)
    for key in window.AREAS:
        window.show_area(key)
        qtbot.wait(20)
        assert window.size() == FREE, (key, window.size())
        SCREENS.mkdir(parents=True, exist_ok=True)
        assert window.grab().save(str(SCREENS / f"area-{key}-1024x768.png"))
        status = window.statusBar()
        assert status.isVisible() and status.geometry().bottom() < FREE.height()
        page = window.pages[key]
        inside = QRect(0, 0, FREE.width(), status.geometry().top())
        for widget in page.findChildren(QAbstractButton) + page.findChildren(QComboBox):
            if not widget.isVisibleTo(window) or widget.window() is not window:
                continue
            where = QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())
            assert inside.contains(where), f"{key}: {widget.text() if hasattr(widget, 'text') else widget} at {where}"

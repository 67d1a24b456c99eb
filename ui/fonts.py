"""A Vietnamese-capable font for machines that have none.

The frozen Linux build carries DejaVu Sans in `ui/resources/fonts/` (the build copies it
from the build machine; a checkout or a wheel has no such folder, and Windows has Segoe
UI). `use_bundled_fonts(app)` registers every .ttf there with Qt (fontconfig then offers
them too, so "Sans Serif" may resolve to one), and makes the first one the application
font when the default font still cannot write Vietnamese. UI thread, once, after the QApplication exists.
"""

from __future__ import annotations

import logging
from importlib.resources import files

log = logging.getLogger(__name__)


def bundled_font_files() -> list:
    folder = files("ui.resources").joinpath("fonts")
    if not folder.is_dir():
        return []
    return sorted((entry for entry in folder.iterdir() if entry.name.endswith(".ttf")), key=lambda e: e.name)


def use_bundled_fonts(app) -> str | None:
    """Register the bundled fonts; returns the family made the application font, if any."""
    from PySide6.QtGui import QFont, QFontDatabase, QFontInfo

    families: list[str] = []
    for entry in bundled_font_files():
        font_id = QFontDatabase.addApplicationFontFromData(entry.read_bytes())
        if font_id < 0:
            log.warning("bundled font %s could not be loaded", entry.name)
            continue
        families.extend(QFontDatabase.applicationFontFamilies(font_id))
    if not families:
        return None
    current = app.font()
    resolved = QFontInfo(current).family()  # "Sans Serif" is an alias; this is the real font
    chosen = None
    if QFontDatabase.WritingSystem.Vietnamese not in QFontDatabase.writingSystems(resolved):
        app.setFont(QFont(families[0], current.pointSize()))
        chosen = resolved = families[0]
    log.info("bundled fonts %s registered; the window's font is %s", ", ".join(dict.fromkeys(families)), resolved)
    return chosen

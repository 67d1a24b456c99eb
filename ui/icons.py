"""The studio's icon set: SVG files in ui/resources/icons/ (package data, drawn for the
project; see the LICENSE.md there). `icon(name)` builds a QIcon, cached. UI thread."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from ui.resources import icon_file, real_path


@cache
def icon(name: str) -> QIcon:
    return QIcon(str(real_path(icon_file(name))))

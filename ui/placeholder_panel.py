"""An honest page for an area that a later version of the studio will fill. UI thread."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class PlaceholderPanel(QWidget):
    def __init__(self, title: str, purpose: str, parent=None) -> None:
        super().__init__(parent)
        heading = QLabel(f"<h2>{title}</h2>")
        body = QLabel(purpose)
        body.setWordWrap(True)
        note = QLabel(self.tr("This area is not available yet in this version of the studio."))
        note.setStyleSheet("color: palette(mid); font-style: italic;")
        layout = QVBoxLayout(self)
        for label in (heading, body, note):
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            layout.addWidget(label)
        layout.insertStretch(0, 1)
        layout.addStretch(2)

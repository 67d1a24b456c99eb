"""The bar that offers to convert a notice typed in an old Vietnamese font (TCVN3, VNI).

It shows what the text reads as in Unicode; "Convert" replaces the text (one undoable
step in the editor), "Keep as typed" hides the bar for this text. Until the officer keeps
it, what is read and created is the converted text (the normaliser converts it).

Threads: UI thread (detection takes microseconds per line).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton

from studio.tts.legacy import detect


class LegacyBar(QFrame):
    convert_requested = Signal(str)  # the converted text

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setStyleSheet("QFrame { background: #fff3cd; border: 1px solid #e0c36a; border-radius: 4px; }")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.convert_button = QPushButton(self.tr("Convert to Unicode"))
        self.keep_button = QPushButton(self.tr("Keep as typed"))
        bar = QHBoxLayout(self)
        bar.addWidget(self.label, 1)
        for button in (self.convert_button, self.keep_button):
            bar.addWidget(button)
        self.dismissed: str | None = None  # the text the officer chose to keep as typed
        self._text = ""
        self._converted: str | None = None
        self.convert_button.clicked.connect(self._convert)
        self.keep_button.clicked.connect(self._keep)
        self.hide()

    def converts(self, text: str) -> bool:
        """Whether what is read of `text` is its Unicode conversion (not kept as typed)."""
        return text != self.dismissed

    def check(self, text: str) -> None:
        legacy = detect(text) if self.converts(text) else None
        self._converted = legacy.converted if legacy else None
        if legacy:
            preview = legacy.converted.strip().splitlines()[0][:80] if legacy.converted.strip() else ""
            self.label.setText(
                self.tr("This text looks typed in an old Vietnamese font (%1). As Unicode it reads: “%2…”")
                .replace("%1", legacy.encoding.value).replace("%2", preview))
        self.setVisible(bool(legacy))
        self._text = text

    def _convert(self) -> None:
        if self._converted is not None:
            self.convert_requested.emit(self._converted)

    def _keep(self) -> None:
        self.dismissed = self._text
        self.hide()

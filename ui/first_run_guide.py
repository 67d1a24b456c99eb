"""The first steps, shown once above the work area on the first start of a data folder:
what to do in which order (record or write, make a programme, have it approved,
schedule it, publish), each step a link to its area, and the full guide. Dismissed with
"Đã hiểu", which the caller remembers in the preferences. UI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout


class FirstRunGuide(QFrame):
    area_requested = Signal(str)
    guide_requested = Signal()
    dismissed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunGuide")
        self.setStyleSheet("#firstRunGuide { background: #e3f2fd; border: 1px solid #90caf9; border-radius: 4px; }")
        steps = [
            self.tr("<a href='record'>Record</a> a bulletin or <a href='tts'>write one</a> to be read aloud"),
            self.tr("put it in a <a href='programmes'>programme</a> and send it for approval"),
            self.tr("the commune leader approves it with their own account"),
            self.tr("<a href='schedule'>schedule</a> it for the villages"),
            self.tr("<a href='receivers'>publish</a> to the loudspeakers"),
        ]
        text = "<b>" + self.tr("First steps") + "</b>&nbsp; " + " → ".join(
            f"{n}. {step}" for n, step in enumerate(steps, 1))
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.label.linkActivated.connect(self.area_requested.emit)
        self.guide_button = QPushButton(self.tr("User guide"))
        self.guide_button.clicked.connect(self.guide_requested.emit)
        self.dismiss_button = QPushButton(self.tr("Got it"))
        self.dismiss_button.clicked.connect(self._dismiss)
        buttons = QVBoxLayout()
        buttons.addWidget(self.guide_button)
        buttons.addWidget(self.dismiss_button)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 6, 8, 6)
        row.addWidget(self.label, 1)
        row.addLayout(buttons)

    def _dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()

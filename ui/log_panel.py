"""In-app log view: the last lines of the studio's log, for officers who cannot find
files. `LogBridge` is a logging.Handler that may be called from any thread; it keeps a
bounded buffer and emits a queued signal, so the view updates on the UI thread.
"""

from __future__ import annotations

import collections
import logging

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from studio.clock import VietnamLogFormatter

MAX_LINES = 2000


class LogBridge(QObject, logging.Handler):
    appended = Signal(str)

    def __init__(self) -> None:
        QObject.__init__(self)
        logging.Handler.__init__(self, logging.INFO)
        self.setFormatter(VietnamLogFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S"))
        self.lines: collections.deque[str] = collections.deque(maxlen=MAX_LINES)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:  # a bad log call must not break the caller
            return
        self.lines.append(line)
        self.appended.emit(line)


class LogPanel(QWidget):
    def __init__(self, bridge: LogBridge, log_file: str, parent=None) -> None:
        super().__init__(parent)
        self.view = QPlainTextEdit()
        self.view.setReadOnly(True)
        self.view.setMaximumBlockCount(MAX_LINES)
        self.view.setFont(QFont("monospace"))
        self.view.setPlainText("\n".join(bridge.lines))
        bridge.appended.connect(self.view.appendPlainText)
        copy = QPushButton(self.tr("Copy all"))
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.view.toPlainText()))
        where = QLabel(self.tr("Full log: %1").replace("%1", log_file))
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(where, 1)
        row.addWidget(copy)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)

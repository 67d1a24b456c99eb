"""Soạn bản tin: type or paste a notice, see exactly what will be read, listen, create.

Left, the text; right, the reading the normaliser makes of it, refreshed as the officer
types, with what it could not read confidently highlighted in both and listed below (a
click selects the word; "Add a reading…" puts it in the user dictionary). A text typed
in an old font (TCVN3, VNI) raises a bar that offers the conversion. "Listen" plays the
first sentence as soon as it is synthesised while the rest is made, then goes on
(`ui/speech_preview.py`);
"Create bulletin" makes a library clip that keeps its text, voice and settings.

Threads: UI thread. Normalising a notice takes milliseconds (the normaliser does well
over 1 MB/s), so it runs here, debounced; the dictionary, voices, synthesis and file
reading go through the task runner. The synthesis itself runs in worker processes.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from studio.tts.engines import SpeechSettings, Voice
from studio.tts.lexicon import Lexicon
from studio.tts.normalizer import FlagKind, Normalizer, Reading
from studio.tts.numbers import STYLES, Region
from studio.tts.speech_rate import DEFAULT_RATE, RATE_RANGE, count_syllables
from ui.error_messages import ErrorDialogs
from ui.formatting import number
from ui.icons import icon
from ui.legacy_bar import LegacyBar
from ui.services import Services
from ui.speaking_voice import SpeakingVoice
from ui.speech_preview import SpeechPreview
from ui.task_runner import TaskRunner
from ui.voice_names import voice_label, voice_labels

log = logging.getLogger(__name__)

FLAG_COLOUR = QColor("#ffe082")


class ComposePanel(QWidget):
    bulletin_created = Signal(int)  # clip id

    def __init__(self, services: Services, runner: TaskRunner, parent=None) -> None:
        super().__init__(parent)
        self.services, self.runner = services, runner
        self.errors = ErrorDialogs(self)
        self.lexicon = Lexicon.builtin()  # the user's entries are merged in when loaded
        self.normalizer = Normalizer(self.lexicon)
        self.reading: Reading | None = None
        self._voices_loaded = False
        self.preview = SpeechPreview(services, runner, self.errors, Path(tempfile.mkdtemp(prefix="crs-compose-")),
                                     self)
        self.preview.finished.connect(lambda: self.stop_button.setEnabled(False))

        self.title = QLineEdit()
        self.title.setPlaceholderText(self.tr("Title (default: the first line)"))
        self.voice = QComboBox()
        self.voice.setMinimumWidth(200)
        self.voice.addItem(self.tr("Default Vietnamese voice"), "")
        self.speaking = SpeakingVoice(self.voice)  # "Đọc bằng: …", and how to get a better voice
        self.region = QComboBox()
        self.region.addItem(self.tr("Northern reading (linh, nghìn)"), Region.NORTH.value)
        self.region.addItem(self.tr("Southern reading (lẻ, ngàn)"), Region.SOUTH.value)
        self.rate = QSpinBox()  # syllables per minute, whatever the engine (studio.tts.speech_rate)
        self.rate.setRange(*RATE_RANGE)
        self.rate.setSingleStep(10)
        self.rate.setValue(DEFAULT_RATE)
        self.rate.setSuffix(self.tr(" syllables/min"))
        self.open_button = QPushButton(icon("import"), self.tr("Open text file…"))
        self.listen_button = QPushButton(icon("play"), self.tr("Listen"))
        self.stop_button = QPushButton(icon("stop"), self.tr("Stop"))
        self.create_button = QPushButton(icon("tts"), self.tr("Create bulletin"))
        self.create_button.setDefault(True)

        controls = QHBoxLayout()
        for label, widget in ((self.tr("Voice:"), self.voice), (self.tr("Reading:"), self.region),
                              (self.tr("Speed:"), self.rate)):
            controls.addWidget(QLabel(label))
            controls.addWidget(widget)
        controls.addStretch(1)
        actions = QHBoxLayout()
        actions.addWidget(self.title, 1)
        for button in (self.open_button, self.listen_button, self.stop_button, self.create_button):
            actions.addWidget(button)

        self.legacy_bar = LegacyBar()
        self.legacy_label = self.legacy_bar.label
        self.convert_button, self.keep_button = self.legacy_bar.convert_button, self.legacy_bar.keep_button

        self.editor = QPlainTextEdit()
        self.editor.setPlaceholderText(self.tr("Type or paste the notice here…"))
        self.reading_view = QTextEdit()
        self.reading_view.setReadOnly(True)
        self.flags_list = QListWidget()
        self.flags_list.setMaximumHeight(110)
        self.add_reading_button = QPushButton(self.tr("Add a reading…"))
        self.add_reading_button.setEnabled(False)
        self.summary = QLabel()

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        for widget in (QLabel(self.tr("Text of the notice")), self.editor):
            left_layout.addWidget(widget)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel(self.tr("What will be read")))
        right_layout.addWidget(self.reading_view, 1)
        flags_row = QHBoxLayout()
        flags_row.addWidget(QLabel(self.tr("Not read with confidence:")))
        flags_row.addStretch(1)
        flags_row.addWidget(self.add_reading_button)
        right_layout.addLayout(flags_row)
        right_layout.addWidget(self.flags_list)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        for widget in (left, right):
            splitter.addWidget(widget)
        splitter.setSizes([500, 500])

        layout = QVBoxLayout(self)
        for part in (actions, controls):
            layout.addLayout(part)
        for widget, stretch in ((self.speaking, 0), (self.legacy_bar, 0), (splitter, 1), (self.summary, 0)):
            layout.addWidget(widget, stretch)

        self._debounce = QTimer(self, singleShot=True, interval=250, timeout=self.refresh_reading)

        self.editor.textChanged.connect(self._debounce.start)
        self.region.currentIndexChanged.connect(self._style_changed)
        self.rate.valueChanged.connect(self._debounce.start)  # the length estimate follows the speed
        self.voice.currentIndexChanged.connect(self._voice_chosen)
        self.legacy_bar.convert_requested.connect(self.convert_legacy)
        self.open_button.clicked.connect(self.choose_file)
        self.listen_button.clicked.connect(self.listen)
        self.stop_button.clicked.connect(self.stop)
        self.create_button.clicked.connect(self.create_bulletin)
        self.flags_list.currentRowChanged.connect(self._select_flag)
        self.add_reading_button.clicked.connect(self.add_reading)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.create_bulletin)
        QShortcut(QKeySequence("Ctrl+L"), self, self.listen)
        self.stop_button.setEnabled(False)
        self.refresh_reading()

    # -- state ----------------------------------------------------------------------------
    def style(self):
        return STYLES[Region(self.region.currentData())]

    def settings(self) -> SpeechSettings:
        return SpeechSettings(self.voice.currentData() or "", self.rate.value(), 1.0)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if not self._voices_loaded:
            self._voices_loaded = True
            self.load_voices()
            self.reload_lexicon()

    def load_voices(self) -> None:
        def work(progress, cancel):
            return self.services.speech_voices()  # the local engine's, then each provider's with a key

        def done(voices) -> None:
            current = self.voice.currentData()
            self.voice.clear()
            self.voice.addItem(self.tr("Default Vietnamese voice"), "")
            for voice, label in zip(voices, voice_labels(voices)):
                self.voice.addItem(label, voice.id)
            index = self.voice.findData(current)
            self.voice.setCurrentIndex(max(0, index))
            self.speaking.set_voices(voices)

        self.runner.run(self.tr("Finding voices"), work, done, self.errors.show, cancellable=False)

    def _voice_chosen(self) -> None:
        """A Piper voice is loaded in a warm worker as soon as it is chosen, so that
        "Nghe thử" is heard within a second (loading takes most of one)."""
        voice = self.voice.currentData() or ""
        prepare = getattr(self.services.speech_engine(), "prepare", None)
        if not voice.startswith("piper:") or prepare is None:
            return
        # A failure here is only logged (by the runner): the job that uses the voice reports it.
        self.runner.run(self.tr("Loading the voice"), lambda progress, cancel: prepare(voice), lambda _: None,
                        lambda exc, details: None, cancellable=False)

    def reload_lexicon(self) -> None:
        from studio.tts.lexicon_store import load_lexicon

        def done(lexicon: Lexicon) -> None:
            self.lexicon = lexicon
            self.normalizer = Normalizer(lexicon, self.style())
            self.refresh_reading()

        self.runner.run(self.tr("Loading the dictionary"),
                        lambda progress, cancel: load_lexicon(self.services.library().conn), done,
                        self.errors.show, cancellable=False)

    def _style_changed(self) -> None:
        self.normalizer = Normalizer(self.lexicon, self.style())
        self.refresh_reading()

    def load_source(self, clip) -> None:
        """Put a synthesised clip's text, voice and settings back, to edit and read again."""
        from studio.tts.synthesis import SpeechSource

        source = SpeechSource.from_json(clip.speech_json)
        if self.voice.findData(source.voice) < 0:
            self.voice.addItem(voice_label(Voice(source.voice, source.voice, (), "")), source.voice)
        self.voice.setCurrentIndex(self.voice.findData(source.voice))
        self.rate.setValue(source.rate)  # syllables/min (an old words/min value is converted on reading)
        self.region.setCurrentIndex(max(0, self.region.findData(source.region)))
        self.title.setText(clip.title)
        self.set_text(source.text)

    # -- the live reading -------------------------------------------------------------------
    def set_text(self, text: str) -> None:
        self.editor.setPlainText(text)
        self.refresh_reading()

    def refresh_reading(self) -> None:
        self._debounce.stop()
        text = self.editor.toPlainText()
        self.legacy_bar.check(text)
        # What Listen and Create will read: converted, unless the officer kept it as typed.
        reading = self.normalizer.normalize(text, convert_legacy=self.legacy_bar.converts(text))
        self.reading = reading
        self._show_reading(reading)
        self._mark_source(reading)
        self.flags_list.clear()
        names = {
            FlagKind.UNKNOWN_ABBREVIATION: self.tr("unknown abbreviation, spelled out"),
            FlagKind.FOREIGN_WORD: self.tr("foreign word, may be misread"),
            FlagKind.SYMBOL: self.tr("symbol, not read"),
            FlagKind.ADDRESS: self.tr("web address, read as written"),
            FlagKind.DATE_OR_RANGE: self.tr("a date or a range? check how it is read"),
        }
        for flag in reading.flags:
            item = QListWidgetItem(f"“{flag.token}” — {names[flag.kind]}")
            self.flags_list.addItem(item)
        self.add_reading_button.setEnabled(False)
        from studio.tts.synthesis import estimate_seconds, split_sentences

        seconds = estimate_seconds(split_sentences(reading.text), self.rate.value())
        self.summary.setText(self.tr("%1 syllables to read, about %2 min; %3 to check.")
                             .replace("%1", str(count_syllables(reading.text)))
                             .replace("%2", number(seconds / 60))
                             .replace("%3", str(len(reading.flags))))
        has_text = any(c.isalnum() for c in reading.text)
        self.listen_button.setEnabled(has_text)
        self.create_button.setEnabled(has_text)

    def _show_reading(self, reading: Reading) -> None:
        self.reading_view.setPlainText(reading.text)
        marked = QTextCharFormat()
        marked.setBackground(FLAG_COLOUR)
        cursor = QTextCursor(self.reading_view.document())
        for flag in reading.flags:
            start, end = flag.spoken_start, max(flag.spoken_end, flag.spoken_start + 1)
            cursor.setPosition(min(start, len(reading.text)))
            cursor.setPosition(min(end, len(reading.text)), QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(marked)

    def _mark_source(self, reading: Reading) -> None:
        selections = []
        for flag in reading.flags if reading.legacy is None else ():  # converted: other positions
            selection = QTextEdit.ExtraSelection()
            selection.format.setBackground(FLAG_COLOUR)
            selection.format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            selection.format.setUnderlineColor(QColor("#e65100"))
            selection.cursor = QTextCursor(self.editor.document())
            selection.cursor.setPosition(flag.source_start)
            selection.cursor.setPosition(flag.source_end, QTextCursor.MoveMode.KeepAnchor)
            selections.append(selection)
        self.editor.setExtraSelections(selections)

    def _select_flag(self, row: int) -> None:
        if self.reading is None or self.reading.legacy is not None or not 0 <= row < len(self.reading.flags):
            self.add_reading_button.setEnabled(False)
            return
        flag = self.reading.flags[row]
        cursor = self.editor.textCursor()
        cursor.setPosition(flag.source_start)
        cursor.setPosition(flag.source_end, QTextCursor.MoveMode.KeepAnchor)
        self.editor.setTextCursor(cursor)
        self.add_reading_button.setEnabled(flag.kind in (FlagKind.UNKNOWN_ABBREVIATION, FlagKind.FOREIGN_WORD))

    def add_reading(self) -> None:
        row = self.flags_list.currentRow()
        if self.reading is None or not 0 <= row < len(self.reading.flags):
            return
        token = self.reading.flags[row].token
        spoken, ok = QInputDialog.getText(self, self.tr("Add a reading"),
                                          self.tr("How should “%1” be read?").replace("%1", token))
        if ok and spoken.strip():
            self.save_reading(token, spoken)

    def save_reading(self, token: str, spoken: str) -> None:
        from studio.tts.lexicon_store import EntryKind, add_entry

        kind = EntryKind.ABBREVIATION if token.isupper() else EntryKind.PRONUNCIATION
        self.runner.run(self.tr("Saving to the dictionary"),
                        lambda progress, cancel: add_entry(self.services.library().conn, kind, token, spoken),
                        lambda _: self.reload_lexicon(), self.errors.show, cancellable=False)

    # -- legacy fonts -------------------------------------------------------------------------
    def convert_legacy(self, converted: str) -> None:
        cursor = self.editor.textCursor()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(converted)  # one undoable step
        self.refresh_reading()

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open a text file"), "",
                                              self.tr("Text files (*.txt);;All files (*)"))
        if path:
            self.open_file(Path(path))

    def open_file(self, path: Path) -> None:
        from studio.tts.bulletin import read_text_file

        self.runner.run(self.tr("Opening %1").replace("%1", path.name),
                        lambda progress, cancel: read_text_file(path), self.set_text, self.errors.show)

    # -- listen and create -------------------------------------------------------------------
    def listen(self) -> None:
        """First sentence first: it plays as soon as it is made, the rest follows."""
        text, lexicon, style = self.editor.toPlainText(), self.lexicon, self.style()
        settings = self.settings()
        self.preview.listen(text, settings, lambda: self.services.synthesizer(lexicon, style, settings.voice),
                            convert=self.legacy_bar.converts(text))
        self.stop_button.setEnabled(True)

    def stop(self) -> None:
        self.preview.stop()

    def create_bulletin(self) -> None:
        text, settings, style, title = self.editor.toPlainText(), self.settings(), self.style(), self.title.text()
        convert = self.legacy_bar.converts(text)
        lexicon = self.lexicon
        if not any(c.isalnum() for c in text):
            return

        def work(progress, cancel):
            spoken = self.services.speak(text, settings, lexicon, style, title=title.strip() or None, cancel=cancel,
                                         progress=progress, convert_legacy=convert)
            return spoken.clip_id, spoken.offline

        def done(value) -> None:
            clip_id, offline = value
            self.create_button.setEnabled(True)
            if offline is not None:  # queued: the local reading is the clip meanwhile
                self.errors.show(offline)
            self.bulletin_created.emit(clip_id)

        def failed(exc, details) -> None:
            self.create_button.setEnabled(True)
            self.errors.show(exc, details)

        self.create_button.setEnabled(False)
        self.runner.run(self.tr("Creating the bulletin"), work, done, failed,
                        on_cancelled=lambda: self.create_button.setEnabled(True))

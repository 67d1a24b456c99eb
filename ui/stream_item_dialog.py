"""Tiếp sóng: the dialog that makes or edits a programme's stream item (an Icecast/HTTP
MP3 or AAC station, or an HLS playlist, relayed by the receivers for a set time).

The officer types the station's address and how long to relay it (minutes, or h:mm).
"Nghe thử luồng" runs the CLI's own check (`studio.fleet.stream_preview.preview_stream`,
as `radio-studio stream check`) through the task runner and says what it found: codec,
rate, level, and whether the stream is silent, needs the receivers' relay extra, or
cannot be reached. OK applies the core's rules (`stream_item`, `check_one_stream`): a
broken rule is named under the fields and the dialog stays open.

Threads: UI thread; the check's network and decoding run on the runner's pool, and its
result comes back on the UI thread (a result for an address since changed is dropped).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.errors import InvalidStreamItem, StreamFailure, StreamItemProblem, StreamUnavailable
from studio.programmes.model import Item, check_one_stream, parse_stream_minutes, stream_item, stream_url
from ui.formatting import compact, number
from ui.task_runner import TaskRunner

CHECK_SECONDS = 5.0  # as `stream check`'s default: enough to read the level of a live station
OK_COLOUR, WARN_COLOUR, ERROR_COLOUR = "#2e7d32", "#ef6c00", "#c62828"


def minutes_text(seconds: float) -> str:
    """What the duration field shows for `seconds`: minutes ("30"), or h:mm ("1:30") for
    whole minutes from an hour up; `parse_stream_minutes` reads both back."""
    minutes = seconds / 60
    if minutes >= 60 and minutes == int(minutes):
        return f"{int(minutes) // 60}:{int(minutes) % 60:02d}"
    return compact(minutes)


class StreamItemDialog(QDialog):
    def __init__(self, runner: TaskRunner, others: tuple[Item, ...], item: Item | None = None,
                 parent: QWidget | None = None, check_seconds: float = CHECK_SECONDS) -> None:
        super().__init__(parent)
        self.runner, self.others, self.original, self.check_seconds = runner, others, item, check_seconds
        self.result_item: Item | None = None
        self.checking: str | None = None  # the address whose check is running
        self.setWindowTitle(self.tr("Relay a station") if item is None else self.tr("Edit the relay"))
        self.setMinimumWidth(520)
        intro = QLabel(self.tr("The loudspeakers play the station themselves for the time set. The programme's "
                               "other items are the backup, played if the stream fails or stays silent."))
        intro.setWordWrap(True)
        self.url = QLineEdit(item.stream if item else "")
        self.url.setPlaceholderText("https://…/live.mp3")
        self.duration = QLineEdit(minutes_text(item.duration_s) if item else "")
        self.duration.setPlaceholderText(self.tr("e.g. 30 or 1:30"))
        self.duration.setMaximumWidth(120)
        self.check_button = QPushButton(self.tr("Listen to the stream"))
        self.check_button.setToolTip(self.tr("Connect to the station and read a few seconds of it (codec, level)."))
        self.check_result = QLabel()
        self.check_result.setWordWrap(True)
        self.check_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {ERROR_COLOUR}")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)

        url_row = QHBoxLayout()
        url_row.addWidget(self.url, 1)
        url_row.addWidget(self.check_button)
        duration_row = QHBoxLayout()
        duration_row.addWidget(self.duration)
        duration_row.addWidget(QLabel(self.tr("minutes (or hours:minutes), up to 24 hours")))
        duration_row.addStretch(1)
        form = QFormLayout()
        form.addRow(self.tr("Stream address:"), url_row)
        form.addRow(self.tr("Relay for:"), duration_row)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.check_result)
        layout.addWidget(self.problem)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self.check_button.clicked.connect(self.check)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.url.textEdited.connect(lambda _t: self.check_result.clear())

    # -- the rules (the core's) -----------------------------------------------------------------
    def problem_text(self, problem: StreamItemProblem) -> str:
        return {
            StreamItemProblem.NOT_A_URL: self.tr("The stream address must start with http:// or https:// and name "
                                                 "a server, e.g. https://radio.example.vn/live.mp3."),
            StreamItemProblem.BAD_DURATION: self.tr("Type how long to relay in minutes (30) or hours:minutes "
                                                    "(1:30), more than 0 and at most 24 hours."),
            StreamItemProblem.SECOND_STREAM: self.tr("This programme already relays a stream: a programme relays "
                                                     "one. Edit that item (double-click it) or make another "
                                                     "programme."),
        }[problem]

    def accept(self) -> None:
        try:
            item = stream_item(self.url.text(), parse_stream_minutes(self.duration.text()))
            check_one_stream(self.others + (item,))
        except InvalidStreamItem as exc:
            self.problem.setText(self.problem_text(exc.problem))
            (self.url if exc.problem is StreamItemProblem.NOT_A_URL else self.duration).setFocus()
            return
        if self.original is not None:  # an edit keeps what the stream item had besides
            item = replace(self.original, stream=item.stream, duration_s=item.duration_s)
        self.result_item = item
        self.problem.clear()
        super().accept()

    # -- Nghe thử luồng -------------------------------------------------------------------------
    def check(self) -> None:
        from studio.fleet.stream_preview import preview_stream

        try:
            url = stream_url(self.url.text())
        except InvalidStreamItem as exc:
            self.problem.setText(self.problem_text(exc.problem))
            return
        self.problem.clear()
        self.checking = url
        self.check_button.setEnabled(False)
        self._show(self.tr("Listening to the stream for a few seconds…"), "#455a64")
        seconds = self.check_seconds
        self.runner.run(self.tr("Checking the stream"), lambda progress, cancel: preview_stream(url, seconds),
                        lambda found: self._checked(url, found), lambda exc, details: self._failed(url, exc, details),
                        cancellable=False)

    def _show(self, text: str, colour: str, details: str = "") -> None:
        self.check_result.setText(f"<span style='color:{colour}'>{text}</span>")
        self.check_result.setToolTip(details)

    def _current(self, url: str) -> bool:
        if url != self.checking:
            return False
        self.checking = None
        self.check_button.setEnabled(True)
        return self.url.text().strip() == url

    def _checked(self, url: str, found) -> None:
        if not self._current(url):
            return
        codec = ("HLS " if found.hls else "") + found.codec.upper().removesuffix("FLOAT")
        lines = [self.tr("Found: %1, %2 Hz, %3 channel(s), about %4 kbit/s.")
                 .replace("%1", codec).replace("%2", str(found.sample_rate)).replace("%3", str(found.channels))
                 .replace("%4", number(found.bitrate_kbps, 0))]
        if found.loudness_lufs is not None:
            lines.append(self.tr("Level %1 LUFS, peak %2 dBFS (receivers even it out to the zone's level).")
                         .replace("%1", number(found.loudness_lufs)).replace("%2", number(found.peak_dbfs)))
        colour = OK_COLOUR
        if found.silent:
            lines.append(self.tr("The stream is silent: the loudspeakers would play the backup instead."))
            colour = WARN_COLOUR
        if found.needs_relay_extra:
            lines.append(self.tr("Only receivers with the relay extra (PyAV) play this kind of stream; the "
                                 "others play the backup. Each receiver's status lists what it relays."))
            colour = WARN_COLOUR
        self._show("<br>".join(lines), colour)

    def _failed(self, url: str, exc: BaseException, details: str) -> None:
        if not self._current(url):
            return
        if isinstance(exc, StreamUnavailable) and exc.failure is StreamFailure.NOT_AUDIO:
            text = self.tr("The address answers, but not with audio the studio can decode. Check that it is the "
                           "station's stream, not its web page.")
        elif isinstance(exc, StreamUnavailable):
            text = self.tr("The stream cannot be reached. Check the address and the Internet connection, or try "
                           "again later.")
        else:
            text = self.tr("The stream could not be checked on this computer. Copy the details for technical "
                           "support.")
        self._show(text, ERROR_COLOUR, exc.reason if isinstance(exc, StreamUnavailable) else details)

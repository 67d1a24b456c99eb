"""Phê duyệt / Từ chối: the approver signs in for one decision and can first listen to
the exact rendered programme, each language version — the render the approval binds to
(`studio.programmes.render.render_programme`, a cache hit once submitted), not the clips
one by one. Rendering and decoding run in the task runner; playback goes through the
studio's preview player (`ui/preview.py`). Closing the dialog stops it. UI thread.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton

from studio.audio.settings import RenderSettings
from studio.languages import display_name
from studio.programmes.model import Programme
from ui.error_messages import ErrorDialogs
from ui.login_dialog import LoginDialog
from ui.preview import Preview
from ui.programme_items import stream_length, stream_place


class ApprovalDialog(LoginDialog):
    def __init__(self, services, runner, programme: Programme, settings: RenderSettings, title: str, prompt: str,
                 ask_comment: bool = False, comment_required: bool = False, parent=None) -> None:
        super().__init__(title, prompt, ask_comment, comment_required, parent)
        self.services, self.programme, self.settings = services, programme, settings
        self.preview = Preview(services, runner, self)
        self.errors = ErrorDialogs(self)
        self.playing_language: str | None = None
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Listen before deciding:")))
        self.listen_buttons: dict[str, QPushButton] = {}
        for language in programme.spec.languages():
            button = QPushButton(self.tr("▶ %1").replace("%1", display_name(language)))
            button.clicked.connect(lambda _checked=False, lang=language: self.toggle(lang))
            self.listen_buttons[language] = button
            row.addWidget(button)
        row.addStretch(1)
        self.layout().insertLayout(1, row)
        self.status = QLabel()
        self.layout().insertWidget(2, self.status)
        self.relay_note: QLabel | None = None
        if (stream := programme.spec.stream_item()) is not None:  # the approval covers the station relayed too
            self.relay_note = QLabel(self.tr("This programme relays %1 for %2; what you hear here is its backup, "
                                             "played if the stream fails.").replace("%1", stream_place(stream.stream))
                                     .replace("%2", stream_length(stream.duration_s)))
            self.relay_note.setWordWrap(True)
            self.layout().insertWidget(1, self.relay_note)
        self.preview.started.connect(self._started)
        self.finished.connect(lambda _result: self.stop())

    @classmethod
    def for_panel(cls, panel, title: str, prompt: str, approve: bool) -> ApprovalDialog:
        """For the programme `panel` has open: a comment, required when rejecting."""
        return cls(panel.services, panel.runner, panel.current, panel.settings, title, prompt, ask_comment=True,
                   comment_required=not approve, parent=panel)

    def toggle(self, language: str) -> None:
        if self.playing_language == language:
            self.stop()
            return
        self.listen(language)

    def listen(self, language: str) -> None:
        """Render (or find in the cache) `language`'s version and play it from the start."""
        programme, settings, services = self.programme, self.settings, self.services

        def make(cancel):
            from studio.programmes.render import render_programme

            return render_programme(services.programmes(), programme, language, settings, cancel=cancel).media_path

        self.playing_language = language
        self.status.setText(self.tr("Preparing the audio…"))
        self.preview.play_rendered(make, self._failed)

    def _started(self) -> None:
        self.status.setText(self.tr("Playing: this is the audio that will be approved."))
        for language, button in self.listen_buttons.items():
            button.setText(button.text().replace("■", "▶"))
            if language == self.playing_language:
                button.setText(button.text().replace("▶", "■"))

    def _failed(self, exc, details) -> None:
        self.playing_language = None
        self.status.setText("")
        self.errors.show(exc, details)

    def stop(self) -> None:
        self.preview.stop()
        self.playing_language = None
        self.status.setText("")
        for button in self.listen_buttons.values():
            button.setText(button.text().replace("■", "▶"))

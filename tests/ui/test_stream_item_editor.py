"""Tiếp sóng in the programme editor, through the real window in Vietnamese: a stream item
added through its dialog (a bad address and a bad length refused in words, the dialog
left open), shown first with the other items as its backup, edited by a double-click,
saved and read back from the repository, then submitted and approved (only the backup is
rendered). "Nghe thử luồng" checks a real loopback HTTP station off the UI thread and
says what it found, that a silent one would fall back, that AAC needs the receivers'
relay extra, that a web page is not a stream and that a dead address cannot be reached."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest

from studio.accounts.store import Accounts, Role
from studio.audio import synthetic
from studio.programmes.model import Item, Spec, State
from tests.support.http_folder import FolderServer
from tests.support.tools import write_audio


def idle(qtbot, window):
    qtbot.waitUntil(lambda: window.runner.active_count() == 0, timeout=30000)


def open_programme(qtbot, window, tmp_path):
    library = window.services.library()
    clip = library.import_file(write_audio(tmp_path / "tin.wav", synthetic.speech_like(4.0, seed=1), subtype="PCM_16"),
                               title="Bản tin dự phòng").clip.id
    window.show_area("programmes")
    panel = window.programmes_panel
    idle(qtbot, window)
    panel.create("Tiếp sóng VOV1", Spec((Item(clip=clip),)))
    qtbot.waitUntil(lambda: panel.current is not None and panel.current.title == "Tiếp sóng VOV1", timeout=10000)
    idle(qtbot, window)
    return panel, clip


def labels(panel) -> list[str]:
    return [panel.items.item(n).text() for n in range(panel.items.count())]


def test_add_refuse_edit_save_and_approve_a_stream_item(qtbot, studio_window, tmp_path):
    window = studio_window
    panel, clip = open_programme(qtbot, window, tmp_path)
    editing = panel.stream_editing
    assert editing.button.text() == "Tiếp sóng…"

    editing.button.click()
    dialog = editing.dialog
    assert dialog.isVisible() and dialog.windowTitle() == "Tiếp sóng một đài"
    dialog.url.setText("vov.vn/vov1.mp3")
    dialog.duration.setText("30")
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and "http://" in dialog.problem.text() and "https://" in dialog.problem.text()
    dialog.url.setText("https://stream.vov.vn/vov1/live.mp3")
    for bad in ("nửa giờ", "0", "24:01"):
        dialog.duration.setText(bad)
        dialog.buttons.accepted.emit()
        assert dialog.isVisible() and "tối đa 24 giờ" in dialog.problem.text(), bad
    assert panel.items.count() == 1  # nothing added while the dialog refuses
    dialog.duration.setText("30")
    dialog.buttons.accepted.emit()
    assert not dialog.isVisible()

    assert panel.items.item_at(0) == Item(stream="https://stream.vov.vn/vov1/live.mp3", duration_s=1800.0)
    assert labels(panel)[0] == "Tiếp sóng: stream.vov.vn/vov1/live.mp3 — 30 phút"
    assert not panel.items.item(0).icon().isNull() and panel.items.item(1).icon().isNull()
    assert labels(panel)[1].startswith("↳ Dự phòng: Bản tin dự phòng")
    panel.items.setCurrentRow(0)
    assert not panel.variant_button.isEnabled() and not panel.gap.isEnabled()  # no versions, no pause
    panel.items.setCurrentRow(1)
    assert panel.variant_button.isEnabled() and panel.gap.isEnabled()
    panel.items.setCurrentRow(0)
    assert panel.save_button.isEnabled()

    # A double-click reopens it with its values; the button edits the same item (one stream).
    panel.items.itemDoubleClicked.emit(panel.items.item(0))
    dialog = editing.dialog
    assert dialog.windowTitle() == "Sửa mục tiếp sóng"
    assert (dialog.url.text(), dialog.duration.text()) == ("https://stream.vov.vn/vov1/live.mp3", "30")
    dialog.duration.setText("1:30")
    dialog.buttons.accepted.emit()
    assert labels(panel)[0] == "Tiếp sóng: stream.vov.vn/vov1/live.mp3 — 1 giờ 30 phút"
    editing.button.click()
    assert editing.dialog.duration.text() == "1:30"
    editing.dialog.buttons.rejected.emit()
    assert panel.items.count() == 2

    panel.save_button.click()
    qtbot.waitUntil(lambda: panel.current is not None and not panel._dirty, timeout=10000)
    idle(qtbot, window)
    saved = window.services.programmes().get(panel.current.id)
    assert saved.spec.items == (Item(stream="https://stream.vov.vn/vov1/live.mp3", duration_s=5400.0),
                                Item(clip=clip))
    assert labels(panel)[0].startswith("Tiếp sóng:")  # as reloaded from the repository
    assert "1:30:00" in panel.total.text()  # the relay's length, not its backup's

    # Removing the backup: the stream says what plays if it fails.
    panel.items.setCurrentRow(1)
    panel.remove_button.click()
    assert "không có mục dự phòng" in labels(panel)[0]
    panel.items.setCurrentRow(0)
    panel.remove_button.click()
    panel.clip_choice.setCurrentIndex(panel.clip_choice.findData(clip))
    panel.add_clip_button.click()
    assert labels(panel) == [panel.items.plain_label(Item(clip=clip))]  # no stream: no "backup" label
    panel.open_programme(saved)

    accounts = Accounts(window.services.library().conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    accounts.add("chutich", "matkhau-chutich", Role.APPROVER, by=admin)
    panel.submit_button.click()
    qtbot.waitUntil(lambda: panel.current is not None and panel.current.state is State.SUBMITTED, timeout=60000)
    panel.approve_button.click()
    note = panel._login.relay_note.text()  # the approver is told what is relayed, and that they hear the backup
    assert "tiếp sóng stream.vov.vn/vov1/live.mp3 trong 1 giờ 30 phút" in note and "bản dự phòng" in note
    screens = Path(__file__).resolve().parents[1] / "artifacts" / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    assert panel._login.grab().save(str(screens / "relay-approval.png"))  # for eyes
    panel._login.reject()
    panel._decide(True, "chutich", "matkhau-chutich", "")
    qtbot.waitUntil(lambda: panel.current is not None and panel.current.state is State.APPROVED, timeout=60000)
    approved = window.services.programmes().get(panel.current.id)
    assert approved.spec.stream_item().duration_s == 5400.0 and approved.audio


def test_a_second_stream_is_refused_in_words_by_the_dialog_and_on_saving(qtbot, studio_window, tmp_path):
    from ui.stream_item_dialog import StreamItemDialog

    window = studio_window
    dialog = StreamItemDialog(window.runner, (Item(stream="http://a.vn/x", duration_s=60), Item(clip=1)))
    qtbot.addWidget(dialog)
    dialog.url.setText("http://b.vn/y")
    dialog.duration.setText("15")
    dialog.accept()
    assert dialog.result_item is None and "chỉ tiếp sóng một luồng" in dialog.problem.text()

    panel, clip = open_programme(qtbot, window, tmp_path)  # the repository says no as well (a script, an import)
    panel.create("Hai luồng", Spec((Item(stream="http://a.vn/x", duration_s=60),
                                    Item(stream="http://b.vn/y", duration_s=60), Item(clip=clip))))
    qtbot.waitUntil(lambda: bool(panel.errors.visible()), timeout=10000)
    assert "Mục tiếp sóng không dùng được" in panel.errors.visible()[0].message_label.text()


def encode(path: Path, volume: float, codec: tuple[str, ...] = ("-c:a", "libmp3lame", "-b:a", "64k")) -> Path:
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=f=440:d=6:sample_rate=44100",
                    "-af", f"volume={volume}", "-ac", "1", *codec, str(path)], check=True)
    return path


@pytest.fixture
def station(tmp_path):
    folder = tmp_path / "station"
    folder.mkdir()
    encode(folder / "live.mp3", 4.0)
    encode(folder / "quiet.mp3", 0.0)
    encode(folder / "live.aac", 4.0, ("-c:a", "aac", "-b:a", "64k", "-f", "adts"))
    (folder / "index.html").write_text("<html>Đài tỉnh</html>", encoding="utf-8")
    server = FolderServer(folder)
    yield server.url
    server.close()


def test_listen_to_a_station_a_silent_one_a_web_page_and_a_dead_address(qtbot, studio_window, tmp_path, station):
    window = studio_window
    panel, _clip = open_programme(qtbot, window, tmp_path)
    panel.stream_editing.button.click()
    dialog = panel.stream_editing.dialog
    dialog.check_seconds = 2.0

    def check(url: str) -> str:
        dialog.url.setText(url)
        dialog.check_button.click()
        assert not dialog.check_button.isEnabled()  # one check at a time (the paced test below shows it is off the UI thread)
        qtbot.waitUntil(lambda: dialog.check_button.isEnabled(), timeout=30000)
        return dialog.check_result.text()

    found = check(f"{station}/live.mp3")
    assert "Tìm thấy: MP3, 44100 Hz, 1 kênh, khoảng 64 kbit/s" in found and "LUFS" in found and "im lặng" not in found
    assert "#2e7d32" in found  # green: nothing to worry about
    assert "im lặng" in check(f"{station}/quiet.mp3")
    aac = check(f"{station}/live.aac")
    assert "Tìm thấy: AAC" in aac and "gói tiếp sóng (PyAV)" in aac and "#ef6c00" in aac  # orange: a warning
    assert "không phải âm thanh" in check(f"{station}/index.html")
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/live"
    failed = check(dead)
    assert "Không kết nối được" in failed and dialog.check_result.toolTip()  # the details, for support
    dialog.url.setText("ftp://vov.vn/live")
    dialog.check_button.click()
    assert "http://" in dialog.problem.text() and dialog.check_button.isEnabled()
    assert not panel.errors.visible()  # a failed check never opens an error window


def test_screenshots_of_the_editor_with_a_relay_and_of_the_dialog_after_a_check(qtbot, studio_window, tmp_path,
                                                                                 station):
    """For eyes (tests/artifacts/screens/relay-*.png); checks that the dialog fits and shows its result."""
    from PySide6.QtCore import QSize

    from ui.main_window import SMALLEST_SCREEN, TASKBAR, TITLE_BAR

    window = studio_window
    panel, _clip = open_programme(qtbot, window, tmp_path)
    panel.stream_editing.button.click()
    dialog = panel.stream_editing.dialog
    dialog.check_seconds = 2.0
    dialog.url.setText(f"{station}/live.mp3")
    dialog.duration.setText("30")
    dialog.check_button.click()
    qtbot.waitUntil(lambda: dialog.check_button.isEnabled(), timeout=30000)
    screens = Path(__file__).resolve().parents[1] / "artifacts" / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    free = QSize(SMALLEST_SCREEN.width(), SMALLEST_SCREEN.height() - TASKBAR - TITLE_BAR)
    assert dialog.sizeHint().width() <= free.width() and dialog.sizeHint().height() <= free.height()
    dialog.adjustSize()
    assert dialog.grab().save(str(screens / "relay-dialog-checked.png"))
    dialog.url.setText(f"{station}/quiet.mp3")
    dialog.check_button.click()
    qtbot.waitUntil(lambda: dialog.check_button.isEnabled(), timeout=30000)
    assert dialog.grab().save(str(screens / "relay-dialog-silent.png"))
    dialog.url.setText(f"{station}/live.mp3")
    dialog.buttons.accepted.emit()
    panel.items.setCurrentRow(0)
    for size in (QSize(1366, 768 - TASKBAR - TITLE_BAR), free):
        window.resize(size)
        qtbot.waitUntil(lambda size=size: window.size() == size, timeout=5000)
        assert window.grab().save(str(screens / f"relay-editor-{size.width()}x768.png"))


def test_listening_to_a_station_paced_in_real_time_leaves_the_window_free(qtbot, studio_window, tmp_path):
    """A station that sends in real time (Icecast's burst, then its bit rate): the check
    takes its seconds on a worker while the UI thread keeps ticking. Prints the figures."""
    import time

    from tests.e2e.test_relay import StreamServer
    from tests.e2e.test_relay import mp3 as paced_mp3
    from tests.ui.test_responsiveness import MAX_BLOCKED_S, MAX_BUSY_S, StallMeter

    server = StreamServer(paced_mp3(tmp_path / "vov.mp3", 30.0, 0.5))
    try:
        window = studio_window
        panel, _clip = open_programme(qtbot, window, tmp_path)
        panel.stream_editing.button.click()
        dialog = panel.stream_editing.dialog
        dialog.url.setText(server.url)
        meter = StallMeter()
        meter.start()
        started = time.monotonic()
        dialog.check_button.click()
        qtbot.waitUntil(lambda: dialog.check_button.isEnabled(), timeout=30000)
        took = time.monotonic() - started
        meter.stop()
    finally:
        server.close()
    print(f"Nghe thử luồng: {took:.2f} s for a {dialog.check_seconds:g} s check; longest UI-thread gap "
          f"{meter.worst_wall * 1000:.1f} ms wall clock, {meter.worst_busy * 1000:.1f} ms computing, "
          f"{meter.worst_blocked * 1000:.1f} ms blocked, over {meter.ticks} ticks")
    assert "Tìm thấy: MP3" in dialog.check_result.text() and "64 kbit/s" in dialog.check_result.text()
    assert took >= dialog.check_seconds * 0.9  # it did listen for its seconds (a paced station)...
    assert meter.ticks > 50  # ...while the event loop ran
    assert meter.worst_busy < MAX_BUSY_S and meter.worst_blocked < MAX_BLOCKED_S, meter.where

"""The shell's wiring: the task runner, the crash handler, settings and navigation."""

from __future__ import annotations

import json
import logging
import sys
import threading

import pytest

from studio.errors import Cancelled, CorruptAudio
from ui.task_runner import TaskRunner


def test_task_runner_brings_results_errors_and_cancels_back_on_the_ui_thread(qtbot):
    runner = TaskRunner()
    ui_thread = threading.current_thread()
    seen = {}

    def job(progress, cancel):
        for i in range(1000):
            progress(i + 1, 1000)
        return threading.current_thread()

    runner.run("ok", job, lambda r: seen.update(worker=r, on=threading.current_thread()))
    runner.run("bad", lambda p, c: (_ for _ in ()).throw(CorruptAudio("x.wav", "bad frame")),
               None, lambda e, d: seen.update(error=e, details=d))

    def slow(progress, cancel):
        while not cancel.wait(0.01):
            progress(1, 2)
        raise Cancelled()

    task = runner.run("slow", slow, None, lambda e, d: seen.update(wrong=e), lambda: seen.update(cancelled=True))
    qtbot.waitUntil(lambda: "worker" in seen and "error" in seen, timeout=5000)
    assert seen["on"] is ui_thread and seen["worker"] is not ui_thread
    assert isinstance(seen["error"], CorruptAudio) and "bad frame" in seen["details"]
    # A job running past 0.5 s becomes visible with its progress; cancelling it is not an error.
    qtbot.waitUntil(lambda: task in runner.visible_tasks(), timeout=3000)
    qtbot.waitUntil(lambda: task.total == 2, timeout=3000)
    runner.cancel(task.id)
    qtbot.waitUntil(lambda: "cancelled" in seen, timeout=3000)
    assert "wrong" not in seen, seen
    assert runner.active_count() == 0, [t.title for t in runner._tasks.values()]
    runner.shutdown()


def test_a_bug_in_a_slot_is_logged_and_reported_without_blocking(qtbot, studio_window, caplog):
    crash = sys.excepthook
    with caplog.at_level(logging.ERROR):
        crash(ZeroDivisionError, ZeroDivisionError("division by zero"), None)
    assert "unexpected error" in caplog.text
    reports = [d for d in crash.reports if d.isVisible()]
    assert len(reports) == 1 and not reports[0].isModal()
    assert "Đã xảy ra lỗi không mong muốn" in reports[0].message_label.text()
    assert "ZeroDivisionError" in reports[0].details


def test_settings_are_saved_as_values_and_used(qtbot, studio_window, data_dir):
    window = studio_window
    dialog = window.open_settings()
    assert dialog.device.findText("testspk") >= 0  # the real PortAudio device list
    dialog.device.setCurrentIndex(dialog.device.findText("testspk"))
    dialog.target.setValue(-18.0)
    dialog.high_pass.setChecked(False)
    dialog.accept()
    saved = json.loads((data_dir / "settings.json").read_text())
    assert saved["output_device"] == "testspk" and saved["target_lufs"] == -18.0
    assert saved["speech_high_pass"] is False and saved["ui_language"] == "vi"
    assert window.preview.player.device == "testspk"
    assert window.services.preferences.target_lufs == -18.0


def test_every_area_can_be_reached_and_none_is_a_placeholder(qtbot, studio_window):
    from ui.placeholder_panel import PlaceholderPanel

    window = studio_window
    for row, key in enumerate(window.AREAS):
        window.nav.setCurrentRow(row)
        assert window.stack.currentWidget() is window.pages[key]
        assert not isinstance(window.pages[key], PlaceholderPanel)


def test_the_pyside6_that_loses_references_cannot_be_installed():
    """PySide6 6.12.0 dropped a reference to emit()'s return value (True/False/None): on
    Python 3.11 a long render's progress signals then aborted the interpreter. The `ui` extra
    keeps that version out, and what is installed satisfies it."""
    from importlib.metadata import requires, version

    from packaging.requirements import Requirement  # pytest's own dependency

    (pyside,) = [r for r in map(Requirement, requires("commune-radio-studio"))
                 if r.name.lower() == "pyside6-essentials"]
    assert not pyside.specifier.contains("6.12.0")
    assert pyside.specifier.contains(version("PySide6-Essentials"))


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="True/False/None are immortal from 3.12: no count to lose")
def test_signal_emits_do_not_lose_references():
    from PySide6.QtCore import QObject, Signal

    class Relay(QObject):
        progressed = Signal(int, int, int)

    counts = lambda: (sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None))  # noqa: E731
    held = [True, False, None] * 100
    holding = counts()
    del held
    assert all(h - now >= 90 for h, now in zip(holding, counts()))  # the counts move: a loss would show
    relay = Relay()
    relay.progressed.connect(lambda *args: None)
    before = counts()
    for i in range(5000):
        relay.progressed.emit(i, 5000, 1)
    after = counts()
    assert all(a >= b - 10 for a, b in zip(after, before)), (before, after)


def test_every_icon_used_exists_and_draws(qtbot):
    import re
    from pathlib import Path

    from PySide6.QtGui import QImage

    from ui.icons import icon
    from ui.resources import icon_names, icons_licence

    ui_dir = Path(__file__).resolve().parents[2] / "ui"
    used = set()
    for source in ui_dir.glob("*.py"):
        used |= set(re.findall(r'icon\("([a-z-]+)"\)', source.read_text(encoding="utf-8")))
    used |= {"restore", "stop"}  # chosen at run time
    from ui.main_window import AREA_ICONS

    used |= set(AREA_ICONS.values())
    assert used <= icon_names()
    for name in sorted(used):
        image = icon(name).pixmap(24, 24).toImage().convertToFormat(QImage.Format.Format_ARGB32)
        drawn = sum(1 for y in range(24) for x in range(24) if image.pixelColor(x, y).alpha() > 0)
        assert drawn > 10, f"{name}.svg draws nothing"
    assert icons_licence().is_file()


def test_sound_device_troubles_get_their_own_vietnamese_message(qtbot, studio_window):
    from studio.errors import AudioDeviceError, DeviceProblem
    from ui.error_messages import describe

    busy, action = describe(AudioDeviceError("USB Mic", "Device unavailable", DeviceProblem.BUSY))
    assert "USB Mic" in busy and "chương trình khác" in busy and "Zalo" in action
    missing, _ = describe(AudioDeviceError("", "no device", DeviceProblem.NOT_FOUND))
    assert "thiết bị mặc định" in missing

"""Chương trình and Lịch phát through the real window: build, reorder, submit and approve a
programme (with a wrong password on the way), then schedule it, see the checks in the
calendar, drag a broadcast to another time, and export the week as PDF and iCalendar."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from studio.accounts.store import Accounts, Role
from studio.audio import synthetic
from studio.programmes.model import State
from studio.schedule.slots import Priority, Slots, StartMode
from studio.schedule.zones import parse_window
from tests.support.tools import write_audio
from ui.slot_dialog import SlotRequest

MONDAY = date(2026, 11, 30)


def setup_library(window, tmp_path):
    library = window.services.library()
    clips = [library.import_file(write_audio(tmp_path / f"tin-{n}.wav", synthetic.speech_like(6.0 + n, seed=n),
                                             subtype="PCM_16"), title=f"Tin số {n + 1}").clip.id for n in range(2)]
    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    accounts.add("chutich", "matkhau-chutich", Role.APPROVER, by=admin)
    return clips


def idle(qtbot, window):
    qtbot.waitUntil(lambda: window.runner.active_count() == 0, timeout=30000)


def test_build_submit_and_approve_a_programme(qtbot, studio_window, tmp_path):
    from studio.programmes.model import Item, Spec

    window = studio_window
    clips = setup_library(window, tmp_path)
    window.show_area("programmes")
    panel = window.programmes_panel
    idle(qtbot, window)
    assert panel.clip_choice.count() == 2 and panel.new_button.isEnabled()
    panel.create("Bản tin sáng", Spec((Item(clip=clips[0]),)))
    qtbot.waitUntil(lambda: panel.current is not None and panel.current.title == "Bản tin sáng", timeout=10000)

    panel.jingle_choice.setCurrentIndex(panel.jingle_choice.findData("chuong-bao"))
    panel.add_jingle_button.click()
    panel.clip_choice.setCurrentIndex(panel.clip_choice.findData(clips[1]))
    panel.add_clip_button.click()
    panel.items.model().moveRow(panel.items.model().index(0, 0).parent(), 2, panel.items.model().index(0, 0).parent(), 0)
    assert [panel.items.item(i).data(Qt.ItemDataRole.UserRole).clip for i in range(3)] == [clips[1], clips[0], None]
    panel.items.setCurrentRow(0)
    panel.gap.setValue(1.5)
    assert panel.save_button.isEnabled() and not panel.submit_button.isEnabled()
    panel.save_button.click()
    qtbot.waitUntil(lambda: panel.current is not None and not panel._dirty, timeout=10000)
    saved = window.services.programmes().get(panel.current.id)
    assert [i.clip for i in saved.spec.items] == [clips[1], clips[0], None] and saved.spec.items[0].gap_after == 1.5

    panel.submit_button.click()
    qtbot.waitUntil(lambda: panel.current is not None and panel.current.state is State.SUBMITTED, timeout=60000)
    assert "Waiting" in panel.state_label.text() or "Chờ" in panel.state_label.text()

    panel._decide(True, "chutich", "sai-mat-khau", "")
    qtbot.waitUntil(lambda: bool(panel.errors.visible()), timeout=10000)
    assert window.services.programmes().get(panel.current.id).state is State.SUBMITTED

    panel.approve_button.click()
    dialog = panel._login
    dialog.username.setText("chutich")
    dialog.password.setText("matkhau-chutich")
    dialog.comment.setPlainText("Đồng ý")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: panel.current is not None and panel.current.state is State.APPROVED, timeout=60000)
    idle(qtbot, window)
    history = [panel.history.item(i).text() for i in range(panel.history.count())]
    assert any("chutich: phê duyệt — Đồng ý" in line for line in history)

    # Changing it now returns it to draft, and the panel says so before saving.
    panel.items.setCurrentRow(2)
    panel.remove_button.click()
    assert "draft" in panel.state_label.text().lower() or "nháp" in panel.state_label.text().lower()
    panel.save_button.click()
    qtbot.waitUntil(lambda: panel.current is not None and panel.current.state is State.DRAFT, timeout=10000)


def test_schedule_week_checks_drag_and_exports(qtbot, studio_window, tmp_path):
    from studio.programmes.model import Item, Spec
    from studio.schedule.zones import Policy, ZoneKind, Zones

    window = studio_window
    clips = setup_library(window, tmp_path)
    library = window.services.library()
    operator = window.services.operator()
    programme = window.services.programmes().create("Bản tin", Spec((Item(clip=clips[0]),)), operator)
    Zones(library.conn).add("Làng Kon Klor", operator, ZoneKind.VILLAGE, "bahnar", Policy())
    window.show_area("schedule")
    panel = window.schedule_panel
    idle(qtbot, window)
    panel.add_zone("Thôn 1", ZoneKind.VILLAGE, "vi", Policy((parse_window("05:30-06:30"),), weekends=False))
    idle(qtbot, window)
    assert panel.zone_filter.count() == 3

    thon1 = [z.id for z in panel.zones if z.name == "Thôn 1"][0]
    panel.add_slot(SlotRequest(programme.id, [thon1], datetime(2026, 11, 30, 6, 0), "FREQ=DAILY;COUNT=7",
                               Priority.NORMAL, StartMode.SOFT, None))
    idle(qtbot, window)
    panel.show_week(MONDAY)
    idle(qtbot, window)
    assert len(panel.calendar.occurrences) == 7
    texts = [panel.warnings.item(i).text() for i in range(panel.warnings.count())]
    assert sum("weekend" in t or "cuối tuần" in t for t in texts) == 2
    assert any("approved" in t or "duyệt" in t for t in texts)  # the programme is a draft
    assert (panel.calendar.occurrences[0].slot_id, MONDAY) in panel.calendar.conflicts

    # Drag Monday's 06:00 broadcast 10 minutes later: the whole series moves.
    first = panel.calendar.occurrences[0]
    rect = panel.calendar.rect_of(first)
    start = QPoint(int(rect.center().x()), int(rect.top() + 2))
    ten_minutes = int(round(10 * panel.calendar._per_minute()))
    QTest.mousePress(panel.calendar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(panel.calendar, start + QPoint(0, ten_minutes // 2))
    QTest.mouseRelease(panel.calendar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       start + QPoint(0, ten_minutes))
    idle(qtbot, window)
    slot = Slots(library.conn).all()[0]
    assert slot.start == datetime(2026, 11, 30, 6, 10)
    assert panel.calendar.occurrences[0].start == datetime(2026, 11, 30, 6, 10)

    pdf = tmp_path / "lich-tuan.pdf"
    panel.export_pdf(pdf)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 2000
    assert "Thôn 1" in panel.weekly_html() and "Bản tin" in panel.weekly_html()
    ics = tmp_path / "lich.ics"
    panel.export_ics(ics)
    idle(qtbot, window)
    assert "RRULE:FREQ=DAILY;COUNT=7" in ics.read_text(encoding="utf-8")


def test_the_add_dialog_builds_the_rule_and_the_order(qtbot, studio_window):
    from ui.slot_dialog import SlotDialog

    dialog = SlotDialog([(1, "Bản tin")], [(1, "Thôn 1"), (2, "Thôn 2")], datetime(2026, 12, 1, 5, 45))
    qtbot.addWidget(dialog)
    dialog.repeat.setCurrentIndex(dialog.repeat.findData("weekly"))
    dialog.days[0].setChecked(True)
    dialog.days[4].setChecked(True)
    dialog.until_enabled.setChecked(True)
    dialog.order.setValue(-2)
    dialog._accept()
    assert not dialog.result() and dialog.hint.text()  # no zone ticked yet
    dialog.zones.item(1).setCheckState(Qt.CheckState.Checked)
    request = dialog.request()
    assert request.rrule == "FREQ=WEEKLY;BYDAY=MO,FR;UNTIL=20270101T235959"
    assert request.zone_ids == [2] and request.sequence == -2 and request.start == datetime(2026, 12, 1, 5, 45)
    dialog.repeat.setCurrentIndex(dialog.repeat.findData("weekdays"))
    dialog.until_enabled.setChecked(False)
    assert dialog.rrule() == "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"

"""Editing the plan where it is drawn, through the real window and database: a broadcast
double-clicked opens the slot dialog filled with it and saves; the right-click menu's
Delete and the Delete key ask first and remove one day or the whole series; the whole day
is there to scroll to, blocks carry their labels, the legend names each zone. Zones are
edited with the time-window editor and saved as the same rules the command line reads."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from studio.accounts.store import Accounts, Role
from studio.audio import synthetic
from studio.programmes.model import Item, Spec
from studio.schedule.slots import Priority, Slots
from studio.schedule.zones import ZoneKind, Zones, parse_window
from tests.support.tools import write_audio

MONDAY = date(2026, 11, 30)


def idle(qtbot, window):
    qtbot.waitUntil(lambda: window.runner.active_count() == 0, timeout=30000)


def setup_week(qtbot, window, tmp_path):
    library = window.services.library()
    clip = library.import_file(write_audio(tmp_path / "tin.wav", synthetic.speech_like(6.0, seed=1),
                                           subtype="PCM_16"), title="Tin").clip.id
    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    accounts.add("bientap", "matkhau-bientap", Role.EDITOR, by=admin)
    window.services.user = accounts.authenticate("bientap", "matkhau-bientap")
    operator = window.services.operator()
    programmes = window.services.programmes()
    morning = programmes.create("Bản tin sáng", Spec((Item(clip=clip),)), operator)
    notice = programmes.create("Thông báo", Spec((Item(clip=clip),)), operator)
    zones = Zones(library.conn)
    one = zones.add("Thôn 1", operator).id
    two = zones.add("Làng Kon Klor", operator, ZoneKind.VILLAGE, "bahnar").id
    slots = Slots(library.conn)
    daily = slots.add(morning.id, [one], datetime(2026, 11, 30, 6, 0), operator, "FREQ=DAILY;COUNT=7").id
    late = slots.add(notice.id, [two], datetime(2026, 12, 2, 21, 30), operator).id
    window.show_area("schedule")
    panel = window.schedule_panel
    idle(qtbot, window)
    panel.show_week(MONDAY)
    idle(qtbot, window)
    return panel, accounts, (morning.id, notice.id), (one, two), (daily, late)


def occurrence_of(panel, slot_id, day):
    return next(o for o in panel.calendar.occurrences if o.slot_id == slot_id and o.start.date() == day)


def point_of(panel, occurrence):
    """A point on the block, scrolled into view (under the pinned day names nothing is hit)."""
    rect = panel.calendar.rect_of(occurrence)
    point = QPoint(int(rect.center().x()), int(rect.top() + 3))
    panel.calendar_area.ensureVisible(point.x(), point.y(), 10, 80)
    return point


def test_double_click_edits_and_delete_asks_then_removes(qtbot, studio_window, tmp_path):
    window = studio_window
    panel, accounts, (morning, notice), (one, two), (daily, late) = setup_week(qtbot, window, tmp_path)
    calendar = panel.calendar
    assert calendar.height() >= 24 * 60 and len(calendar.occurrences) == 8
    assert panel.legend.names == ["Làng Kon Klor", "Thôn 1"]
    assert calendar.label(occurrence_of(panel, late, date(2026, 12, 2))).startswith("21:30–")
    assert "Thông báo" in calendar.label(occurrence_of(panel, late, date(2026, 12, 2)))
    # The late broadcast is below the first screenful: scrolling reaches it.
    panel.calendar_area.ensureVisible(0, int(calendar.rect_of(occurrence_of(panel, late, date(2026, 12, 2))).bottom()))
    assert panel.calendar_area.verticalScrollBar().value() > 0

    # Double-click Wednesday's 21:30 notice: the dialog comes filled; move it to 20:00 in both zones.
    QTest.mouseDClick(calendar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                      point_of(panel, occurrence_of(panel, late, date(2026, 12, 2))))
    idle(qtbot, window)
    dialog = panel.editing.dialog
    assert dialog is not None and dialog.isVisible() and dialog.programme.currentData() == notice
    assert dialog.repeat.currentData() == "once" and dialog.start.dateTime().toPython() == datetime(2026, 12, 2, 21, 30)
    checked = [dialog.zones.item(i).data(Qt.ItemDataRole.UserRole) for i in range(dialog.zones.count())
               if dialog.zones.item(i).checkState() == Qt.CheckState.Checked]
    assert checked == [two]
    dialog.zones.item(1 if dialog.zones.item(0).data(Qt.ItemDataRole.UserRole) == two else 0).setCheckState(
        Qt.CheckState.Checked)
    dialog.start.setDateTime(datetime(2026, 12, 2, 20, 0))
    dialog.priority.setCurrentIndex(dialog.priority.findData(Priority.PRIORITY))
    dialog._accept()
    idle(qtbot, window)
    slot = Slots(window.services.library().conn).get(late)
    assert (slot.start, slot.zone_ids, slot.priority) == (datetime(2026, 12, 2, 20, 0), (one, two), Priority.PRIORITY)
    entry = accounts.history("slot", late)[-1]
    assert entry.action == "update-slot" and entry.username == "bientap"

    # The daily series opens as "every day", with the note that edits apply to the series.
    QTest.mouseDClick(calendar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                      point_of(panel, occurrence_of(panel, daily, date(2026, 12, 1))))
    idle(qtbot, window)
    assert panel.editing.dialog.repeat.currentData() == "custom"  # COUNT=7 has no repeat choice of its own
    assert panel.editing.dialog.custom.text() == "FREQ=DAILY;COUNT=7"
    panel.editing.dialog.reject()

    # Right-click Tuesday's morning broadcast → Delete… → only this one.
    tuesday = occurrence_of(panel, daily, date(2026, 12, 1))
    where = point_of(panel, tuesday)
    QApplication.sendEvent(calendar, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, where,
                                                       calendar.mapToGlobal(where)))
    menu = calendar.menu
    actions = [a for a in menu.actions() if not a.isSeparator()]
    assert [a.text() for a in actions][-2:] == [calendar.tr("Edit…"), calendar.tr("Delete…")] == ["Sửa…", "Xoá…"]
    actions[-1].trigger()
    menu.close()
    idle(qtbot, window)
    box = panel.editing.confirm
    assert box.isVisible() and "Bản tin sáng" in box.text()
    panel.editing.only_this.click()
    idle(qtbot, window)
    days = [o.start.date() for o in calendar.occurrences if o.slot_id == daily]
    assert date(2026, 12, 1) not in days and len(days) == 6
    assert accounts.history("slot", daily)[-1].action == "skip-occurrence"

    # Select Wednesday's (now 20:00) notice with a click and press Delete: the slot goes.
    notice_now = occurrence_of(panel, late, date(2026, 12, 2))
    QTest.mouseClick(calendar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     point_of(panel, notice_now))
    QTest.keyClick(calendar, Qt.Key.Key_Delete)
    idle(qtbot, window)
    box = panel.editing.confirm
    assert panel.editing.only_this is None  # it does not repeat: one choice
    panel.editing.whole.click()
    idle(qtbot, window)
    assert all(o.slot_id != late for o in calendar.occurrences)
    assert [s.id for s in Slots(window.services.library().conn).all()] == [daily]
    assert accounts.history("slot", late)[-1].username == "bientap"


def test_zone_rules_edited_in_the_time_window_editor_are_what_the_cli_reads(qtbot, studio_window, tmp_path):
    window = studio_window
    panel, accounts, _programmes, (one, two), (daily, late) = setup_week(qtbot, window, tmp_path)
    dialog = panel.open_zones_dialog()
    qtbot.waitExposed(dialog)
    assert [dialog.list.item(i).text() for i in range(dialog.list.count())] == ["Làng Kon Klor", "Thôn 1"]
    dialog.list.setCurrentRow(1)
    assert dialog.name.text() == "Thôn 1" and dialog.windows.rows == []

    row = dialog.windows.add_row()
    for day, box in enumerate(row.days):
        box.setChecked(day < 5)  # thứ 2 to thứ 6
    row.start.setTime(row.start.time().fromString("05:30", "HH:mm"))
    row.end.setTime(row.end.time().fromString("06:30", "HH:mm"))
    evening = dialog.windows.add_row()
    for day, box in enumerate(evening.days):
        box.setChecked(day >= 5)  # thứ 7 and Chủ nhật
    evening.start.setTime(evening.start.time().fromString("17:00", "HH:mm"))
    evening.end.setTime(evening.end.time().fromString("23:59", "HH:mm"))  # until midnight
    dialog.sessions.setValue(2)
    dialog.name.setText("Thôn Một")
    dialog.save_button.click()
    idle(qtbot, window)
    zone = Zones(window.services.library().conn).get(one)
    assert zone.name == "Thôn Một"
    assert zone.policy.windows == (parse_window("2-6@05:30-06:30"), parse_window("1,7@17:00-24:00"))
    assert zone.policy.max_sessions_per_day == 2
    assert accounts.history("zone", one)[-1].username == "bientap"
    assert dialog.isVisible() and dialog.list.currentItem().text() == "Thôn Một"  # still open on the zone

    listing = subprocess.run([sys.executable, "-m", "studio", "--data-dir", str(window.services.paths.data_dir),
                              "zones"], capture_output=True, text=True, timeout=60, check=True).stdout
    line = next(line for line in listing.splitlines() if "Thôn Một" in line)
    assert "2-6@05:30-06:30" in line and "1,7@17:00-24:00" in line

    # An end before the start is refused in the dialog, nothing saved.
    evening = dialog.windows.rows[1]  # the dialog shows the zone as saved, in new rows
    assert evening.end.time().toString("HH:mm") == "23:59" and evening.days[6].isChecked()
    evening.end.setTime(evening.end.time().fromString("16:00", "HH:mm"))
    dialog.save_button.click()
    assert dialog.hint.text() and window.runner.active_count() == 0

    # A zone still used by a broadcast is not deleted; once unused it is.
    dialog.list.setCurrentRow(0)
    dialog.ask_delete()
    next(b for b in dialog.confirm.buttons() if b.text() == dialog.tr("Delete")).click()
    idle(qtbot, window)
    assert len(Zones(window.services.library().conn).all()) == 2 and dialog.errors.visible()
    Slots(window.services.library().conn).remove(late, window.services.operator())
    dialog.list.setCurrentRow(0)
    dialog.ask_delete()
    delete = next(b for b in dialog.confirm.buttons() if b.text() == dialog.tr("Delete"))
    delete.click()
    idle(qtbot, window)
    assert [z.name for z in Zones(window.services.library().conn).all()] == ["Thôn Một"]
    assert [dialog.list.item(i).text() for i in range(dialog.list.count())] == ["Thôn Một"]

"""Thiết bị → Phát hành in the real window with a real receiver: the summary comes first;
after a fade-in edit returns "Bản tin sáng" to draft, the publish would empty the
loudspeaker, so the dialog names the programme and why, in Vietnamese. Cancel queues
nothing; confirming sends the (empty) schedule."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from studio.accounts.store import Accounts, Role
from studio.audio import synthetic
from studio.audio.edits import EditList
from studio.audio.settings import RenderSettings
from studio.fleet.repository import FleetRepository
from studio.programmes.model import Item, Spec
from studio.programmes.render import render_all
from studio.programmes.workflow import Programmes
from studio.schedule.slots import Slots
from studio.schedule.zones import Policy, ZoneKind, Zones
from tests.support.receiver import Receiver
from tests.support.tools import write_audio


def idle(qtbot, window):
    qtbot.waitUntil(lambda: window.runner.active_count() == 0, timeout=30000)


def test_publish_confirmation_names_what_is_removed_and_why(qtbot, studio_window, tmp_path):
    window = studio_window
    library = window.services.library()
    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    approver = accounts.add("chutich", "matkhau-chutich", Role.APPROVER, by=admin)
    clip = library.import_file(write_audio(tmp_path / "tiem.wav", synthetic.speech_like(3.0, seed=5),
                                           subtype="PCM_16")).clip.id
    library.rename(clip, "Thông báo tiêm chủng")
    programmes = Programmes(library, accounts)
    programme = programmes.create("Bản tin sáng", Spec((Item(clip=clip),)), admin)
    settings = RenderSettings().cache_fields()
    programmes.submit(programme.id, admin, render_all(programmes), settings)
    programmes.approve(programme.id, approver, render_all(programmes), settings)
    zone = Zones(library.conn, accounts).add("Thôn 1", admin, ZoneKind.VILLAGE, "vi", Policy())
    start = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).replace(tzinfo=None, microsecond=0) + timedelta(hours=1)
    Slots(library.conn, accounts).add(programme.id, [zone.id], start, admin, "FREQ=DAILY;COUNT=2")
    receiver = Receiver(tmp_path / "rx").start()
    try:
        window.show_area("receivers")
        panel = window.receivers_panel
        idle(qtbot, window)
        panel.pair(receiver.url, receiver.code, "Thôn 1", "Loa chợ")
        qtbot.waitUntil(lambda: panel.table.rowCount() == 1 and panel.views and panel.views[0].online, timeout=15000)
        qtbot.waitUntil(lambda: window.services.__dict__.get("delivery") is not None, timeout=10000)

        panel.publish()  # first publish: the summary, nothing removed
        qtbot.waitUntil(lambda: panel.publish_flow.dialog is not None, timeout=30000)
        dialog = panel.publish_flow.dialog
        assert not dialog.preview.needs_confirmation and dialog.ok_button.text() == "Phát hành"
        assert dialog.table.item(0, 0).text() == "Loa chợ" and dialog.table.item(0, 2).text() == "+2 (0,1 phút)"
        assert FleetRepository(library.conn).pending() == []  # the summary queues nothing
        dialog.accept()
        qtbot.waitUntil(lambda: (receiver.folder / "manifest.json").exists(), timeout=30000)
        held = json.loads((receiver.folder / "manifest.json").read_text())
        assert len(held["items"]) == 2
        qtbot.waitUntil(lambda: FleetRepository(library.conn).held_manifest(1) is not None, timeout=15000)

        library.set_edits(clip, EditList(fade_in=0.5))  # returns "Bản tin sáng" to draft
        panel.publish()
        qtbot.waitUntil(lambda: panel.publish_flow.dialog not in (None, dialog), timeout=30000)
        warning = panel.publish_flow.dialog
        assert warning.isVisible() and warning.preview.needs_confirmation
        lines = [warning.removed_list.item(i).text() for i in range(warning.removed_list.count())]
        assert any("Bản tin sáng" in line and "chưa được phê duyệt lại sau khi sửa “Thông báo tiêm chủng”" in line
                   and "2 lần" in line for line in lines), lines
        assert any("“Thôn 1” sẽ không có gì để phát trong 24 giờ tới" in line for line in lines), lines
        assert warning.table.item(0, 3).text() == "−2 (0,1 phút)"
        assert warning.ok_button.text() == "Vẫn phát hành và gỡ các buổi này"
        warning.reject()  # cancel: nothing is queued, the loudspeaker keeps its schedule
        idle(qtbot, window)
        assert FleetRepository(library.conn).pending() == []
        assert FleetRepository(library.conn).latest_version() == held["version"]

        panel.publish()
        qtbot.waitUntil(lambda: panel.publish_flow.dialog not in (None, dialog, warning), timeout=30000)
        panel.publish_flow.dialog.accept()  # confirmed: the empty schedule goes out
        qtbot.waitUntil(lambda: json.loads((receiver.folder / "manifest.json").read_text())["version"]
                        > held["version"], timeout=30000)
        assert json.loads((receiver.folder / "manifest.json").read_text())["items"] == []
        (entry,) = [e for e in accounts.history() if e.action == "publish-removing"]  # who confirmed what
        assert entry.username == window.services.operator().username
        assert entry.detail["removed"][0]["why"] == "clip edited"
    finally:
        receiver.kill()

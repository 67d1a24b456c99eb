"""Thiết bị and Hàng đợi through the real window and a real receiver process: pair it,
publish, watch the background delivery engine bring it the schedule, change its volume,
and see the outbox fill while it is down and empty when it is back."""

from __future__ import annotations

import json

from studio.schedule.zones import Policy, ZoneKind, Zones
from tests.support.receiver import Receiver
from tests.support.ui import confirm_publish


def idle(qtbot, window):
    qtbot.waitUntil(lambda: window.runner.active_count() == 0, timeout=30000)


def test_pair_publish_deliver_and_outbox(qtbot, studio_window, tmp_path):
    window = studio_window
    receiver = Receiver(tmp_path / "rx").start()
    try:
        Zones(window.services.library().conn).add("Thôn 1", window.services.operator(), ZoneKind.VILLAGE, "vi",
                                                   Policy())
        window.show_area("receivers")
        panel = window.receivers_panel
        idle(qtbot, window)
        panel.pair(receiver.url, receiver.code, "Thôn 1", "Loa nhà văn hóa")
        qtbot.waitUntil(lambda: panel.table.rowCount() == 1 and panel.views and panel.views[0].online, timeout=15000)
        assert panel.table.item(0, 0).text() == "Loa nhà văn hóa"

        qtbot.waitUntil(lambda: window.services.__dict__.get("delivery") is not None, timeout=10000)
        confirm_publish(qtbot, panel)
        qtbot.waitUntil(lambda: (receiver.folder / "manifest.json").exists(), timeout=30000)
        assert json.loads((receiver.folder / "manifest.json").read_text())["version"] == 1
        panel.refresh()
        qtbot.waitUntil(lambda: bool(panel.views) and panel.views[0].manifest_version == 1, timeout=15000)
        assert panel.table.item(0, 3).text() == "1 / 1"

        panel.table.selectRow(0)
        panel.set_volume(40)
        idle(qtbot, window)
        panel.refresh()
        qtbot.waitUntil(lambda: bool(panel.views) and panel.views[0].volume == 40, timeout=15000)
        # what the receiver itself keeps (and plays at), read from its own folder, not its reply
        assert json.loads((receiver.folder / "volume.json").read_text()) == {"volume": 40}

        receiver.kill()
        confirm_publish(qtbot, panel)
        idle(qtbot, window)
        window.show_area("outbox")
        outbox = window.outbox_panel
        qtbot.waitUntil(lambda: outbox.list.count() == 1 and "Loa nhà văn hóa" in outbox.list.item(0).text(),
                        timeout=15000)
        receiver.start()
        outbox.list.setCurrentRow(0)
        outbox.send_now()
        qtbot.waitUntil(lambda: json.loads((receiver.folder / "manifest.json").read_text())["version"] == 2,
                        timeout=30000)
        outbox.refresh()
        qtbot.waitUntil(lambda: outbox.list.count() == 0, timeout=10000)
    finally:
        receiver.kill()

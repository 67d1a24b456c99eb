"""Phát trực tiếp in the real window with real receivers: an editor without a reason is
refused; an approver goes live with the big button, the panel shows ĐANG PHÁT TRỰC TIẾP,
the input level, the time, "Đang phát ở 1/2 loa" with the receiver that is off named as
not reached, and the loudspeaker plays the microphone; ending it (Ctrl+L) brings the
receivers back, the recording into the library and both ends into the audit log."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from studio.accounts.store import Accounts, Role
from studio.fleet.fleet import pair_receiver
from studio.schedule.zones import Policy, ZoneKind, Zones
from tests.support import sound
from tests.support.receiver import Receiver


def test_go_live_watch_the_loudspeakers_and_end_it(qtbot, studio_window, tmp_path):
    window = studio_window
    library = window.services.library()
    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    accounts.add("chutich", "matkhau-chutich", Role.APPROVER, by=admin)
    accounts.add("bientap", "matkhau-bientap", Role.EDITOR, by=admin)
    Zones(library.conn, accounts).add("Thôn 1", admin, ZoneKind.VILLAGE, "vi", Policy())
    n = np.arange(48000)
    sound.current().feed_microphone(np.round(0.25 * 32767 * np.sin(2 * np.pi * 400 * n / 48000)))
    receivers = [Receiver(tmp_path / f"rx{i}").start() for i in range(2)]
    try:
        for i, receiver in enumerate(receivers):
            pair_receiver(library, window.services.context.key, receiver.url, receiver.code, "Thôn 1", f"Loa {i}")
        receivers[1].kill()
        window.show_area("live")
        panel = window.live_panel
        qtbot.waitUntil(lambda: panel.zones.count() == 1 and panel.device.findText("testmic") >= 0, timeout=10000)
        assert panel.on_air_label.text() == "Chưa lên sóng" and panel.button.text() == "Lên sóng"
        panel.choose_zones(["Thôn 1"])
        panel.device.setCurrentText("testmic")
        panel.username.setText("bientap")
        panel.password.setText("matkhau-bientap")
        panel.button.click()
        qtbot.waitUntil(lambda: "phải ghi lý do" in panel.hint.text(), timeout=10000)
        assert panel.broadcast is None

        panel.username.setText("chutich")
        panel.password.setText("matkhau-chutich")
        panel.button.click()
        qtbot.waitUntil(lambda: panel.broadcast is not None, timeout=10000)
        assert panel.on_air_label.text() == "ĐANG PHÁT TRỰC TIẾP"
        assert panel.button.text() == "Kết thúc phát trực tiếp"
        qtbot.waitUntil(lambda: panel.summary.text().startswith("Đang phát ở 1/2 loa — mất tín hiệu: Loa 1"),
                        timeout=10000)
        rows = {panel.table.item(r, 0).text(): panel.table.item(r, 1).text() for r in range(panel.table.rowCount())}
        assert rows == {"Loa 0": "đang phát", "Loa 1": "không kết nối được"}
        qtbot.waitUntil(lambda: receivers[0].sound.played_bytes() > 8 * 48000, timeout=10000)  # 2 s
        assert panel.meter.peak_db > -20 and panel.elapsed.text() != "0:00"

        ended = []
        panel.live_ended.connect(ended.append)
        qtbot.keyClick(panel, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: bool(ended), timeout=15000)
        assert panel.broadcast is None and panel.on_air_label.text() == "Chưa lên sóng"
        assert ended[0] is not None and library.get(ended[0]).title.startswith("Phát trực tiếp")
        played = receivers[0].sound.played()
        assert 0.2 < float(np.abs(played).max()) < 0.3
        actions = [a.action for a in Accounts(library.conn).history() if a.object_kind == "live"]
        assert actions == ["live-start", "live-end"]
    finally:
        for receiver in receivers:
            receiver.kill()

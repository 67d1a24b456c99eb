"""Phát khẩn cấp in the real window with real receivers: an editor without a reason is
refused, an approver's sign-in leads to a confirmation naming the zone and the number of
loudspeakers, then "Đã phát ở N/M loa" counts live, up to all of them when the offline one
comes back."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox

from studio.accounts.store import Accounts, Role
from studio.audio import synthetic
from studio.fleet.emergency import Emergencies, TargetState
from studio.fleet.fleet import pair_receiver
from studio.schedule.zones import Policy, ZoneKind, Zones
from tests.support.receiver import Receiver
from tests.support.tools import write_audio


def ok(dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_sign_in_confirm_and_watch_it_reach_every_loudspeaker(qtbot, studio_window, tmp_path):
    window = studio_window
    library = window.services.library()
    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    accounts.add("chutich", "matkhau-chutich", Role.APPROVER, by=admin)
    accounts.add("bientap", "matkhau-bientap", Role.EDITOR, by=admin)
    zones = Zones(library.conn, accounts)
    zones.add("Thôn 1", admin, ZoneKind.VILLAGE, "vi", Policy())
    zones.add("Thôn 2", admin, ZoneKind.VILLAGE, "vi", Policy())
    receivers = [Receiver(tmp_path / f"rx{n}").start() for n in range(2)]
    try:
        for n, receiver in enumerate(receivers):
            pair_receiver(library, window.services.context.key, receiver.url, receiver.code, "Thôn 1", f"Loa {n}")
        library.import_file(write_audio(tmp_path / "bao.wav", synthetic.speech_like(2.0, seed=5),
                                        subtype="PCM_16"), title="Báo bão")
        receivers[1].kill()
        qtbot.waitUntil(lambda: window.services.__dict__.get("delivery") is not None, timeout=10000)

        flow = window.receivers_panel.open_emergency()
        qtbot.waitUntil(lambda: flow.sign_in is not None and flow.sign_in.isVisible(), timeout=10000)
        sign_in = flow.sign_in
        assert sign_in.valid.value() == 30
        sign_in.choose_zones(["Thôn 1"])
        sign_in.username.setText("bientap")
        sign_in.password.setText("matkhau-bientap")
        ok(sign_in)
        qtbot.waitUntil(lambda: "phải ghi lý do" in sign_in.hint.text(), timeout=10000)
        assert flow.confirm is None and Emergencies(library.conn).latest() == []

        sign_in.choose_zones(["Thôn 2"])  # no loudspeaker there: said before anything is sent
        sign_in.username.setText("chutich")
        sign_in.password.setText("matkhau-chutich")
        ok(sign_in)
        qtbot.waitUntil(lambda: "Chưa có loa nào" in sign_in.hint.text(), timeout=10000)

        sign_in.choose_zones(["Thôn 1"])
        sign_in.password.setText("matkhau-chutich")
        ok(sign_in)
        qtbot.waitUntil(lambda: flow.confirm is not None and flow.confirm.isVisible(), timeout=15000)
        text = flow.confirm.message.text()
        assert "Báo bão" in text and "Thôn 1" in text and "Thôn 2" not in text and "2 loa" in text
        ok(flow.confirm)

        qtbot.waitUntil(lambda: flow.progress is not None and flow.progress.summary.text() == "Đã phát ở 1/2 loa",
                        timeout=10000)
        table = flow.progress.table
        rows = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
        assert rows == {"Loa 0": "đã phát", "Loa 1": "đang chờ (mất kết nối)"}
        qtbot.waitUntil(lambda: receivers[0].sound.played_bytes() > 0, timeout=5000)

        receivers[1].start()
        qtbot.waitUntil(lambda: flow.progress.summary.text() == "Đã phát ở 2/2 loa", timeout=10000)
        qtbot.waitUntil(lambda: receivers[1].sound.played_bytes() > 0, timeout=5000)
        (emergency,) = Emergencies(library.conn).latest()
        assert (emergency.declared_by, emergency.approved_by) == ("chutich", "chutich")
        assert {t.state for t in Emergencies(library.conn).targets(emergency.id)} == {TargetState.REACHED}
        flow.progress.close()
        qtbot.waitUntil(lambda: not flow.timer.isActive(), timeout=3000)
    finally:
        for receiver in receivers:
            receiver.kill()

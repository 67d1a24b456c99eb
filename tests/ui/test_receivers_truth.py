"""The Thiết bị table tells the truth, through the real window, its delivery engine and
real receiver processes: during an outage it agrees with `radio-studio receivers` every
second (both read what the engine recorded), says since when a receiver is offline in
Vietnam time, words problems in Vietnamese with the technical text behind "Chi tiết",
shows what plays by its programme title, and stop / volume / re-sync show their result
and are in the audit log under the acting user."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from studio.accounts.store import Accounts, Role
from studio.audio import synthetic
from studio.audio.settings import RenderSettings
from studio.fleet import delivery as delivery_module
from studio.programmes.model import Item, Spec
from studio.programmes.render import render_all
from studio.programmes.workflow import Programmes
from studio.schedule.slots import Slots, StartMode
from studio.schedule.zones import Policy, ZoneKind, Zones
from tests.support.cli import run
from tests.support.outage import HeldSpeaker, pause, resume
from tests.support.receiver import Receiver
from tests.support.tools import write_audio
from tests.support.ui import confirm_publish

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
REFRESHES: list[float] = []  # seconds each table refresh took (a database read, never the network)


@pytest.fixture(autouse=True)
def quick_status(monkeypatch):
    monkeypatch.setattr(delivery_module, "STATUS_EVERY_S", 0.5)


def idle(qtbot, window):
    qtbot.waitUntil(lambda: window.runner.active_count() == 0, timeout=30000)


def programme_at(library, tmp_path, title: str, start: datetime, seconds: float = 30.0):
    """An approved programme of `seconds` scheduled (hard start) in "Thôn 1" at `start`."""
    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    approver = accounts.add("chutich", "matkhau-chutich", Role.APPROVER, by=admin)
    clip = library.import_file(write_audio(tmp_path / "tin.wav", synthetic.speech_like(seconds, seed=4),
                                           subtype="PCM_16")).clip.id
    programmes = Programmes(library, accounts)
    programme = programmes.create(title, Spec((Item(clip=clip),)), admin)
    settings = RenderSettings().cache_fields()
    programmes.submit(programme.id, admin, render_all(programmes), settings)
    programmes.approve(programme.id, approver, render_all(programmes), settings)
    zone = Zones(library.conn, accounts).get("Thôn 1")
    Slots(library.conn, accounts).add(programme.id, [zone.id], start, admin, start_mode=StartMode.HARD)


def paired_window(qtbot, window, receivers, max_volume: int = 100):
    Zones(window.services.library().conn).add("Thôn 1", window.services.operator(), ZoneKind.VILLAGE, "vi",
                                               Policy(max_volume=max_volume))
    window.show_area("receivers")
    panel = window.receivers_panel
    idle(qtbot, window)
    for n, receiver in enumerate(receivers):
        panel.pair(receiver.url, receiver.code, "Thôn 1", f"loa-{n}")
        idle(qtbot, window)
    qtbot.waitUntil(lambda: window.services.__dict__.get("delivery") is not None, timeout=10000)
    return panel


def fresh_table(qtbot, panel) -> dict[str, tuple]:
    """The table after a refresh that started now: per receiver (state, since, held, latest, to send)."""
    qtbot.waitUntil(lambda: not panel._busy, timeout=10000)
    started = time.monotonic()
    panel.refresh()
    qtbot.waitUntil(lambda: not panel._busy, timeout=10000)
    REFRESHES.append(time.monotonic() - started)
    rows = {}
    for row in range(panel.table.rowCount()):
        cell = [panel.table.item(row, c).text() for c in range(panel.table.columnCount())]
        if cell[2] == "trực tuyến":
            state, since = "online", ""
        elif cell[2].startswith("mất kết nối từ "):
            state, since = "offline", cell[2].removeprefix("mất kết nối từ ").split()[0]
        else:
            state, since = cell[2], ""
        held, latest = (int(x) for x in cell[3].split(" / "))
        to_send = "ok" if cell[4] == "✔" else cell[4].replace(",", ".").replace(" MB", "MB")
        rows[cell[0]] = (state, since, held, latest, "0.0MB" if to_send == "lịch đang chờ gửi" else to_send)
    return rows


def cli_table(data_dir) -> dict[str, tuple]:
    lines = run(data_dir, "receivers").stdout.splitlines()[1:]
    rows = {}
    for line in lines:
        name, state, since = line[:18].strip(), line[36:49].strip(), line[50:64].strip()
        held_latest, to_send = line[65:].split()[:2]
        held, latest = (int(x) for x in held_latest.split("/"))
        rows[name] = (state, since.split()[-1] if since else "", held, latest, to_send)
    return rows


def test_the_table_agrees_with_the_cli_every_second_of_an_outage(qtbot, studio_window, data_dir, tmp_path):
    window = studio_window
    receivers = [Receiver(tmp_path / f"rx{n}").start() for n in range(2)]
    try:
        panel = paired_window(qtbot, window, receivers)
        start = datetime.now(VIETNAM).replace(tzinfo=None, microsecond=0) + timedelta(hours=2)
        programme_at(window.services.library(), tmp_path, "Bản tin sáng", start)
        pause(receivers[1])  # it accepts connections and never answers
        paused_at = datetime.now(VIETNAM)
        confirm_publish(qtbot, panel)
        # the publish is queued once the summary is confirmed, and the receiver that answers
        # takes it within a second or two: compare the two views from then on, not during it
        qtbot.waitUntil(lambda: fresh_table(qtbot, panel)["loa-0"][2:] == (1, 1, "ok"), timeout=30000)
        seen = set()
        deadline = time.monotonic() + 12
        while time.monotonic() < deadline:
            before = fresh_table(qtbot, panel)
            cli = cli_table(data_dir)
            after = fresh_table(qtbot, panel)
            for name, row in cli.items():
                assert row in (before[name], after[name]), (name, before[name], row, after[name])
            seen.add(cli["loa-1"])
            qtbot.wait(1000)
        state, since, held, latest, to_send = cli_table(data_dir)["loa-1"]
        # the truth: offline since it was paused (Vietnam time), schedule 1 not held, bytes to send
        assert (state, held, latest) == ("offline", 0, 1) and to_send.endswith("MB") and float(to_send[:-2]) > 0
        since_at = datetime.strptime(since, "%H:%M:%S").time()
        assert abs(datetime.combine(paused_at.date(), since_at) - paused_at.replace(tzinfo=None)) < timedelta(seconds=15)
        assert cli_table(data_dir)["loa-0"][2:] == (1, 1, "ok")
        # the window never waits for the paused receiver (a status call to it times out in 3 s)
        assert max(REFRESHES) < 1.0, REFRESHES

        # its problem in Vietnamese; the technical text behind "Chi tiết"
        panel.table.selectRow([v.name for v in panel.table.views].index("loa-1"))
        assert panel.table.item(panel.table.currentRow(), 9).text() == "Thiết bị thu không trả lời."
        assert panel.details_button.text() == "Chi tiết…"
        dialog = panel.show_problem()
        assert "unreachable" in dialog.details and "timed out" in dialog.details
        assert "Thiết bị thu không trả lời." in dialog.message_label.text()

        resume(receivers[1])
        panel.table.selectRow([v.name for v in panel.table.views].index("loa-1"))
        panel.resync()  # no waiting for the engine's backoff
        qtbot.waitUntil(lambda: cli_table(data_dir)["loa-1"][2:] == (1, 1, "ok"), timeout=60000)
        qtbot.waitUntil(lambda: fresh_table(qtbot, panel)["loa-1"] == ("online", "", 1, 1, "ok"), timeout=15000)
        assert len(seen) >= 1
    finally:
        for receiver in receivers:
            receiver.kill()


def test_now_playing_by_title_and_the_controls_say_what_they_did(qtbot, studio_window, tmp_path):
    window = studio_window
    receiver = Receiver(tmp_path / "rx0").start()
    try:
        panel = paired_window(qtbot, window, [receiver], max_volume=60)
        start = datetime.now(VIETNAM).replace(tzinfo=None, microsecond=0) + timedelta(seconds=15)
        library = window.services.library()
        programme_at(library, tmp_path, "Thông báo tiêm chủng", start)
        speaker = HeldSpeaker(receiver.sound.speaker)  # what starts stays "now playing"
        confirm_publish(qtbot, panel)
        qtbot.waitUntil(lambda: fresh_table(qtbot, panel)["loa-0"][2:] == (1, 1, "ok"), timeout=30000)
        qtbot.waitUntil(lambda: (fresh_table(qtbot, panel), panel.table.item(0, 8).text())[1]
                        == "Thông báo tiêm chủng", timeout=40000)

        panel.table.selectRow(0)
        panel.set_volume(80)
        idle(qtbot, window)
        assert panel.feedback.text() == ("loa-0: đã đặt âm lượng 80 %; vùng của loa chỉ cho phép tối đa 60 %, "
                                         "nên các buổi phát ở mức 60 %.")
        qtbot.waitUntil(lambda: (fresh_table(qtbot, panel), panel.table.item(0, 7).text())[1]
                        == "80 % (vùng tối đa 60 %)", timeout=10000)
        panel.stop()
        idle(qtbot, window)
        assert panel.feedback.text() == "loa-0: đã dừng “Thông báo tiêm chủng”. Lịch phát vẫn tiếp tục."
        speaker.release()
        panel.resync()
        idle(qtbot, window)
        assert panel.feedback.text() == "loa-0: đã có lịch phát mới nhất (1)."

        who = window.services.operator().username
        entries = [e for e in Accounts(library.conn).history() if e.object_kind == "receiver"]
        assert [(e.username, e.action, e.detail["outcome"]) for e in entries] == [
            (who, "receiver-volume", "ok"), (who, "receiver-stop", "ok"), (who, "receiver-resync", "ok")]
    finally:
        receiver.kill()


def test_a_receivers_own_fault_reads_in_vietnamese(qtbot, studio_window, tmp_path):
    import hashlib

    from studio.fleet.client import ReceiverClient

    window = studio_window
    receiver = Receiver(tmp_path / "rx0").start()
    try:
        panel = paired_window(qtbot, window, [receiver])
        # its sound output disappears before it first plays (PortAudio reads devices then)
        (receiver.sound.folder / "home" / ".asoundrc").write_text('pcm.!default { type hw card 97 }\n')
        row = window.services.library().conn.execute("SELECT receiver_id FROM receivers").fetchone()
        client = ReceiverClient(receiver.url, window.services.context.key, row[0])
        path = write_audio(tmp_path / "bip.wav", synthetic.sine(0.3, 880.0), subtype="PCM_16")
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        client.upload(path, sha)
        client.play_now([sha])
        message = "Thiết bị thu không mở được đầu ra âm thanh (bộ khuếch đại hoặc card âm thanh)."
        qtbot.waitUntil(lambda: (fresh_table(qtbot, panel), panel.table.item(0, 9).text())[1] == message,
                        timeout=20000)
        panel.table.selectRow(0)
        dialog = panel.show_problem()
        assert "output-device" in dialog.details and "output device:" in dialog.details
    finally:
        receiver.kill()

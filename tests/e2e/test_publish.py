"""Publish and deliver to real receivers over loopback: a receiver down during publish gets
its manifest when it is back, each zone gets its language, a re-publish sends nothing
already held, and the receivers play at the scheduled second."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from studio.accounts.store import Accounts, Role
from studio.audio import synthetic
from studio.audio.settings import RenderSettings
from studio.fleet.client import ReceiverClient
from studio.fleet.delivery import deliver_until_idle, pending, pull_playlog
from studio.fleet.keys import StudioKey
from studio.fleet.publish import publish
from studio.library import now_utc
from studio.programmes.model import Item, Spec
from studio.programmes.render import render_all
from studio.programmes.workflow import Programmes
from studio.schedule.slots import Slots, StartMode
from studio.schedule.zones import Policy, ZoneKind, Zones
from tests.support.receiver import Receiver
from tests.support.tools import write_audio


@pytest.fixture
def fleet(library, tmp_path):
    receivers = [Receiver(tmp_path / f"rx{n}").start() for n in range(3)]
    yield receivers
    for receiver in receivers:
        receiver.kill()


def test_publish_reaches_every_receiver_whatever_the_network(library, tmp_path, fleet):
    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    approver = accounts.add("chutich", "matkhau-chutich", Role.APPROVER, by=admin)
    vi = library.import_file(write_audio(tmp_path / "vi.wav", synthetic.speech_like(3.0, seed=1),
                                         subtype="PCM_16")).clip.id
    bahnar = library.import_file(write_audio(tmp_path / "bahnar.wav", synthetic.speech_like(4.0, seed=2),
                                             subtype="PCM_16")).clip.id
    programmes = Programmes(library, accounts)
    programme = programmes.create("Bản tin", Spec((Item(clip=vi, variants=(("bahnar", bahnar),)),)), admin)
    render = render_all(programmes)
    programmes.submit(programme.id, admin, render, RenderSettings().cache_fields())
    programmes.approve(programme.id, approver, render, RenderSettings().cache_fields())
    zones = Zones(library.conn, accounts)
    village = zones.add("Thôn 1", admin, ZoneKind.VILLAGE, "vi", Policy())
    hamlet = zones.add("Làng Kon Klor", admin, ZoneKind.VILLAGE, "bahnar", Policy(max_volume=80))
    # the schedule is in Vietnam's wall-clock time, whatever this machine's zone is
    start = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).replace(tzinfo=None, microsecond=0) + timedelta(seconds=25)
    Slots(library.conn, accounts).add(programme.id, [village.id, hamlet.id], start, admin, "FREQ=DAILY;COUNT=3",
                                      start_mode=StartMode.HARD)

    key = StudioKey(library.paths.keys_dir)
    for receiver, zone in zip(fleet, (village, village, hamlet)):
        client = ReceiverClient(receiver.url, key)
        paired = client.pair(receiver.code, "UBND xã")
        library.conn.execute("INSERT INTO receivers (receiver_id, name, address, zone_id, paired_at) VALUES (?,?,?,?,?)",
                             (paired["receiver_id"], receiver.folder.name, receiver.url, zone.id, now_utc()))

    fleet[1].kill()  # down during publish and the first delivery round
    result = publish(library, "test", days=3)
    assert result.receivers == 3 and result.items == 9 and result.media == 2
    assert deliver_until_idle(library, key, timeout_s=3, net_timeout=(0.5, 2.0)) == 1
    (waiting,) = pending(library.conn)
    assert waiting["attempts"] >= 1 and "unreachable" in waiting["last_error"]
    fleet[1].start()  # back on the same address; nobody touches the studio
    library.conn.execute("UPDATE deliveries SET next_attempt = ? WHERE id = ?", (now_utc(), waiting["id"]))
    assert deliver_until_idle(library, key, timeout_s=30) == 0

    manifests = {r.folder.name: json.loads((r.folder / "manifest.json").read_text()) for r in fleet}
    assert {m["version"] for m in manifests.values()} == {result.publish_id}
    vi_media = manifests["rx0"]["items"][0]["media"]
    assert manifests["rx1"]["items"][0]["media"] == vi_media
    assert manifests["rx2"]["items"][0]["media"] != vi_media  # Kon Klor hears the Ba Na version
    assert manifests["rx2"]["max_volume"] == 80 and "volume" not in manifests["rx2"]["items"][0]

    # a re-publish with nothing changed sends no media at all
    again = publish(library, "test", days=3)
    assert deliver_until_idle(library, key, timeout_s=30) == 0
    sent = library.conn.execute("SELECT SUM(bytes_sent) FROM deliveries WHERE publish_id = ?",
                                (again.publish_id,)).fetchone()[0]
    assert sent == 0
    assert {json.loads((r.folder / "manifest.json").read_text())["version"] for r in fleet} == {again.publish_id}

    # and at the scheduled second, each receiver plays it
    deadline = time.monotonic() + 60
    rows = library.conn.execute("SELECT * FROM receivers").fetchall()
    while time.monotonic() < deadline:
        for row in library.conn.execute("SELECT * FROM receivers").fetchall():
            pull_playlog(library, key, row)
        if library.conn.execute("SELECT COUNT(*) FROM playlog").fetchone()[0] >= len(rows):
            break
        time.sleep(0.5)
    entries = [json.loads(r["entry_json"]) for r in library.conn.execute("SELECT entry_json FROM playlog")]
    assert len(entries) == 3 and {e["outcome"] for e in entries} == {"played"}
    for entry in entries:
        # never early; how late a hard start is on an idle machine: python -m benchmarks.receiver
        assert datetime.fromisoformat(entry["started"]) >= datetime.fromisoformat(entry["scheduled"])


def test_a_changed_item_is_all_that_travels_again(library, tmp_path, fleet):
    from studio.audio.edits import EditList

    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    approver = accounts.add("chutich", "matkhau-chutich", Role.APPROVER, by=admin)
    clips = [library.import_file(write_audio(tmp_path / f"tin{n}.wav", synthetic.speech_like(20.0, seed=n),
                                             subtype="PCM_16")).clip.id for n in range(4)]
    programmes = Programmes(library, accounts)
    programme = programmes.create("Bản tin dài", Spec(tuple(Item(clip=c) for c in clips), "chuong-mo-dau"), admin)
    settings = RenderSettings().cache_fields()
    programmes.submit(programme.id, admin, render_all(programmes), settings)
    programmes.approve(programme.id, approver, render_all(programmes), settings)
    zone = Zones(library.conn, accounts).add("Thôn 1", admin, ZoneKind.VILLAGE, "vi", Policy())
    start = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).replace(tzinfo=None, microsecond=0) + timedelta(hours=2)
    Slots(library.conn, accounts).add(programme.id, [zone.id], start, admin, "FREQ=DAILY")
    key = StudioKey(library.paths.keys_dir)
    for receiver in fleet:
        paired = ReceiverClient(receiver.url, key).pair(receiver.code, "UBND xã")
        library.conn.execute("INSERT INTO receivers (receiver_id, name, address, zone_id, paired_at) VALUES (?,?,?,?,?)",
                             (paired["receiver_id"], receiver.folder.name, receiver.url, zone.id, now_utc()))
    first = publish(library, "test", days=2)
    assert deliver_until_idle(library, key, timeout_s=60) == 0
    full = library.conn.execute("SELECT SUM(bytes_sent) FROM deliveries WHERE publish_id = ?",
                                (first.publish_id,)).fetchone()[0]

    library.set_edits(clips[2], EditList(gain_db=-2.0))  # one item changes: approve again, publish again
    programmes.submit(programme.id, admin, render_all(programmes), settings)
    programmes.approve(programme.id, approver, render_all(programmes), settings)
    second = publish(library, "test", days=2)
    assert deliver_until_idle(library, key, timeout_s=60) == 0
    again = library.conn.execute("SELECT SUM(bytes_sent) FROM deliveries WHERE publish_id = ?",
                                 (second.publish_id,)).fetchone()[0]
    manifest = json.loads((fleet[0].folder / "manifest.json").read_text())
    changed = library.store.path_for(manifest["items"][0]["media"][2 + 2 * 2]).stat().st_size  # intro, pause, items
    assert again <= 1.1 * changed * len(fleet) and again < full / 3


def test_the_engine_brings_play_logs_back_by_itself(library, tmp_path, fleet, monkeypatch):
    from studio.fleet import delivery as delivery_module
    from studio.fleet.delivery import Delivery
    from studio.library import ClipLibrary
    from studio.storage.database import connect

    key = StudioKey(library.paths.keys_dir)
    receiver = fleet[0]
    client = ReceiverClient(receiver.url, key)
    paired = client.pair(receiver.code, "UBND xã")
    library.conn.execute("INSERT INTO receivers (receiver_id, name, address, zone_id, paired_at) VALUES (?,?,?,?,?)",
                         (paired["receiver_id"], "rx0", receiver.url, None, now_utc()))
    path = write_audio(tmp_path / "bip.wav", synthetic.sine(0.3, 880.0), subtype="PCM_16")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    client.upload(path, sha)
    client.play_now([sha])
    monkeypatch.setattr(delivery_module, "PLAYLOG_EVERY_S", 0.5)
    paths = library.paths
    engine = Delivery(lambda: ClipLibrary(paths, connect(paths.database)), key, poll_s=0.2)
    engine.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not library.conn.execute("SELECT COUNT(*) FROM playlog").fetchone()[0]:
            time.sleep(0.2)
    finally:
        engine.stop()
    (row,) = library.conn.execute("SELECT entry_json FROM playlog").fetchall()
    assert json.loads(row[0])["outcome"] == "played"

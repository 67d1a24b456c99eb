"""Volume precedence through real receivers (docs/protocol.md, "Volume"): a scheduled item
plays at the operator's volume for that receiver, capped by its zone's maximum. What came
out of each receiver's own file-backed output device is the item's media times that gain."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import soundfile as sf

from studio.accounts.store import Accounts, Role
from studio.audio import synthetic
from studio.audio.settings import RenderSettings
from studio.fleet.client import ReceiverClient
from studio.fleet.delivery import deliver_until_idle
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
def pair(tmp_path):
    receivers = [Receiver(tmp_path / f"rx{n}").start() for n in range(2)]
    yield receivers
    for receiver in receivers:
        receiver.kill()


def test_operator_volume_reaches_scheduled_items_capped_by_the_zone(library, tmp_path, pair):
    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    approver = accounts.add("chutich", "matkhau-chutich", Role.APPROVER, by=admin)
    clip = library.import_file(write_audio(tmp_path / "tone.wav", synthetic.sine(2.0, 440.0, amplitude=0.5),
                                           subtype="PCM_16")).clip.id
    programmes = Programmes(library, accounts)
    programme = programmes.create("Thông báo", Spec((Item(clip=clip),)), admin)
    settings = RenderSettings().cache_fields()
    programmes.submit(programme.id, admin, render_all(programmes), settings)
    programmes.approve(programme.id, approver, render_all(programmes), settings)
    zones = Zones(library.conn, accounts)
    open_zone = zones.add("Thôn 1", admin, ZoneKind.VILLAGE, "vi", Policy(max_volume=100))
    quiet_zone = zones.add("Thôn 2", admin, ZoneKind.VILLAGE, "vi", Policy(max_volume=30))
    key = StudioKey(library.paths.keys_dir)
    for receiver, zone in zip(pair, (open_zone, quiet_zone)):
        client = ReceiverClient(receiver.url, key)
        paired = client.pair(receiver.code, "UBND xã")
        library.conn.execute("INSERT INTO receivers (receiver_id, name, address, zone_id, paired_at) VALUES (?,?,?,?,?)",
                             (paired["receiver_id"], receiver.folder.name, receiver.url, zone.id, now_utc()))
        client.set_volume(40)  # the operator's volume, before the publish
    start = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).replace(tzinfo=None, microsecond=0) + timedelta(seconds=12)
    Slots(library.conn, accounts).add(programme.id, [open_zone.id, quiet_zone.id], start, admin,
                                      start_mode=StartMode.HARD)
    publish(library, "test", days=2)
    assert deliver_until_idle(library, key, timeout_s=30) == 0

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not all(
            (r.folder / "playlog.jsonl").exists() and (r.folder / "playlog.jsonl").read_text().strip() for r in pair):
        time.sleep(0.2)
    gains = []
    for receiver in pair:
        (entry,) = [json.loads(line) for line in (receiver.folder / "playlog.jsonl").read_text().splitlines()]
        assert entry["outcome"] == "played"
        manifest = json.loads((receiver.folder / "manifest.json").read_text())
        media = np.concatenate([sf.read(str(library.store.path_for(sha)), dtype="float32")[0]
                                for sha in manifest["items"][0]["media"]])
        written = receiver.sound.played()
        gains.append(float(np.max(np.abs(written)) / np.max(np.abs(media))))
    assert gains[0] == pytest.approx(0.40, abs=0.005)  # the operator's 40 %, under the zone's 100
    assert gains[1] == pytest.approx(0.30, abs=0.005)  # the zone's 30 % caps the operator's 40

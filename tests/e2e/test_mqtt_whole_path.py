"""The whole path through the broker with a real receiver process (crs-receiver --broker):
`radio-studio receivers add mqtt://HOST:PORT/RID --code CODE` pairs it through the real
Mosquitto (the pairing account, the signed pair request, the promoted account), `publish`
and `deliver` put the programme on the broker, the receiver plays it at the scheduled
second on its (file-backed) loudspeaker, its play log comes back into the studio once, an
emergency plays at once, and the receivers table shows it online, then offline from its
last will."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import numpy as np
import pytest

from benchmarks.broker_setup import approved_programme, use_broker
from studio.clock import parse_stamp
from studio.fleet.delivery import Delivery
from studio.fleet.keys import StudioKey
from studio.fleet.mqtt_link import links
from studio.fleet.repository import FleetRepository
from studio.fleet.status import ReceiverState, check_status, receiver_views
from tests.e2e.test_mqtt_studio import _opener, wait_for
from tests.support.cli import run
from tests.support.receiver import Receiver

pytestmark = pytest.mark.timeout(300)


def test_pair_publish_play_at_the_second_playlog_emergency_and_last_will(library, broker, tmp_path):
    use_broker(library, broker.account)
    data_dir = library.paths.data_dir
    receiver = Receiver(tmp_path / "rx", args=["--broker", broker.url, "--name", "Loa thôn 1"]).start()
    try:
        rid = receiver.receiver_id
        address = f"mqtt://127.0.0.1:{broker.port}/{rid}"
        approved_programme(library, tmp_path / "audio", 3.0, start_in=timedelta(seconds=40))
        out = run(data_dir, "receivers", "add", address, "--code", receiver.code, "--zone", "Xã").stdout
        assert out.strip() == rid
        assert json.loads((receiver.folder / "trust.json").read_text())["key"] == StudioKey(
            library.paths.keys_dir).public_text
        assert broker.admin().client_roles(rid) == {f"crs-rx-{rid}"}
        run(data_dir, "publish", "--days", "2", "--yes")
        run(data_dir, "deliver", "--until-idle", "--timeout", "60")
        key = StudioKey(library.paths.keys_dir)
        engine = Delivery(_opener(library), key, poll_s=0.2)  # the window: it takes the pushed play log
        engine.start()
        try:
            rows = lambda: library.conn.execute("SELECT entry_json FROM playlog").fetchall()  # noqa: E731
            wait_for(rows, 90, every=0.5)
            (entry,) = [json.loads(r[0]) for r in rows()]
            planned = library.conn.execute("SELECT scheduled FROM asrun_planned").fetchone()[0]
            lag = (parse_stamp(entry["started"]) - parse_stamp(planned)).total_seconds()
            assert entry["outcome"] == "played" and 0 <= lag < 1.0, (entry, planned)
            assert np.abs(receiver.sound.played()).max() > 0.05  # it was heard
            row = FleetRepository(library.conn).receivers()[0]
            wait_for(lambda: check_status(library, key, row) and receiver_views(library)[0].online, 20)
            assert receiver_views(library)[0].up_to_date

            clip = library.conn.execute("SELECT id FROM clips ORDER BY id LIMIT 1").fetchone()[0]
            started = time.monotonic()
            run(data_dir, "emergency", str(clip), "--zone", "Xã", "--reason", "bão")
            wait_for(lambda: len(rows()) == 2, 30, every=0.2)
            assert time.monotonic() - started < 20
            assert json.loads(rows()[1][0])["priority"] == "emergency"

            receiver.kill()
            wait_for(lambda: not check_status(library, key, row), 90, every=0.5)
            assert receiver_views(library)[0].state is ReceiverState.OFFLINE
        finally:
            engine.stop()
    finally:
        receiver.kill()
        links().close()

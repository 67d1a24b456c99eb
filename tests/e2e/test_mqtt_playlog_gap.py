"""Play-log entries pushed through the real Mosquitto are never lost for good (issue 16
review): a batch the studio failed to store is not acknowledged to the broker (manual
PUBACK), so the broker hands it again; a later batch beyond the gap is not taken and the
acknowledgement does not jump over the gap; a real receiver whose acknowledgement stands
still sends again from it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from crs_protocol.mqtt import Envelope, rx_topic

from benchmarks.broker_setup import approved_programme, sim_fleet, use_broker
from studio.fleet.delivery import Delivery
from studio.fleet.keys import StudioKey
from studio.fleet.mqtt_client import link_for
from studio.fleet.mqtt_link import links
from studio.fleet.repository import FleetRepository
from tests.e2e.test_mqtt_receiver import paired_receiver, schedule
from tests.e2e.test_mqtt_studio import _opener, wait_for
from tests.support.mqtt import Probe
from tests.support.mqtt_studio import BrokerStudio
from tests.support.mqtt_studio import wait_for as wait_on

pytestmark = pytest.mark.timeout(240)


def entry(n: int) -> dict:
    return {"seq": n, "item": f"now-{n}", "outcome": "played", "started": "2026-12-02T01:00:00+00:00",
            "ended": "2026-12-02T01:00:10+00:00"}


def test_a_batch_that_failed_to_store_is_not_acked_and_no_later_batch_skips_it(library, broker, tmp_path, caplog):
    use_broker(library, broker.account)
    approved_programme(library, tmp_path / "audio", 5.0)
    key = StudioKey(library.paths.keys_dir)
    fleet = sim_fleet(library, key, broker.account, 1)
    rx = fleet.receivers[0]
    rid = rx.receiver_id
    rows = lambda: [r[0] for r in library.conn.execute("SELECT seq FROM playlog ORDER BY seq")]  # noqa: E731
    # the studio's database refuses the first batch (a full disk, a locked file): a real SQLite failure
    library.conn.execute("CREATE TRIGGER fail_playlog BEFORE INSERT ON playlog BEGIN "
                         "SELECT RAISE(ABORT, 'disk trouble'); END")
    engine = Delivery(_opener(library), key, poll_s=0.2)  # owns the persistent session
    engine.start()
    receiver = Probe(broker.host, broker.port, rid, rx.password, client_id=f"crs-rx-{rid}")
    acks = Probe(broker.host, broker.port, broker.username, broker.password)
    try:
        address = FleetRepository(library.conn).receivers()[0]["address"]
        link_for(address, key).wait_connected(10)
        assert acks.subscribe(rx_topic(rid, "playlog-ack"))
        receiver.publish(rx_topic(rid, "playlog"), json.dumps({"after": 0, "entries": [entry(1), entry(2)]}))
        wait_for(lambda: any("disk trouble" in str(r.exc_info) for r in caplog.records), 15)
        library.conn.execute("DROP TRIGGER fail_playlog")
        # the next batch follows a gap: not taken, and the acknowledgement does not pass 0
        receiver.publish(rx_topic(rid, "playlog"), json.dumps({"after": 2, "entries": [entry(3)]}))
        ack = wait_on(acks, rx_topic(rid, "playlog-ack"), lambda e: True, 15)
        assert json.loads(Envelope.parse(json.dumps(ack).encode()).body)["seq"] == 0
        assert rows() == []
        # the studio restarts: the broker hands again the batch it never acknowledged
        engine.stop()
        links().close()
        engine = Delivery(_opener(library), key, poll_s=0.2)
        engine.start()
        wait_for(lambda: rows() == [1, 2], 30)
        # the receiver sends again from the acknowledgement: nothing is missing, nothing twice
        receiver.publish(rx_topic(rid, "playlog"), json.dumps({"after": 0, "entries": [entry(1), entry(2),
                                                                                       entry(3)]}))
        wait_for(lambda: rows() == [1, 2, 3], 30)
        assert library.conn.execute("SELECT COUNT(*) FROM asrun").fetchone()[0] == 3
    finally:
        engine.stop()
        receiver.close()
        acks.close()
        fleet.close()
        links().close()


def test_a_real_receiver_sends_again_when_the_ack_stands_still(tmp_path, broker):
    studio = BrokerStudio(broker)
    receiver = paired_receiver(tmp_path, broker, studio)
    rid = receiver.receiver_id
    playlog = studio.watch(rx_topic(rid, "playlog"))
    try:
        from tests.e2e.test_mqtt_receiver import tone

        data = tone(tmp_path, 1.0)
        sha = studio.upload_media(data, chunk_size=16 << 10)
        studio.publish_manifest(rid, schedule(rid, 1, sha, datetime.now(UTC) + timedelta(seconds=4), seconds=1.0))
        first = wait_on(playlog, rx_topic(rid, "playlog"), lambda p: p["entries"], timeout=40)
        assert first.get("after", 0) == 0 and [e["seq"] for e in first["entries"]] == [1]
        # the studio never acknowledges it (the message was lost, or its store failed)
        again = wait_on(playlog, rx_topic(rid, "playlog"), lambda p: p["entries"], timeout=60)
        assert again == first
        studio.ack_playlog(rid, 1)
        assert playlog.next_message(30.0, rx_topic(rid, "playlog")) is None
    finally:
        receiver.kill()
        playlog.close()
        studio.close()

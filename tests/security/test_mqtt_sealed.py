"""What a receiver publishes to the studio through the broker is sealed (issue 16 review),
against the real Mosquitto, a real receiver paired with `receivers add mqtt://...` and the
studio's real broker link: a status, a play-log batch or an answer that the broker (here:
its administrator account, which may publish anything) forges is refused and logged — no
fake "delivered", no fake as-run entry, no fake play-now success — while the receiver's own
sealed messages are taken."""

from __future__ import annotations

import json
import logging

import pytest
from crs_protocol.mqtt import rx_topic

from benchmarks.broker_setup import approved_programme, use_broker
from studio.fleet.keys import StudioKey
from studio.fleet.mqtt_client import link_for
from studio.fleet.mqtt_link import links
from tests.e2e.test_mqtt_studio import wait_for
from tests.support.cli import run
from tests.support.mqtt import Probe
from tests.support.receiver import Receiver

pytestmark = pytest.mark.timeout(180)


def test_forged_status_playlog_and_answer_are_refused(library, broker, tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    use_broker(library, broker.account)
    key = StudioKey(library.paths.keys_dir)
    receiver = Receiver(tmp_path / "rx", args=["--broker", broker.url]).start()
    forger = Probe(broker.host, broker.port, broker.username, broker.password)
    refused = lambda: sum("not sealed by receiver" in r.getMessage() for r in caplog.records)  # noqa: E731
    try:
        rid = receiver.receiver_id
        approved_programme(library, tmp_path / "audio", 2.0)
        address = f"mqtt://127.0.0.1:{broker.port}/{rid}"
        run(library.paths.data_dir, "receivers", "add", address, "--code", receiver.code, "--zone", "Xã")
        link = link_for(address, key)
        real = wait_for(lambda: (s := link.status_of(rid, 2)) and s.status.get("online") and s.status, 30)
        assert "mac" not in real  # taken, and the seal taken off
        status = {**real, "manifest_version": 999, "media_missing": []}
        forger.publish(rx_topic(rid, "status"), json.dumps(status), retain=True)
        wait_for(lambda: refused() >= 1, 15)
        assert link.status_of(rid, 1).status.get("manifest_version") != 999

        entry = {"seq": 1, "item": "fake", "outcome": "played", "started": "2026-12-02T01:00:00+00:00",
                 "ended": "2026-12-02T01:00:10+00:00"}
        forger.publish(rx_topic(rid, "playlog"), json.dumps({"after": 0, "entries": [entry]}))
        receiver.terminate()  # offline: nothing but a forger answers now
        request_id = link.send_request(rid, "POST", "/v1/commands/play-now", b'{"media": []}')
        forger.publish(rx_topic(rid, "resp"), json.dumps({"id": request_id, "status": 200,
                                                          "body": {"item": "x", "already": False}}))
        assert link.answer(request_id, 3.0) is None
        wait_for(lambda: refused() >= 2, 15)  # the play log, and the answer (the playlog only if persistent)
        assert library.conn.execute("SELECT COUNT(*) FROM playlog").fetchone()[0] == 0
        assert (library.paths.data_dir / "receiver-seals" / f"{rid}.json").stat().st_mode & 0o077 == 0
    finally:
        receiver.kill()
        forger.close()
        links().close()

"""A manifest the receiver refuses, through the real Mosquitto (issue 16 review): the
receiver says so in its retained status (`manifest_refused`), and the studio fails that
delivery attempt with the receiver's reason instead of leaving it "waiting" for ever,
rechecked every 3 s."""

from __future__ import annotations

import json
import time

import pytest

from benchmarks.broker_setup import approved_programme, use_broker
from studio.fleet.delivery import deliver_until_idle
from studio.fleet.keys import StudioKey
from studio.fleet.mqtt_link import links
from studio.fleet.publish import publish
from tests.e2e.test_mqtt_studio import wait_for
from tests.support.cli import run
from tests.support.receiver import Receiver

pytestmark = pytest.mark.timeout(240)


def test_a_refused_manifest_fails_the_delivery_with_the_receivers_reason(library, broker, tmp_path):
    use_broker(library, broker.account)
    receiver = Receiver(tmp_path / "rx", args=["--broker", broker.url]).start()
    key = StudioKey(library.paths.keys_dir)
    try:
        rid = receiver.receiver_id
        approved_programme(library, tmp_path / "audio", 2.0)
        run(library.paths.data_dir, "receivers", "add", f"mqtt://127.0.0.1:{broker.port}/{rid}", "--code",
            receiver.code, "--zone", "Xã")
        publish(library, "test", days=2)
        # a manifest this receiver will not take (an item it cannot play: a newer studio's
        # start mode, say); it is signed by the studio all the same
        row = library.conn.execute("SELECT id, manifest_json FROM deliveries").fetchone()
        manifest = json.loads(row["manifest_json"])
        manifest["items"][0]["start_mode"] = "later-maybe"
        library.conn.execute("UPDATE deliveries SET manifest_json = ? WHERE id = ?", (json.dumps(manifest), row[0]))
        started = time.monotonic()

        def failed():
            deliver_until_idle(library, key, 2)
            found = library.conn.execute("SELECT attempts, last_error, state FROM deliveries").fetchone()
            return found if found["attempts"] >= 1 else None

        found = wait_for(failed, 90, every=0.5)
        assert "refused the manifest" in found["last_error"] and found["state"] == "pending", dict(found)
        assert time.monotonic() - started < 90
    finally:
        receiver.kill()
        links().close()

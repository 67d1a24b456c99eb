"""The broker goes away (issue 16): the receiver plays its schedule from what it holds, and
when the broker is back it reconnects by itself and delivers the play log it wrote
meanwhile. Real Mosquitto stopped and started on the same port, real receiver process.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from crs_protocol.mqtt import rx_topic

from tests.e2e.test_mqtt_receiver import paired_receiver, schedule, tone
from tests.support.mqtt_studio import BrokerStudio, wait_for

pytestmark = pytest.mark.timeout(240)


def test_broker_down_playback_goes_on_and_the_link_comes_back(tmp_path, broker):
    studio = BrokerStudio(broker)
    receiver = paired_receiver(tmp_path, broker, studio)
    rid = receiver.receiver_id
    try:
        sha = studio.upload_media(tone(tmp_path, 1.0))
        start = datetime.now(UTC) + timedelta(seconds=10)
        studio.publish_manifest(rid, schedule(rid, 1, sha, start, item="chieu-1", seconds=1.0))
        watcher = studio.watch(rx_topic(rid, "status"))
        wait_for(watcher, rx_topic(rid, "status"), lambda s: s.get("manifest_version") == 1)
        watcher.close()
        studio.close()
        broker.stop()

        log = receiver.folder / "playlog.jsonl"
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline and not (log.exists() and log.read_text().strip()):
            time.sleep(0.2)
        (entry,) = [json.loads(line) for line in log.read_text().splitlines()]
        assert entry["item"] == "chieu-1" and entry["outcome"] == "played"
        assert receiver.process.poll() is None

        broker.start()
        studio = BrokerStudio(broker, studio.signer)
        playlog = studio.watch(rx_topic(rid, "playlog"))
        watcher = studio.watch(rx_topic(rid, "status"))
        wait_for(watcher, rx_topic(rid, "status"), lambda s: s.get("online") is True, timeout=120)
        sent = wait_for(playlog, rx_topic(rid, "playlog"), lambda p: p["entries"], timeout=30)
        assert [e["item"] for e in sent["entries"]] == ["chieu-1"]
        watcher.close()
        playlog.close()
    finally:
        receiver.kill()
        studio.close()

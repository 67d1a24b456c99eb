"""The receiver's broker link through the fault proxy of the HTTP tests
(benchmarks/tcp_proxy.py): latency, 256 kbit/s and connections cut at random. The
receiver converges on the retained manifest and its media, resuming each file from what it
holds, and the file it makes playable is the studio's, byte for byte. Real Mosquitto, real
receiver process.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime, timedelta

import pytest
from crs_protocol.mqtt import rx_topic

from benchmarks.tcp_proxy import TcpProxy
from tests.e2e.test_mqtt_receiver import schedule, tone
from tests.support.mqtt_studio import BrokerStudio, wait_for
from tests.support.receiver import Receiver

pytestmark = pytest.mark.timeout(300)


def test_receiver_converges_through_a_slow_cutting_link(tmp_path, broker):
    proxy = TcpProxy(broker.port, latency=0.05, rate=32_000, cut=1.0, cut_after=(1_500, 4_000), seed=16,
                     faults_upstream=True)  # cut after 1.5-4 kB from the receiver
    studio = BrokerStudio(broker)
    receiver = Receiver(tmp_path / "rx", args=["--broker", f"mqtt://127.0.0.1:{proxy.port}"]).start()
    rid = receiver.receiver_id
    try:
        answer = studio.pair(rid, receiver.code, timeout=60)
        assert answer is not None and answer["status"] == 200, answer
        data = tone(tmp_path, 3.0)  # 288 kB: about 9 s at 256 kbit/s
        sha = studio.upload_media(data, chunk_size=32 << 10)
        studio.publish_manifest(rid, schedule(rid, 4, sha, datetime.now(UTC) + timedelta(hours=3)))
        watcher = studio.watch(rx_topic(rid, "status"))
        wait_for(watcher, rx_topic(rid, "status"), lambda s: s.get("manifest_version") == 4, timeout=240)
        held = (receiver.folder / "media" / sha).read_bytes()
        assert hashlib.sha256(held).hexdigest() == sha and held == data
        assert proxy.cuts >= 1  # the link really was cut
        assert not list((receiver.folder / "partial").glob("*.part"))
        time.sleep(0.5)
        watcher.close()
    finally:
        receiver.kill()
        studio.close()
        proxy.close()

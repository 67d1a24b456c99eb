"""The broker dies mid-transfer, seen from the studio (issue 16): the delivery engine is
putting a programme's media on the broker (through a slow counting proxy, so the transfer
takes seconds) when Mosquitto is killed (-9) with the file half sent, then started again on
the same port. The publish converges once the broker is back, the receiver (a real
process) plays the programme at its second from checked media, and the play log holds it
once. Real Mosquitto, real studio, real receiver."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import timedelta

import numpy as np
import pytest

from benchmarks.broker_setup import approved_programme, use_broker
from benchmarks.tcp_proxy import TcpProxy
from studio.fleet.delivery import Delivery
from studio.fleet.fleet import pair_receiver
from studio.fleet.keys import StudioKey
from studio.fleet.mqtt_link import links
from studio.fleet.publish import publish
from tests.e2e.test_mqtt_studio import _opener, wait_for
from tests.support.receiver import Receiver

pytestmark = pytest.mark.timeout(300)


def test_broker_killed_with_media_half_sent_the_publish_converges_and_plays_once(library, broker, tmp_path):
    proxy = TcpProxy(broker.port, rate=15_000)  # bytes/s each way: the upload takes seconds
    use_broker(library, replace(broker.account, port=proxy.port))
    key = StudioKey(library.paths.keys_dir)
    receiver = Receiver(tmp_path / "rx", args=["--broker", broker.url, "--name", "Loa chợ"]).start()
    engine = None
    try:
        approved_programme(library, tmp_path / "audio", 12.0, start_in=timedelta(seconds=50))
        pair_receiver(library, key, f"mqtt://127.0.0.1:{proxy.port}/{receiver.receiver_id}", receiver.code, "Xã",
                      "Loa chợ")
        before = proxy.up
        result = publish(library, "test", days=2)
        (delivery,) = library.conn.execute("SELECT media_json FROM deliveries WHERE publish_id = ?",
                                           (result.publish_id,)).fetchall()
        media = json.loads(delivery[0])
        size = sum(library.store.path_for(sha).stat().st_size for sha in media)
        assert size > 50_000  # several seconds at the proxy's rate
        engine = Delivery(_opener(library), key, poll_s=0.2)
        engine.start()
        wait_for(lambda: proxy.up - before > size / 2, 30, every=0.01)
        assert proxy.up - before < size  # half sent: the broker dies now
        broker.kill()
        broker.restart()

        def state() -> str:
            return library.conn.execute("SELECT state FROM deliveries WHERE publish_id = ?",
                                        (result.publish_id,)).fetchone()[0]
        try:
            wait_for(lambda: state() == "delivered", 45, every=0.2)
        except AssertionError as exc:
            row = dict(library.conn.execute("SELECT state, attempts, last_error, next_attempt, bytes_sent FROM "
                                            "deliveries").fetchone())
            raise AssertionError(f"the delivery did not complete after the broker restart: {row}") from exc
        for sha in media:  # what the receiver holds is what the studio rendered, byte for byte
            assert (receiver.folder / "media" / sha).read_bytes() == library.store.path_for(sha).read_bytes()
        rows = lambda: library.conn.execute("SELECT entry_json FROM playlog").fetchall()  # noqa: E731
        wait_for(rows, 90, every=0.5)
        time.sleep(2.0)  # a duplicate would arrive with the next play-log push (every second)
        (entry,) = [json.loads(r[0]) for r in rows()]
        assert entry["outcome"] == "played"
        assert library.conn.execute("SELECT COUNT(*) FROM asrun").fetchone()[0] == 1
        assert np.abs(receiver.sound.played()).max() > 0.05
        security_log = receiver.folder / "logs" / "security.log"
        assert not security_log.exists() or "corrupt" not in security_log.read_text(errors="replace")
    finally:
        if engine is not None:
            engine.stop()
        receiver.kill()
        links().close()
        proxy.close()

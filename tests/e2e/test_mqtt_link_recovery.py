"""The MQTT link recovers, against the real Mosquitto and a real receiver (issue 16 review):
a receiver connects with a clean session, so an emergency published while it was offline is
gone — the studio publishes it again as soon as the receiver's status comes back online
(not a minute later); and a background task of the receiver's link that fails (here its
status loop, when the disk under it breaks) is logged and the link reconnects, instead of
the receiver going silent while still connected."""

from __future__ import annotations

import shutil
import time

import pytest
from crs_protocol.mqtt import rx_topic

from benchmarks.broker_setup import approved_programme, use_broker
from studio.fleet.keys import StudioKey
from studio.fleet.mqtt_link import links
from tests.e2e.test_mqtt_receiver import paired_receiver
from tests.e2e.test_mqtt_studio import _opener, wait_for
from tests.support.cli import run
from tests.support.mqtt_studio import BrokerStudio
from tests.support.mqtt_studio import wait_for as wait_on
from tests.support.receiver import Receiver

pytestmark = pytest.mark.timeout(240)


def test_an_emergency_is_sent_again_as_soon_as_the_receiver_is_back_online(library, broker, tmp_path):
    from studio.fleet.emergency import Emergencies, TargetState, declare, operator_authority
    from studio.fleet.emergency_delivery import send_and_wait

    use_broker(library, broker.account)
    key = StudioKey(library.paths.keys_dir)
    receiver = Receiver(tmp_path / "rx", args=["--broker", broker.url]).start()
    lane = None
    try:
        rid = receiver.receiver_id
        approved_programme(library, tmp_path / "audio", 2.0)
        run(library.paths.data_dir, "receivers", "add", f"mqtt://127.0.0.1:{broker.port}/{rid}", "--code",
            receiver.code, "--zone", "Xã")
        studio = BrokerStudio(broker)
        watcher = studio.watch(rx_topic(rid, "status"))
        wait_on(watcher, rx_topic(rid, "status"), lambda s: s.get("online") is True)
        run(library.paths.data_dir, "publish", "--days", "2", "--yes")  # the receiver holds the clip
        run(library.paths.data_dir, "deliver", "--until-idle", "--timeout", "60")
        receiver.terminate()
        wait_on(watcher, rx_topic(rid, "status"), lambda s: s.get("online") is False)
        clip = library.conn.execute("SELECT id FROM clips ORDER BY id LIMIT 1").fetchone()[0]
        emergency = declare(library, clip, ["Xã"], operator_authority("cli:test", "bão"), 10)
        lane, _ = send_and_wait(_opener(library), key, library, emergency.id)
        emergencies = Emergencies(library.conn, library.clock)
        state = lambda: emergencies.targets(emergency.id)[0].state  # noqa: E731
        time.sleep(3)  # the lane publishes to the offline receiver meanwhile: the broker drops it
        assert state() is TargetState.PENDING
        receiver = Receiver(receiver.folder, args=["--broker", broker.url]).start()
        wait_on(watcher, rx_topic(rid, "status"), lambda s: s.get("online") is True)
        back = time.monotonic()
        wait_for(lambda: state() is TargetState.REACHED, 40)
        assert time.monotonic() - back < 20  # not the minute's resend
        watcher.close()
        studio.close()
    finally:
        if lane is not None:
            lane.stop()
        receiver.kill()
        links().close()


def test_a_failed_status_loop_is_logged_and_the_link_reconnects(tmp_path, broker):
    studio = BrokerStudio(broker)
    receiver = paired_receiver(tmp_path, broker, studio)
    rid = receiver.receiver_id
    watcher = studio.watch(rx_topic(rid, "status"))
    media = receiver.folder / "media"
    try:
        wait_on(watcher, rx_topic(rid, "status"), lambda s: s.get("online") is True)
        shutil.move(media, receiver.folder / "media-away")  # the disk under the status breaks
        media.write_bytes(b"")
        answer = studio.request(rid, "PUT", "/v1/volume", b'{"volume": 35}')  # a change: the status loop runs
        assert answer["status"] == 200
        log = receiver.folder / "logs" / "receiver.log"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and "_status_loop failed" not in log.read_text():
            time.sleep(0.2)
        assert "_status_loop failed" in log.read_text()
        media.unlink()
        shutil.move(receiver.folder / "media-away", media)  # repaired: the reconnected link reports
        status = wait_on(watcher, rx_topic(rid, "status"), lambda s: s.get("volume") == 35, timeout=90)
        assert status["online"] is True
    finally:
        receiver.kill()
        watcher.close()
        studio.close()

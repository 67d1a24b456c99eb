"""A broker (not trusted) cannot exhaust a receiver's memory (issue 16 review), against the
real Mosquitto and a real receiver: the receiver's CONNECT sets an MQTT 5 Maximum Packet
Size, so the broker never hands it a larger message; a media meta whose chunk size is above
CHUNK_SIZE is refused; a file whose chunk the broker withholds is subscribed again, then set
aside as stalled (reported in the status) and fetched again later."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from crs_protocol.mqtt import MAX_PACKET_BYTES, media_topic, rx_topic

from tests.e2e.test_mqtt_receiver import paired_receiver, schedule, tone
from tests.support.mqtt_studio import BrokerStudio, wait_for

pytestmark = pytest.mark.timeout(240)


@pytest.fixture
def paired(tmp_path, broker):
    studio = BrokerStudio(broker)
    receiver = paired_receiver(tmp_path, broker, studio)
    watcher = studio.watch(rx_topic(receiver.receiver_id, "status"))
    yield studio, receiver, watcher
    receiver.kill()
    watcher.close()
    studio.close()


def test_the_broker_never_hands_the_receiver_a_message_above_its_maximum_packet_size(paired):
    studio, receiver, _watcher = paired
    rid = receiver.receiver_id
    assert studio.request_until(rid, "GET", "/v1/status")["body"]["refusals"]["count"] == 0
    studio.probe.publish(rx_topic(rid, "req"), b"x" * (MAX_PACKET_BYTES + 1))  # the broker takes it ...
    answer = studio.request(rid, "GET", "/v1/status")  # ... and never passes it on: nothing refused
    assert answer["status"] == 200 and answer["body"]["refusals"]["count"] == 0


def test_a_meta_with_a_chunk_size_above_chunk_size_is_refused(paired, tmp_path):
    studio, receiver, watcher = paired
    rid = receiver.receiver_id
    data = tone(tmp_path, 4.0)  # ~350 KB: one chunk of 1 MiB
    sha = studio.upload_media(data, chunk_size=1 << 20)
    studio.publish_manifest(rid, schedule(rid, 1, sha, datetime.now(UTC) + timedelta(hours=2)))
    status = wait_for(watcher, rx_topic(rid, "status"), lambda s: s.get("media_corrupt") == [sha])
    assert status["manifest_version"] is None
    assert not (receiver.folder / "media" / sha).exists()


def test_a_withheld_chunk_stalls_the_transfer_which_is_fetched_again_later(paired, tmp_path):
    studio, receiver, watcher = paired
    rid = receiver.receiver_id
    data = tone(tmp_path, 3.0)
    chunk = 16 << 10
    count = -(-len(data) // chunk)
    sha = hashlib.sha256(data).hexdigest()
    studio.upload_media(data, chunk_size=chunk, chunks=[n for n in range(count) if n != 1])  # chunk 1 withheld
    studio.publish_manifest(rid, schedule(rid, 1, sha, datetime.now(UTC) + timedelta(hours=2)))
    status = wait_for(watcher, rx_topic(rid, "status"), lambda s: s.get("media_stalled") == [sha], timeout=90)
    assert status["media_missing"] == [sha] and status["media_corrupt"] == []
    part = receiver.folder / "partial" / f"{sha}.part"
    assert part.stat().st_size == chunk  # what it holds is kept
    studio.probe.publish(media_topic(sha, 1), data[chunk:2 * chunk], retain=True)
    status = wait_for(watcher, rx_topic(rid, "status"), lambda s: s.get("manifest_version") == 1, timeout=90)
    assert status["media_stalled"] == [] and (receiver.folder / "media" / sha).read_bytes() == data

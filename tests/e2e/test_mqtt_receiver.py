"""The receiver over MQTT (issue 16), a real receiver process against the project's real
Mosquitto (tests/support/broker.py), driven by a small studio that signs with crs_protocol
directly (tests/support/mqtt_studio.py): pairing through the broker, status and its last
will, requests answered with their correlation data, the retained manifest played at its
second with media read from retained chunks, the play log and its acknowledgement, a
broker restart mid-transfer, corrupt chunks.
"""

from __future__ import annotations

import hashlib
import json
import time
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from crs_protocol.mqtt import rx_topic

from studio.audio import synthetic
from tests.support.mqtt_studio import BrokerStudio, wait_for
from tests.support.receiver import Receiver
from tests.support.tools import write_audio

pytestmark = pytest.mark.timeout(180)


def start_receiver(tmp_path, broker, name="rx") -> Receiver:
    return Receiver(tmp_path / name, args=["--broker", broker.url, "--name", "Loa thôn 1"]).start()


def paired_receiver(tmp_path, broker, studio, name="rx") -> Receiver:
    receiver = start_receiver(tmp_path, broker, name)
    assert receiver.receiver_id and receiver.code
    answer = studio.pair(receiver.receiver_id, receiver.code)
    assert answer is not None and answer["status"] == 200, answer
    return receiver


def tone(tmp_path, seconds: float, name: str = "tone.wav"):
    samples = synthetic.sine(seconds, 440.0)
    path = write_audio(tmp_path / name, samples, subtype="PCM_16")
    return path.read_bytes()


def test_pairing_status_will_and_requests(tmp_path, broker):
    studio = BrokerStudio(broker)
    receiver = paired_receiver(tmp_path, broker, studio)
    rid = receiver.receiver_id
    try:
        assert json.loads((receiver.folder / "trust.json").read_text())["key"] == studio.signer.public
        watcher = studio.watch(rx_topic(rid, "status"))
        status = wait_for(watcher, rx_topic(rid, "status"), lambda s: s.get("online") is True)
        assert status["transport"] == "mqtt" and status["receiver_id"] == rid and status["name"] == "Loa thôn 1"
        answer = studio.request_until(rid, "GET", "/v1/status")
        assert answer["status"] == 200 and answer["body"]["receiver_id"] == rid
        answer = studio.request(rid, "PUT", "/v1/volume", b'{"volume": 35}')
        assert answer["status"] == 200 and answer["body"] == {"volume": 35}
        assert json.loads((receiver.folder / "volume.json").read_text()) == {"volume": 35}
        wait_for(watcher, rx_topic(rid, "status"), lambda s: s.get("volume") == 35)
        head = studio.request(rid, "HEAD", "/v1/media/" + "a" * 64)
        assert head["status"] == 200 and head["headers"]["Upload-Offset"] == "0"
        # kill -9: the broker publishes the last will, retained
        receiver.kill()
        wait_for(watcher, rx_topic(rid, "status"), lambda s: s.get("online") is False)
        later = studio.watch(rx_topic(rid, "status"))
        assert wait_for(later, rx_topic(rid, "status"), lambda s: True)["online"] is False
        later.close()
        watcher.close()
    finally:
        receiver.kill()
        studio.close()


def schedule(rid: str, version: int, sha: str, start: datetime, item: str = "sang-1", seconds: float = 1.5) -> dict:
    return {"version": version, "receiver_id": rid, "volume": 100,
            "items": [{"id": item, "start": start.isoformat(), "media": [sha], "duration_s": seconds,
                       "start_mode": "hard"}]}


def test_retained_manifest_plays_at_its_second_with_media_from_chunks(tmp_path, broker):
    studio = BrokerStudio(broker)
    receiver = paired_receiver(tmp_path, broker, studio)
    rid = receiver.receiver_id
    watcher = studio.watch(rx_topic(rid, "status"))
    playlog = studio.watch(rx_topic(rid, "playlog"))
    try:
        samples = synthetic.sine(1.5, 440.0)
        data = write_audio(tmp_path / "ban-tin.wav", samples, subtype="PCM_16").read_bytes()
        # the manifest first, the media after: the receiver waits for it, saying what it lacks
        start = datetime.now(UTC) + timedelta(seconds=6)
        sha = hashlib.sha256(data).hexdigest()
        studio.publish_manifest(rid, schedule(rid, 3, sha, start))
        wait_for(watcher, rx_topic(rid, "status"), lambda s: s.get("media_missing") == [sha])
        studio.upload_media(data, chunk_size=16 << 10)
        status = wait_for(watcher, rx_topic(rid, "status"), lambda s: s.get("manifest_version") == 3)
        assert status["media_missing"] == []
        assert (receiver.folder / "media" / sha).read_bytes() == data
        published = wait_for(playlog, rx_topic(rid, "playlog"), lambda p: p["entries"], timeout=30)
        (entry,) = published["entries"]
        assert entry["item"] == "sang-1" and entry["outcome"] == "played" and entry["seq"] == 1
        assert datetime.fromisoformat(entry["started"]) >= start
        written = receiver.sound.played()
        lead = int(np.flatnonzero(written)[0])
        np.testing.assert_allclose(written[lead:lead + len(samples) - 1], samples[1:], atol=1e-4)

        # acknowledged: a restarted receiver sends nothing again, and the retained manifest and
        # acknowledgement it already applied are "already have", not replays
        studio.ack_playlog(rid, 1)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and json.loads((receiver.folder / "link.json").read_text())["acked"] != 1:
            time.sleep(0.1)
        receiver.terminate()
        offline = wait_for(watcher, rx_topic(rid, "status"), lambda s: s.get("online") is False)
        assert offline["transport"] == "mqtt"
        receiver = Receiver(receiver.folder, args=["--broker", broker.url]).start()
        status = wait_for(watcher, rx_topic(rid, "status"), lambda s: s.get("online") is True)
        assert status["manifest_version"] == 3 and status["refusals"]["count"] == 0
        assert playlog.next_message(3.0, rx_topic(rid, "playlog")) is None
        assert "refused" not in (receiver.folder / "logs" / "security.log").read_text()
    finally:
        receiver.kill()
        watcher.close()
        playlog.close()
        studio.close()


def test_broker_restart_mid_transfer_converges(tmp_path, broker):
    studio = BrokerStudio(broker)
    receiver = paired_receiver(tmp_path, broker, studio)
    rid = receiver.receiver_id
    try:
        data = tone(tmp_path, 6.0)
        chunk = 16 << 10
        sha = studio.upload_media(data, chunk_size=chunk, chunks=[0, 1, 2])
        studio.publish_manifest(rid, schedule(rid, 1, sha, datetime.now(UTC) + timedelta(hours=2)))
        part = receiver.folder / "partial" / f"{sha}.part"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not (part.exists() and part.stat().st_size == 3 * chunk):
            time.sleep(0.05)
        assert part.stat().st_size == 3 * chunk
        broker.restart()  # Mosquitto saves its retained messages and comes back
        studio.close()
        studio = BrokerStudio(broker, studio.signer)
        studio.upload_media(data, chunk_size=chunk, chunks=list(range(3, -(-len(data) // chunk))), meta=False)
        watcher = studio.watch(rx_topic(rid, "status"))
        wait_for(watcher, rx_topic(rid, "status"), lambda s: s.get("manifest_version") == 1, timeout=60)
        assert (receiver.folder / "media" / sha).read_bytes() == data
        assert not part.exists()
        watcher.close()
    finally:
        receiver.kill()
        studio.close()


def test_corrupt_chunks_are_discarded_and_reported(tmp_path, broker):
    studio = BrokerStudio(broker)
    receiver = paired_receiver(tmp_path, broker, studio)
    rid = receiver.receiver_id
    watcher = studio.watch(rx_topic(rid, "status"))
    try:
        data = tone(tmp_path, 2.0)
        sha = studio.upload_media(data, chunk_size=16 << 10)
        # the broker (not trusted) serves a chunk with other bytes of the same length
        studio.probe.publish(f"crs/v1/media/{sha}/2", bytes(16 << 10), retain=True)
        studio.publish_manifest(rid, schedule(rid, 1, sha, datetime.now(UTC) + timedelta(hours=2)))
        status = wait_for(watcher, rx_topic(rid, "status"), lambda s: s.get("media_corrupt") == [sha])
        assert status["manifest_version"] is None and status["media_missing"] == [sha]
        assert not (receiver.folder / "media" / sha).exists()
        assert not (receiver.folder / "partial" / f"{sha}.part").exists()
        assert "discarded" in (receiver.folder / "logs" / "security.log").read_text()
    finally:
        receiver.kill()
        watcher.close()
        studio.close()


def test_play_now_of_a_file_it_lacks_fetches_it_from_the_broker_and_the_next_try_plays(tmp_path, broker):
    """An emergency clip the receiver never held: the studio puts it on the broker and sends
    the play-now; the receiver answers 424 missing-media and fetches it, so a later try plays."""
    studio = BrokerStudio(broker)
    receiver = paired_receiver(tmp_path, broker, studio)
    rid = receiver.receiver_id
    try:
        data = tone(tmp_path, 1.0, "bao.wav")
        sha = studio.upload_media(data, chunk_size=16 << 10)
        body = json.dumps({"media": [sha], "id": "em-1"}).encode()
        first = studio.request_until(rid, "POST", "/v1/commands/play-now", body)
        assert first["status"] == 424 and first["body"]["missing"] == [sha]
        deadline = time.monotonic() + 30
        answer = first
        while answer["status"] != 200 and time.monotonic() < deadline:
            answer = studio.request_until(rid, "POST", "/v1/commands/play-now", body)
        assert answer["status"] == 200 and answer["body"]["item"] == "em-1", answer
        assert (receiver.folder / "media" / sha).read_bytes() == data
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not (receiver.sound.played_bytes() and receiver.sound.played().any()):
            time.sleep(0.05)
        assert np.abs(receiver.sound.played()).max() > 0.05
    finally:
        receiver.kill()
        studio.close()

"""The receiver over MQTT (issue 16), a real receiver process against the project's real
Mosquitto (tests/support/broker.py), driven by a small studio that signs with crs_protocol
directly (tests/support/mqtt_studio.py): pairing through the broker, status and its last
will, requests answered with their correlation data, the retained manifest played at its
second with media read from retained chunks, the play log and its acknowledgement.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from crs_protocol.mqtt import rx_topic

from studio.audio import synthetic
from tests.support.mqtt import Probe
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

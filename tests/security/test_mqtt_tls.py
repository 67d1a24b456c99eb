"""TLS to the broker (issue 16): a receiver pairs and works over mqtts with the province's CA;
when the broker comes back with another certificate (still signed by that CA) the receiver
reports the change in its security log and its status and goes on; a broker whose
certificate no CA it trusts vouches for never receives its credentials. Real Mosquitto
with a TLS listener (certificates made by openssl), real receiver process.
"""

from __future__ import annotations

import time

import pytest
from crs_protocol.mqtt import rx_topic

from tests.support.broker import RunningBroker, make_certificates, mosquitto_missing
from tests.support.mqtt_studio import BrokerStudio, wait_for
from tests.support.receiver import Receiver

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def tls_broker(tmp_path):
    missing = mosquitto_missing()
    if missing:
        pytest.skip(missing)
    certs = make_certificates(tmp_path / "certs")
    running = RunningBroker(tmp_path / "broker", tls=certs).start()
    yield running
    running.stop()


def test_pairing_over_tls_and_a_changed_certificate_is_reported(tmp_path, tls_broker):
    broker = tls_broker
    studio = BrokerStudio(broker)  # the studio here uses the plain loopback listener
    receiver = Receiver(tmp_path / "rx", args=["--broker", broker.tls_url, "--broker-ca", str(broker.tls["ca"])]).start()
    rid = receiver.receiver_id
    try:
        answer = studio.pair(rid, receiver.code)
        assert answer is not None and answer["status"] == 200, answer
        watcher = studio.watch(rx_topic(rid, "status"))
        status = wait_for(watcher, rx_topic(rid, "status"), lambda s: s.get("online") is True)
        assert "broker_certificate" not in status
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and '"fingerprint": null' in (receiver.folder / "broker.json").read_text():
            time.sleep(0.1)
        assert '"fingerprint": null' not in (receiver.folder / "broker.json").read_text()

        renewed = make_certificates(tmp_path / "certs", ca=(broker.tls["ca"], broker.tls["ca_key"]), name="renewed")
        broker.restart(tls=renewed)
        studio.close()
        watcher.close()
        studio = BrokerStudio(broker, studio.signer)
        watcher = studio.watch(rx_topic(rid, "status"))
        status = wait_for(watcher, rx_topic(rid, "status"),
                          lambda s: s.get("online") is True and "broker_certificate" in s, timeout=90)
        assert status["broker_certificate"]["changed"] is True
        assert status["broker_certificate"]["was"] != status["broker_certificate"]["now"]
        assert "certificate changed" in (receiver.folder / "logs" / "security.log").read_text()
        assert studio.request_until(rid, "GET", "/v1/status")["status"] == 200  # it goes on
        watcher.close()
    finally:
        receiver.kill()
        studio.close()


def test_a_broker_the_ca_does_not_vouch_for_is_not_used(tmp_path, tls_broker):
    broker = tls_broker
    other_ca = make_certificates(tmp_path / "other")["ca"]
    receiver = Receiver(tmp_path / "rx", args=["--broker", broker.tls_url, "--broker-ca", str(other_ca)]).start()
    studio = BrokerStudio(broker)
    try:
        assert studio.pair(receiver.receiver_id, receiver.code, timeout=6) is None
        assert not (receiver.folder / "trust.json").exists()
    finally:
        receiver.kill()
        studio.close()

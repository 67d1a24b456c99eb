"""crs_protocol.mqtt, what both sides of the MQTT transport share: the envelope round-trips
and refuses what is not one, the pairing password, media chunking, the ACLs name only the
receiver's own topics; the receiver's broker address parsing."""

from __future__ import annotations

import base64
import json

import pytest
from crs_protocol.mqtt import (
    CHUNK_SIZE,
    Envelope,
    EnvelopeProblem,
    chunk_count,
    media_meta,
    pairing_acls,
    receiver_acls,
)
from crs_receiver.mqtt_link import BrokerAddress


def test_envelope_round_trip_keeps_the_exact_body():
    body = "Bản tin sáng\n".encode() + bytes(range(256))
    envelope = Envelope.make("put", "/v1/manifest", {"X-CRS-Key": "k"}, body)
    parsed = Envelope.parse(envelope.to_bytes())
    assert parsed == Envelope(envelope.id, "PUT", "/v1/manifest", {"X-CRS-Key": "k"}, body)
    assert len(envelope.id) == 32


@pytest.mark.parametrize("payload", [
    b"", b"not json", b"[]", b'{"id": "x"}', json.dumps({"id": "", "method": "GET", "path": "/v1/status",
                                                        "headers": {}}).encode(),
    json.dumps({"id": "x", "method": "GET", "path": "/etc/passwd", "headers": {}}).encode(),
    json.dumps({"id": "x", "method": "GET", "path": "/v1/status", "headers": {"a": 1}}).encode(),
    json.dumps({"id": "x", "method": "GET", "path": "/v1/status", "headers": {}, "body": "%%%"}).encode(),
    json.dumps({"id": "x" * 65, "method": "GET", "path": "/v1/status", "headers": {}}).encode(),
    "{\"id\": \"\udcff\"}".encode("utf-8", "surrogatepass"),
])
def test_what_is_not_an_envelope_is_refused(payload):
    with pytest.raises(EnvelopeProblem):
        Envelope.parse(payload)


def test_an_empty_body_may_be_left_out():
    parsed = Envelope.parse(json.dumps({"id": "a", "method": "GET", "path": "/v1/status", "headers": {}}).encode())
    assert parsed.body == b""
    assert Envelope.parse(parsed.to_bytes()).body == b""
    assert base64.b64decode(json.loads(parsed.to_bytes())["body"]) == b""


def test_pairing_proofs_bind_code_key_receiver_and_nonce_and_the_account_password_holds_no_code():
    from crs_protocol.pair_proof import (
        answer_proof,
        broker_secret,
        code_key,
        pairing_account_password,
        request_proof,
    )

    password = pairing_account_password("67afef8d6ac44e45")
    assert len(password) == 32 and password != pairing_account_password("67afef8d6ac44e46")
    key = code_key("12345678", "67afef8d6ac44e45")
    proof = request_proof(key, "K1", "67afef8d6ac44e45", "n" * 32)
    assert proof == request_proof(code_key("12345678", "67afef8d6ac44e45"), "K1", "67afef8d6ac44e45", "n" * 32)
    assert proof != request_proof(code_key("12345679", "67afef8d6ac44e45"), "K1", "67afef8d6ac44e45", "n" * 32)
    assert proof != request_proof(key, "K2", "67afef8d6ac44e45", "n" * 32)
    assert proof != request_proof(key, "K1", "67afef8d6ac44e45", "m" * 32)
    assert proof != answer_proof(key, "K1", "67afef8d6ac44e45", "n" * 32, "")
    assert "12345678" not in proof + broker_secret(key, "K1", "67afef8d6ac44e45", "n" * 32)

def test_media_chunks():
    assert chunk_count(1) == 1 and chunk_count(CHUNK_SIZE) == 1 and chunk_count(CHUNK_SIZE + 1) == 2
    assert media_meta("a" * 64, 600_000) == {"sha256": "a" * 64, "size": 600_000, "chunk_size": CHUNK_SIZE,
                                             "chunks": 3}


def test_acls_name_only_the_receivers_own_topics_and_the_media():
    topics = {topic for _kind, topic in receiver_acls("rx1")}
    assert topics == {"crs/v1/rx/rx1/req", "crs/v1/rx/rx1/manifest", "crs/v1/rx/rx1/playlog-ack", "crs/v1/media/#",
                      "crs/v1/live/+", "crs/v1/rx/rx1/resp", "crs/v1/rx/rx1/status", "crs/v1/rx/rx1/playlog"}
    sends = {topic for kind, topic in receiver_acls("rx1") if kind == "publishClientSend"}
    assert sends == {"crs/v1/rx/rx1/resp", "crs/v1/rx/rx1/status", "crs/v1/rx/rx1/playlog"}
    assert {t for _k, t in pairing_acls("rx1")} == {"crs/v1/pair/rx1/req", "crs/v1/pair/rx1/resp"}


def test_broker_address():
    assert BrokerAddress.parse("mqtt://10.0.0.5:1884") == BrokerAddress("10.0.0.5", 1884, False, None)
    assert BrokerAddress.parse("mqtts://broker.tinh.gov.vn") == BrokerAddress("broker.tinh.gov.vn", 8883, True)
    assert BrokerAddress.parse("mqtt://b:1883", tls=True).tls
    assert BrokerAddress.parse("b.example", ca_file="ca.crt") == BrokerAddress("b.example", 8883, True, "ca.crt")
    for bad in ("http://b:1883", "mqtt://:1883", "mqtt://"):
        with pytest.raises(ValueError):
            BrokerAddress.parse(bad)

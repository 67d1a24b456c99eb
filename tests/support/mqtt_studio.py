"""A minimal studio side of the MQTT transport for the receiver's tests: it signs v1
requests with crs_protocol directly (its own key and counters) and speaks to receivers
through the real broker with the studio's admin account (tests/support/broker.py), so
that the receiver is tested against the documented contract, not against the studio's
own MQTT code. Test thread only (paho's thread fills the probe's queue).
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from datetime import UTC, datetime

from crs_protocol import make_counter, public_key_text, sign_headers
from crs_protocol.mqtt import CHUNK_SIZE, Envelope, chunk_count, media_meta, media_topic, pair_topic, rx_topic
from crs_protocol.pair_proof import answer_proof, broker_secret, code_key, new_nonce, request_proof, same
from nacl.signing import SigningKey

from tests.support.mqtt import Probe


class Signer:
    """A studio key and its rising counters."""

    def __init__(self, key: SigningKey | None = None, tag: int = 7) -> None:
        self.key = key or SigningKey.generate()
        self.tag, self.last_us = tag, 0

    @property
    def public(self) -> str:
        return public_key_text(self.key.verify_key)

    def counter(self) -> int:
        counter, self.last_us = make_counter(self.last_us, time.time_ns() // 1000, self.tag)
        return counter

    def envelope(self, method: str, path: str, body: bytes, receiver_id: str, counter: int | None = None) -> Envelope:
        headers = sign_headers(self.key, method, path, body, counter or self.counter(), receiver_id, datetime.now(UTC))
        return Envelope(uuid.uuid4().hex, method, path, headers, body)


class BrokerStudio:
    def __init__(self, broker, signer: Signer | None = None) -> None:
        self.broker, self.signer = broker, signer or Signer()
        self.probe = Probe(broker.host, broker.port, broker.username, broker.password)
        assert self.probe.connected
        assert self.probe.subscribe("crs/v1/rx/+/resp") and self.probe.subscribe("crs/v1/pair/+/resp")

    def close(self) -> None:
        self.probe.close()

    def _await(self, topic: str, request_id: str, timeout: float) -> dict | None:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            message = self.probe.next_message(left, topic)
            if message is None:
                return None
            answer = json.loads(message.payload)
            if answer.get("id") == request_id:
                assert message.properties.CorrelationData == request_id.encode()
                return answer
        return None

    def pair(self, receiver_id: str, code: str, timeout: float = 20.0, signer: Signer | None = None,
             proof: str | None = None) -> dict | None:
        """What the officer's `receivers add mqtt://.../RID --code CODE` does: the pairing
        account, the signed pairing request proving the code (never carrying it), then, if
        the answer proves the code too, the account promoted with the derived secret. The
        receiver's answer (None: no answer in time). `proof`: send this one instead."""
        signer = signer or self.signer
        with self.broker.admin() as admin:
            admin.create_pairing_account(receiver_id)
        nonce, key = new_nonce(), code_key(code, receiver_id)
        proof = proof or request_proof(key, signer.public, receiver_id, nonce)
        body = json.dumps({"nonce": nonce, "proof": proof, "studio": "Xã Thử"}).encode()
        envelope = signer.envelope("POST", "/v1/pair", body, receiver_id)
        deadline = time.monotonic() + timeout
        answer = None
        while answer is None and time.monotonic() < deadline:  # QoS 1 to a receiver not yet connected is lost
            self.probe.publish(pair_topic(receiver_id, "req"), envelope.to_bytes(),
                               response_topic=pair_topic(receiver_id, "resp"), correlation=envelope.id.encode())
            answer = self._await(pair_topic(receiver_id, "resp"), envelope.id, min(2.0, deadline - time.monotonic()))
        if answer is not None and answer["status"] == 200:
            body = answer["body"]
            assert same(body.get("proof"), answer_proof(key, signer.public, receiver_id, nonce, body["name"]))
            with self.broker.admin() as admin:
                admin.promote_receiver(receiver_id, broker_secret(key, signer.public, receiver_id, nonce))
        return answer

    def request(self, receiver_id: str, method: str, path: str, body: bytes = b"", timeout: float = 15.0,
                envelope: Envelope | None = None) -> dict | None:
        envelope = envelope or self.signer.envelope(method, path, body, receiver_id)
        self.probe.publish(rx_topic(receiver_id, "req"), envelope.to_bytes(),
                           response_topic=rx_topic(receiver_id, "resp"), correlation=envelope.id.encode())
        return self._await(rx_topic(receiver_id, "resp"), envelope.id, timeout)

    def request_until(self, receiver_id: str, method: str, path: str, body: bytes = b"", timeout: float = 30.0):
        """Retry (fresh counters) until the receiver answers: it may still be connecting."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            answer = self.request(receiver_id, method, path, body, timeout=min(3.0, deadline - time.monotonic()))
            if answer is not None:
                return answer
        return None

    def publish_manifest(self, receiver_id: str, manifest: dict) -> Envelope:
        body = json.dumps(manifest).encode()
        envelope = self.signer.envelope("PUT", "/v1/manifest", body, receiver_id)
        self.probe.publish(rx_topic(receiver_id, "manifest"), envelope.to_bytes(), retain=True)
        return envelope

    def ack_playlog(self, receiver_id: str, seq: int) -> None:
        envelope = self.signer.envelope("POST", "/v1/playlog/ack", json.dumps({"seq": seq}).encode(), receiver_id)
        self.probe.publish(rx_topic(receiver_id, "playlog-ack"), envelope.to_bytes(), retain=True)

    def upload_media(self, data: bytes, chunk_size: int = CHUNK_SIZE, chunks: list[int] | None = None,
                     meta: bool = True) -> str:
        """Retained meta and chunks (all, or those listed), once for every receiver."""
        sha = hashlib.sha256(data).hexdigest()
        count = chunk_count(len(data), chunk_size)
        for index in range(count) if chunks is None else chunks:
            self.probe.publish(media_topic(sha, index), data[index * chunk_size:(index + 1) * chunk_size], retain=True)
        if meta:
            self.probe.publish(media_topic(sha, "meta"), json.dumps(media_meta(sha, len(data), chunk_size)), retain=True)
        return sha

    def watch(self, topic: str) -> Probe:
        """Another admin connection, subscribed to `topic` (retained copy included)."""
        probe = Probe(self.broker.host, self.broker.port, self.broker.username, self.broker.password)
        assert probe.subscribe(topic)
        return probe


def wait_for(probe: Probe, topic: str, predicate, timeout: float = 30.0) -> dict:
    """The first JSON message on `topic` for which `predicate` holds."""
    deadline = time.monotonic() + timeout
    seen = []
    while (left := deadline - time.monotonic()) > 0:
        message = probe.next_message(left, topic)
        if message is None:
            break
        if not message.payload:
            continue
        value = json.loads(message.payload)
        seen.append(value)
        if predicate(value):
            return value
    raise AssertionError(f"nothing on {topic} matched within {timeout} s; seen: {seen[-3:]}")

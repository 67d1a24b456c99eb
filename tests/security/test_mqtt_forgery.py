"""What a broker can and cannot make a receiver do (issue 16): the broker is not trusted.
A client with the receiver's own credentials cannot publish to the receiver's request or
manifest topics at all (the ACL refuses); a client with full broker access (a compromised
broker: here the admin account) can deliver anything, and the receiver refuses every
message the paired studio did not sign: another key, a bad signature, a replayed counter,
a forged retained manifest. Each refusal is in the security log and counted in the status;
the schedule plays on. Pairing guesses through the broker are limited per studio key.
Real Mosquitto, real receiver process.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from crs_protocol.mqtt import Envelope, pair_topic, rx_topic
from crs_protocol.pair_proof import pairing_account_password

from tests.e2e.test_mqtt_receiver import paired_receiver, schedule, start_receiver, tone
from tests.support.mqtt import Probe
from tests.support.mqtt_studio import BrokerStudio, Signer, wait_for

pytestmark = pytest.mark.timeout(180)


def test_forged_messages_are_refused_reported_and_playback_goes_on(tmp_path, broker):
    studio = BrokerStudio(broker)
    receiver = paired_receiver(tmp_path, broker, studio)
    rid = receiver.receiver_id
    watcher = studio.watch(rx_topic(rid, "status"))
    try:
        data = tone(tmp_path, 1.0)
        sha = studio.upload_media(data)
        start = datetime.now(UTC) + timedelta(seconds=12)
        studio.publish_manifest(rid, schedule(rid, 2, sha, start, item="trua-1", seconds=1.0))
        wait_for(watcher, rx_topic(rid, "status"), lambda s: s.get("manifest_version") == 2)
        good = studio.signer.envelope("PUT", "/v1/volume", b'{"volume": 60}', rid)
        assert studio.request(rid, "PUT", "/v1/volume", envelope=good)["status"] == 200

        # the receiver's own credentials: the broker refuses every studio topic
        secret = json.loads((receiver.folder / "broker.json").read_text())["secret"]
        insider = Probe(broker.host, broker.port, rid, secret)
        assert insider.connected
        stranger = Signer()
        forged = stranger.envelope("POST", "/v1/commands/play-now", json.dumps({"media": [sha]}).encode(), rid)
        for leaf in ("req", "manifest", "playlog-ack"):
            assert insider.publish(rx_topic(rid, leaf), forged.to_bytes(), retain=leaf != "req").is_failure
        insider.close()

        # a compromised broker delivers them: every one refused, with its code
        assert studio.request(rid, "", "", envelope=forged)["body"]["error"] == "unknown-key"
        assert studio.request(rid, "", "", envelope=good)["body"]["error"] == "replay"
        fresh = studio.signer.envelope("PUT", "/v1/volume", b'{"volume": 60}', rid)
        tampered = Envelope(fresh.id, fresh.method, fresh.path, fresh.headers, b'{"volume": 100}')
        assert studio.request(rid, "", "", envelope=tampered)["body"]["error"] == "bad-signature"
        junk = studio.request(rid, "", "", envelope=Envelope("j1", "GET", "/v1/status", {}, b""))
        assert junk["body"]["error"] == "unsigned"
        fake = stranger.envelope("PUT", "/v1/manifest", json.dumps(schedule(rid, 9, sha, start, "x")).encode(), rid)
        studio.probe.publish(rx_topic(rid, "manifest"), fake.to_bytes(), retain=True)
        studio.probe.publish(rx_topic(rid, "manifest"), b"not json", retain=True)

        status = wait_for(watcher, rx_topic(rid, "status"), lambda s: s["refusals"]["count"] >= 6)
        assert status["manifest_version"] == 2 and status["volume"] == 60
        assert status["refusals"]["last"]["transport"] == "mqtt"
        log = (receiver.folder / "logs" / "security.log").read_text()
        for code in ("unknown-key", "replay", "bad-signature", "unsigned", "malformed"):
            assert code in log, code
        # the schedule plays on
        deadline = time.monotonic() + 40
        entries = []
        while time.monotonic() < deadline and not entries:
            entries = studio.request(rid, "GET", "/v1/playlog?after=0")["body"]["entries"]
            time.sleep(0.5)
        assert [e["item"] for e in entries] == ["trua-1"] and entries[0]["outcome"] == "played"
    finally:
        receiver.kill()
        watcher.close()
        studio.close()


def test_pairing_through_the_broker_never_carries_the_code_and_locks_out_per_receiver(tmp_path, broker):
    studio = BrokerStudio(broker)
    receiver = start_receiver(tmp_path, broker)
    rid, code = receiver.receiver_id, receiver.code
    wrong = f"{(int(code) + 1) % 10**8:08d}"
    spy = studio.watch(pair_topic(rid, "req"))
    try:
        # a guesser with a fresh key per guess (the broker hides who sends): five wrong codes
        # lock pairing through the broker for everyone, the officer's studio included
        answers = [studio.pair(rid, wrong, signer=Signer(tag=9 + n), timeout=30) for n in range(5)]
        assert [a["body"]["error"] for a in answers] == ["wrong-code"] * 5
        locked = studio.pair(rid, code)
        assert locked["status"] == 429 and locked["body"]["error"] == "pairing-locked"
        assert not (receiver.folder / "trust.json").exists()
        # the same rules as over HTTP: after the lockout the right code pairs
        deadline = time.monotonic() + locked["body"]["retry_after_s"] + 30
        answer = locked
        while answer["status"] == 429 and time.monotonic() < deadline:
            answer = studio.pair(rid, code)
        assert answer["status"] == 200 and answer["body"]["paired"] is True and answer["body"]["proof"]
        assert json.loads((receiver.folder / "trust.json").read_text())["key"] == studio.signer.public
        watcher = studio.watch(rx_topic(rid, "status"))
        wait_for(watcher, rx_topic(rid, "status"), lambda s: s.get("online") is True)
        watcher.close()
        # nothing the broker carried holds the code, and the account's pairing password is gone
        seen = []
        while (message := spy.next_message(0.5)) is not None:
            seen.append(Envelope.parse(message.payload))
        assert len(seen) >= 7 and not any(code.encode() in e.body or code in str(e.headers) for e in seen)
        old = Probe(broker.host, broker.port, rid, pairing_account_password(rid))
        assert not old.connected
        old.close()
        log = (receiver.folder / "logs" / "security.log").read_text()
        assert "pairing-locked" in log and "wrong-code" in log
    finally:
        receiver.kill()
        spy.close()
        studio.close()

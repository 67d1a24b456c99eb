"""Live through the broker, with real receiver processes (crs-receiver --broker) behind a
real Mosquitto: the studio reaches them only as mqtt://HOST:PORT/RID, so the start, the
status checks and the end are signed envelopes on their `req` topics, and the frames go
once per frame on the session's live topic. The chosen zone hears the studio's `testmic`
tone, the other zone nothing; a receiver whose broker account predates live (no rule for
the live topic) is refused the subscription, says `not-granted` without opening a session,
gets the rule from the studio and goes on the air, and stays off the air (no retries every
round) when the studio cannot change the broker's rules; frames forged or replayed on the live topic are counted and
never reach the loudspeaker; the receiver buffers broker frames longer than UDP ones."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from crs_protocol.live import pack_frame, parse_frame
from crs_protocol.mqtt import SUBSCRIBE, live_topic

from benchmarks.broker_setup import use_broker
from studio.broker import BrokerAdmin
from studio.fleet.emergency import operator_authority
from studio.fleet.fleet import pair_receiver
from studio.fleet.keys import StudioKey
from studio.fleet.mqtt_client import MqttReceiverClient
from studio.fleet.mqtt_link import links
from studio.live import TargetState, finish, go_live
from tests.e2e.test_live import LIVE_HZ, _loud_payload, feed_tone, live_zones, wait_for
from tests.support import cli
from tests.support.receiver import Receiver, playlog_of
from tests.support.stream_speaker import StreamSpeaker, dominant_hz

pytestmark = pytest.mark.timeout(240)


@pytest.fixture
def broker_fleet(library, broker, tmp_path):
    """"Loa 0" in Thôn 1 and "Loa 1" in Thôn 2, both reached only through the broker."""
    use_broker(library, broker.account)
    live_zones(library)
    key = StudioKey(library.paths.keys_dir)
    receivers, speakers, addresses = [], [], []
    try:
        for n in range(2):
            receiver = Receiver(tmp_path / f"rx{n}", args=["--broker", broker.url]).start()
            receivers.append(receiver)
            address = f"mqtt://127.0.0.1:{broker.port}/{receiver.receiver_id}"
            pair_receiver(library, key, address, receiver.code, f"Thôn {n + 1}", f"Loa {n}")
            speakers.append(StreamSpeaker(receiver.sound.speaker))
            addresses.append(address)
        feed_tone()
        yield receivers, speakers, addresses, key
    finally:
        for receiver in receivers:
            receiver.kill()
        links().close()


def test_live_through_the_broker_reaches_the_chosen_zone_only(library, data_dir, broker_fleet):
    receivers, speakers, _addresses, _key = broker_fleet
    proc = cli.run_input(data_dir, "matkhau-chutich\n", "live", "--device", "testmic", "--zone", "Thôn 1",
                         "--seconds", "3", "--user", "chutich", "--password-stdin")
    assert "Loa 0: on-air" in proc.stdout and "carried by 1 of 1 receivers" in proc.stdout, proc.stdout
    (stream,) = speakers[0].streams()
    assert len(stream) >= 2.5 * 48000  # about 3 s at real-time pace
    assert dominant_hz(stream) == pytest.approx(LIVE_HZ, abs=5)
    assert speakers[1].streams() == []  # Thôn 2 heard nothing
    wait_for(lambda: playlog_of(receivers[0]), 10, "the live entry in the play log")
    (entry,) = playlog_of(receivers[0])
    assert (entry["priority"], entry["outcome"], entry["by"]) == ("live", "played", "chutich")
    assert entry["frames"] >= 120, entry  # of 150 sent
    assert playlog_of(receivers[1]) == []


def _drop_live_rule(broker, rid: str) -> None:
    """The receiver's account as one made before live existed: no rule for crs/v1/live/+."""
    with broker.admin() as admin:
        admin.run([{"command": "removeRoleACL", "rolename": f"crs-rx-{rid}", "acltype": kind,
                    "topic": live_topic("+")} for kind in (SUBSCRIBE, "publishClientReceive")])


def test_an_old_broker_account_gets_the_live_rule_and_forged_frames_are_refused(library, broker, broker_fleet):
    (receiver, _), (speaker, _), (address, _), key = broker_fleet
    _drop_live_rule(broker, receiver.receiver_id)
    authority = operator_authority("cli:test", None)
    broadcast = go_live(library, key, ["Thôn 1"], "testmic", authority, record=False)
    sent: list[bytes] = []
    broadcast.tap = sent.append
    client = MqttReceiverClient(address, key, timeout=(1.0, 5.0))
    try:
        (target,) = broadcast.targets
        wait_for(lambda: target.state is TargetState.ON_AIR and len(sent) > 120, 30, "on the air")
        assert target.rules_refreshed and target.udp is None  # refused once, then given the rule
        session = client.live_info()["session"]
        assert session["buffer_ms"] == 240  # frames through a broker are buffered longer than over UDP
        real = parse_frame(sent[-1])
        forged = pack_frame(real.session_id, b"\x00" * 32, real.seq + 20, _loud_payload())
        link = client.link
        for _ in range(20):
            link.publish_frame(live_topic(broadcast.session), forged)
            link.publish_frame(live_topic(broadcast.session), sent[-40])  # a real frame, again
        wait_for(lambda: client.live_info()["refused"]["forged"] >= 20, 10, "the forged frames counted")
        played = session["played"]  # the forged frame's place is 20 frames on, plus the 12 frames buffered
        wait_for(lambda: client.live_info()["session"]["played"] > played + 60, 10, "its place played past")
        refused = client.live_info()["refused"]
    finally:
        finish(library, broadcast, authority)
    assert refused["forged"] == 20 and refused["replayed"] == 20
    stream = speaker.played()
    assert float(np.abs(stream).max()) < 0.4  # the tone is 0.25; the injected noise is full scale
    assert dominant_hz(stream) == pytest.approx(LIVE_HZ, abs=5)
    wait_for(lambda: playlog_of(receiver), 10, "the live entry in the play log")
    # the start the broker would not let it hear opened nothing: one session, played
    assert [(e["item"], e["outcome"]) for e in playlog_of(receiver)] == [(f"live-{broadcast.session}", "played")]


def test_a_broker_the_studio_cannot_change_leaves_the_receiver_off_the_air(library, broker, broker_fleet,
                                                                           monkeypatch):
    (receiver, _), (speaker, _), _addresses, key = broker_fleet
    _drop_live_rule(broker, receiver.receiver_id)
    # as a province's broker, where the studio is not the admin: its rules stay as they are
    monkeypatch.setattr(BrokerAdmin, "refresh_receiver_rules", lambda self, receiver_id: None)
    authority = operator_authority("cli:test", None)
    broadcast = go_live(library, key, ["Thôn 1"], "testmic", authority, record=False)
    try:
        (target,) = broadcast.targets
        following = lambda: [t for t in threading.enumerate() if t.name == "live-Loa 0"]  # noqa: E731
        wait_for(lambda: not following(), 20, "its thread gave up")  # not a start every round
        assert target.state is TargetState.REFUSED and "not-granted" in target.detail and not target.carried, target
    finally:
        finish(library, broadcast, authority)
    assert speaker.streams() == [] and playlog_of(receiver) == []  # no session opened, nothing cut

"""Broker access rules (issue 16): a receiver's broker account reads only its own topics and
the media, and writes only its own answers, status and play log; before pairing it reaches
only its pairing topics. Real Mosquitto with the project's configuration (tests/support/broker.py),
real accounts made through the dynamic-security API the studio uses (studio/broker/admin.py).
"""

from __future__ import annotations

import stat

import pytest
from crs_protocol.mqtt import live_topic, media_topic, pair_topic, rx_topic
from crs_protocol.pair_proof import pairing_account_password

from tests.support.mqtt import Probe

SECRET_A, SECRET_B = "secret-of-a-" + "x" * 20, "secret-of-b-" + "y" * 20


def _accounts(broker, how: str = "paired"):
    """Both receivers' accounts, made as pairing makes them or in one bulk provisioning."""
    with broker.admin() as admin:
        if how == "paired":
            admin.create_pairing_account("rx-a", "11112222")
            admin.promote_receiver("rx-a", SECRET_A)
            admin.create_pairing_account("rx-b", "33334444")
            admin.promote_receiver("rx-b", SECRET_B)
        else:
            admin.provision_receivers([("rx-a", SECRET_A), ("rx-b", SECRET_B)], batch=1)
        assert admin.client_roles("rx-a") == {"crs-rx-rx-a"}


def test_admin_account_is_private(broker):
    mode = stat.S_IMODE((broker.folder / "admin.json").stat().st_mode)
    assert mode == 0o600
    assert broker.password not in (broker.folder / "mosquitto.conf").read_text()
    assert broker.password not in (broker.folder / "dynamic-security.json").read_text()


@pytest.mark.parametrize("how", ["paired", "provisioned"])
def test_receiver_reads_its_own_topics_and_media_only(broker, how):
    _accounts(broker, how)
    studio = Probe(broker.host, broker.port, broker.username, broker.password)
    a = Probe(broker.host, broker.port, "rx-a", SECRET_A)
    try:
        assert studio.connected and a.connected
        for leaf in ("req", "manifest", "playlog-ack"):
            assert a.subscribe(rx_topic("rx-a", leaf)), leaf
        assert a.subscribe("crs/v1/media/#") and a.subscribe(live_topic("+"))
        for forbidden in (rx_topic("rx-b", "req"), rx_topic("rx-b", "manifest"), rx_topic("rx-b", "status"),
                          rx_topic("rx-a", "status"), rx_topic("rx-a", "resp"), "crs/v1/#", "#",
                          "crs/v1/rx/+/req", "$CONTROL/dynamic-security/#", pair_topic("rx-a", "req")):
            assert not a.subscribe(forbidden), forbidden
        # what the studio sends reaches A on its own topics, never on B's
        studio.publish(rx_topic("rx-b", "req"), b"for b")
        studio.publish(rx_topic("rx-a", "req"), b"for a")
        studio.publish(media_topic("ab" * 32, "meta"), b"meta", retain=True)
        got = {a.next_message(5).payload for _ in range(2)}
        assert got == {b"for a", b"meta"}
        assert a.next_message(1.0) is None
    finally:
        a.close()
        studio.close()


@pytest.mark.parametrize("how", ["paired", "provisioned"])
def test_receiver_cannot_write_studio_or_other_topics(broker, how):
    _accounts(broker, how)
    studio = Probe(broker.host, broker.port, broker.username, broker.password)
    a = Probe(broker.host, broker.port, "rx-a", SECRET_A)
    try:
        assert studio.subscribe("crs/v1/#")
        forbidden = [rx_topic("rx-a", "manifest"), rx_topic("rx-a", "req"), rx_topic("rx-a", "playlog-ack"),
                     rx_topic("rx-b", "status"), rx_topic("rx-b", "resp"), rx_topic("rx-b", "req"),
                     media_topic("cd" * 32, "meta"), media_topic("cd" * 32, 0), pair_topic("rx-b", "resp"),
                     live_topic("ab" * 16)]  # a live frame: only the studio sends them
        for topic in forbidden:
            reason = a.publish(topic, b"forged", retain=True)
            assert reason.is_failure, topic
        assert a.publish("$CONTROL/dynamic-security/v1", b'{"commands":[{"command":"listClients"}]}').is_failure
        for topic in ("status", "playlog", "resp"):
            assert not a.publish(rx_topic("rx-a", topic), b"mine").is_failure
        got = []
        while (message := studio.next_message(3)) is not None:
            got.append((message.topic, message.payload))
        assert sorted(got) == sorted((rx_topic("rx-a", t), b"mine") for t in ("status", "playlog", "resp"))
    finally:
        a.close()
        studio.close()


def test_pairing_account_reaches_pairing_topics_only(broker):
    with broker.admin() as admin:
        admin.create_pairing_account("rx-p", "55556666")
    wrong = Probe(broker.host, broker.port, "rx-p", pairing_account_password("rx-q"))
    assert not wrong.connected
    wrong.close()
    p = Probe(broker.host, broker.port, "rx-p", pairing_account_password("rx-p"))
    try:
        assert p.connected
        assert p.subscribe(pair_topic("rx-p", "req"))
        assert not p.subscribe(rx_topic("rx-p", "req"))
        assert not p.subscribe("crs/v1/media/#")
        assert not p.publish(pair_topic("rx-p", "resp"), b"answer").is_failure
        assert p.publish(rx_topic("rx-p", "status"), b"x").is_failure
    finally:
        p.close()
    with broker.admin() as admin:
        admin.promote_receiver("rx-p", SECRET_A)
        assert admin.client_roles("rx-p") == {"crs-rx-rx-p"}
        old = Probe(broker.host, broker.port, "rx-p", pairing_account_password("rx-p"))
        assert not old.connected
        old.close()
        admin.remove_receiver("rx-p")
        assert admin.get_client("rx-p") is None
    gone = Probe(broker.host, broker.port, "rx-p", SECRET_A)
    assert not gone.connected
    gone.close()


def test_accounts_survive_a_broker_restart(broker):
    _accounts(broker)
    broker.restart()
    a = Probe(broker.host, broker.port, "rx-a", SECRET_A)
    try:
        assert a.connected
        assert not a.subscribe(rx_topic("rx-b", "req"))
    finally:
        a.close()

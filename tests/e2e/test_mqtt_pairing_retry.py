"""Pairing through the real Mosquitto when the last step fails (issue 16 review): the
receiver said yes and holds its new broker secret, but promoting its account failed (the
broker went away a moment). The studio stored the secret (0600) before sending anything,
so the officer's second `receivers add` — answered "already paired" — promotes the account
with it, and the receiver comes online instead of being stranded."""

from __future__ import annotations

import stat

import pytest
from crs_protocol.mqtt import rx_topic

from benchmarks.broker_setup import use_broker
from studio.broker import BrokerAdmin
from studio.errors import BrokerUnavailable
from studio.fleet.keys import StudioKey
from studio.fleet.mqtt_link import links
from studio.fleet.mqtt_pairing import pair_via_broker
from tests.support.mqtt_studio import BrokerStudio, wait_for
from tests.support.receiver import Receiver

pytestmark = pytest.mark.timeout(180)


def test_a_failed_promotion_is_finished_by_the_next_attempt_with_the_stored_secret(library, broker, tmp_path,
                                                                                   monkeypatch):
    use_broker(library, broker.account)
    key = StudioKey(library.paths.keys_dir)
    receiver = Receiver(tmp_path / "rx", args=["--broker", broker.url]).start()
    studio = BrokerStudio(broker)
    rid = receiver.receiver_id
    address = f"mqtt://127.0.0.1:{broker.port}/{rid}"
    watcher = studio.watch(rx_topic(rid, "status"))
    promote = BrokerAdmin.promote_receiver
    seen = []

    def promote_once_failing(admin, receiver_id, secret):
        seen.append(secret)
        stored = library.paths.data_dir / "broker-pairing" / f"{rid}.json"
        assert stat.S_IMODE(stored.stat().st_mode) == 0o600 and secret in stored.read_text()
        if len(seen) == 1:
            raise BrokerUnavailable(broker.url, "the broker went away a moment")
        promote(admin, receiver_id, secret)

    monkeypatch.setattr(BrokerAdmin, "promote_receiver", promote_once_failing)
    try:
        with pytest.raises(BrokerUnavailable):
            pair_via_broker(key, address, receiver.code, "UBND xã")
        assert (receiver.folder / "trust.json").exists()  # the receiver said yes
        paired = pair_via_broker(key, address, receiver.code, "UBND xã")
        assert paired["paired"] is True and seen[0] == seen[1]
        wait_for(watcher, rx_topic(rid, "status"), lambda s: s.get("online") is True, timeout=90)
        assert not (library.paths.data_dir / "broker-pairing" / f"{rid}.json").exists()
    finally:
        receiver.kill()
        watcher.close()
        studio.close()
        links().close()

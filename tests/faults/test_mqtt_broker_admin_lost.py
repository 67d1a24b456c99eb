"""The broker folder's admin.json lost (deleted, restored from an old backup without it)
while dynamic-security.json is there: `broker serve` gives the studio's admin a new password
and keeps every receiver's account (issue 16 review: it used to write the accounts file
afresh, locking every paired receiver out), with the old file copied aside first."""

from __future__ import annotations

import json
import secrets

from tests.support.mqtt import Probe


def test_lost_admin_file_keeps_every_receiver_account(broker):
    secret = secrets.token_urlsafe(18)
    with broker.admin() as admin:
        admin.promote_receiver("rx-kept", secret)
    before = broker.account
    broker.stop()
    (broker.folder / "admin.json").unlink()
    broker.start()
    assert broker.account.password != before.password
    receiver = Probe(broker.host, broker.port, "rx-kept", secret, client_id="crs-rx-rx-kept")
    studio = Probe(broker.host, broker.port, broker.username, broker.password)
    stale = Probe(broker.host, broker.port, before.username, before.password)
    try:
        assert receiver.connected and studio.connected and not stale.connected
        assert receiver.subscribe("crs/v1/rx/rx-kept/req")
        with broker.admin() as admin:
            assert admin.client_roles("rx-kept") == {"crs-rx-rx-kept"}
        backup = json.loads((broker.folder / "dynamic-security.json.bak-1").read_text())
        assert "rx-kept" in {c["username"] for c in backup["clients"]}
        assert (broker.folder / "dynamic-security.json.bak-1").stat().st_mode & 0o077 == 0
    finally:
        receiver.close()
        studio.close()
        stale.close()

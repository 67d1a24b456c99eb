"""Pairing a receiver through a broker: `receivers add mqtt://HOST:PORT/RID --code CODE`.

1. As the broker's administrator (`studio.broker.BrokerAdmin`, dynamic security) the studio
   creates the receiver's pairing account: username RID, password derived from the code it
   shows (`crs_protocol.mqtt.pairing_password`), a role that may only hear
   `crs/v1/pair/RID/req` and answer on `crs/v1/pair/RID/resp`. The receiver, unpaired,
   keeps trying to log in with the password of its current code.
2. The studio publishes the signed `POST /v1/pair` envelope with a fresh random
   `broker_secret`; the receiver checks the code and the signature exactly as over HTTP
   (the same lockout rules) and answers.
3. Paired: the account's password becomes the secret and its role `crs-rx-RID` (its own
   topics and the media only); the receiver logs in again with it.

A wrong code leaves the pairing account in place (the officer may try the right code);
the refusal comes back as the receiver's `ReceiverError`. Blocking; the calling thread.
"""

from __future__ import annotations

import logging
import secrets

from studio.errors import ReceiverError, ReceiverUnreachable, StudioError
from studio.fleet.broker_account import account_for, parse_broker_address
from studio.fleet.keys import StudioKey
from studio.fleet.mqtt_client import MqttReceiverClient

log = logging.getLogger(__name__)


def pair_via_broker(key: StudioKey, address: str, code: str, studio_name: str) -> dict:
    """Pair the receiver at `address` (mqtt://HOST:PORT/RID); returns its pairing answer
    ({"receiver_id", "name", "paired"})."""
    from studio.broker import BrokerAdmin

    where = parse_broker_address(address, need_receiver=True)
    account = account_for(key.folder.parent, where)
    secret = secrets.token_urlsafe(24)
    try:
        admin = BrokerAdmin(account.host, account.port, account.username, account.password, account.tls,
                            account.ca_file)
    except StudioError as exc:
        raise ReceiverUnreachable(where.receiver_id, address, exc.describe()) from exc
    with admin:
        admin.create_pairing_account(where.receiver_id, code)
        client = MqttReceiverClient(address, key, timeout=(5.0, 60.0))
        answer = client.pair(code, studio_name, secret)
        if answer.get("receiver_id") not in (None, where.receiver_id):
            raise ReceiverError(where.receiver_id, 200, "bad-answer", "paired as another receiver id")
        admin.promote_receiver(where.receiver_id, secret)
    log.warning("paired receiver %s through broker %s", where.receiver_id, where.broker)
    return {"receiver_id": where.receiver_id, "name": str(answer.get("name") or where.receiver_id),
            "paired": True}

"""Pairing a receiver through a broker: `receivers add mqtt://HOST:PORT/RID --code CODE`.

The broker is not trusted, so the code never travels (crs_protocol.pair_proof):
1. As the broker's administrator (`studio.broker.BrokerAdmin`, dynamic security) the studio
   creates the receiver's pairing account: username RID, password from the id alone, a
   role that may only hear `crs/v1/pair/RID/req` and answer on `crs/v1/pair/RID/resp`.
2. It derives the receiver's broker secret from the code and a fresh nonce, stores it
   (`broker-pairing/RID.json`, 0600) before anything is sent, and publishes the signed
   `POST /v1/pair` envelope with `{"nonce", "proof", "studio"}`; the receiver checks the
   proof and the signature (the lockout rules of HTTP, one budget for all of the broker),
   derives the same secret and answers with a proof of its own, which the studio checks:
   an answer without it did not come from the device.
3. Paired: the account's password becomes the secret and its role `crs-rx-RID`; the
   receiver logs in again with it; the stored secret is removed, and the key that
   authenticates what the receiver publishes (derived from the code too) is kept
   (receiver_seals.py).

If promoting fails after the receiver said yes, the receiver is paired but cannot log in
(and hears no pairing request any more): the officer runs the same command again, and the
studio first promotes the account with the secret it stored (the receiver holds the same
one); the receiver coming online with it within FINISH_WAIT_S (it retries at least every
minute) ends the pairing, otherwise it is paired afresh. A wrong code leaves the pairing account in place; the
refusal comes back as the receiver's `ReceiverError`. Blocking; the calling thread.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from crs_protocol.pair_proof import answer_proof, broker_secret, code_key, new_nonce, request_proof, same
from crs_protocol.rx_seal import rx_mac_key

from studio.errors import ReceiverError, ReceiverUnreachable, StorageError, StudioError
from studio.fleet.broker_account import BrokerAddress, account_for, parse_broker_address
from studio.fleet.keys import StudioKey
from studio.fleet.mqtt_client import MqttReceiverClient
from studio.fleet.receiver_seals import save_seal_key
from studio.storage.durable import atomic_write_bytes

if TYPE_CHECKING:
    from studio.broker import BrokerAdmin

log = logging.getLogger(__name__)

FINISH_WAIT_S = 75.0


def _pending_file(key: StudioKey, receiver_id: str) -> Path:
    return key.folder.parent / "broker-pairing" / f"{receiver_id}.json"


def _store_pending(path: Path, value: dict) -> None:
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        atomic_write_bytes(path, json.dumps(value).encode())
        path.chmod(0o600)
    except OSError as exc:
        raise StorageError(path, exc.strerror or str(exc)) from exc


def _stored_secret(path: Path, studio_key: str) -> tuple[str, str | None] | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    ok = isinstance(value, dict) and value.get("studio_key") == studio_key and isinstance(value.get("secret"), str)
    return (value["secret"], value.get("mac")) if ok else None


def _finish(admin, key: StudioKey, address: str, rid: str, secret: str) -> bool:
    """An earlier attempt's receiver may be paired and locked out (its promotion failed: it
    logs in with a secret the broker does not know yet, and hears no pairing request). Give
    the account that secret: if the receiver comes online with it, it is paired."""
    admin.promote_receiver(rid, secret)
    link = MqttReceiverClient(address, key).link
    since, deadline = time.monotonic(), time.monotonic() + FINISH_WAIT_S
    while time.monotonic() < deadline:
        seen = link.status_of(rid, min(2.0, max(0.1, deadline - time.monotonic())))
        if seen is not None and seen.at > since and seen.status.get("online") is True:
            return True
        time.sleep(0.2)
    log.warning("receiver %s did not come online with the stored secret: pairing it again", rid)
    return False


def broker_admin(key: StudioKey, where: BrokerAddress) -> BrokerAdmin:
    """The dynamic-security admin of the broker of `where` (parse_broker_address), signed in
    with the studio's account (ReceiverUnreachable when it cannot be)."""
    from studio.broker import BrokerAdmin

    try:
        return BrokerAdmin.for_account(account_for(key.folder.parent, where))
    except StudioError as exc:
        raise ReceiverUnreachable(where.receiver_id, where.broker, exc.describe()) from exc


def pair_via_broker(key: StudioKey, address: str, code: str, studio_name: str) -> dict:
    """Pair the receiver at `address` (mqtt://HOST:PORT/RID); returns its pairing answer
    ({"receiver_id", "name", "paired"})."""
    where = parse_broker_address(address, need_receiver=True)
    rid = where.receiver_id
    pending = _pending_file(key, rid)
    stored = _stored_secret(pending, key.public_text)
    nonce, secret_key = new_nonce(), code_key(code, rid)
    secret = broker_secret(secret_key, key.public_text, rid, nonce)
    mac = rx_mac_key(secret_key, key.public_text, rid, nonce)
    with broker_admin(key, where) as admin:
        if stored is not None and _finish(admin, key, address, rid, stored[0]):
            if stored[1]:
                save_seal_key(key.folder.parent, rid, stored[1])
            pending.unlink(missing_ok=True)
            log.warning("receiver %s was paired by this studio before: promoted with the stored secret", rid)
            return {"receiver_id": rid, "name": rid, "paired": True}
        admin.create_pairing_account(rid)
        _store_pending(pending, {"studio_key": key.public_text, "secret": secret, "mac": mac})
        client = MqttReceiverClient(address, key, timeout=(5.0, 60.0))
        body = {"nonce": nonce, "proof": request_proof(secret_key, key.public_text, rid, nonce), "studio": studio_name}
        try:
            answer = client.pair(body)
        except ReceiverError:
            pending.unlink(missing_ok=True)  # refused (a wrong code): nothing was paired
            raise
        if answer.get("receiver_id") not in (None, rid):
            raise ReceiverError(rid, 200, "bad-answer", "paired as another receiver id")
        name = str(answer.get("name") or "")
        if not same(answer.get("proof"), answer_proof(secret_key, key.public_text, rid, nonce, name)):
            raise ReceiverError(rid, 200, "bad-answer", "the pairing answer carries no proof of the code: "
                                "it did not come from the receiver")
        admin.promote_receiver(rid, secret)
    save_seal_key(key.folder.parent, rid, mac)
    pending.unlink(missing_ok=True)
    log.warning("paired receiver %s through broker %s", rid, where.broker)
    return {"receiver_id": rid, "name": str(answer.get("name") or rid), "paired": True}

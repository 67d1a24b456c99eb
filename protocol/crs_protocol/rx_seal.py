"""Receiver → studio messages over MQTT, authenticated (docs/protocol.md, section 9,
"Sealed messages"): the broker is not trusted, so a status, a play-log batch or an answer
that the receiver publishes carries `"mac"`, an HMAC-SHA256 keyed by a secret both sides
derived at pairing (`rx_mac_key`, from the code key of crs_protocol.pair_proof: it never
travels, and the pairing proofs bind it to the studio key and the nonce), over the topic
and the message's canonical JSON without `mac`. An answer's MAC covers its request id, so
a broker can neither forge "delivered", a play-now success or an as-run record, nor move
one answer onto another request.

Pure functions: safe from any thread.
"""

from __future__ import annotations

import hashlib
import hmac
import json


def rx_mac_key(code_key: bytes, studio_key: str, receiver_id: str, nonce: str) -> str:
    return hmac.new(code_key, f"crs-rx-mac\n{studio_key}\n{receiver_id}\n{nonce}".encode(),
                    hashlib.sha256).hexdigest()


def _mac(key: str, topic: str, value: dict) -> str:
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(bytes.fromhex(key), f"{topic}\n{canonical}".encode(), hashlib.sha256).hexdigest()


def seal(key: str | None, topic: str, value: dict) -> bytes:
    """The message's bytes, with its `mac` when there is a key."""
    if key:
        value = {**value, "mac": _mac(key, topic, {k: v for k, v in value.items() if k != "mac"})}
    return json.dumps(value, ensure_ascii=False).encode()


def unsealed(key: str, topic: str, value: object) -> dict | None:
    """The message if its `mac` is right, else None."""
    if not isinstance(value, dict) or not isinstance(value.get("mac"), str):
        return None
    rest = {k: v for k, v in value.items() if k != "mac"}
    return rest if hmac.compare_digest(value["mac"], _mac(key, topic, rest)) else None

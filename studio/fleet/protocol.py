"""The studio ↔ receiver protocol, version 1: request signing and the manifest schema.

Shared by the studio (client) and the reference receiver (server); see docs/protocol.md.
Every request carries the studio's Ed25519 public key, a per-key counter that only goes
up (freshness without trusting anyone's clock: small boxes often have none), the
studio's wall-clock time (only to report the receiver's clock offset), and a signature
over the method, path, body hash, counter, time and receiver id. Pure functions.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

VERSION = "v1"
H_KEY = "X-CRS-Key"
H_COUNTER = "X-CRS-Counter"
H_TIME = "X-CRS-Time"
H_SIGNATURE = "X-CRS-Signature"
H_RECEIVER = "X-CRS-Receiver"
# Counters below the highest seen but within this window may arrive late, once each. The
# studio makes counters from its clock in µs shifted left 10 bits (plus a per-process tag),
# so the window is about 2 minutes of requests from several processes at once.
REPLAY_WINDOW = 1 << 37
MAX_MANIFEST_BYTES = 2 << 20
MAX_ITEMS = 20_000
SHA256 = re.compile(r"^[0-9a-f]{64}$")
PRIORITIES = ("normal", "priority", "emergency")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_key_text(key: Ed25519PublicKey) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return b64(key.public_bytes(Encoding.Raw, PublicFormat.Raw))


def key_id(public_text: str) -> str:
    return hashlib.sha256(public_text.encode()).hexdigest()[:16]


def canonical(method: str, path: str, body_sha256: str, counter: int, time_text: str, receiver_id: str) -> bytes:
    """What is signed: one field per line, after a fixed prefix."""
    return "\n".join(("CRS1", method.upper(), path, body_sha256, str(counter), time_text, receiver_id)).encode()


def sign_headers(private: Ed25519PrivateKey, method: str, path: str, body: bytes, counter: int, receiver_id: str,
                 now: datetime) -> dict[str, str]:
    time_text = now.isoformat(timespec="milliseconds")
    message = canonical(method, path, hashlib.sha256(body).hexdigest(), counter, time_text, receiver_id)
    return {H_KEY: public_key_text(private.public_key()), H_COUNTER: str(counter), H_TIME: time_text,
            H_RECEIVER: receiver_id, H_SIGNATURE: b64(private.sign(message))}


class SignatureProblem(Exception):
    """Why a request's signature was refused; `code` is the protocol's error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Signed:
    key: str
    counter: int
    studio_time: datetime | None


def verify(headers, method: str, path: str, body: bytes, receiver_id: str) -> Signed:
    """Check a request's signature (not yet its key or counter: the receiver does that)."""
    try:
        key, counter_text = headers[H_KEY], headers[H_COUNTER]
        time_text, signature = headers[H_TIME], headers[H_SIGNATURE]
    except KeyError:
        raise SignatureProblem("unsigned", "the request carries no signature") from None
    if headers.get(H_RECEIVER, "") != receiver_id:
        raise SignatureProblem("wrong-receiver", "the request was signed for another receiver")
    try:
        counter = int(counter_text)
        if not 0 < counter < 2**63:
            raise ValueError
        public = Ed25519PublicKey.from_public_bytes(unb64(key))
        public.verify(unb64(signature), canonical(method, path, hashlib.sha256(body).hexdigest(), counter,
                                                   time_text, receiver_id))
    except (ValueError, TypeError, InvalidSignature):
        raise SignatureProblem("bad-signature", "the signature does not match the request") from None
    try:
        studio_time = datetime.fromisoformat(time_text)
    except ValueError:
        studio_time = None
    return Signed(key, counter, studio_time)


class ManifestProblem(Exception):
    pass


def check_manifest(data: object) -> dict:
    """The manifest's shape (docs/protocol.md); raises ManifestProblem with the first fault."""
    def need(condition: bool, what: str) -> None:
        if not condition:
            raise ManifestProblem(what)

    need(isinstance(data, dict), "the manifest is not a JSON object")
    need(isinstance(data.get("version"), int) and data["version"] > 0, "version must be a positive integer")
    need(isinstance(data.get("receiver_id"), str), "receiver_id is missing")
    volume = data.get("volume", 100)
    need(isinstance(volume, int) and 0 <= volume <= 100, "volume must be 0-100")
    quiet = data.get("quiet_hours", [])
    need(isinstance(quiet, list) and all(isinstance(q, dict) and _hhmm(q.get("start")) and _hhmm(q.get("end"))
                                         for q in quiet), "quiet_hours must be [{start: HH:MM, end: HH:MM}]")
    items = data.get("items")
    need(isinstance(items, list) and len(items) <= MAX_ITEMS, f"items must be a list of at most {MAX_ITEMS}")
    seen = set()
    for item in items:
        need(isinstance(item, dict), "an item is not an object")
        need(isinstance(item.get("id"), str) and 0 < len(item["id"]) <= 200 and item["id"] not in seen,
             "each item needs a unique id")
        seen.add(item["id"])
        try:
            start = datetime.fromisoformat(item.get("start", ""))
        except (TypeError, ValueError):
            raise ManifestProblem(f"item {item['id']}: start is not an ISO time") from None
        need(start.tzinfo is not None, f"item {item['id']}: start needs a UTC offset")
        media = item.get("media")
        need(isinstance(media, list) and media and all(isinstance(m, str) and SHA256.match(m) for m in media),
             f"item {item['id']}: media must be a list of sha256 hex digests")
        need(item.get("priority", "normal") in PRIORITIES, f"item {item['id']}: unknown priority")
        need(item.get("start_mode", "soft") in ("hard", "soft"), f"item {item['id']}: unknown start_mode")
        need(isinstance(item.get("duration_s", 0), (int, float)) and item.get("duration_s", 0) >= 0,
             f"item {item['id']}: duration_s must be a number of seconds")
        item_volume = item.get("volume", volume)
        need(isinstance(item_volume, int) and 0 <= item_volume <= 100, f"item {item['id']}: volume must be 0-100")
    return data


def _hhmm(value) -> bool:
    return isinstance(value, str) and re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value) is not None


def manifest_media(data: dict) -> set[str]:
    return {sha for item in data.get("items", []) for sha in item["media"]}

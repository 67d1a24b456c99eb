"""Ed25519 request signatures of protocol v1 (docs/protocol.md, section 3).

Every request but `GET /v1/pair` carries the studio's public key, a per-key counter
(`counters`), the studio's wall-clock time (only to report the receiver's clock offset),
the receiver id it is meant for, and a signature over the method, the path with its query,
the body's SHA-256, the counter, the time and the receiver id. Signed-message version 2
(`X-CRS-Signing: 2`, message prefix `CRS2`) also covers every other header the receiver
acts on (`SIGNED_HEADERS`): a man in the middle can no longer change an upload's declared
length or offset. Version 1 (no `X-CRS-Signing`, prefix `CRS1`) is still verified, for
studios from before it; stripping the header cannot downgrade a version 2 signature, which
does not verify as version 1. `verify` checks the
signature only; whether the key is the paired one and the counter fresh is the receiver's
business. Pure functions: safe from any thread.

Ed25519 comes from libsodium (PyNaCl): a receiver keeps 1 MB of it resident where
cryptography's bindings keep 8 MB, and the signatures are the same bytes (RFC 8032 is
deterministic), so studios and receivers built with either interoperate.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from nacl.exceptions import CryptoError
from nacl.signing import SigningKey, VerifyKey

from crs_protocol.counters import MAX_COUNTER
from crs_protocol.errors import ErrorCode

VERSION = "v1"
H_KEY = "X-CRS-Key"
H_COUNTER = "X-CRS-Counter"
H_TIME = "X-CRS-Time"
H_SIGNATURE = "X-CRS-Signature"
H_RECEIVER = "X-CRS-Receiver"
H_SIGNING = "X-CRS-Signing"
HEADERS = (H_KEY, H_COUNTER, H_TIME, H_RECEIVER, H_SIGNATURE)
# The other headers a receiver acts on, covered by a version 2 signature.
SIGNED_HEADERS = ("Content-Type", "Content-Encoding", "Upload-Offset", "Upload-Length")
SIGNING_VERSION = 2


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_key_text(key: VerifyKey) -> str:
    """The key as it travels in `X-CRS-Key`: 32 raw bytes, base64url without padding."""
    return b64(bytes(key))


def key_id(public_text: str) -> str:
    """A short name for a key, for logs and screens."""
    return hashlib.sha256(public_text.encode()).hexdigest()[:16]


def canonical(method: str, path: str, body_sha256: str, counter: int, time_text: str, receiver_id: str) -> bytes:
    """What is signed: one field per line, after a fixed prefix."""
    return "\n".join(("CRS1", method.upper(), path, body_sha256, str(counter), time_text, receiver_id)).encode()


def canonical_v2(method: str, path: str, body_sha256: str, counter: int, time_text: str, receiver_id: str,
                 headers: Mapping[str, str]) -> bytes:
    """Version 2: version 1's fields after the prefix `CRS2`, then one line per header of
    `SIGNED_HEADERS`, `name:value` (name in lower case, the value exactly as sent), or the
    bare name when the request does not carry it."""
    found: dict[str, str] = {}
    for name, value in headers.items():  # the first of repeated names, as a receiver reads it
        found.setdefault(name.lower(), value)
    lines = [f"{name.lower()}:{found[name.lower()]}" if name.lower() in found else name.lower()
             for name in SIGNED_HEADERS]
    return "\n".join(("CRS2", method.upper(), path, body_sha256, str(counter), time_text, receiver_id,
                      *lines)).encode()


def sign_headers(private: SigningKey, method: str, path: str, body: bytes, counter: int, receiver_id: str,
                 now: datetime, headers: Mapping[str, str] | None = None,
                 version: int = SIGNING_VERSION) -> dict[str, str]:
    """The headers that sign this request (`path` with its query, exactly as sent), with
    `headers` the other headers it is sent with (version 2 signs those of SIGNED_HEADERS)."""
    time_text = now.isoformat(timespec="milliseconds")
    body_sha = hashlib.sha256(body).hexdigest()
    if version == 1:
        message = canonical(method, path, body_sha, counter, time_text, receiver_id)
    else:
        message = canonical_v2(method, path, body_sha, counter, time_text, receiver_id, headers or {})
    signed = {H_KEY: public_key_text(private.verify_key), H_COUNTER: str(counter), H_TIME: time_text,
              H_RECEIVER: receiver_id, H_SIGNATURE: b64(private.sign(message).signature)}
    if version != 1:
        signed[H_SIGNING] = str(version)
    return signed


class SignatureProblem(Exception):
    """Why a request's signature was refused; `code` is the protocol's error code."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Signed:
    """A request whose signature verified: who signed it, its counter, the studio's time."""

    key: str
    counter: int
    studio_time: datetime | None
    version: int = SIGNING_VERSION


def verify(headers: Mapping[str, str], method: str, path: str, body: bytes, receiver_id: str) -> Signed:
    """Check a request's signature (not yet its key or counter: the receiver does that);
    raises SignatureProblem (`unsigned`, `wrong-receiver`, `bad-signature`)."""
    try:
        key, counter_text = headers[H_KEY], headers[H_COUNTER]
        time_text, signature = headers[H_TIME], headers[H_SIGNATURE]
    except KeyError:
        raise SignatureProblem(ErrorCode.UNSIGNED, "the request carries no signature") from None
    if headers.get(H_RECEIVER, "") != receiver_id:
        raise SignatureProblem(ErrorCode.WRONG_RECEIVER, "the request was signed for another receiver")
    version_text = headers.get(H_SIGNING)
    if version_text not in (None, "2"):
        raise SignatureProblem(ErrorCode.BAD_SIGNATURE, f"signed-message version {str(version_text)[:8]!r} is "
                                                        "not known here (1 or 2)")
    version = 1 if version_text is None else 2
    getall = getattr(headers, "getall", None)
    if version == 2 and getall is not None and any(len(getall(name, ())) > 1 for name in SIGNED_HEADERS):
        raise SignatureProblem(ErrorCode.BAD_SIGNATURE, "a signed header is repeated")
    try:
        counter = int(counter_text)
        if not 0 < counter < MAX_COUNTER:
            raise ValueError
        public = VerifyKey(unb64(key))
        body_sha = hashlib.sha256(body).hexdigest()
        message = canonical(method, path, body_sha, counter, time_text, receiver_id) if version == 1 else \
            canonical_v2(method, path, body_sha, counter, time_text, receiver_id, headers)
        public.verify(message, unb64(signature))
    except (ValueError, TypeError, CryptoError):  # a bad signature is a CryptoError
        raise SignatureProblem(ErrorCode.BAD_SIGNATURE, "the signature does not match the request") from None
    try:
        studio_time = datetime.fromisoformat(time_text)
    except ValueError:
        studio_time = None
    return Signed(key, counter, studio_time, version)

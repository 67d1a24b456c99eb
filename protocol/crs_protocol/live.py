"""Live broadcast frames (docs/protocol.md, section "Live"): the session key and the UDP
frames that carry 20 ms of Opus each.

A session starts with a signed command (v1 trust model) whose body carries a fresh 32-byte
session key sealed (libsodium sealed box, X25519 + XSalsa20-Poly1305) to the receiver's own
live public key, so a sniffer on the LAN cannot read it. Every frame is

    "CRL1" | session id (16 bytes) | sequence number (uint64, big-endian) | Opus payload | MAC

where MAC is HMAC-SHA256 under the session key over everything before it, truncated to 16
bytes. The same bytes travel over UDP on the LAN or as an MQTT payload later: nothing in a
frame depends on its transport. Pure functions: safe from any thread.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import struct
from dataclasses import dataclass

from nacl.public import PrivateKey, PublicKey, SealedBox

from crs_protocol.signing import b64, unb64

MAGIC = b"CRL1"
HEADER = struct.Struct("!4s16sQ")
MAC_BYTES = 16
SESSION_ID_BYTES = 16
KEY_BYTES = 32
FRAME_MS = 20
RATE = 48000
FRAME_SAMPLES = RATE * FRAME_MS // 1000
MAX_PAYLOAD = 1275  # the largest Opus packet (RFC 6716)
MAX_FRAME = HEADER.size + MAX_PAYLOAD + MAC_BYTES


@dataclass(frozen=True)
class Frame:
    session_id: bytes
    seq: int
    payload: bytes
    signed: bytes  # the bytes the MAC covers
    mac: bytes


def new_session() -> tuple[bytes, bytes]:
    """(session id, session key), both random."""
    return secrets.token_bytes(SESSION_ID_BYTES), secrets.token_bytes(KEY_BYTES)


def session_text(session_id: bytes) -> str:
    return session_id.hex()


def seal_key(key: bytes, receiver_public: str) -> str:
    """The session key sealed to a receiver's live public key (base64url, as in `GET /v1/live`)."""
    return b64(SealedBox(PublicKey(unb64(receiver_public))).encrypt(key))


def open_key(sealed: str, private: PrivateKey) -> bytes:
    """The session key from `seal_key`; nacl's CryptoError (or ValueError) if it was not for us."""
    key = SealedBox(private).decrypt(unb64(sealed))
    if len(key) != KEY_BYTES:
        raise ValueError("a session key is 32 bytes")
    return key


def pack_frame(session_id: bytes, key: bytes, seq: int, payload: bytes) -> bytes:
    signed = HEADER.pack(MAGIC, session_id, seq) + payload
    return signed + hmac.new(key, signed, hashlib.sha256).digest()[:MAC_BYTES]


def parse_frame(data: bytes) -> Frame | None:
    """The frame's fields (MAC not yet checked), or None if it is not a live frame."""
    if not HEADER.size + MAC_BYTES < len(data) <= MAX_FRAME:
        return None
    magic, session_id, seq = HEADER.unpack_from(data)
    if magic != MAGIC:
        return None
    return Frame(session_id, seq, data[HEADER.size:-MAC_BYTES], data[:-MAC_BYTES], data[-MAC_BYTES:])


def mac_ok(frame: Frame, key: bytes) -> bool:
    return hmac.compare_digest(hmac.new(key, frame.signed, hashlib.sha256).digest()[:MAC_BYTES], frame.mac)

"""Live broadcast frames (docs/protocol.md, section "Live"): the session key and the UDP
frames that carry 20 ms of Opus each.

A session starts with a signed command (v1 trust model) whose body carries a fresh 32-byte
session key sealed (libsodium sealed box, X25519 + XSalsa20-Poly1305) to the receiver's own
live public key, so a sniffer on the LAN cannot read it. Every frame is

    "CRL2" | session id (16 bytes) | sequence number (uint64, big-endian) | sealed Opus | tag

sealed with ChaCha20-Poly1305 (IETF) under the session key, the nonce 4 zero bytes and the
sequence number, the header as associated data: nobody without the key can make a frame or
hear one (a receiver account on a shared broker, a sniffer on the LAN), and each (key,
sequence number) pair is used once. The same bytes travel over UDP on the LAN or as an MQTT
payload: nothing in a frame depends on its transport. Pure functions: safe from any thread.
"""

from __future__ import annotations

import secrets
import struct
from dataclasses import dataclass

from nacl.bindings import crypto_aead_chacha20poly1305_ietf_decrypt, crypto_aead_chacha20poly1305_ietf_encrypt
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from crs_protocol.signing import b64, unb64

MAGIC = b"CRL2"  # CRL1 (an HMAC over clear Opus) is refused as malformed
HEADER = struct.Struct("!4s16sQ")
TAG_BYTES = 16
SESSION_ID_BYTES = 16
KEY_BYTES = 32
FRAME_MS = 20
RATE = 48000
FRAME_SAMPLES = RATE * FRAME_MS // 1000
MAX_PAYLOAD = 1275  # the largest Opus packet (RFC 6716)
MAX_FRAME = HEADER.size + MAX_PAYLOAD + TAG_BYTES


@dataclass(frozen=True)
class Frame:
    session_id: bytes
    seq: int
    header: bytes  # associated data
    sealed: bytes  # the Opus packet, encrypted, and its tag


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


def _nonce(seq: int) -> bytes:
    return bytes(4) + seq.to_bytes(8, "big")


def pack_frame(session_id: bytes, key: bytes, seq: int, payload: bytes) -> bytes:
    header = HEADER.pack(MAGIC, session_id, seq)
    return header + crypto_aead_chacha20poly1305_ietf_encrypt(payload, header, _nonce(seq), key)


def parse_frame(data: bytes) -> Frame | None:
    """The frame's fields (not yet opened), or None if it is not a live frame."""
    if not HEADER.size + TAG_BYTES < len(data) <= MAX_FRAME:
        return None
    magic, session_id, seq = HEADER.unpack_from(data)
    if magic != MAGIC:
        return None
    return Frame(session_id, seq, bytes(data[:HEADER.size]), bytes(data[HEADER.size:]))


def open_frame(frame: Frame, key: bytes) -> bytes | None:
    """The Opus packet, or None when the frame was not made with `key` or was changed."""
    try:
        return crypto_aead_chacha20poly1305_ietf_decrypt(frame.sealed, frame.header, _nonce(frame.seq), key)
    except CryptoError:
        return None

"""The studio's Ed25519 key and its request counter.

The key lives in `<data>/keys/studio-ed25519.pem` (created on first use, mode 0600), as
PKCS#8 PEM (RFC 8410): the file earlier studios wrote with cryptography, read and written
here with a fixed 16-byte DER prefix, since an Ed25519 key in PKCS#8 has exactly one form.
Counters: (microseconds << 10) | a random 10-bit tag per instance, where the microseconds
are max(the clock, the last value used + 1), and a floor at least that high is saved on
disk (atomic write) before a counter is sent: they only go up, even across crashes and a
clock set back, and the window, the CLI and delivery workers signing at once never collide
(receivers accept late counters within a 2-minute window). The floor saved runs
`RESERVE_US` ahead of the last value used, so a burst of requests (an emergency to twenty
receivers at once) costs one fsync a second instead of one per request; a restarted
signer starts above it, at most that far ahead of its clock. Thread-safe.
"""

from __future__ import annotations

import base64
import binascii
import os
import threading
import time
from pathlib import Path

from crs_protocol import make_counter, public_key_text
from nacl.signing import SigningKey

from studio.errors import UnreadableKey
from studio.storage.durable import atomic_write_bytes

# SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 (Ed25519) }, OCTET STRING { OCTET STRING (32) } }
PKCS8_ED25519_PREFIX = bytes.fromhex("302e020100300506032b657004220420")
PEM_BEGIN, PEM_END = "-----BEGIN PRIVATE KEY-----", "-----END PRIVATE KEY-----"


def key_from_pem(data: bytes, path: Path) -> SigningKey:
    text = data.decode("ascii", "replace").strip()
    if not (text.startswith(PEM_BEGIN) and text.endswith(PEM_END)):
        raise UnreadableKey(path, "not an unencrypted PKCS#8 PEM private key")
    try:
        der = base64.b64decode("".join(text[len(PEM_BEGIN):-len(PEM_END)].split()), validate=True)
    except (binascii.Error, ValueError):
        raise UnreadableKey(path, "the PEM body is not base64") from None
    if len(der) != len(PKCS8_ED25519_PREFIX) + 32 or not der.startswith(PKCS8_ED25519_PREFIX):
        raise UnreadableKey(path, "not an Ed25519 key")
    return SigningKey(der[len(PKCS8_ED25519_PREFIX):])


def pem_of(key: SigningKey) -> bytes:
    body = base64.b64encode(PKCS8_ED25519_PREFIX + bytes(key)).decode()
    return f"{PEM_BEGIN}\n{body}\n{PEM_END}\n".encode()
RESERVE_US = 1_000_000


class StudioKey:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / "studio-ed25519.pem"
        if path.exists():
            self.private = key_from_pem(path.read_bytes(), path)
        else:
            self.private = SigningKey.generate()
            atomic_write_bytes(path, pem_of(self.private))
            os.chmod(path, 0o600)
        self.public_text = public_key_text(self.private.verify_key)
        self._lock = threading.Lock()
        self._counter_file = self.folder / "counter"
        try:
            floor = int(self._counter_file.read_text())
        except (FileNotFoundError, ValueError):
            floor = 0
        self._last_us = self._saved_us = floor
        self._tag = int.from_bytes(os.urandom(2), "big") & 0x3FF

    def next_counter(self) -> int:
        with self._lock:
            counter, micros = make_counter(self._last_us, time.time_ns() // 1000, self._tag)
            if micros > self._saved_us:
                self._saved_us = micros + RESERVE_US
                atomic_write_bytes(self._counter_file, str(self._saved_us).encode())
            self._last_us = micros
            return counter

"""The studio's Ed25519 key and its request counter.

The key lives in `<data>/keys/studio-ed25519.pem` (created on first use, mode 0600).
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

import os
import threading
import time
from pathlib import Path

from crs_protocol import make_counter, public_key_text
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from studio.storage.durable import atomic_write_bytes

RESERVE_US = 1_000_000


class StudioKey:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / "studio-ed25519.pem"
        if path.exists():
            self.private = serialization.load_pem_private_key(path.read_bytes(), password=None)
        else:
            self.private = Ed25519PrivateKey.generate()
            atomic_write_bytes(path, self.private.private_bytes(serialization.Encoding.PEM,
                                                                serialization.PrivateFormat.PKCS8,
                                                                serialization.NoEncryption()))
            os.chmod(path, 0o600)
        self.public_text = public_key_text(self.private.public_key())
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

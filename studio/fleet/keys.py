"""The studio's Ed25519 key and its request counter.

The key lives in `<data>/keys/studio-ed25519.pem` (created on first use, mode 0600). The
counter must only ever go up, even across crashes, restored backups and clock jumps:
it is max(last reserved, current time in microseconds), and blocks of counters are
reserved on disk (atomic write) before they are used. Thread-safe.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from studio.durable import atomic_write_bytes
from studio.fleet.protocol import public_key_text

RESERVE = 100_000


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
            reserved = int(self._counter_file.read_text())
        except (FileNotFoundError, ValueError):
            reserved = 0
        self._next = max(reserved, time.time_ns() // 1000)
        self._reserved = self._next  # nothing of this block is reserved yet

    def next_counter(self) -> int:
        with self._lock:
            if self._next >= self._reserved:
                self._reserved = self._next + RESERVE
                atomic_write_bytes(self._counter_file, str(self._reserved).encode())
            value = self._next
            self._next += 1
            return value

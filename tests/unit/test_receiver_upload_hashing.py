"""The final SHA-256 of an upload runs outside the store's lock (issue 15, item 12): the
play log and every other writer wait for that lock, and hashing a GiB on a Pi takes
seconds. A wrapper around hashlib records whether the lock was held while hashing."""

from __future__ import annotations

import hashlib
import os

from crs_receiver import uploads
from crs_receiver.store import ReceiverStore


def test_the_final_hash_runs_outside_the_lock(tmp_path, monkeypatch):
    store = ReceiverStore(tmp_path / "rx")
    data = os.urandom(3 << 20)
    sha = hashlib.sha256(data).hexdigest()
    held_while_hashing: list[bool] = []
    real_sha256 = hashlib.sha256

    class Watched:
        def __init__(self) -> None:
            self.inner = real_sha256()

        def update(self, block: bytes) -> None:
            held_while_hashing.append(store.lock._is_owned())
            self.inner.update(block)

        def hexdigest(self) -> str:
            return self.inner.hexdigest()

    monkeypatch.setattr(uploads.hashlib, "sha256", Watched)
    assert store.append(sha, 0, len(data), data[:1 << 20]) == (1 << 20, False)
    assert store.append(sha, 1 << 20, None, data[1 << 20:]) == (len(data), True)
    assert held_while_hashing and not any(held_while_hashing)
    assert store.has_media(sha)

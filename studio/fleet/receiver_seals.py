"""The keys that authenticate what receivers paired through a broker publish (status,
play-log batches, answers: crs_protocol.rx_seal). Derived at pairing from the code on both
sides (mqtt_pairing.py), never sent; kept one file per receiver,
`<data>/receiver-seals/RID.json` (0600, the folder 0700). A receiver with no file (paired
over HTTP, or before sealing) is read as it comes.

Threads: any; the cache is guarded by a lock. A missing key is looked for again after
`RECHECK_S`, so a receiver paired by another process (the CLI beside the window) is sealed
from then on.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from studio.errors import StorageError
from studio.storage.durable import atomic_write_bytes

RECHECK_S = 10.0
_lock = threading.Lock()
_cache: dict[tuple[Path, str], tuple[str | None, float]] = {}


def _path(data_dir: Path, receiver_id: str) -> Path:
    return Path(data_dir) / "receiver-seals" / f"{receiver_id}.json"


def save_seal_key(data_dir: Path, receiver_id: str, key: str) -> None:
    path = _path(data_dir, receiver_id)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        atomic_write_bytes(path, json.dumps({"mac": key}).encode())
        path.chmod(0o600)
    except OSError as exc:
        raise StorageError(path, exc.strerror or str(exc)) from exc
    with _lock:
        _cache[(Path(data_dir), receiver_id)] = (key, time.monotonic())


def seal_key(data_dir: Path, receiver_id: str) -> str | None:
    name = (Path(data_dir), receiver_id)
    with _lock:
        found = _cache.get(name)
    if found is not None and (found[0] is not None or time.monotonic() - found[1] < RECHECK_S):
        return found[0]
    try:
        key = json.loads(_path(data_dir, receiver_id).read_text(encoding="utf-8")).get("mac")
    except (OSError, ValueError, AttributeError):
        key = None
    key = key if isinstance(key, str) else None
    with _lock:
        _cache[name] = (key, time.monotonic())
    return key

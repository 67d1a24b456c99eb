"""The receiver's small state files (identity, pairing, counters, volume, manifests), kept
so that neither damage nor an I/O error costs the receiver its identity, its pairing or
its schedule.

- Each file is written twice, `name` then `name.bak`, each by temp + fsync + rename (the
  folder fsynced once after both renames): a power cut or a bad sector leaves at least
  one whole copy.
- A read that fails with an I/O error (EMFILE while something floods the receiver with
  connections, EIO from a failing SD card) is retried, then raised as `StateUnavailable`.
  It is not damage: nothing is renamed and nothing is dropped.
- A copy that is not JSON, or JSON of the wrong shape (each file has its check), is
  damaged: it is set aside as `name.damaged` (kept for a look), logged, and the other
  copy is used. Only when no copy is sound does the caller's fallback apply, logged.

The store reads these once, at start, and keeps them in memory: while it runs, memory
is the truth and every change is written through. Not thread-safe alone: the store
holds its lock around writes.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from pathlib import Path

from crs_protocol import ManifestProblem, check_manifest

from crs_receiver.disk_reserve import DiskReserve
from crs_receiver.durable import atomic_write_copies

log = logging.getLogger(__name__)

READ_TRIES = 5
RETRY_PAUSE_S = 0.05


class StateUnavailable(OSError):
    """A state file could not be read for a reason that is not damage (I/O error)."""


def _load(path: Path) -> object:
    """The file's JSON, `None` when absent; ValueError when damaged; StateUnavailable
    when the system would not let it be read, after retries."""
    for attempt in range(READ_TRIES):
        try:
            return json.loads(path.read_bytes().decode("utf-8"))
        except FileNotFoundError:
            return None
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValueError(str(exc)) from None
        except OSError as exc:
            if attempt == READ_TRIES - 1:
                raise StateUnavailable(exc.errno, f"{path.name} cannot be read now: {exc.strerror}") from exc
            time.sleep(RETRY_PAUSE_S * (attempt + 1))
    return None  # unreachable


class StateFiles:
    def __init__(self, root: Path, reserve: DiskReserve | None = None) -> None:
        self.root = Path(root)
        self.reserve = reserve

    def read(self, name: str, valid: Callable[[object], bool]) -> object | None:
        """The first sound copy of `name` (itself, then `name.bak`), or None when there is
        none; damaged copies are set aside. Raises StateUnavailable (not damage)."""
        found_damage = False
        for path in (self.root / name, self.root / f"{name}.bak"):
            try:
                value = _load(path)
            except ValueError as exc:
                self._set_aside(path, f"not JSON ({exc})")
                found_damage = True
                continue
            if value is None:
                continue
            if not valid(value):
                self._set_aside(path, "JSON of the wrong shape")
                found_damage = True
                continue
            if found_damage:
                log.warning("%s: using the sound copy %s", name, path.name)
                self.write(name, value)  # both copies whole again
            return value
        if found_damage:
            log.error("%s: no sound copy is left; the receiver goes on with its default", name)
        return None

    def write(self, name: str, value: object) -> None:
        data = json.dumps(value, ensure_ascii=False).encode()
        targets = [self.root / name, self.root / f"{name}.bak"]
        if self.reserve is None:
            atomic_write_copies(targets, data)
        else:  # a full disk releases the reserve rather than fail the request (disk_reserve.py)
            self.reserve.write(lambda: atomic_write_copies(targets, data))

    def remove(self, name: str) -> None:
        for path in (self.root / name, self.root / f"{name}.bak"):
            path.unlink(missing_ok=True)

    def _set_aside(self, path: Path, why: str) -> None:
        log.error("%s is damaged (%s): set aside as %s.damaged", path.name, why, path.name)
        try:
            path.replace(path.with_name(path.name + ".damaged"))
        except OSError as exc:
            log.error("%s could not be set aside: %s", path.name, exc)


def is_identity(value: object) -> bool:
    return (isinstance(value, dict) and isinstance(value.get("id"), str) and 0 < len(value["id"]) <= 64
            and isinstance(value.get("name"), str)
            and (value.get("machine") is None or isinstance(value["machine"], str)))


def is_trust(value: object) -> bool:
    return isinstance(value, dict) and isinstance(value.get("key"), str) and len(value["key"]) == 43


def is_replay(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(key, str) and isinstance(state, dict) and type(state.get("high")) is int
        and isinstance(state.get("seen"), list) and all(type(c) is int for c in state["seen"])
        for key, state in value.items())


def is_broker(value: object) -> bool:
    return (isinstance(value, dict) and isinstance(value.get("secret"), str) and 16 <= len(value["secret"]) <= 128
            and (value.get("fingerprint") is None or isinstance(value["fingerprint"], str)))


def is_link(value: object) -> bool:
    """What the MQTT link remembers: the acked play-log seq, the counters of the retained
    envelopes already applied (topic -> counter)."""
    return (isinstance(value, dict) and type(value.get("acked", 0)) is int
            and all(isinstance(value.get(name, {}), dict)
                    and all(isinstance(k, str) and type(v) is int for k, v in value.get(name, {}).items())
                    for name in ("applied", "accepted")))


def is_volume(value: object) -> bool:
    return isinstance(value, dict) and type(value.get("volume")) is int and 0 <= value["volume"] <= 100


def is_manifest(value: object) -> bool:
    try:
        check_manifest(value)
    except ManifestProblem:
        return False
    return True

"""What a receiver keeps on its disk, so that a power cut at any instant leaves one that
starts and plays the last good manifest.

Layout under the data folder: `receiver.json` (id, name), `trust.json` (the paired studio
key), `replay.json` (counters seen), `media/<sha256>` (complete, verified files only),
`partial/<sha256>.part` + `.len` (uploads in progress; never played), `manifest.json` and
`manifest.prev.json`, `playlog.jsonl` (append-only, one fsynced line per entry),
`volume.json`, `reserve.bin` (room kept for a full disk: disk_reserve.py). The small
state files are read once at start and kept in memory, each with a second copy and a
shape check (`state.py`): an I/O error is never taken for damage, and trust is never
dropped without local action; a lost identity stops the receiver (identity.py). Counters are judged by
`crs_protocol.accept_counter` alone: the receiver's clock plays no part in which requests
are fresh, except when every copy of the counter file is damaged (see `_counters_lost`).
Media and uploads are in `uploads.py`, the play log in `playlog.py` (mixins of this class).
Thread-safe: one lock around all state.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from crs_protocol import (
    REPLAY_WINDOW,
    TAG_BITS,
    CounterState,
    ErrorCode,
    accept_counter,
    refusal,
)

from crs_receiver.disk_reserve import DiskReserve
from crs_receiver.identity import IdentityLost, folder_was_used, machine_fingerprint, moved, new_identity
from crs_receiver.playlog import PlayLog
from crs_receiver.state import (
    StateFiles,
    is_broker,
    is_identity,
    is_link,
    is_manifest,
    is_replay,
    is_trust,
    is_volume,
)
from crs_receiver.store_error import StoreError
from crs_receiver.uploads import Uploads

__all__ = ["IdentityLost", "ReceiverStore", "StoreError", "now_utc"]

log = logging.getLogger(__name__)


def now_utc() -> datetime:
    return datetime.now(UTC)


class ReceiverStore(Uploads, PlayLog):
    def __init__(self, data_dir: Path, quota_bytes: int = 2 << 30, make_identity: bool = False) -> None:
        """`make_identity`: a lost identity is made anew (`crs-receiver new-identity`) instead of
        raising IdentityLost."""
        self.root = Path(data_dir)
        self.quota = quota_bytes
        self.lock = threading.RLock()
        self.counters_lock = threading.Lock()
        self._replay_write_lock = threading.Lock()
        self._replay_version = self._replay_saved = 0
        for sub in ("media", "partial"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self.reserve = DiskReserve(self.root)
        self._verifying: set[str] = set()  # complete uploads being hashed (outside the lock)
        self.state = StateFiles(self.root, self.reserve)
        self._identity = self._load_identity(make_identity)
        self.receiver_id, self.name = self._identity["id"], self._identity["name"]
        self._trust = self.state.read("trust.json", is_trust)
        replay = self.state.read("replay.json", is_replay)
        if replay is None and (self.root / "replay.json.damaged").exists() and self._trust:
            replay = self._counters_lost(self._trust["key"])
        self._replay = replay or {}
        volume = self.state.read("volume.json", is_volume)
        self._volume = volume["volume"] if volume else None
        self._manifest = self.state.read("manifest.json", is_manifest) or self.state.read("manifest.prev.json",
                                                                                          is_manifest)
        self._broker = self.state.read("broker.json", is_broker)
        self._link = self.state.read("link.json", is_link) or {"acked": 0, "applied": {}}
        self._clean_partials()
        self.reserve.ensure()
        self._seq = self._last_seq()

    def _load_identity(self, make_identity: bool) -> dict:
        """receiver.json; a new identity only for a folder never used (identity.py)."""
        machine = machine_fingerprint()
        identity = self.state.read("receiver.json", is_identity)
        if identity is None:
            if folder_was_used(self.root) and not make_identity:
                raise IdentityLost(self.root)
            identity = new_identity(machine)
            self.state.write("receiver.json", identity)
        elif identity.get("machine") is None and machine is not None:
            identity = {**identity, "machine": machine}  # made before devices were recorded
            self.state.write("receiver.json", identity)
        self.identity_moved = moved(identity, machine)
        if self.identity_moved:
            log.error("receiver %s was made on another device: this SD card is a clone of another receiver's "
                      "(run `crs-receiver new-identity`) or moved to new hardware (run `crs-receiver "
                      "keep-identity`); docs/receiver.md, \"Damaged state files and cloned SD cards\"",
                      identity["id"])
        return identity

    def new_identity(self) -> str:
        """Local action (a cloned card): a new id on this device; the pairing, which the
        clone shares with the receiver it was copied from, is forgotten. Returns the id."""
        with self.lock:
            self.reset_pairing()
            self._identity = new_identity(machine_fingerprint())
            self.state.write("receiver.json", self._identity)
            self.receiver_id, self.name = self._identity["id"], self._identity["name"]
            self.identity_moved = False
            return self.receiver_id

    def keep_identity(self) -> None:
        """Local action (the same receiver on new hardware): this device is its own now."""
        with self.lock:
            self._identity = {**self._identity, "machine": machine_fingerprint()}
            self.state.write("receiver.json", self._identity)
            self.identity_moved = False

    def _counters_lost(self, key: str) -> dict:
        """Every copy of the counter file is damaged: which requests were seen is unknown.
        Accepting any counter would re-open every request ever captured, so only counters
        made after (the receiver's clock − the replay window) pass; the studio's next
        requests do (its counters follow its clock). Logged: the one place the receiver's
        clock decides freshness."""
        floor = max(0, ((time.time_ns() // 1000) << TAG_BITS) - REPLAY_WINDOW)
        log.error("the counter file is lost: refusing counters made before %s UTC",
                  datetime.fromtimestamp((floor >> TAG_BITS) / 1e6, UTC).isoformat(timespec="seconds"))
        replay = {key: CounterState(high=floor + REPLAY_WINDOW).to_json()}
        self.state.write("replay.json", replay)
        return replay

    def rename(self, name: str) -> None:
        """The receiver's name as the officer sees it (`--name`); its id never changes."""
        name = name.strip()[:100]
        if name and name != self.name:
            with self.lock:
                self._identity = {**self._identity, "name": name}
                self.state.write("receiver.json", self._identity)
                self.name = name

    # -- pairing and replay ----------------------------------------------------------------------
    def trusted_key(self) -> str | None:
        return self._trust["key"] if self._trust else None

    def pair(self, key: str, studio_name: str) -> None:
        with self.lock:
            trust = {"key": key, "studio": studio_name, "paired_at": now_utc().isoformat()}
            self.state.write("trust.json", trust)
            self._trust = trust

    def reset_pairing(self) -> None:
        """Local action on the device: forget the studio. Its counters are kept: the same
        studio paired again cannot have a request captured before replayed."""
        with self.lock:
            self.state.remove("trust.json")
            self.state.remove("broker.json")
            self._trust = None
            self._broker = None

    def accept_counter(self, key: str, counter: int, durable: bool = True) -> bool:
        """True once per counter: higher than any seen, or late but inside the window and
        not seen. Saved before the request is acted on; with `durable=False` (a request that
        changes nothing) taken now and saved by the next `save_counters`. Under its own
        locks: a status request never waits for an upload's write under `lock`."""
        with self.counters_lock:
            state = accept_counter(CounterState.from_json(self._replay.get(key)), counter)
            if state is None:
                return False
            self._replay = {**self._replay, key: state.to_json()}  # replaced, never changed in place
            self._replay_version += 1
        if durable:
            self.save_counters()
        return True

    def save_counters(self) -> None:
        """Write the newest counters; a write never replaces a newer one, and no counter is
        held while the file is fsynced."""
        with self._replay_write_lock:
            with self.counters_lock:
                replay, version = self._replay, self._replay_version
            if version > self._replay_saved:
                self.state.write("replay.json", replay)
                self._replay_saved = version

    # -- manifests --------------------------------------------------------------------------------
    def manifest(self) -> dict | None:
        return self._manifest

    def install_manifest(self, manifest: dict) -> None:
        """Atomic swap; the previous manifest is kept. Caller checked version and media."""
        with self.lock:
            if self._manifest is not None:
                self.state.write("manifest.prev.json", self._manifest)
            self.state.write("manifest.json", manifest)
            self._manifest = manifest

    # -- the MQTT link (mqtt_link.py) ------------------------------------------------------------
    def broker_secret(self) -> str | None:
        """The broker password the studio gave at pairing (None: not paired over MQTT)."""
        return self._broker["secret"] if self._broker else None

    def set_broker_secret(self, secret: str, **more: str | None) -> None:
        with self.lock:  # `more`: the MAC key of receiver/crs_receiver/mqtt_out.py
            broker = {"secret": secret, "fingerprint": None, **more}
            self.state.write("broker.json", broker)
            os.chmod(self.root / "broker.json", 0o600)
            os.chmod(self.root / "broker.json.bak", 0o600)
            self._broker = broker

    def broker_fingerprint(self) -> str | None:
        """The broker's TLS certificate (SHA-256) seen at the first TLS connection."""
        return self._broker.get("fingerprint") if self._broker else None

    def set_broker_fingerprint(self, fingerprint: str) -> None:
        with self.lock:
            if self._broker is None:
                return
            self._broker = {**self._broker, "fingerprint": fingerprint}
            self.state.write("broker.json", self._broker)

    def playlog_acked(self) -> int:
        return self._link.get("acked", 0)

    def set_playlog_acked(self, seq: int) -> None:
        """The studio holds every entry up to `seq` (never goes down)."""
        with self.lock:
            if seq > self._link.get("acked", 0):
                self._link = {**self._link, "acked": seq}
                self.state.write("link.json", self._link)

    def applied(self, topic: str) -> int | None:
        """The counter of the retained envelope on `topic` last applied."""
        return self._link.get("applied", {}).get(topic)

    def set_applied(self, topic: str, counter: int) -> None:
        with self.lock:
            self._link = {**self._link, "applied": {**self._link.get("applied", {}), topic: counter}}
            self.state.write("link.json", self._link)

    def accepted(self, topic: str) -> int | None:
        """The counter of the retained envelope on `topic` authenticated (its counter taken)
        but perhaps not applied yet."""
        return self._link.get("accepted", {}).get(topic)

    def set_accepted(self, topic: str, counter: int) -> None:
        with self.lock:
            self._link = {**self._link, "accepted": {**self._link.get("accepted", {}), topic: counter}}
            self.state.write("link.json", self._link)

    # -- volume -----------------------------------------------------------------------------------
    def volume(self) -> int | None:
        return self._volume

    def set_volume(self, volume: int) -> None:
        with self.lock:
            self.state.write("volume.json", {"volume": volume})
            self._volume = volume

    # -- before a body is read (admission.py) -----------------------------------------------------
    def counter_is_fresh(self, key: str, counter: int) -> bool:
        """Whether `accept_counter` would take this counter now, without taking it. Called on
        the asyncio loop: no lock (an upload may hold it for seconds); the state is replaced
        whole, never changed in place, so reading it is safe."""
        return accept_counter(CounterState.from_json(self._replay.get(key)), counter) is not None

    def counter_refusal(self, key: str, counter: int) -> tuple[ErrorCode, str] | None:
        """Why this counter would be refused now (code, reason for the studio), or None; as
        `counter_is_fresh`, safe on the loop without a lock."""
        why = refusal(CounterState.from_json(self._replay.get(key)), counter)
        return (ErrorCode(why[0]), why[1]) if why else None



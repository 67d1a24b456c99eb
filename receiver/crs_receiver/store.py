"""What a receiver keeps on its disk, so that a power cut at any instant leaves one that
starts and plays the last good manifest.

Layout under the data folder: `receiver.json` (id, name), `trust.json` (the paired studio
key), `replay.json` (counters seen), `media/<sha256>` (complete, verified files only),
`partial/<sha256>.part` + `.len` (uploads in progress; never played), `manifest.json` and
`manifest.prev.json`, `playlog.jsonl` (append-only, one fsynced line per entry),
`volume.json`. The small state files are read once at start and kept in memory, each
with a second copy and a shape check (`state.py`): an I/O error is never taken for damage,
and trust is never dropped without local action. Counters are judged by
`crs_protocol.accept_counter` alone: the receiver's clock plays no part in which requests
are fresh, except when every copy of the counter file is damaged (see `_counters_lost`).
Thread-safe: one lock around all state.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from crs_protocol import (
    REPLAY_WINDOW,
    SHA256,
    TAG_BITS,
    CounterState,
    ErrorCode,
    accept_counter,
    manifest_media,
    status_of,
)

from crs_receiver.durable import atomic_write_bytes, fsync_dir
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

log = logging.getLogger(__name__)


def now_utc() -> datetime:
    return datetime.now(UTC)


class StoreError(Exception):
    """A refusal the server answers as `{"error": code}` with the code's usual status."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.status, self.code = status_of(code), code


class ReceiverStore:
    def __init__(self, data_dir: Path, quota_bytes: int = 2 << 30) -> None:
        self.root = Path(data_dir)
        self.quota = quota_bytes
        self.lock = threading.RLock()
        self.counters_lock = threading.Lock()
        self._replay_write_lock = threading.Lock()
        self._replay_version = self._replay_saved = 0
        for sub in ("media", "partial"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self.state = StateFiles(self.root)
        identity = self.state.read("receiver.json", is_identity)
        if identity is None:
            identity = {"id": uuid.uuid4().hex[:16], "name": f"receiver-{secrets.token_hex(2)}"}
            self.state.write("receiver.json", identity)
        self.receiver_id, self.name = identity["id"], identity["name"]
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
        self._seq = self._last_seq()

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
                self.state.write("receiver.json", {"id": self.receiver_id, "name": name})
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

    # -- media ------------------------------------------------------------------------------------
    def media_path(self, sha: str) -> Path:
        if not SHA256.match(sha):
            raise StoreError(ErrorCode.BAD_NAME, "media names are 64 lowercase hex digits")
        return self.root / "media" / sha

    def has_media(self, sha: str) -> bool:
        return self.media_path(sha).is_file()

    def _partial(self, sha: str) -> tuple[Path, Path]:
        self.media_path(sha)
        return self.root / "partial" / f"{sha}.part", self.root / "partial" / f"{sha}.len"

    def upload_state(self, sha: str) -> tuple[int, int | None, bool]:
        """(bytes held, declared length, complete)."""
        path = self.media_path(sha)
        if path.is_file():
            size = path.stat().st_size
            return size, size, True
        part, length = self._partial(sha)
        try:
            declared = int(length.read_text()) if length.exists() else None
        except ValueError:  # a damaged length file: the upload starts again
            log.warning("upload %s: its length file is damaged; the upload starts again", sha[:12])
            part.unlink(missing_ok=True)
            length.unlink(missing_ok=True)
            declared = None
        return (part.stat().st_size if part.exists() else 0), declared, False

    def drop_partial(self, sha: str) -> None:
        """Forget an upload in progress (its bytes came from an untrusted broker and failed)."""
        with self.lock:
            for path in self._partial(sha):
                path.unlink(missing_ok=True)

    def used_bytes(self) -> int:
        total = 0
        for folder in ("media", "partial"):
            for entry in os.scandir(self.root / folder):
                if entry.is_file():
                    total += entry.stat().st_size
        return total

    def free_bytes(self) -> int:
        return max(0, min(self.quota - self.used_bytes(), shutil.disk_usage(self.root).free))

    def append(self, sha: str, offset: int, declared: int | None, data: bytes) -> tuple[int, bool]:
        """A tus PATCH: append `data` at `offset`; when the declared length is reached the
        hash is checked before the file becomes playable. Returns (new offset, complete)."""
        with self.lock:
            held, known, complete = self.upload_state(sha)
            if complete:
                raise StoreError(ErrorCode.COMPLETE, "this media is already held in full")
            if offset != held:
                raise StoreError(ErrorCode.OFFSET_MISMATCH, f"the receiver holds {held} bytes, not {offset}")
            length = known if known is not None else declared
            if length is None:
                raise StoreError(ErrorCode.NO_LENGTH, "the first PATCH must give Upload-Length")
            if declared is not None and known is not None and declared != known:
                raise StoreError(ErrorCode.LENGTH_MISMATCH, f"Upload-Length was {known}")
            if offset + len(data) > length:
                raise StoreError(ErrorCode.TOO_LONG, "more bytes than Upload-Length declared")
            if known is None:
                if length > self.free_bytes() + 0:
                    self.cleanup(needed=length)
                    if length > self.free_bytes():
                        raise StoreError(ErrorCode.QUOTA, f"{length} bytes do not fit in the disk quota")
                part, length_file = self._partial(sha)
                atomic_write_bytes(length_file, str(length).encode())
            part, _ = self._partial(sha)
            with open(part, "ab") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            new_offset = offset + len(data)
            if new_offset < length:
                return new_offset, False
            return new_offset, self._finish(sha)

    def _finish(self, sha: str) -> bool:
        part, length_file = self._partial(sha)
        digest = hashlib.sha256()
        with open(part, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != sha:
            part.unlink(missing_ok=True)
            length_file.unlink(missing_ok=True)
            raise StoreError(ErrorCode.HASH_MISMATCH, "the uploaded bytes do not have this sha256; upload again")
        os.replace(part, self.media_path(sha))
        fsync_dir(self.root / "media")
        length_file.unlink(missing_ok=True)
        return True

    def _clean_partials(self) -> None:
        """After a crash: a part whose length file is lost cannot be trusted; a part that
        reached its declared length (the power went between its last fsync and the rename)
        is verified and made playable now, since no PATCH will ever come for it."""
        for part in (self.root / "partial").glob("*.part"):
            length_file = part.with_suffix(".len")
            if not length_file.exists():
                part.unlink(missing_ok=True)
                continue
            try:
                declared = int(length_file.read_text())
            except ValueError:
                declared = -1
            size = part.stat().st_size
            if size > declared or declared < 0:
                part.unlink(missing_ok=True)
                length_file.unlink(missing_ok=True)
            elif size == declared:
                try:
                    self._finish(part.stem)
                except StoreError:
                    log.warning("a complete upload of %s found at start did not match its hash; dropped", part.stem)
        for tmp in self.root.rglob(".*.tmp*"):
            tmp.unlink(missing_ok=True)

    def cleanup(self, needed: int = 0) -> int:
        """Delete media no manifest (current or previous) names, oldest first, until
        `needed` bytes fit (or all such media is gone). Returns bytes freed."""
        with self.lock:
            keep = manifest_media(self._manifest) if self._manifest else set()
            previous = self.state.read("manifest.prev.json", is_manifest)
            if previous:
                keep |= manifest_media(previous)
            freed = 0
            candidates = sorted((p for p in (self.root / "media").iterdir() if p.name not in keep),
                                key=lambda p: p.stat().st_mtime)
            for path in candidates:
                if needed and self.free_bytes() >= needed:
                    break
                freed += path.stat().st_size
                path.unlink(missing_ok=True)
            return freed

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

    # -- play log ---------------------------------------------------------------------------------
    def _last_seq(self) -> int:
        """The last entry's number, from the end of the file: opening a receiver with a
        100,000-entry log must not parse all of it (the whole file only when its tail holds
        no whole entry)."""
        path = self.root / "playlog.jsonl"
        if not path.exists():
            return 0
        with open(path, "rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(size - 65536, 0))
            tail = handle.read().splitlines()
        for line in reversed(tail[1:] if size > 65536 else tail):  # the first may be cut
            try:
                return int(json.loads(line)["seq"])
            except (ValueError, KeyError, TypeError):
                continue  # a line cut by a power cut
        last = 0
        with open(path, "rb") as handle:
            for line in handle:
                try:
                    last = json.loads(line)["seq"]
                except (ValueError, KeyError, TypeError):
                    continue
        return last

    def log_play(self, entry: dict) -> dict:
        return self.log_plays([entry])[0]

    def log_plays(self, entries: list[dict]) -> list[dict]:
        """Append entries in one write and one fsync: 15,600 items missed while the
        receiver was off are one disk write, not 15,600 (minutes on an SD card)."""
        with self.lock:
            numbered = []
            for entry in entries:
                self._seq += 1
                numbered.append({"seq": self._seq, **entry})
            path = self.root / "playlog.jsonl"
            with open(path, "ab") as handle:
                handle.write(b"\n" if path.stat().st_size and not _ends_with_newline(path) else b"")
                handle.write(b"".join(json.dumps(e, ensure_ascii=False).encode() + b"\n" for e in numbered))
                handle.flush()
                os.fsync(handle.fileno())
            return numbered

    def logged_items(self) -> set[str]:
        """Every item id the play log holds (played, missed, failed): never played again
        after a restart, however long the log (a page of `playlog` stops at 1,000)."""
        items: set[str] = set()
        path = self.root / "playlog.jsonl"
        if path.exists():
            with open(path, "rb") as handle:
                for line in handle:
                    found = _ENTRY_ITEM.match(line)  # the lines log_play writes: no JSON parser needed
                    if found is not None and b"\\" not in found.group(1):
                        items.add(found.group(1).decode("utf-8", "replace"))
                        continue
                    try:
                        item = json.loads(line).get("item")
                    except (ValueError, AttributeError):
                        continue
                    if isinstance(item, str):
                        items.add(item)
        return items

    def playlog(self, after: int, limit: int = 1000) -> list[dict]:
        path = self.root / "playlog.jsonl"
        entries = []
        if not path.exists():
            return entries
        with open(path, "rb") as handle:
            for line in handle:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if entry.get("seq", 0) > after:
                    entries.append(entry)
                    if len(entries) >= limit:
                        break
        return entries

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


_ENTRY_ITEM = re.compile(rb'\{"seq": \d+, "item": "((?:[^"\\]|\\.)*)"')


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"

"""Media through a broker: each file once per broker, as retained chunks, cleared when unused.

A file named by its sha256 goes to `crs/v1/media/SHA/N` (raw bytes of chunk N, 256 KiB,
QoS 1, retained) and then `crs/v1/media/SHA/meta` (`{"sha256", "size", "chunk_size",
"chunks"}`, retained): a meta on the broker means every chunk is there. The studio records
in SQLite (`broker_media`) which shas are on which broker, so a publish to a hundred
receivers of that broker uploads each file once, not once per receiver; the first use in a
process checks that the broker still holds the meta (a broker that lost its store gets the
file again). Receivers fetch chunks themselves, whenever they are online, and check the
hash before the file can play: the broker is trusted with nothing.

`sweep` clears (empty retained payloads) every file of a broker that no receiver's desired
manifest (its newest pending or delivered one) and no pending emergency names.

Threads: any thread with its own connection; the link is shared.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from pathlib import Path

from crs_protocol.mqtt import CHUNK_SIZE, chunk_count, media_meta, media_topic

from studio.clock import Clock
from studio.fleet.broker_account import is_broker_address, parse_broker_address
from studio.fleet.mqtt_link import BrokerLink

log = logging.getLogger(__name__)

ACK_TIMEOUT_S = 60.0
_verified: set[tuple[str, str]] = set()  # (broker, sha) seen on the broker in this process
_uploading: dict[tuple[str, str], threading.Lock] = {}
_verified_lock = threading.Lock()


def meta_topic(sha: str) -> str:
    return media_topic(sha, "meta")


def chunk_topic(sha: str, index: int) -> str:
    return media_topic(sha, index)


class BrokerMedia:
    def __init__(self, link: BrokerLink, conn: sqlite3.Connection | None, clock: Clock | None = None) -> None:
        self.link, self.conn, self.clock = link, conn, clock or Clock()

    def on_broker(self, sha: str) -> bool:
        """Recorded as uploaded to this broker, and (once per process) its meta is there."""
        name = (self.link.broker, sha)
        with _verified_lock:
            if name in _verified:
                return True
        recorded = self.conn is not None and self.conn.execute(
            "SELECT 1 FROM broker_media WHERE broker = ? AND sha256 = ?", name).fetchone() is not None
        if self.conn is not None and not recorded:
            return False
        if self.link.retained(meta_topic(sha), timeout=2.0) is None:
            if recorded:
                log.warning("broker %s no longer holds media %s: uploading it again", self.link.broker, sha[:12])
            return False
        with _verified_lock:
            _verified.add(name)
        return True

    def ensure(self, path: Path, sha: str, progress=None) -> int:
        """Upload the file unless the broker holds it; returns the payload bytes sent. Two
        threads wanting the same file (emergency senders) upload it once."""
        with _verified_lock:
            lock = _uploading.setdefault((self.link.broker, sha), threading.Lock())
        with lock:
            return self._ensure(path, sha, progress)

    def _ensure(self, path: Path, sha: str, progress) -> int:
        if self.on_broker(sha):
            return 0
        path = Path(path)
        size = path.stat().st_size
        chunks = chunk_count(size)
        sent = 0
        infos = []
        with open(path, "rb") as handle:
            for index in range(chunks):
                data = handle.read(CHUNK_SIZE)
                infos.append(self.link.publish(chunk_topic(sha, index), data, retain=True, wait=False))
                sent += len(data)
                if len(infos) >= 16:  # keep a bounded window of unacknowledged chunks
                    self.link.wait_published(infos.pop(0), ACK_TIMEOUT_S)
                if progress is not None:
                    progress(sent, size)
        for info in infos:
            self.link.wait_published(info, ACK_TIMEOUT_S)
        meta = media_meta(sha, size)
        self.link.publish(meta_topic(sha), json.dumps(meta).encode(), retain=True, timeout=ACK_TIMEOUT_S)
        if self.conn is not None:
            self.conn.execute("INSERT OR REPLACE INTO broker_media (broker, sha256, size, chunks, uploaded_at) "
                              "VALUES (?,?,?,?,?)", (self.link.broker, sha, size, chunks, self.clock.stamp()))
        with _verified_lock:
            _verified.add((self.link.broker, sha))
        log.info("media %s (%d bytes, %d chunks) retained on broker %s", sha[:12], size, chunks, self.link.broker)
        return sent + len(json.dumps(meta))

    def sweep(self) -> int:
        """Clear every file of this broker that nothing desired names; returns how many."""
        if self.conn is None:
            return 0
        needed = needed_media(self.conn, self.link.broker)
        cleared = 0
        for row in self.conn.execute("SELECT sha256, chunks FROM broker_media WHERE broker = ?",
                                     (self.link.broker,)).fetchall():
            if row["sha256"] in needed:
                continue
            self.link.publish(meta_topic(row["sha256"]), b"", retain=True)  # first: no half file looks whole
            for index in range(row["chunks"]):
                self.link.publish(chunk_topic(row["sha256"], index), b"", retain=True, wait=False)
            self.conn.execute("DELETE FROM broker_media WHERE broker = ? AND sha256 = ?",
                              (self.link.broker, row["sha256"]))
            with _verified_lock:
                _verified.discard((self.link.broker, row["sha256"]))
            cleared += 1
            log.info("media %s cleared from broker %s: no manifest names it", row["sha256"][:12], self.link.broker)
        return cleared


def needed_media(conn: sqlite3.Connection, broker: str) -> set[str]:
    """Media named by the desired manifest of a receiver on `broker` (its newest pending or
    delivered delivery), or by an emergency still pending for one of them. Three queries
    whatever the fleet's size (a province's broker serves a thousand receivers)."""
    on_broker = {row["id"] for row in conn.execute("SELECT id, address FROM receivers").fetchall()
                 if is_broker_address(row["address"]) and parse_broker_address(row["address"]).broker == broker}
    needed: set[str] = set()
    lists = {row["media_json"] for row in conn.execute(
        "SELECT receiver, media_json FROM (SELECT receiver, media_json, ROW_NUMBER() OVER (PARTITION BY receiver "
        "ORDER BY version DESC, id DESC) AS newest FROM deliveries WHERE state != 'superseded') WHERE newest = 1")
        if row["receiver"] in on_broker}
    for media_json in lists:  # most receivers of a publish name the same list: parsed once
        needed.update(json.loads(media_json))
    needed.update(row[1] for row in conn.execute(
        "SELECT t.receiver, e.media_sha256 FROM emergency_targets t JOIN emergencies e ON e.id = t.emergency_id "
        "WHERE t.state = 'pending'").fetchall() if row[0] in on_broker)
    return needed


def forget_broker(conn: sqlite3.Connection, broker: str) -> int:
    """The broker lost its store: nothing is taken as on it any more (each file is checked
    again, and uploaded again if its meta is gone), and every pending delivery to a receiver
    on it publishes its manifest again. Returns how many deliveries."""
    with _verified_lock:
        for name in [name for name in _verified if name[0] == broker]:
            _verified.discard(name)
    ids = [row["id"] for row in conn.execute("SELECT id, address FROM receivers").fetchall()
           if is_broker_address(row["address"]) and parse_broker_address(row["address"]).broker == broker]
    changed = 0
    for receiver in ids:
        changed += conn.execute("UPDATE deliveries SET broker_published_at = NULL WHERE receiver = ? AND "
                                "state = 'pending' AND broker_published_at IS NOT NULL", (receiver,)).rowcount
    return changed


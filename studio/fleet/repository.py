"""Every SQL statement about receivers, deliveries (the outbox), publishes and play logs.

The fleet's logic (`fleet.py`, `delivery.py`, `publish.py`), the CLI and the window read
and change these tables only through `FleetRepository`, so the schema of the fleet is in
one place. Rows come back as `sqlite3.Row` (receivers, deliveries) or as values
(`OutboxRow`). Times are stored as UTC ISO text from the clock given.

Threading: one repository per connection, i.e. per thread. Multi-statement changes run in
one `BEGIN IMMEDIATE` transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from studio.clock import Clock
from studio.reports import asrun

ERROR_LIMIT = 500  # characters of an error message kept in the database


@dataclass(frozen=True)
class OutboxRow:
    id: int
    receiver: str
    version: int
    bytes_sent: int
    bytes_total: int
    attempts: int
    next_attempt: str | None
    last_error: str | None


@dataclass(frozen=True)
class NewDelivery:
    """One receiver's manifest of a publish, ready for the outbox."""

    receiver: int
    manifest: dict
    media: list[str]
    bytes_total: int


class FleetRepository:
    def __init__(self, conn: sqlite3.Connection, clock: Clock | None = None) -> None:
        self.conn = conn
        self.clock = clock or Clock()

    # -- receivers --------------------------------------------------------------------------
    def add_receiver(self, receiver_id: str, name: str, address: str, zone_id: int) -> None:
        """Pair (or pair again: the address and zone are updated)."""
        self.conn.execute(
            """INSERT INTO receivers (receiver_id, name, address, zone_id, paired_at) VALUES (?,?,?,?,?)
               ON CONFLICT(receiver_id) DO UPDATE SET address = excluded.address, zone_id = excluded.zone_id""",
            (receiver_id, name, address, zone_id, self.clock.stamp()))

    def receiver_by_id(self, receiver_id: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM receivers WHERE receiver_id = ?", (receiver_id,)).fetchone()

    def receivers(self) -> list[sqlite3.Row]:
        return self.conn.execute("SELECT * FROM receivers ORDER BY name").fetchall()

    def receiver(self, receiver: int) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM receivers WHERE id = ?", (receiver,)).fetchone()

    def receivers_in_zones(self, zone_ids: Sequence[int]) -> list[sqlite3.Row]:
        marks = ",".join("?" * len(zone_ids))
        return self.conn.execute(f"SELECT * FROM receivers WHERE zone_id IN ({marks})", tuple(zone_ids)).fetchall()

    def pin_live_key(self, receiver_id: str, live_key: str, first_only: bool = False) -> None:
        """The live public key the receiver gave at pairing (or, `first_only`, at its first
        session, for one paired before keys were pinned): later sessions trust no other."""
        self.conn.execute("UPDATE receivers SET live_key = ? WHERE receiver_id = ?"
                          + (" AND live_key IS NULL" if first_only else ""), (live_key, receiver_id))

    def set_address(self, name: str, address: str) -> None:
        self.conn.execute("UPDATE receivers SET address = ? WHERE name = ?", (address, name))

    def record_status(self, receiver: int, status: dict, clear_error: bool = False) -> None:
        """The receiver answered: when, and what it said. It is online again; a problem of
        reaching it is over (a refusal stays until a delivery succeeds, or `clear_error`)."""
        now = self.clock.stamp()
        sql = ("UPDATE receivers SET last_seen = ?, checked_at = ?, status_json = ?, offline_since = NULL, "
               "problem_json = CASE WHEN json_extract(problem_json, '$.kind') = 'unreachable' THEN NULL "
               "ELSE problem_json END")
        sql += ", last_error = NULL, problem_json = NULL WHERE id = ?" if clear_error else " WHERE id = ?"
        self.conn.execute(sql, (now, now, json.dumps(status, ensure_ascii=False), receiver))
        asrun.note_availability(self.conn, receiver, True, now)

    def record_problem(self, receiver: int, problem: dict, offline: bool) -> None:
        """Asking or sending failed: the problem as data (studio.fleet.status.problem_of);
        `offline` (it did not answer) starts "offline since" unless it had started already."""
        now = self.clock.stamp()
        detail = str(problem.get("detail", ""))[:ERROR_LIMIT]
        problem = {**problem, "detail": detail}
        if offline:
            self.conn.execute("UPDATE receivers SET checked_at = ?, offline_since = COALESCE(offline_since, ?), "
                              "problem_json = ?, last_error = ? WHERE id = ?",
                              (now, now, json.dumps(problem, ensure_ascii=False), detail, receiver))
        else:
            self.conn.execute("UPDATE receivers SET checked_at = ?, offline_since = NULL, problem_json = ?, "
                              "last_error = ? WHERE id = ?",
                              (now, json.dumps(problem, ensure_ascii=False), detail, receiver))
        asrun.note_availability(self.conn, receiver, not offline, now)

    def fleet_records(self) -> list[sqlite3.Row]:
        """Every receiver with what its deliveries say, in one read (one snapshot): the
        latest version queued for it, how many deliveries and bytes are still pending."""
        return self.conn.execute(
            """SELECT r.*, z.name AS zone_name,
                      (SELECT MAX(version) FROM deliveries d WHERE d.receiver = r.id) AS latest_version,
                      (SELECT COUNT(*) FROM deliveries d WHERE d.receiver = r.id AND d.state = 'pending')
                          AS pending_count,
                      (SELECT COALESCE(SUM(bytes_total - bytes_sent), 0) FROM deliveries d
                        WHERE d.receiver = r.id AND d.state = 'pending') AS pending_bytes
               FROM receivers r LEFT JOIN zones z ON z.id = r.zone_id ORDER BY r.name""").fetchall()

    def manifest_of(self, receiver: int, version: int) -> dict | None:
        """The manifest of `version` that was queued for a receiver (for an item's title)."""
        row = self.conn.execute("SELECT manifest_json FROM deliveries WHERE receiver = ? AND version = ? "
                                "ORDER BY id DESC LIMIT 1", (receiver, version)).fetchone()
        return json.loads(row[0]) if row else None

    def requeue_latest(self, receiver: int) -> sqlite3.Row | None:
        """Re-sync: the newest delivery of a receiver becomes pending and due now (a
        delivered one is queued again as a copy); None if nothing was ever queued for it."""
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            latest = self.conn.execute("SELECT * FROM deliveries WHERE receiver = ? AND state != 'superseded' "
                                       "ORDER BY version DESC, id DESC LIMIT 1", (receiver,)).fetchone()
            if latest is None:
                return None
            now = self.clock.stamp()
            if latest["state"] == "pending":
                self.conn.execute("UPDATE deliveries SET next_attempt = ? WHERE id = ?", (now, latest["id"]))
                delivery = latest["id"]
            else:
                delivery = self.conn.execute(
                    """INSERT INTO deliveries (receiver, publish_id, version, manifest_json, media_json, bytes_total,
                           created_at, next_attempt) VALUES (?,?,?,?,?,?,?,?)""",
                    (receiver, latest["publish_id"], latest["version"], latest["manifest_json"], latest["media_json"],
                     latest["bytes_total"], now, now)).lastrowid
        return self.delivery(delivery)

    def delivery(self, delivery: int) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM deliveries WHERE id = ?", (delivery,)).fetchone()

    def record_playlog(self, receiver: int, entries: Iterable[dict]) -> int:
        """Store new play-log entries (a repeated entry is ignored); returns how many came."""
        entries = list(entries)
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            for entry in entries:
                self.conn.execute("INSERT OR IGNORE INTO playlog (receiver, seq, entry_json) VALUES (?,?,?)",
                                  (receiver, entry["seq"], json.dumps(entry, ensure_ascii=False)))
            asrun.record_entries(self.conn, receiver, entries)
            if entries:
                self.conn.execute("UPDATE receivers SET playlog_seq = MAX(playlog_seq, ?) WHERE id = ?",
                                  (entries[-1]["seq"], receiver))
        return len(entries)

    # -- deliveries -------------------------------------------------------------------------
    def latest_version(self) -> int:
        return self.conn.execute("SELECT MAX(version) FROM deliveries").fetchone()[0] or 0

    def held_manifest(self, receiver: int) -> dict | None:
        """The manifest the receiver holds: its newest delivered one (None before the first)."""
        row = self.conn.execute("SELECT manifest_json FROM deliveries WHERE receiver = ? AND state = 'delivered' "
                                "ORDER BY version DESC LIMIT 1", (receiver,)).fetchone()
        return json.loads(row["manifest_json"]) if row else None

    def pending(self, receiver: int | None = None) -> list[sqlite3.Row]:
        """Pending deliveries, newest version first (of one receiver, or all)."""
        sql = "SELECT * FROM deliveries WHERE state = 'pending'"
        args: tuple = ()
        if receiver is not None:
            sql += " AND receiver = ?"
            args = (receiver,)
        return self.conn.execute(sql + " ORDER BY version DESC", args).fetchall()

    def pending_bytes(self, receiver: int) -> int:
        return self.conn.execute("SELECT COALESCE(SUM(bytes_total - bytes_sent), 0) FROM deliveries "
                                 "WHERE receiver = ? AND state = 'pending'", (receiver,)).fetchone()[0]

    def outbox(self) -> list[OutboxRow]:
        rows = self.conn.execute(
            """SELECT d.*, r.name FROM deliveries d JOIN receivers r ON r.id = d.receiver
               WHERE d.state = 'pending' ORDER BY d.id""").fetchall()
        return [OutboxRow(r["id"], r["name"], r["version"], r["bytes_sent"], r["bytes_total"], r["attempts"],
                          r["next_attempt"], r["last_error"]) for r in rows]

    def retry_now(self, delivery: int | None = None) -> None:
        """Make one pending delivery (or all) due at once."""
        if delivery is None:
            self.conn.execute("UPDATE deliveries SET next_attempt = ? WHERE state = 'pending'", (self.clock.stamp(),))
        else:
            self.conn.execute("UPDATE deliveries SET next_attempt = ? WHERE id = ?", (self.clock.stamp(), delivery))

    def record_progress(self, delivery: int, bytes_sent: int) -> None:
        self.conn.execute("UPDATE deliveries SET bytes_sent = ? WHERE id = ?", (bytes_sent, delivery))

    def record_failure(self, delivery: int, attempts: int, reason: str, next_attempt: str, bytes_sent: int) -> None:
        self.conn.execute("UPDATE deliveries SET attempts = ?, last_error = ?, next_attempt = ?, bytes_sent = ? "
                          "WHERE id = ?", (attempts, reason[:ERROR_LIMIT], next_attempt, bytes_sent, delivery))

    def mark_delivered(self, delivery: int, receiver: int, version: int, bytes_sent: int) -> None:
        """Delivered: older pending deliveries of the receiver are superseded with it."""
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("UPDATE deliveries SET state = 'delivered', delivered_at = ?, bytes_sent = ?, "
                              "last_error = NULL WHERE id = ?", (self.clock.stamp(), bytes_sent, delivery))
            self.conn.execute("UPDATE deliveries SET state = 'superseded' "
                              "WHERE receiver = ? AND state = 'pending' AND version < ?", (receiver, version))
            self.conn.execute("UPDATE receivers SET delivered_version = MAX(delivered_version, ?), "
                              "problem_json = NULL, last_error = NULL WHERE id = ?", (version, receiver))

    # -- publishes --------------------------------------------------------------------------
    def version_floor(self) -> int:
        """The highest manifest version any receiver was recorded holding (its status or what
        was delivered to it) or that was ever queued: after the database is restored from a
        backup, new versions must still be above what receivers hold."""
        held = self.conn.execute(
            "SELECT MAX(MAX(delivered_version, COALESCE(CAST(json_extract(status_json, '$.manifest_version') "
            "AS INTEGER), 0))) FROM receivers WHERE json_valid(COALESCE(status_json, '{}'))").fetchone()[0] or 0
        return max(held, self.latest_version())

    def _next_version(self) -> int:
        """The next publish id (also the manifest version): above every publish id ever used
        and above what any receiver holds."""
        used = self.conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'publishes'").fetchone()
        return max(used[0] if used else 0, self.version_floor()) + 1

    def published_to(self, receiver: int, version: int) -> bool:
        """Whether this studio queued `version` for the receiver (or recorded delivering it)."""
        row = self.receiver(receiver)
        return (row is not None and row["delivered_version"] == version) or self.conn.execute(
            "SELECT 1 FROM deliveries WHERE receiver = ? AND version = ?", (receiver, version)).fetchone() is not None

    def renumber(self, delivery: int, version: int) -> sqlite3.Row | None:
        """Give a pending delivery a new, higher manifest version (the receiver holds one this
        studio has no record of: it must be above it to be accepted)."""
        row = self.delivery(delivery)
        manifest = {**json.loads(row["manifest_json"]), "version": version}
        with self.conn:
            self.conn.execute("UPDATE deliveries SET version = ?, manifest_json = ? WHERE id = ?",
                              (version, json.dumps(manifest, ensure_ascii=False), delivery))
        return self.delivery(delivery)

    def queue_publish(self, by: str, first_day: str, last_day: str, detail: dict,
                      make_deliveries) -> int:
        """Record a publish and queue its deliveries in one transaction; returns its id,
        which is also the manifest version. `make_deliveries(publish_id)` gives the
        `NewDelivery` list; each supersedes what was still pending for its receiver."""
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            cur = self.conn.execute(
                "INSERT INTO publishes (id, created_at, created_by, first_day, last_day, detail_json) "
                "VALUES (?,?,?,?,?,?)",
                (self._next_version(), self.clock.stamp(), by, first_day, last_day, json.dumps(detail)))
            publish_id = cur.lastrowid
            for new in make_deliveries(publish_id):
                self.conn.execute("UPDATE deliveries SET state = 'superseded' WHERE receiver = ? AND state = 'pending'",
                                  (new.receiver,))
                now = self.clock.stamp()
                self.conn.execute(
                    """INSERT INTO deliveries (receiver, publish_id, version, manifest_json, media_json, bytes_total,
                           created_at, next_attempt) VALUES (?,?,?,?,?,?,?,?)""",
                    (new.receiver, publish_id, publish_id, json.dumps(new.manifest, ensure_ascii=False),
                     json.dumps(new.media), new.bytes_total, now, now))
                asrun.record_planned(self.conn, new.receiver, new.manifest, first_day)
        return publish_id

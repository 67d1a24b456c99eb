"""Emergencies (Thông tư 39/2020: play at once on the chosen zones, pre-empting everything)
as durable records: the clip, the zones, who sent it and who approved it, when, until
when it may still start (valid-until, 30 minutes unless set), the reason, and for every
receiver of the zones its outcome: pending, reached (when), expired (it came back too
late, or never), failed (it answered and refused, with the error), superseded (a newer
emergency reached it first).

Who may send one: an approver (or admin) signed in, alone; an editor alone only with a
reason. Either way it goes to the audit log. The CLI without `--user` records the OS
account that ran it (whoever has a shell on the studio PC holds the signing key anyway).

Sending is `studio/fleet/emergency_delivery.py`. Every SQL statement about emergencies
is here. Threading: one `Emergencies` per connection, i.e. per thread.
"""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from studio.accounts.store import Accounts, Role
from studio.clock import Clock, parse_stamp
from studio.errors import AccessDenied, InvalidPreference, NoReceivers, ReasonRequired
from studio.library import ClipLibrary

log = logging.getLogger(__name__)

DEFAULT_VALID_MIN = 30
MAX_VALID_MIN = 24 * 60
ERROR_LIMIT = 500


class TargetState(Enum):
    PENDING = "pending"
    REACHED = "reached"
    EXPIRED = "expired"
    FAILED = "failed"
    SUPERSEDED = "superseded"


@dataclass(frozen=True)
class Authority:
    """Who sends an emergency: the sender, the approver who signed (None: an editor
    alone, or the OS account on the command line) and the reason given."""

    declared_by: str
    approved_by: str | None
    reason: str | None


@dataclass(frozen=True)
class Emergency:
    id: int
    clip_id: int
    media_sha256: str
    zones: tuple[str, ...]
    declared_by: str
    approved_by: str | None
    reason: str | None
    created_at: str
    valid_until: str
    item_id: str

    def valid_at(self, stamp: str) -> bool:
        return parse_stamp(stamp) < parse_stamp(self.valid_until)


@dataclass(frozen=True)
class Target:
    emergency_id: int
    receiver: int
    name: str
    state: TargetState
    reached_at: str | None
    attempts: int
    last_error: str | None


def authorize(accounts: Accounts, username: str, password: str, reason: str | None) -> Authority:
    """An approver's (or admin's) sign-in is enough; an editor signing in alone must give a
    reason. AccessDenied for a wrong password or a role that may not; ReasonRequired."""
    user = accounts.authenticate(username, password)
    reason = (reason or "").strip() or None
    if user.can(Role.APPROVER):
        return Authority(user.username, user.username, reason)
    if user.can(Role.EDITOR):
        if reason is None:
            raise ReasonRequired(user.username)
        return Authority(user.username, None, reason)
    raise AccessDenied(user.username, "may not send an emergency")


def operator_authority(name: str, reason: str | None) -> Authority:
    """The command line without --user: the OS account that ran it."""
    return Authority(name, None, (reason or "").strip() or None)


def _emergency(row: sqlite3.Row) -> Emergency:
    return Emergency(row["id"], row["clip_id"], row["media_sha256"], tuple(json.loads(row["zones_json"])),
                     row["declared_by"], row["approved_by"], row["reason"], row["created_at"], row["valid_until"],
                     row["item_id"])


class Emergencies:
    def __init__(self, conn: sqlite3.Connection, clock: Clock | None = None) -> None:
        self.conn = conn
        self.clock = clock or Clock()

    def create(self, clip_id: int, media_sha256: str, zone_names: list[str], receivers: list[int],
               authority: Authority, valid_min: float = DEFAULT_VALID_MIN) -> Emergency:
        """The record, a pending target per receiver and the audit entry, in one transaction."""
        if not 0 < valid_min <= MAX_VALID_MIN:
            raise InvalidPreference("valid-min", f"{valid_min} (1 to {MAX_VALID_MIN} minutes)")
        if not receivers:
            raise NoReceivers(tuple(zone_names))
        now = self.clock.utc_now()
        created = now.isoformat(timespec="milliseconds")
        until = (now + timedelta(minutes=valid_min)).isoformat(timespec="milliseconds")
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            cur = self.conn.execute(
                """INSERT INTO emergencies (clip_id, media_sha256, zones_json, declared_by, approved_by, reason,
                       created_at, valid_until, item_id) VALUES (?,?,?,?,?,?,?,?,?)""",
                (clip_id, media_sha256, json.dumps(zone_names, ensure_ascii=False), authority.declared_by,
                 authority.approved_by, authority.reason, created, until, f"em-{secrets.token_hex(6)}"))
            emergency_id = cur.lastrowid
            self.conn.executemany(
                "INSERT INTO emergency_targets (emergency_id, receiver, updated_at) VALUES (?,?,?)",
                [(emergency_id, receiver, created) for receiver in sorted(set(receivers))])
            Accounts(self.conn).record(authority.declared_by, "emergency", "emergency", emergency_id, {
                "clip": clip_id, "zones": zone_names, "receivers": len(set(receivers)), "valid_until": until,
                "approved_by": authority.approved_by, "reason": authority.reason})
        emergency = self.get(emergency_id)
        log.warning("emergency %d declared by %s (approved by %s): clip %d to %s, %d receivers, valid until %s",
                    emergency_id, authority.declared_by, authority.approved_by or "-", clip_id,
                    ", ".join(zone_names), len(set(receivers)), until)
        return emergency

    def get(self, emergency_id: int) -> Emergency:
        from studio.errors import NotFound

        row = self.conn.execute("SELECT * FROM emergencies WHERE id = ?", (emergency_id,)).fetchone()
        if row is None:
            raise NotFound("emergency", str(emergency_id))
        return _emergency(row)

    def latest(self, limit: int = 20) -> list[Emergency]:
        rows = self.conn.execute("SELECT * FROM emergencies ORDER BY id DESC LIMIT ?", (limit,))
        return [_emergency(r) for r in rows]

    def targets(self, emergency_id: int) -> list[Target]:
        """Each receiver's outcome; a pending one past valid-until reads as expired even
        before the delivery engine has written it."""
        emergency = self.get(emergency_id)
        valid = emergency.valid_at(self.clock.stamp())
        rows = self.conn.execute(
            """SELECT t.*, r.name FROM emergency_targets t JOIN receivers r ON r.id = t.receiver
               WHERE t.emergency_id = ? ORDER BY r.name""", (emergency_id,)).fetchall()
        targets = []
        for r in rows:
            state = TargetState(r["state"])
            if state is TargetState.PENDING and not valid:
                state = TargetState.EXPIRED
            targets.append(Target(emergency_id, r["receiver"], r["name"], state, r["reached_at"], r["attempts"],
                                  r["last_error"]))
        return targets

    # -- for the delivery side -----------------------------------------------------------------
    def waiting_receivers(self) -> set[int]:
        """Receivers with an emergency pending that may still start."""
        rows = self.conn.execute(
            """SELECT DISTINCT t.receiver FROM emergency_targets t JOIN emergencies e ON e.id = t.emergency_id
               WHERE t.state = 'pending' AND e.valid_until > ?""", (self.clock.stamp(),))
        return {r[0] for r in rows}

    def pending_by_receiver(self) -> dict[int, list[Emergency]]:
        """Every receiver's valid pending emergencies, newest first, in one query: the
        sweep starts twenty senders without a query of its own between two starts."""
        rows = self.conn.execute(
            """SELECT e.*, t.receiver AS target_receiver FROM emergencies e
               JOIN emergency_targets t ON t.emergency_id = e.id
               WHERE t.state = 'pending' AND e.valid_until > ? ORDER BY e.id DESC""", (self.clock.stamp(),))
        waiting: dict[int, list[Emergency]] = {}
        for r in rows:
            waiting.setdefault(r["target_receiver"], []).append(_emergency(r))
        return waiting

    def pending_for(self, receiver: int) -> list[Emergency]:
        """This receiver's valid pending emergencies, newest first."""
        rows = self.conn.execute(
            """SELECT e.* FROM emergencies e JOIN emergency_targets t ON t.emergency_id = e.id
               WHERE t.receiver = ? AND t.state = 'pending' AND e.valid_until > ? ORDER BY e.id DESC""",
            (receiver, self.clock.stamp()))
        return [_emergency(r) for r in rows]

    def expire_due(self) -> list[tuple[int, int, str]]:
        """Pending targets past valid-until become expired (logged, audited); returns
        (emergency id, receiver id, receiver name) of each."""
        now = self.clock.stamp()
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            rows = self.conn.execute(
                """SELECT t.emergency_id, t.receiver, r.name, t.last_error FROM emergency_targets t
                   JOIN emergencies e ON e.id = t.emergency_id JOIN receivers r ON r.id = t.receiver
                   WHERE t.state = 'pending' AND e.valid_until <= ?""", (now,)).fetchall()
            accounts = Accounts(self.conn)
            for row in rows:
                self.conn.execute("UPDATE emergency_targets SET state = 'expired', updated_at = ? "
                                  "WHERE emergency_id = ? AND receiver = ?", (now, row[0], row[1]))
                accounts.record("(studio)", "emergency-expired", "emergency", row[0],
                                {"receiver": row[2], "last_error": row[3]})
        for emergency_id, _receiver, name, _error in rows:
            log.warning("emergency %d expired before %s could play it", emergency_id, name)
        return [(r[0], r[1], r[2]) for r in rows]

    def record_attempt(self, emergency_id: int, receiver: int, error: str) -> None:
        self.record_many([(emergency_id, receiver, TargetState.PENDING, error, False)])

    def finish(self, emergency_id: int, receiver: int, state: TargetState, error: str | None = None,
               late: bool = False) -> None:
        """A pending target reached, failed, expired or superseded (with the audit entry)."""
        self.record_many([(emergency_id, receiver, state, error, late)])

    def record_many(self, outcomes: list[tuple[int, int, TargetState, str | None, bool]]) -> None:
        """Several tries' outcomes (emergency, receiver, state, error, after waiting) in one
        transaction: one fsync for twenty receivers. PENDING counts a try without an answer."""
        now = self.clock.stamp()
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            accounts = Accounts(self.conn)
            for emergency_id, receiver, state, error, late in outcomes:
                error = error[:ERROR_LIMIT] if error else None
                if state is TargetState.PENDING:
                    self.conn.execute(
                        "UPDATE emergency_targets SET attempts = attempts + 1, last_error = ?, updated_at = ? "
                        "WHERE emergency_id = ? AND receiver = ? AND state = 'pending'",
                        (error, now, emergency_id, receiver))
                    continue
                cur = self.conn.execute(
                    """UPDATE emergency_targets SET state = ?, reached_at = ?, last_error = ?, updated_at = ?,
                           attempts = attempts + 1 WHERE emergency_id = ? AND receiver = ? AND state = 'pending'""",
                    (state.value, now if state is TargetState.REACHED else None, error, now, emergency_id, receiver))
                if cur.rowcount:
                    name = self.conn.execute("SELECT name FROM receivers WHERE id = ?", (receiver,)).fetchone()[0]
                    accounts.record("(studio)", f"emergency-{state.value}", "emergency", emergency_id,
                                    {"receiver": name, "after_waiting": late, "error": error})


def declare(library: ClipLibrary, clip_id: int, zone_names: list[str], authority: Authority,
            valid_min: float = DEFAULT_VALID_MIN) -> Emergency:
    """Render the clip for broadcast (a cache hit when it was rendered before) and record
    the emergency for every receiver of the zones. Sending is up to the delivery side."""
    from studio.audio.settings import OutputFormat, RenderSettings
    from studio.fleet.repository import FleetRepository
    from studio.rendering import Renderer
    from studio.schedule.zones import Zones

    zones = Zones(library.conn)
    zone_ids = [zones.get(name).id for name in zone_names]  # NotFound before anything renders
    result = Renderer(library).render_clip(clip_id, OutputFormat.OPUS, RenderSettings())
    receivers = [row["id"] for row in FleetRepository(library.conn, library.clock).receivers_in_zones(zone_ids)]
    return Emergencies(library.conn, library.clock).create(clip_id, result.output_sha256, list(zone_names),
                                                            receivers, authority, valid_min)


def count_receivers(library: ClipLibrary, zone_names: list[str]) -> int:
    """How many loudspeakers an emergency to these zones would reach (the confirmation)."""
    from studio.fleet.repository import FleetRepository
    from studio.schedule.zones import Zones

    zones = Zones(library.conn)
    ids = [zones.get(name).id for name in zone_names]
    return len(FleetRepository(library.conn, library.clock).receivers_in_zones(ids)) if ids else 0


def record_unapproved_emergency_slots(library: ClipLibrary, by: str, publish_id: int, occurrences,
                                      approved: dict[int, bool]) -> int:
    """A publish that sends emergency slots whose programme is not approved says in the
    audit log who decided it: the publisher and whoever scheduled each slot."""
    from studio.schedule.slots import Slots

    slot_ids = sorted({o.slot_id for o in occurrences
                       if o.priority.value == "emergency" and not approved.get(o.programme_id)})
    if not slot_ids:
        return 0
    slots = {s.id: s for s in Slots(library.conn).all()}
    accounts = Accounts(library.conn)
    for slot_id in slot_ids:
        slot = slots.get(slot_id)
        accounts.record(by, "publish-unapproved-emergency", "slot", slot_id, {
            "publish": publish_id, "programme": slot.programme_id if slot else None,
            "scheduled_by": slot.created_by if slot else None})
        log.warning("publish %d sends unapproved emergency slot %d (scheduled by %s, published by %s)",
                    publish_id, slot_id, slot.created_by if slot else "?", by)
    return len(slot_ids)

"""Broadcast slots: a programme × zones × start × recurrence × priority × start mode.

Times are wall-clock times in Asia/Ho_Chi_Minh, stored as `YYYY-MM-DDTHH:MM[:SS]`.
Recurrence is an RFC 5545 RRULE (daily, weekdays, chosen dates with BYMONTHDAY, UNTIL,
COUNT...) with exception dates. Priorities follow Thông tư 39/2020: normal, priority,
emergency. A hard start cuts what is playing at the second; a soft start waits for the
current item to end. One thread per connection.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from dateutil.rrule import rrulestr

from studio.accounts.store import Accounts, Role, User
from studio.errors import AccessDenied, InvalidSchedule, NotFound
from studio.library import now_utc


class Priority(Enum):
    NORMAL = "normal"
    PRIORITY = "priority"
    EMERGENCY = "emergency"

    @property
    def rank(self) -> int:
        return {"emergency": 0, "priority": 1, "normal": 2}[self.value]


class StartMode(Enum):
    HARD = "hard"
    SOFT = "soft"


@dataclass(frozen=True)
class Slot:
    id: int
    programme_id: int
    zone_ids: tuple[int, ...]
    start: datetime  # naive, local wall-clock time
    rrule: str | None
    exdates: tuple[datetime, ...]
    priority: Priority
    start_mode: StartMode
    length_min: float | None
    sequence: int
    created_by: str


def parse_local(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidSchedule("time", f"{text!r} is not YYYY-MM-DDTHH:MM") from None
    if value.tzinfo is not None:
        raise InvalidSchedule("time", f"{text!r}: give the local time (Asia/Ho_Chi_Minh) without an offset")
    return value.replace(microsecond=0)


def check_rrule(rule: str, start: datetime) -> str:
    rule = rule.strip().removeprefix("RRULE:")
    if "DTSTART" in rule.upper():
        raise InvalidSchedule("rrule", "give the start with --at, not DTSTART in the rule")
    try:
        rrulestr(rule, dtstart=start)
    except (ValueError, TypeError) as exc:
        raise InvalidSchedule("rrule", f"{rule!r}: {exc}") from None
    return rule


def _summary(slot: Slot) -> dict:
    return {"programme": slot.programme_id, "zones": list(slot.zone_ids), "start": slot.start.isoformat(),
            "rrule": slot.rrule, "priority": slot.priority.value}


def _slot(row: sqlite3.Row, zone_ids: tuple[int, ...]) -> Slot:
    return Slot(row["id"], row["programme_id"], zone_ids, datetime.fromisoformat(row["start_local"]), row["rrule"],
                tuple(datetime.fromisoformat(x) for x in json.loads(row["exdates_json"])),
                Priority(row["priority"]), StartMode(row["start_mode"]), row["length_min"], row["sequence"],
                row["created_by"])


class Slots:
    def __init__(self, conn: sqlite3.Connection, accounts: Accounts | None = None) -> None:
        self.conn = conn
        self.accounts = accounts or Accounts(conn)

    def all(self) -> list[Slot]:
        zones: dict[int, list[int]] = {}
        for slot_id, zone_id in self.conn.execute("SELECT slot_id, zone_id FROM slot_zones ORDER BY zone_id"):
            zones.setdefault(slot_id, []).append(zone_id)
        rows = self.conn.execute("SELECT * FROM slots WHERE deleted_at IS NULL ORDER BY start_local, id")
        return [_slot(r, tuple(zones.get(r["id"], ()))) for r in rows]

    def get(self, slot_id: int) -> Slot:
        for slot in self.all():
            if slot.id == slot_id:
                return slot
        raise NotFound("slot", str(slot_id))

    def add(self, programme_id: int, zone_ids: list[int], start: datetime, by: User, rrule: str | None = None,
            exdates: tuple[datetime, ...] = (), priority: Priority = Priority.NORMAL,
            start_mode: StartMode = StartMode.SOFT, length_min: float | None = None, sequence: int = 0) -> Slot:
        if not by.can(Role.EDITOR):
            raise AccessDenied(by.username, "cannot schedule")
        if not zone_ids:
            raise InvalidSchedule("zones", "a slot needs at least one zone")
        if length_min is not None and length_min <= 0:
            raise InvalidSchedule("length", "must be more than 0 minutes")
        rule = check_rrule(rrule, start) if rrule else None
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            if self.conn.execute("SELECT 1 FROM programmes WHERE id = ? AND deleted_at IS NULL",
                                 (programme_id,)).fetchone() is None:
                raise NotFound("programme", str(programme_id))
            cur = self.conn.execute(
                """INSERT INTO slots (programme_id, start_local, rrule, exdates_json, priority, start_mode, length_min,
                       sequence, created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)""",
                (programme_id, start.isoformat(timespec="seconds"), rule,
                 json.dumps([d.isoformat(timespec="seconds") for d in exdates]), priority.value, start_mode.value,
                 length_min, sequence, by.username, now_utc()))
            for zone_id in sorted(set(zone_ids)):
                self.conn.execute("INSERT INTO slot_zones (slot_id, zone_id) VALUES (?,?)", (cur.lastrowid, zone_id))
            detail = {"programme": programme_id, "zones": sorted(set(zone_ids)), "start": start.isoformat(),
                      "rrule": rule, "priority": priority.value}
            self.accounts.record(by.username, "emergency-slot" if priority is Priority.EMERGENCY else "add-slot",
                                 "slot", cur.lastrowid, detail)
        return self.get(cur.lastrowid)

    def move(self, slot_id: int, start: datetime, by: User) -> Slot:
        """A new start (the recurrence moves with it); what a drag in the calendar does."""
        if not by.can(Role.EDITOR):
            raise AccessDenied(by.username, "cannot schedule")
        slot = self.get(slot_id)
        if slot.rrule:
            check_rrule(slot.rrule, start)
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("UPDATE slots SET start_local = ? WHERE id = ?", (start.isoformat(timespec="seconds"), slot_id))
            self.accounts.record(by.username, "move-slot", "slot", slot_id,
                                 {"from": slot.start.isoformat(), "to": start.isoformat()})
        return self.get(slot_id)

    def update(self, slot_id: int, by: User, programme_id: int, zone_ids: list[int], start: datetime,
               rrule: str | None, priority: Priority, start_mode: StartMode, length_min: float | None,
               sequence: int) -> Slot:
        """Everything about a slot at once (what the calendar's edit dialog saves); the
        audit entry keeps what it was and what it became."""
        if not by.can(Role.EDITOR):
            raise AccessDenied(by.username, "cannot schedule")
        if not zone_ids:
            raise InvalidSchedule("zones", "a slot needs at least one zone")
        if length_min is not None and length_min <= 0:
            raise InvalidSchedule("length", "must be more than 0 minutes")
        rule = check_rrule(rrule, start) if rrule else None
        before = self.get(slot_id)
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            if self.conn.execute("SELECT 1 FROM programmes WHERE id = ? AND deleted_at IS NULL",
                                 (programme_id,)).fetchone() is None:
                raise NotFound("programme", str(programme_id))
            self.conn.execute(
                """UPDATE slots SET programme_id = ?, start_local = ?, rrule = ?, priority = ?, start_mode = ?,
                       length_min = ?, sequence = ? WHERE id = ?""",
                (programme_id, start.isoformat(timespec="seconds"), rule, priority.value, start_mode.value,
                 length_min, sequence, slot_id))
            self.conn.execute("DELETE FROM slot_zones WHERE slot_id = ?", (slot_id,))
            for zone_id in sorted(set(zone_ids)):
                self.conn.execute("INSERT INTO slot_zones (slot_id, zone_id) VALUES (?,?)", (slot_id, zone_id))
            self.accounts.record(by.username, "update-slot", "slot", slot_id, {
                "from": _summary(before),
                "to": {"programme": programme_id, "zones": sorted(set(zone_ids)), "start": start.isoformat(),
                       "rrule": rule, "priority": priority.value}})
        return self.get(slot_id)

    def skip(self, slot_id: int, occurrence: datetime, by: User) -> Slot:
        """Leave out one occurrence of a repeating slot (an exception date); the rest stays."""
        if not by.can(Role.EDITOR):
            raise AccessDenied(by.username, "cannot schedule")
        slot = self.get(slot_id)
        exdates = sorted(set(slot.exdates) | {occurrence.replace(microsecond=0)})
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("UPDATE slots SET exdates_json = ? WHERE id = ?",
                              (json.dumps([d.isoformat(timespec="seconds") for d in exdates]), slot_id))
            self.accounts.record(by.username, "skip-occurrence", "slot", slot_id,
                                 {"occurrence": occurrence.isoformat(timespec="seconds")})
        return self.get(slot_id)

    def set_sequence(self, slot_id: int, sequence: int, by: User) -> Slot:
        """The operator's order among slots of equal priority in one session."""
        if not by.can(Role.EDITOR):
            raise AccessDenied(by.username, "cannot schedule")
        self.get(slot_id)
        self.conn.execute("UPDATE slots SET sequence = ? WHERE id = ?", (sequence, slot_id))
        return self.get(slot_id)

    def remove(self, slot_id: int, by: User) -> None:
        if not by.can(Role.EDITOR):
            raise AccessDenied(by.username, "cannot schedule")
        self.get(slot_id)
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("UPDATE slots SET deleted_at = ? WHERE id = ?", (now_utc(), slot_id))
            self.accounts.record(by.username, "remove-slot", "slot", slot_id, {})

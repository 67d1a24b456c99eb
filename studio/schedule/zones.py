"""Zones (thôn, tổ dân phố, khu vực) and their local broadcast policy.

A policy is what the commune allows: time windows per weekday, at most N sessions a
day, at most M minutes a session, weekends or not, at most D days a week, a maximum
volume. Each commune sets its own (Hà Nội, for one: at most 2 sessions a day, 5 days a
week, 15 minutes in town and 45 in the countryside). One thread per connection.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from enum import Enum

from studio.accounts.store import Accounts, Role, User
from studio.errors import AccessDenied, InvalidSchedule, NotFound, ZoneInUse
from studio.languages import Language, normalise
from studio.library import now_utc


class ZoneKind(Enum):
    VILLAGE = "village"  # thôn, bản, buôn, làng
    RESIDENTIAL_GROUP = "residential_group"  # tổ dân phố
    AREA = "area"  # khu vực


@dataclass(frozen=True)
class Window:
    days: frozenset[int]  # 0 = Monday ... 6 = Sunday
    start_min: int  # minutes after midnight
    end_min: int

    def to_text(self) -> str:
        return f"{self.start_min // 60:02d}:{self.start_min % 60:02d}-{self.end_min // 60:02d}:{self.end_min % 60:02d}"

    def to_rule(self) -> str:
        """The text `parse_window` reads back: `2-6@05:30-06:30`, or the hours alone for
        every day."""
        if self.days == ALL_DAYS:
            return self.to_text()
        numbers = sorted((day + 1) % 7 + 1 for day in self.days)  # Monday -> 2 ... Sunday -> 1
        runs: list[list[int]] = []
        for n in numbers:
            if runs and n == runs[-1][-1] + 1:
                runs[-1].append(n)
            else:
                runs.append([n])
        days = ",".join(f"{r[0]}-{r[-1]}" if len(r) > 2 else ",".join(map(str, r)) for r in runs)
        return f"{days}@{self.to_text()}"


ALL_DAYS = frozenset(range(7))
_WINDOW = re.compile(r"^(?:(?P<days>[1-7](?:[,-][1-7])*)@)?(?P<h1>\d{1,2}):(?P<m1>\d{2})-(?P<h2>\d{1,2}):(?P<m2>\d{2})$")


def parse_window(text: str) -> Window:
    """`HH:MM-HH:MM`, optionally for some days: `2-6@05:30-06:30` (2 = Monday, as in
    Vietnamese: thứ 2 ... thứ 7, 1 = Chủ nhật)."""
    match = _WINDOW.match(text.strip())
    if not match:
        raise InvalidSchedule("window", f"{text!r} is not HH:MM-HH:MM (optionally DAYS@, e.g. 2-6@05:30-06:30)")
    start = int(match["h1"]) * 60 + int(match["m1"])
    end = int(match["h2"]) * 60 + int(match["m2"])
    if not (0 <= start < end <= 24 * 60) or int(match["m1"]) > 59 or int(match["m2"]) > 59:
        raise InvalidSchedule("window", f"{text!r}: the end must come after the start, within one day")
    days = ALL_DAYS
    if match["days"]:
        chosen: set[int] = set()
        for part in match["days"].split(","):
            first, _, last = part.partition("-")
            for vn_day in range(int(first), int(last or first) + 1):
                chosen.add((vn_day - 2) % 7)  # thứ 2 -> Monday (0); Chủ nhật (1) -> Sunday (6)
        days = frozenset(chosen)
    return Window(days, start, end)


@dataclass(frozen=True)
class Policy:
    windows: tuple[Window, ...] = ()  # none: any time of day
    max_sessions_per_day: int | None = None
    max_minutes_per_session: float | None = None
    weekends: bool = True
    max_days_per_week: int | None = None
    max_volume: int = 100  # percent of the receiver's range

    def to_json(self) -> str:
        return json.dumps({
            "windows": [{"days": sorted(w.days), "start": w.start_min, "end": w.end_min} for w in self.windows],
            "max_sessions_per_day": self.max_sessions_per_day, "max_minutes_per_session": self.max_minutes_per_session,
            "weekends": self.weekends, "max_days_per_week": self.max_days_per_week, "max_volume": self.max_volume,
        }, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Policy:
        data = json.loads(text)
        windows = tuple(Window(frozenset(w["days"]), int(w["start"]), int(w["end"])) for w in data.get("windows", []))
        return cls(windows, data.get("max_sessions_per_day"), data.get("max_minutes_per_session"),
                   bool(data.get("weekends", True)), data.get("max_days_per_week"), int(data.get("max_volume", 100)))

    def check(self) -> Policy:
        if self.max_sessions_per_day is not None and self.max_sessions_per_day < 1:
            raise InvalidSchedule("max sessions", "must be at least 1")
        if self.max_minutes_per_session is not None and self.max_minutes_per_session <= 0:
            raise InvalidSchedule("max minutes", "must be more than 0")
        if self.max_days_per_week is not None and not 1 <= self.max_days_per_week <= 7:
            raise InvalidSchedule("max days per week", "must be 1-7")
        if not 0 <= self.max_volume <= 100:
            raise InvalidSchedule("max volume", "must be 0-100")
        return self


@dataclass(frozen=True)
class Zone:
    id: int
    name: str
    kind: ZoneKind
    language: str
    policy: Policy = field(default_factory=Policy)


def _zone(row: sqlite3.Row) -> Zone:
    return Zone(row["id"], row["name"], ZoneKind(row["kind"]), normalise(row["language"]),
                Policy.from_json(row["policy_json"]))


class Zones:
    def __init__(self, conn: sqlite3.Connection, accounts: Accounts | None = None) -> None:
        self.conn = conn
        self.accounts = accounts or Accounts(conn)

    def all(self) -> list[Zone]:
        return [_zone(r) for r in self.conn.execute("SELECT * FROM zones ORDER BY name")]

    def get(self, name_or_id: str | int) -> Zone:
        column = "id" if isinstance(name_or_id, int) else "name"
        row = self.conn.execute(f"SELECT * FROM zones WHERE {column} = ?", (name_or_id,)).fetchone()
        if row is None:
            raise NotFound("zone", str(name_or_id))
        return _zone(row)

    def add(self, name: str, by: User, kind: ZoneKind = ZoneKind.VILLAGE, language: str = Language.VIETNAMESE.code,
            policy: Policy = Policy()) -> Zone:
        if not by.can(Role.EDITOR):
            raise AccessDenied(by.username, "cannot add zones")
        if not name.strip():
            raise InvalidSchedule("zone name", "is empty")
        policy.check()
        try:
            with self.conn:
                self.conn.execute("BEGIN IMMEDIATE")
                cur = self.conn.execute(
                    "INSERT INTO zones (name, kind, language, policy_json, created_at) VALUES (?,?,?,?,?)",
                    (name.strip(), kind.value, normalise(language), policy.to_json(), now_utc()))
                self.accounts.record(by.username, "add-zone", "zone", cur.lastrowid, {"name": name.strip()})
        except sqlite3.IntegrityError:
            raise InvalidSchedule("zone name", f"{name.strip()!r} already exists") from None
        return self.get(cur.lastrowid)

    def set_policy(self, zone_id: int, policy: Policy, by: User) -> Zone:
        if not by.can(Role.EDITOR):
            raise AccessDenied(by.username, "cannot change zones")
        policy.check()
        self.get(zone_id)
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("UPDATE zones SET policy_json = ? WHERE id = ?", (policy.to_json(), zone_id))
            self.accounts.record(by.username, "set-policy", "zone", zone_id, json.loads(policy.to_json()))
        return self.get(zone_id)

    def update(self, zone_id: int, by: User, name: str, kind: ZoneKind, language: str, policy: Policy) -> Zone:
        """Rename a zone, change its kind, language or rules (the zones dialog's Save)."""
        if not by.can(Role.EDITOR):
            raise AccessDenied(by.username, "cannot change zones")
        if not name.strip():
            raise InvalidSchedule("zone name", "is empty")
        policy.check()
        before = self.get(zone_id)
        try:
            with self.conn:
                self.conn.execute("BEGIN IMMEDIATE")
                self.conn.execute("UPDATE zones SET name = ?, kind = ?, language = ?, policy_json = ? WHERE id = ?",
                                  (name.strip(), kind.value, language, policy.to_json(), zone_id))
                self.accounts.record(by.username, "update-zone", "zone", zone_id, {
                    "from": {"name": before.name, "kind": before.kind.value, "language": before.language},
                    "to": {"name": name.strip(), "kind": kind.value, "language": language},
                    "policy": json.loads(policy.to_json())})
        except sqlite3.IntegrityError:
            raise InvalidSchedule("zone name", f"{name.strip()!r} already exists") from None
        return self.get(zone_id)

    def remove(self, zone_id: int, by: User) -> None:
        """Delete a zone no broadcast and no receiver uses (ZoneInUse names how many do)."""
        if not by.can(Role.EDITOR):
            raise AccessDenied(by.username, "cannot change zones")
        zone = self.get(zone_id)
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            slots = self.conn.execute(
                """SELECT COUNT(*) FROM slot_zones JOIN slots ON slots.id = slot_zones.slot_id
                   WHERE zone_id = ? AND slots.deleted_at IS NULL""", (zone_id,)).fetchone()[0]
            receivers = self.conn.execute("SELECT COUNT(*) FROM receivers WHERE zone_id = ?",
                                          (zone_id,)).fetchone()[0]
            if slots or receivers:
                raise ZoneInUse(zone_id, slots, receivers)
            self.conn.execute("DELETE FROM slot_zones WHERE zone_id = ?", (zone_id,))  # of deleted slots only
            self.conn.execute("DELETE FROM zones WHERE id = ?", (zone_id,))
            self.accounts.record(by.username, "remove-zone", "zone", zone_id, {"name": zone.name})

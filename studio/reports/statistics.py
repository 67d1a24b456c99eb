"""Statistics of the as-run record for a period and a scope: pure functions over SQLite.

`compute(conn, scope, now)` reads only the `asrun`, `asrun_planned` and
`receiver_availability` rows (studio.reports.asrun) with a handful of GROUP BY queries
and returns a frozen `Report`. Definitions (docs/architecture.md, "Reports"):

- a *session* (buổi phát) is one broadcast item (a slot's occurrence in one zone, or a
  play-now: the loudspeakers that started one in the same minute) that at least one loudspeaker started; its *hours* are the longest time a
  loudspeaker played it; *loudspeaker-hours* add every loudspeaker's time;
- *planned* counts (receiver, item) pairs of the published plan; each is *played* when
  that receiver logged it `played`, otherwise its reason is the outcome it logged, or
  `no-record` when it logged nothing;
- *ethnic-language hours* are session hours of a language other than Vietnamese;
- *availability* is the share of the period (up to `now`) a receiver was recorded online,
  counted from its first recorded state;
- a loudspeaker *failed* an entry it logged `failed`, and played *silence* when it logged
  `played` at or below `SILENCE_DBFS`.

Threads: the caller's connection. No writes.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from studio.clock import VIETNAM

SILENCE_DBFS = -60.0
PLAYED = "played"
NO_RECORD = "no-record"
STARTED = ("played", "interrupted", "failed")  # outcomes of an entry a loudspeaker started
VIETNAMESE = "vi"


@dataclass(frozen=True)
class Scope:
    first_day: date
    last_day: date
    zones: tuple[int, ...] = ()
    receivers: tuple[int, ...] = ()
    categories: tuple[int, ...] = ()  # category ids; 0 means "no category"
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReceiverFigures:
    receiver: int
    name: str
    zone: str
    availability: float | None  # 0..1, None when never recorded in the period
    plays: int
    failed: int
    silent: int


@dataclass(frozen=True)
class Fault:
    receiver: str
    item: str
    title: str | None
    scheduled: str | None
    outcome: str
    level_dbfs: float | None
    reason: str | None


@dataclass(frozen=True)
class Report:
    scope: Scope
    sessions: int
    hours: float
    speaker_hours: float
    planned: int
    played: int
    differences: dict[str, int]  # reason -> planned pairs not played for it
    emergencies: int  # emergency sessions
    ethnic_hours: float
    hours_by_language: dict[str, float]
    hours_by_month_category: dict[tuple[str, str], float]  # (YYYY-MM, category name) -> hours
    sessions_by_zone: dict[str, tuple[int, float]]  # zone name -> (sessions, hours)
    receivers: tuple[ReceiverFigures, ...]
    faults: tuple[Fault, ...] = field(default=())

    @property
    def availability(self) -> float | None:
        known = [r.availability for r in self.receivers if r.availability is not None]
        return sum(known) / len(known) if known else None


UNCATEGORISED = ""
# A scheduled item is one session in its zone; a play-now has an id per receiver, so the
# receivers that started one in the same minute count it once.
SESSION_KEY = "CASE WHEN a.slot_id IS NULL THEN 'now:' || substr(a.started, 1, 16) ELSE a.item END"  # the category name of a programme without one


def _where(scope: Scope, alias: str) -> tuple[str, list]:
    clauses = [f"{alias}.local_day BETWEEN ? AND ?"]
    args: list = [scope.first_day.isoformat(), scope.last_day.isoformat()]
    for column, values in (("zone_id", scope.zones), ("receiver", scope.receivers),
                           ("language", scope.languages)):
        if values:
            clauses.append(f"{alias}.{column} IN ({','.join('?' * len(values))})")
            args += list(values)
    if scope.categories:
        clauses.append(f"COALESCE((SELECT category_id FROM programmes p WHERE p.id = {alias}.programme_id), 0) "
                       f"IN ({','.join('?' * len(scope.categories))})")
        args += list(scope.categories)
    return " AND ".join(clauses), args


def _sessions_sql(where: str) -> str:
    """One row per session: item, zone, language, programme, month, its hours."""
    started = ",".join(f"'{o}'" for o in STARTED)
    return (f"SELECT a.item, a.zone_id, a.language, a.programme_id, substr(a.local_day, 1, 7) AS month, "
            f"MAX(a.priority = 'emergency') AS emergency, MAX(a.played_s) / 3600.0 AS hours "
            f"FROM asrun a WHERE {where} AND a.outcome IN ({started}) GROUP BY {SESSION_KEY}")


def compute(conn: sqlite3.Connection, scope: Scope, now: datetime) -> Report:
    where, args = _where(scope, "a")
    categories = {row[0]: row[1] for row in conn.execute(
        "SELECT p.id, c.name FROM programmes p JOIN programme_categories c ON c.id = p.category_id")}
    zone_names = {row[0]: row[1] for row in conn.execute("SELECT id, name FROM zones")}
    sessions = hours = ethnic = 0.0
    emergencies = 0
    by_language: dict[str, float] = {}
    by_month_category: dict[tuple[str, str], float] = {}
    by_zone: dict[str, list] = {}
    # One GROUP BY gives the sessions; the few thousand of a year are summed here.
    for _item, zone, language, programme, month, emergency, session_hours in conn.execute(
            _sessions_sql(where), args):
        language = language or VIETNAMESE
        sessions += 1
        hours += session_hours
        emergencies += emergency
        if language != VIETNAMESE:
            ethnic += session_hours
        by_language[language] = by_language.get(language, 0.0) + session_hours
        key = (month, categories.get(programme, UNCATEGORISED))
        by_month_category[key] = by_month_category.get(key, 0.0) + session_hours
        zone_figures = by_zone.setdefault(zone_names.get(zone, ""), [0, 0.0])
        zone_figures[0] += 1
        zone_figures[1] += session_hours
    # per receiver: plays, failed, silent, seconds (their sum is the loudspeaker-hours)
    counts = {row[0]: row[1:] for row in conn.execute(
        f"SELECT a.receiver, SUM(a.outcome = '{PLAYED}'), SUM(a.outcome = 'failed'), "
        f"SUM(a.outcome = '{PLAYED}' AND a.level_dbfs <= ?), SUM(a.played_s) FROM asrun a WHERE {where} "
        f"GROUP BY a.receiver", [SILENCE_DBFS] + args)}
    speaker_hours = sum(c[3] or 0.0 for c in counts.values()) / 3600.0

    planned_where, planned_args = _where(scope, "p0")
    differences: dict[str, int] = {}
    planned = played = 0
    # A receiver logs an item once (its engine keeps the ids it handled), so a join is exact.
    for reason, count in conn.execute(
            f"SELECT COALESCE(a.outcome, '{NO_RECORD}'), COUNT(*) FROM asrun_planned p0 "
            f"LEFT JOIN asrun a ON a.receiver = p0.receiver AND a.item = p0.item "
            f"WHERE {planned_where} GROUP BY 1", planned_args):
        planned += count
        if reason == PLAYED:
            played += count
        else:
            differences[reason] = count
    total = (int(sessions), hours, emergencies, ethnic)
    by_language = dict(sorted(by_language.items()))
    by_month_category = dict(sorted(by_month_category.items()))
    by_zone_t = {name: (f[0], f[1]) for name, f in sorted(by_zone.items())}

    receivers = _receivers(conn, scope, counts, now)
    faults = tuple(Fault(*row) for row in conn.execute(
        f"SELECT r.name, a.item, a.title, a.scheduled, a.outcome, a.level_dbfs, a.reason FROM asrun a "
        f"JOIN receivers r ON r.id = a.receiver WHERE {where} AND (a.outcome = 'failed' OR "
        f"(a.outcome = '{PLAYED}' AND a.level_dbfs <= ?)) ORDER BY a.scheduled, r.name", args + [SILENCE_DBFS]))
    return Report(scope, total[0], total[1], speaker_hours, planned, played, differences, total[2], total[3],
                  by_language, by_month_category, by_zone_t, receivers, faults)


def period_bounds(scope: Scope) -> tuple[datetime, datetime]:
    """The period's first and last instants (UTC), from Vietnam midnights."""
    start = datetime.combine(scope.first_day, time(), VIETNAM).astimezone(UTC)
    end = datetime.combine(scope.last_day + timedelta(days=1), time(), VIETNAM).astimezone(UTC)
    return start, end


def _receivers(conn: sqlite3.Connection, scope: Scope, counts: dict[int, tuple],
               now: datetime) -> tuple[ReceiverFigures, ...]:
    sql = "SELECT r.id, r.name, COALESCE(z.name, '') FROM receivers r LEFT JOIN zones z ON z.id = r.zone_id"
    clauses, extra = [], []
    if scope.zones:
        clauses.append(f"r.zone_id IN ({','.join('?' * len(scope.zones))})")
        extra += list(scope.zones)
    if scope.receivers:
        clauses.append(f"r.id IN ({','.join('?' * len(scope.receivers))})")
        extra += list(scope.receivers)
    rows = conn.execute(sql + (" WHERE " + " AND ".join(clauses) if clauses else "") + " ORDER BY r.name",
                        extra).fetchall()
    start, end = period_bounds(scope)
    end = min(end, now.astimezone(UTC))
    return tuple(ReceiverFigures(rid, name, zone, availability(conn, rid, start, end),
                                 *(counts.get(rid) or (0, 0, 0, 0))[:3])
                 for rid, name, zone in rows)


def availability(conn: sqlite3.Connection, receiver: int, start: datetime, end: datetime) -> float | None:
    """The share of [start, end) the receiver was recorded online (from its first record)."""
    if end <= start:
        return None
    lo, hi = start.isoformat(timespec="milliseconds"), end.isoformat(timespec="milliseconds")
    before = conn.execute("SELECT online FROM receiver_availability WHERE receiver = ? AND at < ? "
                          "ORDER BY at DESC LIMIT 1", (receiver, lo)).fetchone()
    changes = conn.execute("SELECT at, online FROM receiver_availability WHERE receiver = ? AND at >= ? AND at < ? "
                           "ORDER BY at", (receiver, lo, hi)).fetchall()
    state, since = (bool(before[0]), start) if before else (None, start)
    online = known = 0.0
    for at, is_online in changes:
        moment = datetime.fromisoformat(at)
        if state is not None:
            span = (moment - since).total_seconds()
            known += span
            online += span if state else 0.0
        state, since = bool(is_online), moment
    if state is not None:
        span = (end - since).total_seconds()
        known += span
        online += span if state else 0.0
    return online / known if known > 0 else None

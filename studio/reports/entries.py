"""Reading the as-run record back: the entries behind a figure (drill-down) and the proof of
one broadcast (which loudspeakers played it, when, at what level). Caller's connection."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from studio.reports.statistics import NO_RECORD, Scope, _where

ENTRY_LIMIT = 2000  # rows shown at once; a drill-down narrows it


@dataclass(frozen=True)
class Entry:
    receiver: str
    zone: str
    item: str
    title: str | None
    scheduled: str | None  # UTC stamps
    started: str | None
    ended: str | None
    outcome: str
    level_dbfs: float | None


_SELECT = ("SELECT r.name, COALESCE(z.name, ''), a.item, a.title, a.scheduled, a.started, a.ended, a.outcome, "
           "a.level_dbfs FROM asrun a JOIN receivers r ON r.id = a.receiver LEFT JOIN zones z ON z.id = a.zone_id")


def entries(conn: sqlite3.Connection, scope: Scope, outcome: str | None = None, receiver: str | None = None,
            month: str | None = None, limit: int = ENTRY_LIMIT) -> list[Entry]:
    """The as-run entries of a scope, optionally of one outcome, receiver (name) or month."""
    where, args = _where(scope, "a")
    if outcome is not None and outcome != NO_RECORD:
        where += " AND a.outcome = ?"
        args.append(outcome)
    if receiver is not None:
        where += " AND r.name = ?"
        args.append(receiver)
    if month is not None:
        where += " AND substr(a.local_day, 1, 7) = ?"
        args.append(month)
    rows = conn.execute(f"{_SELECT} WHERE {where} ORDER BY a.scheduled, r.name LIMIT ?", args + [limit])
    return [Entry(*row) for row in rows]


def proof(conn: sqlite3.Connection, item: str) -> list[Entry]:
    """Chứng nhận phát: every loudspeaker's entry of one broadcast item."""
    return [Entry(*row) for row in conn.execute(f"{_SELECT} WHERE a.item = ? ORDER BY r.name", (item,))]

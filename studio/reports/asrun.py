"""The as-run record: what was planned for each receiver and what it really played, as rows.

Three writers, each a small hook of the fleet's repository, inside its transaction:
`record_planned` when a publish queues a receiver's manifest (its items become the plan
from the publish's first day on), `record_entries` when the delivery engine brings a play
log in (each entry becomes an `asrun` row joined to its slot, zone, programme, language
and title, and its media list `archive_media` rows), and `note_availability` when a status check finds a receiver answering or
not (only the transitions are kept). Item ids in manifests are
`s{slot}-z{zone}-{YYYYmmddTHHMMSS}` (studio.fleet.publish.item_id); anything else (a
play-now) is an emergency without a slot.

Threads: the caller's connection, i.e. the caller's thread; no transaction of its own.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from studio.clock import VIETNAM

ITEM_ID = re.compile(r"^s(\d+)-z(\d+)-\d{8}T\d{6}$")


@dataclass(frozen=True)
class ItemRef:
    slot_id: int | None
    zone_id: int | None


def parse_item(item: str) -> ItemRef:
    match = ITEM_ID.match(item or "")
    if not match:
        return ItemRef(None, None)
    return ItemRef(int(match.group(1)), int(match.group(2)))


def utc_text(stamp: str | None) -> str | None:
    """An ISO instant with any offset as UTC ISO text (how the database stores instants)."""
    if not stamp:
        return None
    moment = datetime.fromisoformat(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def local_day(stamp: str) -> str:
    moment = datetime.fromisoformat(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM)
    return moment.astimezone(VIETNAM).date().isoformat()


def _lookup(conn: sqlite3.Connection, ref: ItemRef) -> tuple[int | None, str | None]:
    """(programme id of the slot, language of the zone) of an item."""
    programme = language = None
    if ref.slot_id is not None:
        row = conn.execute("SELECT programme_id FROM slots WHERE id = ?", (ref.slot_id,)).fetchone()
        programme = row[0] if row else None
    if ref.zone_id is not None:
        row = conn.execute("SELECT language FROM zones WHERE id = ?", (ref.zone_id,)).fetchone()
        language = row[0] if row else None
    return programme, language


def record_planned(conn: sqlite3.Connection, receiver: int, manifest: dict, first_day: str) -> None:
    """A manifest queued for `receiver`: from `first_day` (local) on, its items are the plan."""
    conn.execute("DELETE FROM asrun_planned WHERE receiver = ? AND local_day >= ?", (receiver, first_day))
    cache: dict[ItemRef, tuple] = {}
    for item in manifest.get("items", []):
        ref = parse_item(item["id"])
        if ref not in cache:
            cache[ref] = _lookup(conn, ref)
        programme, language = cache[ref]
        conn.execute(
            """INSERT OR REPLACE INTO asrun_planned (receiver, item, version, scheduled, local_day, duration_s,
                   priority, slot_id, zone_id, programme_id, language, title) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""",
            (receiver, item["id"], manifest.get("version", 0), utc_text(item["start"]), local_day(item["start"]),
             float(item.get("duration_s") or 0.0), item.get("priority", "normal"), ref.slot_id, ref.zone_id,
             programme, language, item.get("title")))


def record_entries(conn: sqlite3.Connection, receiver: int, entries: Iterable[dict]) -> None:
    """Play-log entries of `receiver` as as-run rows (an entry already recorded is ignored)."""
    for entry in entries:
        item = str(entry.get("item") or "")
        ref = parse_item(item)
        if ref.zone_id is None:  # a play-now: the receiver's zone
            row = conn.execute("SELECT zone_id FROM receivers WHERE id = ?", (receiver,)).fetchone()
            ref = ItemRef(None, row[0] if row else None)
        programme, language = _lookup(conn, ref)
        planned = conn.execute("SELECT title, language, programme_id FROM asrun_planned WHERE receiver = ? AND item = ?",
                               (receiver, item)).fetchone()
        title = planned[0] if planned else entry.get("title")
        language = language or (planned[1] if planned else None)
        programme = programme or (planned[2] if planned else None)
        started, ended = utc_text(entry.get("started")), utc_text(entry.get("ended"))
        scheduled = utc_text(entry.get("scheduled")) or started
        played = 0.0
        if started and ended:  # from the receiver's own stamps (microseconds), not the stored ones
            played = max(0.0, (datetime.fromisoformat(entry["ended"])
                               - datetime.fromisoformat(entry["started"])).total_seconds())
        skipped = entry.get("skipped") or []
        reason = ",".join(sorted({str(s.get("outcome")) for s in skipped if isinstance(s, dict)})) or None
        when = scheduled or ended
        conn.execute(
            """INSERT OR IGNORE INTO asrun (receiver, seq, item, scheduled, local_day, started, ended, played_s,
                   outcome, level_dbfs, reason, priority, slot_id, zone_id, programme_id, language, title)
               VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
            (receiver, int(entry["seq"]), item, scheduled, local_day(when) if when else "", started, ended,
             round(played, 3), str(entry.get("outcome") or "unknown"), entry.get("level_dbfs"), reason,
             str(entry.get("priority") or "normal"), ref.slot_id, ref.zone_id, programme, language, title))
        media = entry.get("media") or []
        day = local_day(when) if when else ""
        conn.executemany(  # the exact files it played, kept by the archive (studio.reports.archive)
            "INSERT OR IGNORE INTO archive_media (receiver, seq, position, sha256, local_day) VALUES (?,?,?,?,?)",
            [(receiver, int(entry["seq"]), position, str(sha), day)
             for position, sha in enumerate(media if isinstance(media, list) else []) if isinstance(sha, str)])


def note_availability(conn: sqlite3.Connection, receiver: int, online: bool, at: str) -> None:
    """Keep a transition: only when the receiver's last recorded state differs."""
    last = conn.execute("SELECT online FROM receiver_availability WHERE receiver = ? ORDER BY at DESC LIMIT 1",
                        (receiver,)).fetchone()
    if last is None or bool(last[0]) != online:
        conn.execute("INSERT OR REPLACE INTO receiver_availability (receiver, at, online) VALUES (?,?,?)",
                     (receiver, at, int(online)))

"""The archive of what was broadcast: the as-run record and the exact media each entry
played (`archive_media`, from the play log), kept for a retention period
(`Preferences.archive_months`, 12 by default), searchable by date and text, then cleaned up.

`search` finds entries by period and by text in the title, the item id, the receiver's or
the zone's name. `clean_up` deletes as-run rows, plans, play-log rows, archived media rows
and availability transitions of days before the cut-off (whole months back from `today`);
the reports of those months are then gone, which is what the retention means. The files
those rows named leave the media store unless something else still needs them
(studio.storage.media_sweep). Replaying a day: studio.reports.replay. Caller's
connection; blocking.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from studio.clock import VIETNAM
from studio.reports.entries import _SELECT, ENTRY_LIMIT, Entry
from studio.storage.media_store import MediaStore
from studio.storage.media_sweep import release


@dataclass(frozen=True)
class Cleaned:
    cutoff: date  # entries of days before it were removed
    asrun: int
    planned: int
    playlog: int
    availability: int
    media_files: int = 0  # files removed from the media store


def cutoff(today: date, months: int) -> date:
    """The first day kept: the same day `months` months back (the 1st when that is shorter)."""
    month = today.month - months
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    try:
        return date(year, month, today.day)
    except ValueError:
        return date(year, month + 1, 1) if month < 12 else date(year + 1, 1, 1)


def search(conn: sqlite3.Connection, first: date, last: date, text: str = "",
           limit: int = ENTRY_LIMIT) -> list[Entry]:
    like = f"%{text.strip()}%"
    rows = conn.execute(
        f"{_SELECT} WHERE a.local_day BETWEEN ? AND ? AND (? = '%%' OR a.title LIKE ? OR a.item LIKE ? "
        f"OR r.name LIKE ? OR z.name LIKE ?) ORDER BY a.scheduled, r.name LIMIT ?",
        (first.isoformat(), last.isoformat(), like, like, like, like, like, limit))
    return [Entry(*row) for row in rows]


def clean_up(conn: sqlite3.Connection, today: date, months: int, store: MediaStore | None = None) -> Cleaned:
    """Drop what is older than the retention; with `store`, the files only it kept go too."""
    first_kept = cutoff(today, months)
    day = first_kept.isoformat()
    instant = datetime.combine(first_kept, time(), VIETNAM).astimezone(UTC).isoformat(timespec="milliseconds")
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        playlog = conn.execute("DELETE FROM playlog WHERE (receiver, seq) IN "
                               "(SELECT receiver, seq FROM asrun WHERE local_day < ?)", (day,)).rowcount
        asrun = conn.execute("DELETE FROM asrun WHERE local_day < ?", (day,)).rowcount
        released = [row[0] for row in conn.execute(
            "SELECT DISTINCT sha256 FROM archive_media WHERE local_day < ?", (day,))]
        conn.execute("DELETE FROM archive_media WHERE local_day < ?", (day,))
        planned = conn.execute("DELETE FROM asrun_planned WHERE local_day < ?", (day,)).rowcount
        # keep each receiver's last state before the cut-off: availability after it stays known
        availability = conn.execute(
            "DELETE FROM receiver_availability WHERE at < ? AND at < (SELECT MAX(at) FROM receiver_availability k "
            "WHERE k.receiver = receiver_availability.receiver AND k.at < ?)", (instant, instant)).rowcount
    files = release(conn, store, released).files if store is not None and released else 0
    return Cleaned(first_kept, asrun, planned, playlog, availability, files)

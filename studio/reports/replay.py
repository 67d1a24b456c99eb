"""Replaying what a village heard on a day, from the archive (studio.reports.archive).

`heard(conn, day, zone=..., receiver=...)` lists what played there that day, in order:
for one receiver its own entries; for a zone one entry per broadcast (its loudspeakers
play the same items; the one that played it longest stands for the village, so an item
that reached only some loudspeakers still counts; one that played it through stands before
one that was cut). Each entry carries the exact files it
played (`archive_media`). `render(store, entries)` decodes the audible ones (played, or
interrupted: as far as it got) back to back, with `gap_s` of silence between them, and
`write_replay` writes that as a WAV file — what the CLI's `archive replay` and the
window's preview play.

Threads: the caller's connection; decoding is blocking and takes `cancel`. No Qt.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from studio.errors import ArchivedMediaMissing, Cancelled, NotFound, NothingToReplay
from studio.storage.media_store import MediaStore

AUDIBLE = ("played", "interrupted")
REPLAY_RATE = 48000


@dataclass(frozen=True)
class Heard:
    item: str
    title: str | None
    receiver: str
    zone: str
    scheduled: str | None  # UTC stamps
    started: str | None
    ended: str | None
    outcome: str
    played_s: float
    level_dbfs: float | None
    media: tuple[str, ...]
    receivers: int = 1  # loudspeakers of the zone that have an entry of this broadcast

    @property
    def audible(self) -> bool:
        return self.outcome in AUDIBLE and bool(self.media) and self.played_s > 0


@dataclass(frozen=True)
class Replay:
    path: Path
    items: int  # broadcasts in the file
    seconds: float


_SELECT = """SELECT a.item, a.title, r.name, COALESCE(z.name, ''), a.scheduled, a.started, a.ended, a.outcome,
                    a.played_s, a.level_dbfs, a.receiver, a.seq
             FROM asrun a JOIN receivers r ON r.id = a.receiver LEFT JOIN zones z ON z.id = a.zone_id"""


def _media(conn: sqlite3.Connection, receiver: int, seq: int) -> tuple[str, ...]:
    return tuple(row[0] for row in conn.execute(
        "SELECT sha256 FROM archive_media WHERE receiver = ? AND seq = ? ORDER BY position", (receiver, seq)))


def heard(conn: sqlite3.Connection, day: date, zone: str | None = None, receiver: str | None = None) -> list[Heard]:
    """What played on `day` (local) in a zone (by name) or on one receiver (name or id)."""
    if (zone is None) == (receiver is None):
        raise ValueError("give a zone or a receiver")
    if receiver is not None:
        row = conn.execute("SELECT id FROM receivers WHERE name = ? OR receiver_id = ? ORDER BY id LIMIT 1",
                           (receiver, receiver)).fetchone()
        if row is None:
            raise NotFound("receiver", receiver)
        rows = conn.execute(f"{_SELECT} WHERE a.receiver = ? AND a.local_day = ? "
                            "ORDER BY COALESCE(a.started, a.scheduled), a.seq", (row[0], day.isoformat())).fetchall()
        return [Heard(*r[:10], _media(conn, r[10], r[11])) for r in rows]
    row = conn.execute("SELECT id FROM zones WHERE name = ?", (zone,)).fetchone()
    if row is None:
        raise NotFound("zone", zone)
    rows = conn.execute(f"{_SELECT} WHERE a.zone_id = ? AND a.local_day = ? "
                        "ORDER BY a.item, a.outcome = 'played' DESC, a.played_s DESC, a.started, r.name",
                        (row[0], day.isoformat())).fetchall()
    best: dict[str, Heard] = {}
    count: dict[str, int] = {}
    for r in rows:
        count[r[0]] = count.get(r[0], 0) + 1
        if r[0] not in best:  # played through first, then the longest played
            best[r[0]] = Heard(*r[:10], _media(conn, r[10], r[11]))
    return sorted((Heard(**{**h.__dict__, "receivers": count[h.item]}) for h in best.values()),
                  key=lambda h: (h.started or h.scheduled or "", h.item))


def _decode(path: Path):
    import numpy as np

    from studio.audio.analysis import open_audio

    with open_audio(path) as f:
        samples = f.read(dtype="float32", always_2d=True)
        rate = f.samplerate
    if rate != REPLAY_RATE:
        from math import gcd

        from scipy.signal import resample_poly

        g = gcd(rate, REPLAY_RATE)
        samples = resample_poly(samples, REPLAY_RATE // g, rate // g, axis=0).astype(np.float32)
    return samples.mean(axis=1)  # a loudspeaker is one channel


def render(store: MediaStore, entries: list[Heard], gap_s: float = 1.0,
           cancel: threading.Event | None = None):
    """(mono float32 samples at REPLAY_RATE, broadcasts included) of the audible entries."""
    import numpy as np

    parts = []
    included = 0
    for entry in entries:
        if not entry.audible:
            continue
        pieces = []
        for sha in entry.media:
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            if not store.has(sha):
                raise ArchivedMediaMissing(sha, entry.item)
            pieces.append(_decode(store.path_for(sha)))
        audio = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
        if entry.outcome == "interrupted":  # heard as far as it got
            audio = audio[:int(round(entry.played_s * REPLAY_RATE))]
        if parts and gap_s > 0:
            parts.append(np.zeros(int(gap_s * REPLAY_RATE), np.float32))
        parts.append(audio)
        included += 1
    return (np.concatenate(parts) if parts else np.zeros(0, np.float32)), included


def write_replay(conn: sqlite3.Connection, store: MediaStore, day: date, out: Path, zone: str | None = None,
                 receiver: str | None = None, gap_s: float = 1.0, cancel: threading.Event | None = None) -> Replay:
    """Write what was heard on `day` as a WAV file (16-bit, mono, 48 kHz)."""
    return write_entries(store, heard(conn, day, zone, receiver), out,
                         f"zone {zone}" if zone is not None else f"receiver {receiver}", day, gap_s, cancel)


def write_entries(store: MediaStore, entries: list[Heard], out: Path, scope: str, day: date, gap_s: float = 1.0,
                  cancel: threading.Event | None = None) -> Replay:
    """Write these entries (of `scope` on `day`, for the error) as a WAV file."""
    from studio.storage.durable import atomic_writer

    samples, included = render(store, entries, gap_s, cancel)
    if not included:
        raise NothingToReplay(scope, day.isoformat())
    import soundfile as sf

    out = Path(out)
    with atomic_writer(out) as handle:
        sf.write(handle, samples, REPLAY_RATE, subtype="PCM_16", format="WAV")
    return Replay(out, included, len(samples) / REPLAY_RATE)

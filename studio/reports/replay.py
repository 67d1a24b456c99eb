"""Replaying what a village heard on a day, from the archive (studio.reports.archive).

`heard(conn, day, zone=..., receiver=...)` lists what played there that day, in order:
for one receiver its own entries; for a zone one entry per broadcast (its loudspeakers
play the same items; the one that played it longest stands for the village, so an item
that reached only some loudspeakers still counts; one that played it through stands before
one that was cut). Each entry carries the exact files it
played (`archive_media`). `write_replay` decodes the audible ones (played, or interrupted:
as far as it got) back to back, with `gap_s` of silence between them, into a WAV file, a
block at a time (a whole day in a few MB) — what the CLI's `archive replay` and the
window's preview play; `render` gives the same in memory.

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


BLOCK = 1 << 16  # frames decoded at a time: a day of replay is written in bounded memory


def _blocks(path: Path, limit: int | None, cancel: threading.Event | None):
    """Mono float32 blocks at REPLAY_RATE of one archived file, at most `limit` frames."""
    import numpy as np

    from studio.audio.analysis import open_audio

    left = limit
    with open_audio(path) as f:
        stream = None
        if f.samplerate != REPLAY_RATE:
            import soxr

            stream = soxr.ResampleStream(f.samplerate, REPLAY_RATE, 1, dtype="float32")
        while left is None or left > 0:
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            block = f.read(BLOCK, dtype="float32", always_2d=True)
            last = len(block) < BLOCK
            mono = np.ascontiguousarray(block.mean(axis=1), dtype=np.float32)  # a loudspeaker is one channel
            if stream is not None:
                mono = stream.resample_chunk(mono, last=last)
            if left is not None:
                mono = mono[:left]
                left -= len(mono)
            if len(mono):
                yield mono
            if last:
                return


def _pieces(store: MediaStore, entries: list[Heard], gap_s: float, cancel: threading.Event | None):
    """Blocks of the audible entries back to back, with `gap_s` of silence between them;
    every archived file is checked to be there before anything is decoded."""
    import numpy as np

    audible = [e for e in entries if e.audible]
    for entry in audible:
        for sha in entry.media:
            if not store.has(sha):
                raise ArchivedMediaMissing(sha, entry.item)
    for index, entry in enumerate(audible):
        if index and gap_s > 0:
            yield np.zeros(int(gap_s * REPLAY_RATE), np.float32)
        # interrupted: heard as far as it got
        left = int(round(entry.played_s * REPLAY_RATE)) if entry.outcome == "interrupted" else None
        for sha in entry.media:
            for block in _blocks(store.path_for(sha), left, cancel):
                if left is not None:
                    left -= len(block)
                yield block
            if left is not None and left <= 0:
                break


def render(store: MediaStore, entries: list[Heard], gap_s: float = 1.0,
           cancel: threading.Event | None = None):
    """(mono float32 samples at REPLAY_RATE, broadcasts included) of the audible entries, in
    memory (for short excerpts; `write_entries` streams a whole day to a file)."""
    import numpy as np

    blocks = list(_pieces(store, entries, gap_s, cancel))
    return ((np.concatenate(blocks) if blocks else np.zeros(0, np.float32)),
            sum(1 for e in entries if e.audible))


def write_replay(conn: sqlite3.Connection, store: MediaStore, day: date, out: Path, zone: str | None = None,
                 receiver: str | None = None, gap_s: float = 1.0, cancel: threading.Event | None = None) -> Replay:
    """Write what was heard on `day` as a WAV file (16-bit, mono, 48 kHz)."""
    return write_entries(store, heard(conn, day, zone, receiver), out,
                         f"zone {zone}" if zone is not None else f"receiver {receiver}", day, gap_s, cancel)


def write_entries(store: MediaStore, entries: list[Heard], out: Path, scope: str, day: date, gap_s: float = 1.0,
                  cancel: threading.Event | None = None) -> Replay:
    """Write these entries (of `scope` on `day`, for the error) as a WAV file."""
    from studio.storage.durable import atomic_writer

    included = sum(1 for e in entries if e.audible)
    if not included:
        raise NothingToReplay(scope, day.isoformat())
    import soundfile as sf

    out = Path(out)
    frames = 0
    with atomic_writer(out) as handle:
        with sf.SoundFile(handle, "w", REPLAY_RATE, 1, subtype="PCM_16", format="WAV") as wav:
            for block in _pieces(store, entries, gap_s, cancel):
                wav.write(block)
                frames += len(block)
    return Replay(out, included, frames / REPLAY_RATE)

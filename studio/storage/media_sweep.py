"""Removing media nothing needs any more from the content-addressed store.

What keeps a file (`media_in_use`): a clip's original (the trash too: it can be restored),
a programme's approved render, a receiver's current manifest (its newest delivered one, and
any still pending), an emergency that may still be sent, and the archive of what was
broadcast (`archive_media`, kept for `Preferences.archive_months`). Everything else in the store is a
cache (renders and wire files, made again when asked): `sweep` removes it, with its
`renders` rows, so the library clean-up never takes a file the archive still needs. The
archive's retention clean-up calls `release` with the files of the days it dropped: each
goes unless something above still names it.

A file younger than `min_age_s` is left alone: a render adopted into the store a moment
ago gets its `renders` row just after. The caller's connection (its thread); blocking.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass

from studio.library import now_utc
from studio.storage.media_store import MediaStore

log = logging.getLogger(__name__)

_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Swept:
    files: int
    bytes: int


def media_in_use(conn: sqlite3.Connection, now: str | None = None) -> set[str]:
    """Every sha256 something other than a cache still needs."""
    used = {row[0] for row in conn.execute("SELECT source_sha256 FROM clips")}
    for (audio,) in conn.execute("SELECT audio_json FROM programmes WHERE audio_json IS NOT NULL"):
        used.update(v for v in json.loads(audio).values() if isinstance(v, str))
    for (media,) in conn.execute(  # what each receiver holds now, and what waits to go to it
            "SELECT media_json FROM deliveries d WHERE state = 'pending' OR (state = 'delivered' AND version = "
            "(SELECT MAX(version) FROM deliveries k WHERE k.receiver = d.receiver AND k.state = 'delivered'))"):
        used.update(json.loads(media))
    used.update(row[0] for row in conn.execute(
        "SELECT media_sha256 FROM emergencies e WHERE valid_until > ? OR EXISTS (SELECT 1 FROM emergency_targets t "
        "WHERE t.emergency_id = e.id AND t.state = 'pending')", (now or now_utc(),)))
    used.update(row[0] for row in conn.execute("SELECT DISTINCT sha256 FROM archive_media"))
    return used


def _remove(conn: sqlite3.Connection, store: MediaStore, shas: Iterable[str]) -> Swept:
    files = size = 0
    for sha in shas:
        path = store.path_for(sha)
        try:
            size += path.stat().st_size
        except FileNotFoundError:
            continue
        store.remove(sha)
        conn.execute("DELETE FROM renders WHERE output_sha256 = ?", (sha,))
        files += 1
    return Swept(files, size)


def release(conn: sqlite3.Connection, store: MediaStore, shas: Iterable[str]) -> Swept:
    """Remove these files unless something still needs them (after the archive let go)."""
    used = media_in_use(conn)
    swept = _remove(conn, store, sorted(set(shas) - used))
    log.info("released %d archived media files (%d bytes)", swept.files, swept.bytes)
    return swept


def sweep(conn: sqlite3.Connection, store: MediaStore, min_age_s: float = 3600.0) -> Swept:
    """The library clean-up: remove every stored file nothing needs (see the module doc)."""
    used = media_in_use(conn)
    young = time.time() - min_age_s
    candidates = []
    if store.root.is_dir():
        for folder in sorted(store.root.iterdir()):
            if not folder.is_dir() or len(folder.name) != 2:
                continue  # "incoming" is the staging area (MediaStore.sweep_incoming)
            for blob in folder.iterdir():
                if _HEX64.fullmatch(blob.name) and blob.name not in used and blob.stat().st_mtime < young:
                    candidates.append(blob.name)
    swept = _remove(conn, store, candidates)
    log.info("media clean-up: removed %d files (%d bytes), %d kept", swept.files, swept.bytes, len(used))
    return swept

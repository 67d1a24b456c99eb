"""The render cache: a rendered or encoded file, made once per cache key.

Clip renders, programme renders and the wire's Opus files all go through here. The key
is computed by the caller from what determines the output (source hash, edit list,
settings, format, versions), so a hit is one row lookup. The file is written under
`media/incoming/`, adopted into the content-addressed media store (its name becomes its
sha256) and only then recorded in the `renders` table; a crash in between leaves a
staging file the next start sweeps, never a row pointing at nothing. A row whose blob
has gone (the store was cleaned) counts as a miss.

Threading: one `RenderCache` per connection, i.e. per thread. Two threads making the
same key both end with the same, complete blob (the store's adopt is idempotent).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from studio.clock import Clock
from studio.storage.media_store import MediaStore


@dataclass(frozen=True)
class Measured:
    """What the maker of a file measured while making it."""

    duration_s: float
    loudness_lufs: float | None = None
    true_peak_dbtp: float | None = None


@dataclass(frozen=True)
class RenderResult:
    output_sha256: str
    loudness_lufs: float | None
    true_peak_dbtp: float | None
    duration_s: float
    cached: bool
    media_path: Path


class RenderCache:
    def __init__(self, conn: sqlite3.Connection, store: MediaStore, clock: Clock | None = None) -> None:
        self.conn = conn
        self.store = store
        self.clock = clock or Clock()

    def get(self, key: str) -> RenderResult | None:
        row = self.conn.execute("SELECT * FROM renders WHERE cache_key = ?", (key,)).fetchone()
        if row is None or not self.store.has(row["output_sha256"]):
            return None
        return RenderResult(row["output_sha256"], row["loudness_lufs"], row["true_peak_dbtp"], row["duration_s"],
                            True, self.store.path_for(row["output_sha256"]))

    def get_or_make(self, key: str, container: str, make: Callable[[Path], Measured],
                    label: str = "render") -> RenderResult:
        """The cached file for `key`, or `make(staging_path)` writes it (and says what it
        measured) and it is stored. `container` is the file's extension and format name."""
        hit = self.get(key)
        if hit is not None:
            return hit
        staging = self.store.root / "incoming" / f"{label}-{os.getpid()}-{key[:16]}.{container}"
        staging.parent.mkdir(parents=True, exist_ok=True)
        try:
            measured = make(staging)
            sha, _ = self.store.adopt(staging)
        finally:
            staging.unlink(missing_ok=True)
        self.conn.execute(
            """INSERT OR REPLACE INTO renders (cache_key, output_sha256, container, loudness_lufs,
                   true_peak_dbtp, duration_s, created_at) VALUES (?,?,?,?,?,?,?)""",
            (key, sha, container, measured.loudness_lufs, measured.true_peak_dbtp, measured.duration_s,
             self.clock.stamp()))
        return RenderResult(sha, measured.loudness_lufs, measured.true_peak_dbtp, measured.duration_s, False,
                            self.store.path_for(sha))

"""The clip library: import audio files, keep their originals, edit lists and history.

An import inspects and decodes the whole file before anything is written; then the
original is copied unchanged into the content-addressed store, its peak pyramid cached,
and one database transaction records the clip. A failure at any step leaves nothing
behind. Edits are versions of an `EditList`; `edit_version` points at the current one,
so undo/redo move the pointer and a new edit after an undo drops the redo branch.
Owned by one thread (it holds a SQLite connection); open another library per thread.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from studio.audio.edits import EditList
from studio.clock import Clock
from studio.errors import ClipNotFound, NothingToUndo
from studio.languages import Language, normalise
from studio.paths import StudioPaths
from studio.storage.media_store import MediaStore

if TYPE_CHECKING:
    from studio.audio.peaks import PeakPyramid

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportLimits:
    max_bytes: int = 4 << 30
    max_seconds: float = 6 * 3600.0


@dataclass(frozen=True)
class Clip:
    id: int
    title: str
    source_sha256: str
    source_name: str
    format: str
    subtype: str
    sample_rate: int
    channels: int
    frames: int
    loudness_lufs: float | None
    sample_peak_dbfs: float | None
    true_peak_dbtp: float | None
    language: str
    created_at: str
    deleted_at: str | None
    edit_version: int
    markers: tuple[float, ...] = ()  # seconds, set while recording
    speech_json: str | None = None  # a synthesised clip: its SpeechSource (text, voice, settings)

    @property
    def duration_s(self) -> float:
        return self.frames / self.sample_rate

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Clip:
        values = {key: row[key] for key in row.keys() if key != "markers_json"}
        if "markers_json" in row.keys():
            values["markers"] = tuple(float(m) for m in json.loads(row["markers_json"]))
        values["language"] = normalise(values.get("language"))  # older codes ("bdq") read as today's
        return cls(**values)


@dataclass(frozen=True)
class ImportResult:
    clip: Clip
    duplicate: bool  # the same audio (by content) was already in the library
    picture_dropped: bool = False  # a video file: its sound became the clip, the picture was left out


def now_utc() -> str:
    return Clock().stamp()


class ClipLibrary:
    def __init__(
        self, paths: StudioPaths, conn: sqlite3.Connection, limits: ImportLimits = ImportLimits(),
        store: MediaStore | None = None, clock: Clock | None = None,
    ) -> None:
        self.paths = paths
        self.conn = conn
        self.clock = clock or Clock()  # the studio's one clock, from StudioContext
        self.store = store or MediaStore(paths.media_dir)
        self.limits = limits

    # -- import -------------------------------------------------------------------------
    def import_file(
        self,
        path: Path,
        title: str | None = None,
        language: str = Language.VIETNAMESE.code,
        progress: Callable[[int, int], None] | None = None,
        cancel: threading.Event | None = None,
        speech_json: str | None = None,
    ) -> ImportResult:
        # Decoding modules load on first use (numpy/scipy/soundfile take ~1 s to import).
        from studio.audio import analysis, formats

        path = Path(path)
        inspection = formats.inspect(path, self.limits.max_bytes)
        result = analysis.analyse(path, inspection, self.limits.max_seconds, progress, cancel)
        sha, created = self.store.put_file(path)
        try:
            existing = self.conn.execute(
                "SELECT * FROM clips WHERE source_sha256 = ? AND deleted_at IS NULL ORDER BY id LIMIT 1",
                (sha,),
            ).fetchone()
            if existing is not None:
                return ImportResult(Clip.from_row(existing), duplicate=True, picture_dropped=result.picture_dropped)
            peaks_path = self.peaks_path(sha)
            if not peaks_path.exists():
                result.peaks.save(peaks_path)
            cur = self.conn.execute(
                """INSERT INTO clips (title, source_sha256, source_name, format, subtype,
                       sample_rate, channels, frames, loudness_lufs, sample_peak_dbfs,
                       true_peak_dbtp, language, created_at, speech_json)
                   VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                (
                    title or path.stem, sha, path.name, result.container.value, result.subtype,
                    result.sample_rate, result.channels, result.frames, result.loudness_lufs,
                    _finite(result.sample_peak_dbfs), _finite(result.true_peak_dbtp), normalise(language), self.clock.stamp(),
                    speech_json,
                ),
            )
        except BaseException:
            if created:
                self.store.remove(sha)
            raise
        log.info("imported %s as clip %d (%s)", path, cur.lastrowid, sha[:12])
        return ImportResult(self.get(cur.lastrowid), duplicate=False, picture_dropped=result.picture_dropped)

    def peaks_path(self, sha256: str) -> Path:
        return self.paths.peaks_dir / f"{sha256}.peaks"

    def peaks(self, clip_id: int) -> PeakPyramid:
        from studio.audio.peaks import PeakPyramid, build_peaks

        clip = self.get(clip_id)
        path = self.peaks_path(clip.source_sha256)
        if not path.exists():  # cache lost: rebuild from the original
            build_peaks(self.store.path_for(clip.source_sha256)).save(path)
        return PeakPyramid.load(path)

    def source_path(self, clip: Clip) -> Path:
        return self.store.path_for(clip.source_sha256)

    # -- queries ------------------------------------------------------------------------
    def get(self, clip_id: int, include_deleted: bool = False) -> Clip:
        row = self.conn.execute("SELECT * FROM clips WHERE id = ?", (clip_id,)).fetchone()
        if row is None or (row["deleted_at"] is not None and not include_deleted):
            raise ClipNotFound(clip_id)
        return Clip.from_row(row)

    def clips(self, search: str | None = None, trash: bool = False) -> list[Clip]:
        sql = "SELECT * FROM clips WHERE deleted_at IS " + ("NOT NULL" if trash else "NULL")
        args: tuple = ()
        if search:
            sql += " AND (title LIKE ? OR source_name LIKE ?)"
            args = (f"%{search}%", f"%{search}%")
        return [Clip.from_row(r) for r in self.conn.execute(sql + " ORDER BY id", args)]

    # -- titles and trash ---------------------------------------------------------------
    def rename(self, clip_id: int, title: str) -> Clip:
        self.get(clip_id)
        self.conn.execute("UPDATE clips SET title = ? WHERE id = ?", (title, clip_id))
        return self.get(clip_id)

    def set_markers(self, clip_id: int, markers: list[float]) -> Clip:
        clip = self.get(clip_id)
        kept = sorted(float(m) for m in markers if 0.0 <= float(m) <= clip.duration_s)
        self.conn.execute("UPDATE clips SET markers_json = ? WHERE id = ?", (json.dumps(kept), clip_id))
        return self.get(clip_id)

    def delete(self, clip_id: int) -> None:
        """Move to the trash; the original and its history stay until the trash is emptied."""
        self.get(clip_id)
        self.conn.execute("UPDATE clips SET deleted_at = ? WHERE id = ?", (self.clock.stamp(), clip_id))

    def restore(self, clip_id: int) -> Clip:
        self.get(clip_id, include_deleted=True)
        self.conn.execute("UPDATE clips SET deleted_at = NULL WHERE id = ?", (clip_id,))
        return self.get(clip_id)

    # -- edits --------------------------------------------------------------------------
    def edits(self, clip_id: int) -> EditList:
        clip = self.get(clip_id)
        if clip.edit_version == 0:
            return EditList()
        row = self.conn.execute(
            "SELECT edits_json FROM clip_edits WHERE clip_id = ? AND version = ?",
            (clip_id, clip.edit_version),
        ).fetchone()
        return EditList.from_json(row["edits_json"])

    def set_edits(self, clip_id: int, edits: EditList) -> int:
        """Store `edits` as the clip's new current version; returns the version number."""
        clip = self.get(clip_id)
        edits.validate(clip.duration_s, clip_id)
        version = clip.edit_version + 1
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute(
                "DELETE FROM clip_edits WHERE clip_id = ? AND version >= ?", (clip_id, version)
            )
            self.conn.execute(
                "INSERT INTO clip_edits (clip_id, version, edits_json, created_at) VALUES (?,?,?,?)",
                (clip_id, version, edits.to_json(), self.clock.stamp()),
            )
            self.conn.execute("UPDATE clips SET edit_version = ? WHERE id = ?", (version, clip_id))
        return version

    def undo(self, clip_id: int) -> EditList:
        clip = self.get(clip_id)
        if clip.edit_version == 0:
            raise NothingToUndo(clip_id, "undo")
        self.conn.execute("UPDATE clips SET edit_version = ? WHERE id = ?", (clip.edit_version - 1, clip_id))
        return self.edits(clip_id)

    def redo(self, clip_id: int) -> EditList:
        clip = self.get(clip_id)
        row = self.conn.execute(
            "SELECT 1 FROM clip_edits WHERE clip_id = ? AND version = ?", (clip_id, clip.edit_version + 1)
        ).fetchone()
        if row is None:
            raise NothingToUndo(clip_id, "redo")
        self.conn.execute("UPDATE clips SET edit_version = ? WHERE id = ?", (clip.edit_version + 1, clip_id))
        return self.edits(clip_id)


def _finite(value: float) -> float | None:
    return value if value != float("-inf") else None

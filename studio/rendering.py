"""Rendering clips for broadcast, with a content-addressed cache.

The cache key is the sha256 of (source hash, edit list, render settings, output format,
mastering version), so it is known without decoding anything: a repeated render is a
database lookup and a file copy. Rendered files live in the media store like any other
media, addressed by their own hash (the publish step reuses that hash). One thread.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from collections.abc import Callable

from studio.audio.settings import OutputFormat, RenderSettings
from studio.storage.durable import atomic_copy
from studio.library import ClipLibrary, now_utc

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RenderResult:
    output_sha256: str
    loudness_lufs: float | None
    true_peak_dbtp: float | None
    duration_s: float
    cached: bool
    media_path: Path


def cache_key(source_sha256: str, edits_json: str, settings: RenderSettings, fmt: OutputFormat) -> str:
    material = json.dumps(
        {"source": source_sha256, "edits": json.loads(edits_json), "settings": settings.cache_fields(), "format": fmt.value},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(material.encode()).hexdigest()


class Renderer:
    def __init__(self, library: ClipLibrary) -> None:
        self.library = library
        self.conn = library.conn
        self.store = library.store

    def render_clip(
        self,
        clip_id: int,
        fmt: OutputFormat,
        settings: RenderSettings = RenderSettings(),
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> RenderResult:
        clip = self.library.get(clip_id)
        edits = self.library.edits(clip_id)
        key = cache_key(clip.source_sha256, edits.to_json(), settings, fmt)
        row = self.conn.execute("SELECT * FROM renders WHERE cache_key = ?", (key,)).fetchone()
        if row is not None and self.store.has(row["output_sha256"]):
            return RenderResult(
                row["output_sha256"], row["loudness_lufs"], row["true_peak_dbtp"], row["duration_s"],
                True, self.store.path_for(row["output_sha256"]),
            )
        # Imported here, on a cache miss only: numpy/scipy/PyAV take ~1 s to load.
        from studio.audio import analysis
        from studio.audio import edits as edit_ops
        from studio.audio.mastering import prepare, render_to_file

        samples, sr = analysis.read_all(self.library.source_path(clip))
        edited = edit_ops.apply(samples, sr, edits, clip_id)
        del samples
        mono = prepare(edited, sr, settings)
        del edited
        staging = self.store.root / "incoming" / f"render-{os.getpid()}-{key[:16]}.{fmt.value}"
        try:
            mastered = render_to_file(mono, settings, staging, fmt, clip_id, progress, cancel)
            sha, _ = self.store.adopt(staging)
        finally:
            staging.unlink(missing_ok=True)
        self.conn.execute(
            """INSERT OR REPLACE INTO renders (cache_key, output_sha256, container, loudness_lufs,
                   true_peak_dbtp, duration_s, created_at) VALUES (?,?,?,?,?,?,?)""",
            (key, sha, fmt.value, mastered.loudness_lufs, mastered.true_peak_dbtp, mastered.duration_s, now_utc()),
        )
        log.info(
            "rendered clip %d to %s: %.2f LUFS, %.2f dBTP, gain %.1f dB, limiter max %.1f dB",
            clip_id, fmt.value, mastered.loudness_lufs, mastered.true_peak_dbtp, mastered.gain_db,
            mastered.max_reduction_db,
        )
        return RenderResult(
            sha, mastered.loudness_lufs, mastered.true_peak_dbtp, mastered.duration_s, False, self.store.path_for(sha)
        )

    def render_clip_to(
        self,
        clip_id: int,
        out: Path,
        settings: RenderSettings = RenderSettings(),
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> RenderResult:
        fmt = OutputFormat.for_path(out)
        result = self.render_clip(clip_id, fmt, settings, progress, cancel)
        atomic_copy(result.media_path, Path(out))
        return result

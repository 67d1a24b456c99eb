"""Rendering clips for broadcast, with a content-addressed cache.

The cache key is the sha256 of (source hash, edit list, render settings, output format,
mastering version), so it is known without decoding anything: a repeated render is a
database lookup and a file copy (`studio/storage/render_cache.py`). Rendered files live in
the media store like any other media, addressed by their own hash (the publish step reuses
that hash). One thread.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from studio.audio.settings import OutputFormat, RenderSettings
from studio.library import ClipLibrary
from studio.storage.durable import atomic_copy
from studio.storage.render_cache import Measured, RenderCache, RenderResult

__all__ = ["RenderResult", "Renderer", "cache_key"]

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


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
        self.cache = RenderCache(library.conn, library.store)

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

        def make(staging: Path) -> Measured:
            # Imported here, on a cache miss only: numpy/scipy/PyAV take ~1 s to load.
            from studio.audio import analysis
            from studio.audio import edits as edit_ops
            from studio.audio.mastering import prepare, render_to_file
            from studio.audio.memory import small_pages

            small_pages()
            samples, sr = analysis.read_all(self.library.source_path(clip))
            edited = edit_ops.apply(samples, sr, edits, clip_id, overwrite=True)
            del samples
            mono = prepare(edited, sr, settings, overwrite=True)
            del edited
            mastered = render_to_file(mono, settings, staging, fmt, clip_id, progress, cancel)
            log.info(
                "rendered clip %d to %s: %.2f LUFS, %.2f dBTP, gain %.1f dB, limiter max %.1f dB",
                clip_id, fmt.value, mastered.loudness_lufs, mastered.true_peak_dbtp, mastered.gain_db,
                mastered.max_reduction_db,
            )
            return Measured(mastered.duration_s, mastered.loudness_lufs, mastered.true_peak_dbtp)

        return self.cache.get_or_make(key, fmt.value, make)

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

"""A programme's audio, one file per language: items rendered for broadcast, joined with
their gaps and crossfades, intro and outro jingles, a music bed ducked under speech, then
mastered once more (loudness target, true-peak limit) as a whole.

Cached like clip renders (the one `RenderCache`), by (programme content hash, language): a programme submitted
and then approved is rendered once. The result is a WAV in the media store, addressed by
its sha256 — the hash the approval is bound to. Blocking; run it in a worker thread.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable

import numpy as np
import soundfile as sf

from studio.audio.settings import OutputFormat, RenderSettings
from studio.errors import Cancelled
from studio.library import ClipLibrary
from studio.programmes.model import INTRO_GAP, Item, Programme, Spec
from studio.programmes.workflow import Programmes
from studio.rendering import Renderer
from studio.resources import jingle_path
from studio.storage.render_cache import Measured, RenderCache, RenderResult

log = logging.getLogger(__name__)

DUCK_ATTACK_S = 0.03
DUCK_RELEASE_S = 0.5
SPEECH_THRESHOLD_DBFS = -40.0


def _read(path, sample_rate: int) -> np.ndarray:
    audio, rate = sf.read(str(path), dtype="float32", always_2d=True)
    mono = audio.mean(axis=1)
    if rate != sample_rate:
        import soxr

        mono = soxr.resample(mono, rate, sample_rate).astype(np.float32)
    return mono


def _equal_power(n: int) -> tuple[np.ndarray, np.ndarray]:
    t = (np.arange(n) + 0.5) / max(n, 1)
    return np.cos(t * np.pi / 2).astype(np.float32), np.sin(t * np.pi / 2).astype(np.float32)


def assemble(pieces: list[tuple[np.ndarray, Item]], sample_rate: int) -> np.ndarray:
    """Join items: a gap of silence after each, or a crossfade into the next."""
    out = np.zeros(0, dtype=np.float32)
    for index, (audio, item) in enumerate(pieces):
        if index > 0 and item.crossfade > 0:
            n = min(int(item.crossfade * sample_rate), len(out), len(audio))
            fade_out, fade_in = _equal_power(n)
            head = out[len(out) - n:] * fade_out + audio[:n] * fade_in
            out = np.concatenate((out[: len(out) - n], head, audio[n:]))
        else:
            out = np.concatenate((out, audio))
        if index < len(pieces) - 1 and pieces[index + 1][1].crossfade <= 0:
            out = np.concatenate((out, np.zeros(int(item.gap_after * sample_rate), dtype=np.float32)))
    return out


def duck(programme: np.ndarray, bed: np.ndarray, sample_rate: int, level_db: float, duck_db: float) -> np.ndarray:
    """Loop `bed` under `programme` at `level_db`, pulled down by `duck_db` while there is
    speech (an envelope follower with a fast attack and a slow release)."""
    if bed.size == 0:
        return programme
    looped = np.resize(bed, programme.size)
    block = max(1, int(0.01 * sample_rate))
    frames = programme.size // block + 1
    padded = np.zeros(frames * block, dtype=np.float32)
    padded[: programme.size] = np.abs(programme)
    level = padded.reshape(frames, block).max(axis=1)
    speaking = (level > 10 ** (SPEECH_THRESHOLD_DBFS / 20)).astype(np.float32)
    attack, release = np.exp(-0.01 / DUCK_ATTACK_S), np.exp(-0.01 / DUCK_RELEASE_S)
    envelope = np.empty_like(speaking)
    value = 0.0
    for i, target in enumerate(speaking):
        coefficient = attack if target > value else release
        value = target + (value - target) * coefficient
        envelope[i] = value
    gain_db = level_db - duck_db * np.repeat(envelope, block)[: programme.size]
    return programme + looped * (10 ** (gain_db / 20)).astype(np.float32)


def render_programme(
    programmes: Programmes, programme: Programme, language: str, settings: RenderSettings = RenderSettings(),
    progress: Callable[[int, int], None] | None = None, cancel: threading.Event | None = None,
) -> RenderResult:
    library: ClipLibrary = programmes.library
    spec: Spec = programme.spec
    content = programmes.content_hash(spec, settings.cache_fields())
    key = hashlib.sha256(f"programme:{content}:{language}".encode()).hexdigest()
    cache = RenderCache(library.conn, library.store)
    hit = cache.get(key)
    if hit is not None:
        return hit
    renderer = Renderer(library)
    rate = settings.sample_rate

    def audio_of(item: Item) -> np.ndarray:
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        if item.jingle is not None:
            return _read(jingle_path(item.jingle), rate)
        return _read(renderer.render_clip(item.clip_for(language), OutputFormat.WAV, settings).media_path, rate)

    def make(staging) -> Measured:
        from studio.audio.mastering import render_to_file
        from studio.audio.memory import small_pages

        small_pages()
        pieces = []
        items = spec.rendered_items()  # a stream is relayed by the receiver: only its backup is rendered
        for done, item in enumerate(items):
            pieces.append((audio_of(item), item))
            if progress:
                progress(done + 1, len(items) + 2)
        body = assemble(pieces, rate)
        gap = np.zeros(int(INTRO_GAP * rate), dtype=np.float32)
        if spec.intro:
            body = np.concatenate((_read(jingle_path(spec.intro), rate), gap, body))
        if spec.outro:
            body = np.concatenate((body, gap, _read(jingle_path(spec.outro), rate)))
        if spec.bed is not None:
            body = duck(body, audio_of(spec.bed), rate, spec.bed_level_db, spec.duck_db)
        mastered = render_to_file(body, settings, staging, OutputFormat.WAV, None, None, cancel)
        log.info("rendered programme %d (%s): %.1f s, %.2f LUFS", programme.id, language, mastered.duration_s,
                 mastered.loudness_lufs)
        return Measured(mastered.duration_s, mastered.loudness_lufs, mastered.true_peak_dbtp)

    result = cache.get_or_make(key, OutputFormat.WAV.value, make, label="programme")
    if progress:
        progress(len(spec.items) + 2, len(spec.items) + 2)
    return result


def render_all(programmes: Programmes, settings: RenderSettings = RenderSettings(),
               cancel: threading.Event | None = None) -> Callable[[Programme], dict[str, str]]:
    """The `render` callback of submit/approve: every language version's audio hash."""
    def render(programme: Programme) -> dict[str, str]:
        return {lang: render_programme(programmes, programme, lang, settings, cancel=cancel).output_sha256
                for lang in programme.spec.languages()}

    return render

"""Speech jobs that wait for a domestic platform to be reachable again (the outbox idea
applied to text to speech).

`speak_or_queue` asks the provider; when it cannot be reached at all (`ProviderOffline`:
connection refused, DNS failure, no route) the job (text, voice, rate, volume, reading
style, title, language) is written to the `speech_jobs` table in the studio database, and
the local engine makes the same bulletin meanwhile so the officer can listen and use it
at once. `deliver_queued` later makes every queued job through its provider, in order,
and records the clip it made; it stops at the first job whose provider is still offline
(the next ones would fail the same way) and keeps a job whose key was refused or whose
quota is used up queued with that error, since the officer can fix both. One delivery at
a time per data folder (a file lock): the window's timer and `tts queue run` never make the
same job twice.

Threading: blocking (network, disk, SQLite); a worker thread with its own connection.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from studio.clock import Clock
from studio.errors import (
    ProviderAuthFailed,
    ProviderOffline,
    ProviderQuotaExceeded,
    ProviderRateLimited,
    StudioError,
)
from studio.languages import Language
from studio.library import ClipLibrary
from studio.storage.durable import FileLock
from studio.tts.bulletin import make_bulletin
from studio.tts.engines import SpeechSettings
from studio.tts.synthesis import Synthesizer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SpeechJob:
    id: int
    engine: str
    voice: str
    rate: int
    volume: float
    region: str
    language: str
    title: str | None
    text: str
    state: str
    preview_clip: int | None
    clip: int | None
    attempts: int
    last_error: str | None

    @property
    def settings(self) -> SpeechSettings:
        return SpeechSettings(self.voice, self.rate, self.volume)


@dataclass(frozen=True)
class SpokenBulletin:
    clip_id: int  # the clip to use now: the provider's, or the local engine's meanwhile
    queued_job: int | None = None  # set when the provider was offline
    offline: ProviderOffline | None = None  # why it was queued


class FallbackSynthesizer:
    """For previews (Nghe thử): the provider's synthesiser, or the local one (its default
    voice) while the provider cannot be reached. Same `synthesize` as `Synthesizer`."""

    def __init__(self, primary: Synthesizer, fallback: Synthesizer | None) -> None:
        self.primary = primary
        self.fallback = fallback
        self.engine = primary.engine
        self.normalizer = primary.normalizer

    def voice_id(self, settings: SpeechSettings) -> str:
        return self.primary.voice_id(settings)

    def synthesize(self, text: str, settings: SpeechSettings, out_path, **kwargs):
        try:
            return self.primary.synthesize(text, settings, out_path, **kwargs)
        except ProviderOffline as exc:
            if self.fallback is None:
                raise
            log.info("%s; previewing with the local engine", exc)
            return self.fallback.synthesize(text, replace(settings, voice=""), out_path, **kwargs)


@dataclass
class QueueReport:
    delivered: list[tuple[int, int]] = field(default_factory=list)  # (job id, clip id)
    still_offline: bool = False
    busy: bool = False  # another delivery (the window, the CLI) holds the queue
    held: list[tuple[int, str]] = field(default_factory=list)  # (job id, error) kept queued
    failed: list[tuple[int, str]] = field(default_factory=list)  # (job id, error) given up


def speak_or_queue(library: ClipLibrary, cloud: Synthesizer, local: Synthesizer | None, text: str,
                   settings: SpeechSettings, title: str | None = None,
                   language: str = Language.VIETNAMESE.code, cancel: threading.Event | None = None,
                   progress: Callable[[int, int], None] | None = None,
                   convert_legacy: bool = True) -> SpokenBulletin:
    """The bulletin through the provider, or (offline) queued with a local-engine clip.
    `convert_legacy`: the officer's choice on a text that looks VNI/TCVN3-encoded; the queued
    job keeps the text as it is to be read (converted or not), so the choice holds later."""
    try:
        return SpokenBulletin(make_bulletin(library, cloud, text, settings, title=title, language=language,
                                            cancel=cancel, progress=progress, convert_legacy=convert_legacy).clip.id)
    except ProviderOffline as exc:
        log.warning("%s; queueing the bulletin and speaking it with the local engine meanwhile", exc)
        readable = cloud.normalizer.normalize(text, convert_legacy=convert_legacy).source
        job = enqueue(library.conn, library.clock, cloud.engine.id, settings, cloud.normalizer.style.region.value,
                      language, title, readable, str(exc))
        if local is None:
            raise
        preview = make_bulletin(library, local, readable, replace(settings, voice=""), title=title,
                                language=language, cancel=cancel, progress=progress, convert_legacy=False)
        with library.conn:
            library.conn.execute("UPDATE speech_jobs SET preview_clip = ? WHERE id = ?", (preview.clip.id, job))
        return SpokenBulletin(preview.clip.id, job, exc)


def enqueue(conn: sqlite3.Connection, clock: Clock, engine: str, settings: SpeechSettings, region: str,
            language: str, title: str | None, text: str, error: str = "") -> int:
    with conn:
        cursor = conn.execute(
            "INSERT INTO speech_jobs (engine, voice, rate, volume, region, language, title, text, attempts,"
            " last_error, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
            (engine, settings.voice, settings.rate, settings.volume, region, language, title, text, error or None,
             clock.stamp()))
    return int(cursor.lastrowid)


def jobs(conn: sqlite3.Connection, state: str | None = "queued") -> list[SpeechJob]:
    sql = ("SELECT id, engine, voice, rate, volume, region, language, title, text, state, preview_clip, clip,"
           " attempts, last_error FROM speech_jobs")
    rows = conn.execute(sql + (" WHERE state = ?" if state else "") + " ORDER BY id", (state,) if state else ())
    return [SpeechJob(*row) for row in rows]


def deliver_queued(library: ClipLibrary, synthesizer_for: Callable[[SpeechJob], Synthesizer],
                   cancel: threading.Event | None = None) -> QueueReport:
    """Make the queued jobs through their providers, oldest first."""
    library.paths.data_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(library.paths.data_dir / ".speech-queue.lock")
    try:
        if not lock.try_acquire():
            return QueueReport(busy=True)
        return _deliver(library, synthesizer_for, cancel)
    finally:
        lock.release()


def _deliver(library: ClipLibrary, synthesizer_for: Callable[[SpeechJob], Synthesizer],
             cancel: threading.Event | None) -> QueueReport:
    report = QueueReport()
    conn = library.conn
    offline: set[str] = set()  # engines found unreachable in this pass: their other jobs wait
    for job in jobs(conn):
        if cancel is not None and cancel.is_set():
            break
        if job.engine in offline:
            continue
        try:
            result = make_bulletin(library, synthesizer_for(job), job.text, job.settings, title=job.title,
                                   language=job.language, cancel=cancel, convert_legacy=False)
        except ProviderOffline as exc:
            _attempt(conn, job.id, str(exc))
            report.still_offline = True
            offline.add(job.engine)
            continue
        except (ProviderAuthFailed, ProviderQuotaExceeded, ProviderRateLimited) as exc:
            _attempt(conn, job.id, str(exc))
            report.held.append((job.id, str(exc)))
            continue
        except StudioError as exc:
            with conn:
                conn.execute("UPDATE speech_jobs SET state = 'failed', attempts = attempts + 1, last_error = ?,"
                             " done_at = ? WHERE id = ?", (str(exc), library.clock.stamp(), job.id))
            report.failed.append((job.id, str(exc)))
            continue
        with conn:
            conn.execute("UPDATE speech_jobs SET state = 'done', clip = ?, attempts = attempts + 1,"
                         " last_error = NULL, done_at = ? WHERE id = ?",
                         (result.clip.id, library.clock.stamp(), job.id))
        log.info("queued speech job %d made by %s as clip %d", job.id, job.engine, result.clip.id)
        report.delivered.append((job.id, result.clip.id))
    return report


def _attempt(conn: sqlite3.Connection, job_id: int, error: str) -> None:
    with conn:
        conn.execute("UPDATE speech_jobs SET attempts = attempts + 1, last_error = ? WHERE id = ?", (error, job_id))

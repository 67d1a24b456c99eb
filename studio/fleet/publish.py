"""Publish: what is approved and scheduled for the coming days becomes one signed-for
manifest per receiver, written to the outbox (SQLite) for the delivery engine.

Each programme is rendered once per language (the programme render cache) and encoded
once for the wire (Opus, speech bitrate), content-addressed: a programme that did not
change costs nothing on the next publish, and the receivers already hold its media.
Zones map to receivers; each receiver's manifest takes the language version of its zone.
A newer publish supersedes an older delivery still waiting for the same receiver.
Manifest versions are publish ids: they only ever grow. Blocking; worker thread.

Two steps: `compile_publish` renders and builds every receiver's items without touching the
outbox (what `publish_preview.py` compares with what each receiver holds), and
`queue_compiled` queues exactly what was compiled; `publish` does both.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from studio.audio.settings import OutputFormat, RenderSettings
from studio.clock import Clock
from studio.fleet.emergency import record_unapproved_emergency_slots
from studio.fleet.repository import FleetRepository, NewDelivery
from studio.library import ClipLibrary
from studio.programmes.render import render_programme
from studio.programmes.workflow import Programmes
from studio.schedule.planner import aware
from studio.schedule.service import load_plan
from studio.storage.render_cache import Measured, RenderCache

log = logging.getLogger(__name__)

WIRE_BITRATE = 32000


@dataclass(frozen=True)
class CompiledPublish:
    """What a publish would send: every receiver's manifest items, nothing queued yet.
    Plain values (no connection): safe to hand from a worker thread to another."""

    first_day: date
    last_day: date
    receivers: tuple[dict, ...]  # the receivers' rows: id, receiver_id, name, zone_id, delivered_version
    items: dict[int, list[dict]]  # receiver row id -> manifest items, by start
    occurrences: tuple  # every planned occurrence, approved or not (planner.Occurrence)
    media: int  # programme versions rendered
    skipped_unapproved: int  # occurrences left out because their programme is not approved
    approved: dict[int, bool]  # programme id -> approved as it is now (unapproved emergencies are audited)


def item_id(occurrence) -> str:
    """A broadcast's id in the manifests: the same occurrence keeps it from publish to publish."""
    return f"s{occurrence.slot_id}-z{occurrence.zone_id}-{occurrence.start.strftime('%Y%m%dT%H%M%S')}"


@dataclass(frozen=True)
class PublishResult:
    publish_id: int
    receivers: int
    items: int
    media: int
    skipped_unapproved: int


def wire_media(programmes: Programmes, programme, language: str, settings: RenderSettings,
               cancel: threading.Event | None = None) -> tuple[str, float]:
    """(sha256 of the Opus file in the media store, seconds) for one mixed language version."""
    import soundfile as sf

    rendered = render_programme(programmes, programme, language, settings, cancel=cancel)
    key = hashlib.sha256(f"wire:{rendered.output_sha256}:{WIRE_BITRATE}".encode()).hexdigest()
    return _cached_opus(programmes.library, key, lambda: sf.read(str(rendered.media_path), dtype="float32"), cancel)


def _cached_opus(library: ClipLibrary, key: str, make_samples: Callable[[], tuple], cancel=None) -> tuple[str, float]:
    """An Opus file in the media store for `key` (the render cache), made once."""
    def make(staging) -> Measured:
        from studio.audio.encode import encode

        samples, rate = make_samples()
        encode(samples, rate, staging, OutputFormat.OPUS, WIRE_BITRATE, cancel)
        return Measured(len(samples) / rate)

    result = RenderCache(library.conn, library.store).get_or_make(key, OutputFormat.OPUS.value, make, label="wire")
    return result.output_sha256, result.duration_s


def wire_sequence(programmes: Programmes, programme, language: str, settings: RenderSettings,
                  cancel: threading.Event | None = None) -> tuple[list[str], float]:
    """A programme as the receiver will play it: one Opus file per item, per jingle and per
    pause, played back to back (gapless). Changing one item then re-sends only that item.
    A programme with a music bed or crossfades is mixed, so it travels as one file."""
    import numpy as np

    from studio.programmes.model import INTRO_GAP
    from studio.rendering import Renderer
    from studio.resources import jingle_path

    spec = programme.spec
    if spec.bed is not None or any(item.crossfade > 0 for item in spec.items):
        sha, seconds = wire_media(programmes, programme, language, settings, cancel)
        return [sha], seconds
    library = programmes.library
    renderer = Renderer(library)
    rate = settings.sample_rate

    def silence(seconds: float) -> tuple[str, float]:
        return _cached_opus(library, f"silence:{round(seconds * 1000)}:{WIRE_BITRATE}",
                            lambda: (np.zeros(int(seconds * rate), dtype=np.float32), rate))

    def jingle(name: str) -> tuple[str, float]:
        import soundfile as sf

        path = jingle_path(name)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        return _cached_opus(library, f"jingle:{digest}:{WIRE_BITRATE}",
                            lambda: sf.read(str(path), dtype="float32"))

    parts: list[tuple[str, float]] = []
    if spec.intro:
        parts += [jingle(spec.intro), silence(INTRO_GAP)]
    items = spec.rendered_items()  # a stream item travels as its URL: only its backup is sent as media
    for index, item in enumerate(items):
        if item.jingle:
            parts.append(jingle(item.jingle))
        else:
            result = renderer.render_clip(item.clip_for(language), OutputFormat.OPUS, settings, cancel=cancel)
            parts.append((result.output_sha256, result.duration_s))
        if index < len(items) - 1 and item.gap_after > 0:
            parts.append(silence(item.gap_after))
    if spec.outro:
        parts += [silence(INTRO_GAP), jingle(spec.outro)]
    return [sha for sha, _ in parts], sum(seconds for _, seconds in parts)


def stream_fields(spec, settings: RenderSettings) -> dict:
    """The manifest fields of a relayed stream (docs/protocol.md, "Stream items"): its URL,
    its duration (the item's), and the loudness its level is brought to; none otherwise.
    The item's media are then the backup played when the stream fails."""
    stream = spec.stream_item()
    if stream is None:
        return {}
    return {"kind": "stream", "url": stream.stream, "duration_s": round(stream.duration_s, 3),
            "loudness_lufs": settings.target_lufs}


def compile_publish(library: ClipLibrary, days: int = 14, first_day: date | None = None,
                    settings: RenderSettings = RenderSettings(), progress: Callable[[int, int], None] | None = None,
                    cancel: threading.Event | None = None, clock: Clock | None = None) -> CompiledPublish:
    """Render what is approved and scheduled from `first_day` (today) for `days` days and
    build each receiver's manifest items; nothing is written to the outbox."""
    from studio.schedule.zones import Zones

    first = first_day or (clock or library.clock).today()
    last = first + timedelta(days=days - 1)
    plan = load_plan(library, first, last, settings)
    programmes = Programmes(library)
    zones = {z.id: z for z in Zones(library.conn).all()}
    approved = {p.id: programmes.is_approved(p, settings.cache_fields()) for p in programmes.all()}
    receivers = tuple({**{k: row[k] for k in ("id", "receiver_id", "name", "zone_id", "delivered_version")},
                       "max_volume": zones[row["zone_id"]].policy.max_volume if row["zone_id"] in zones else 100}
                      for row in FleetRepository(library.conn, library.clock).receivers())
    by_zone: dict[int, list] = defaultdict(list)
    for row in receivers:
        by_zone[row["zone_id"]].append(row)

    needed = sorted({(o.programme_id, o.language) for o in plan.occurrences
                     if approved.get(o.programme_id) or o.priority.value == "emergency"})
    media: dict[tuple[int, str], tuple[list[str], float]] = {}
    for done, (programme_id, language) in enumerate(needed):
        media[(programme_id, language)] = wire_sequence(programmes, programmes.get(programme_id), language,
                                                        settings, cancel)
        if progress:
            progress(done + 1, len(needed) + 1)

    items: dict[int, list[dict]] = defaultdict(list)
    titles: dict[int, str] = {}
    streams: dict[int, dict] = {}
    skipped = 0
    for occurrence in plan.occurrences:
        key = (occurrence.programme_id, occurrence.language)
        if key not in media:
            skipped += 1
            continue
        shas, seconds = media[key]
        if occurrence.programme_id not in titles:
            found = programmes.get(occurrence.programme_id)
            titles[occurrence.programme_id] = found.title
            streams[occurrence.programme_id] = stream_fields(found.spec, settings)
        title, relay = titles[occurrence.programme_id], streams[occurrence.programme_id]
        for receiver in by_zone.get(occurrence.zone_id, []):
            items[receiver["id"]].append({
                "id": item_id(occurrence),
                "start": aware(occurrence.start).isoformat(), "media": list(shas), "duration_s": round(seconds, 3),
                "priority": occurrence.priority.value, "start_mode": occurrence.start_mode.value, "title": title,
                **relay,
            })
    ordered = {receiver: sorted(found, key=lambda i: i["start"]) for receiver, found in items.items()}
    return CompiledPublish(first, last, receivers, ordered, tuple(plan.occurrences), len(media), skipped, approved)


def queue_compiled(library: ClipLibrary, by: str, compiled: CompiledPublish) -> PublishResult:
    """Queue exactly `compiled` in the outbox: one manifest per receiver it was built for."""
    repository = FleetRepository(library.conn, library.clock)
    items = compiled.items

    def deliveries(publish_id: int) -> list[NewDelivery]:
        queued = []
        for receiver in compiled.receivers:
            receiver_items = items.get(receiver["id"], [])
            # No per-item volume: the receiver plays at its operator's volume, capped by the
            # zone's maximum (docs/protocol.md, "Volume").
            manifest = {"version": publish_id, "receiver_id": receiver["receiver_id"], "timezone": "Asia/Ho_Chi_Minh",
                        "volume": 100, "max_volume": receiver["max_volume"],
                        "items": receiver_items}
            shas = sorted({sha for item in receiver_items for sha in item["media"]})
            total = sum(library.store.path_for(sha).stat().st_size for sha in shas)
            queued.append(NewDelivery(receiver["id"], manifest, shas, total))
        return queued

    count = sum(len(v) for v in items.values())
    publish_id = repository.queue_publish(
        by, compiled.first_day.isoformat(), compiled.last_day.isoformat(),
        {"items": count, "skipped_unapproved": compiled.skipped_unapproved}, deliveries)
    record_unapproved_emergency_slots(library, by, publish_id, compiled.occurrences, compiled.approved)
    log.info("publish %d: %d receivers, %d programme versions, %d occurrences not approved", publish_id,
             len(compiled.receivers), compiled.media, compiled.skipped_unapproved)
    return PublishResult(publish_id, len(compiled.receivers), count, compiled.media, compiled.skipped_unapproved)


def publish(library: ClipLibrary, by: str, days: int = 14, first_day: date | None = None,
            settings: RenderSettings = RenderSettings(), progress: Callable[[int, int], None] | None = None,
            cancel: threading.Event | None = None, clock: Clock | None = None) -> PublishResult:
    """Compile and queue at once, without looking at what it removes (see publish_preview)."""
    compiled = compile_publish(library, days, first_day, settings, progress, cancel, clock)
    result = queue_compiled(library, by, compiled)
    if progress:
        progress(1, 1)
    return result

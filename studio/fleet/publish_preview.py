"""What a publish would change, before anything is queued.

`preview_publish` compiles the publish (`publish.compile_publish`: the same manifests the
publish then queues) and compares each receiver's new items with the manifest it holds
now (its last delivered one): broadcasts added, removed and kept, as occurrence counts
and minutes, counting only what has not finished playing. Each removed broadcast gets a
reason: its programme is no longer approved (and why: the clip edited or trashed, the
programme edited, …, from `programmes/approval_status.py`), it was taken off the
schedule, its receiver moved to another zone, or it lies beyond the days published.
A zone that held something for the coming 24 hours and would hold nothing is named too.
`needs_confirmation` is what the CLI and the window ask about before they queue;
`queue_previewed` queues what was shown and records a confirmed removal in the audit log.

Values only (enums, numbers, names the officer gave); the UI words them. Blocking
(it renders what is new); worker thread, one library connection.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum

from studio.accounts.store import Accounts
from studio.audio.settings import RenderSettings
from studio.clock import VIETNAM, Clock
from studio.fleet.publish import CompiledPublish, PublishResult, compile_publish, item_id, queue_compiled
from studio.fleet.repository import FleetRepository
from studio.library import ClipLibrary
from studio.programmes.approval_status import ApprovalGap, ClipRef, Why, gaps
from studio.programmes.workflow import Programmes

SILENCE_WINDOW = timedelta(hours=24)
_ITEM_ID = re.compile(r"^s(\d+)-z(\d+)-\d{8}T\d{6}$")


class Removal(Enum):
    NOT_APPROVED = "not approved"  # the programme lost (or never had) its approval: see `gap`
    UNSCHEDULED = "unscheduled"  # the slot was removed or moved, or the occurrence excepted
    PROGRAMME_DELETED = "programme deleted"
    ZONE_CHANGED = "zone changed"  # the receiver now belongs to another zone
    BEYOND_DAYS = "beyond the days published"  # after the last day of this publish


@dataclass(frozen=True)
class Amount:
    occurrences: int = 0
    minutes: float = 0.0


@dataclass(frozen=True)
class ReceiverChange:
    receiver: int  # the receivers row id
    name: str
    zone_id: int
    zone: str
    held_version: int  # 0: it holds nothing yet
    added: Amount
    removed: Amount
    kept: Amount
    updated: int  # of the kept: same broadcast, new audio


@dataclass(frozen=True)
class RemovedBroadcasts:
    """Occurrences of one programme that a zone would no longer hear, and why."""

    zone_id: int
    zone: str
    programme_id: int | None  # None: the slot is gone and with it what it played
    title: str | None
    reason: Removal
    gap: ApprovalGap | None  # for NOT_APPROVED: why the programme is not approved
    occurrences: int
    minutes: float
    first_start: datetime  # aware, Asia/Ho_Chi_Minh

    @property
    def clips(self) -> tuple[ClipRef, ...]:
        return self.gap.clips if self.gap else ()

    @property
    def why(self) -> Why | None:
        return self.gap.why if self.gap else None


@dataclass(frozen=True)
class SilentZone:
    """A zone that held broadcasts for the coming 24 h and would hold none."""

    zone_id: int
    zone: str
    occurrences_before: int
    minutes_before: float


@dataclass(frozen=True)
class PublishPreview:
    compiled: CompiledPublish
    now: datetime
    receivers: tuple[ReceiverChange, ...]
    removed: tuple[RemovedBroadcasts, ...]
    silent_zones: tuple[SilentZone, ...]

    @property
    def needs_confirmation(self) -> bool:
        """Scheduled broadcasts would stop, or a zone would fall silent."""
        return bool(self.removed or self.silent_zones)

    def total(self, which: str) -> Amount:
        amounts = [getattr(change, which) for change in self.receivers]
        return Amount(sum(a.occurrences for a in amounts), sum(a.minutes for a in amounts))


def _start(item: dict) -> datetime:
    return datetime.fromisoformat(item["start"]).astimezone(VIETNAM)


def _end(item: dict) -> datetime:
    return _start(item) + timedelta(seconds=float(item.get("duration_s", 0.0)))


def _amount(items) -> Amount:
    items = list(items)
    return Amount(len(items), round(sum(float(i.get("duration_s", 0.0)) for i in items) / 60, 3))


def _slot_programmes(library: ClipLibrary) -> dict[int, tuple[int, str, bool]]:
    """slot id -> (programme id, title, whether the programme is deleted), deleted slots included."""
    rows = library.conn.execute("SELECT s.id, s.programme_id, p.title, p.deleted_at FROM slots s "
                                "JOIN programmes p ON p.id = s.programme_id").fetchall()
    return {r[0]: (r[1], r[2], r[3] is not None) for r in rows}


def compare(library: ClipLibrary, compiled: CompiledPublish, now: datetime,
            settings: RenderSettings = RenderSettings()) -> PublishPreview:
    """The preview of `compiled` against what each receiver holds at `now` (aware)."""
    from studio.schedule.zones import Zones

    repository = FleetRepository(library.conn, library.clock)
    zone_names = {z.id: z.name for z in Zones(library.conn).all()}
    planned = {item_id(o): o for o in compiled.occurrences}
    programme_gaps = gaps(Programmes(library), settings.cache_fields())
    slots = _slot_programmes(library)
    last_moment = datetime.combine(compiled.last_day + timedelta(days=1), datetime.min.time(), VIETNAM)
    horizon = now + SILENCE_WINDOW

    changes: list[ReceiverChange] = []
    removed: dict[tuple, list[dict]] = defaultdict(list)  # (zone, programme, reason) -> items, one per id
    seen_removed: set[tuple[int, str]] = set()
    soon_before: dict[int, dict[str, dict]] = defaultdict(dict)  # zone -> the next 24 h held, by item id
    soon_after: dict[int, set[str]] = defaultdict(set)
    for receiver in compiled.receivers:
        held_manifest = repository.held_manifest(receiver["id"]) or {"version": 0, "items": []}
        held = {i["id"]: i for i in held_manifest.get("items", []) if _end(i) > now}
        new = {i["id"]: i for i in compiled.items.get(receiver["id"], []) if _end(i) > now}
        zone_id = receiver["zone_id"]
        kept = [i for key, i in new.items() if key in held]
        updated = sum(1 for key, i in new.items() if key in held and held[key]["media"] != i["media"])
        gone = [i for key, i in held.items() if key not in new]
        changes.append(ReceiverChange(
            receiver["id"], receiver["name"], zone_id, zone_names.get(zone_id, ""), int(held_manifest["version"]),
            _amount(i for key, i in new.items() if key not in held), _amount(gone), _amount(kept), updated))
        for item in held.values():
            if _start(item) < horizon:
                soon_before[zone_id][item["id"]] = item
        soon_after[zone_id] |= {key for key, i in new.items() if _start(i) < horizon}
        for item in gone:
            if (zone_id, item["id"]) in seen_removed:
                continue  # the same broadcast on another loudspeaker of the zone
            seen_removed.add((zone_id, item["id"]))
            removed[_reason(item, zone_id, planned, programme_gaps, slots, last_moment)].append(item)

    groups = []
    for (zone_id, programme_id, title, reason), items in removed.items():
        amount = _amount(items)
        gap = programme_gaps.get(programme_id) if reason is Removal.NOT_APPROVED else None
        groups.append(RemovedBroadcasts(zone_id, zone_names.get(zone_id, ""), programme_id, title, reason, gap,
                                        amount.occurrences, amount.minutes, min(_start(i) for i in items)))
    groups.sort(key=lambda g: (g.zone, g.first_start))
    silent = []
    for zone_id, before in sorted(soon_before.items()):
        if before and not soon_after.get(zone_id):
            amount = _amount(before.values())
            silent.append(SilentZone(zone_id, zone_names.get(zone_id, ""), amount.occurrences, amount.minutes))
    return PublishPreview(compiled, now, tuple(changes), tuple(groups), tuple(silent))


def _reason(item: dict, zone_id: int, planned: dict, programme_gaps: dict[int, ApprovalGap],
            slots: dict[int, tuple[int, str, bool]], last_moment: datetime) -> tuple:
    """(zone, programme id, title, Removal) of a held item the new manifest drops."""
    occurrence = planned.get(item["id"])
    found = _ITEM_ID.match(item["id"])
    slot_id, item_zone = (int(found.group(1)), int(found.group(2))) if found else (None, None)
    programme_id, title, deleted = slots.get(slot_id, (None, None, False))
    if occurrence is not None:
        programme_id = occurrence.programme_id
        if programme_id in programme_gaps:
            return zone_id, programme_id, programme_gaps[programme_id].title, Removal.NOT_APPROVED
    if deleted:
        return zone_id, programme_id, title, Removal.PROGRAMME_DELETED
    if item_zone is not None and item_zone != zone_id:
        return zone_id, programme_id, title, Removal.ZONE_CHANGED
    if _start(item) >= last_moment:
        return zone_id, programme_id, title, Removal.BEYOND_DAYS
    return zone_id, programme_id, title, Removal.UNSCHEDULED


def preview_publish(library: ClipLibrary, days: int = 14, first_day: date | None = None,
                    settings: RenderSettings = RenderSettings(), progress: Callable[[int, int], None] | None = None,
                    cancel: threading.Event | None = None, clock: Clock | None = None) -> PublishPreview:
    """Compile the publish (rendering what is new) and compare it with what is held."""
    clock = clock or library.clock
    compiled = compile_publish(library, days, first_day, settings, progress, cancel, clock)
    return compare(library, compiled, clock.now(), settings)


def queue_previewed(library: ClipLibrary, by: str, preview: PublishPreview) -> PublishResult:
    """Queue exactly what `preview` compiled. When it removes broadcasts or silences a zone,
    the audit log records who confirmed it and what it removed."""
    result = queue_compiled(library, by, preview.compiled)
    if preview.needs_confirmation:
        removed = [{"zone": g.zone_id, "programme": g.programme_id, "reason": g.reason.value,
                    "why": g.why.value if g.why else None, "clips": [c.id for c in g.clips],
                    "occurrences": g.occurrences, "minutes": g.minutes} for g in preview.removed]
        Accounts(library.conn).record(by, "publish-removing", "publish", result.publish_id,
                                      {"removed": removed, "silent_zones": [z.zone_id for z in preview.silent_zones]})
    return result

"""The broadcast plan: the schedule expanded into occurrences for a date range, grouped
into sessions per zone, and checked against each zone's policy.

Pure: it works on plain values (slots, zones, programme facts), so a year for fifty
zones is planned and checked in well under a second, and the rules are tested without a
database. Times are wall-clock times in Asia/Ho_Chi_Minh (naive `datetime`s here;
`aware()` attaches the zone for output). A session is what one zone hears from one start
time: its occurrences play one after another, priority before normal, then in the
operator's order (`sequence`), then oldest slot first. Emergencies are outside policy:
they are never reported as breaking it, and they pre-empt whatever they overlap.
"""

from __future__ import annotations

import gc
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import Enum
from operator import itemgetter
from typing import NamedTuple

from dateutil.rrule import rrulestr

from studio.clock import VIETNAM, aware  # noqa: F401  (re-exported: callers format plan times with it)
from studio.schedule.slots import Priority, Slot, StartMode
from studio.schedule.zones import Zone

ZONE_INFO = VIETNAM




@dataclass(frozen=True)
class ProgrammeFacts:
    id: int
    title: str
    seconds: dict  # language -> duration in seconds ("vi" always present)
    approved: bool
    exists: bool = True

    def duration(self, language: str) -> float:
        return self.seconds.get(language, self.seconds.get("vi", 0.0))


class Occurrence(NamedTuple):
    slot_id: int
    programme_id: int
    zone_id: int
    start: datetime
    end: datetime
    priority: Priority
    start_mode: StartMode
    language: str


class Session(NamedTuple):
    zone_id: int
    start: datetime
    end: datetime
    occurrences: tuple[Occurrence, ...]

    @property
    def minutes(self) -> float:
        return (self.end - self.start).total_seconds() / 60


class WarningKind(Enum):
    OVERLAP = "overlap"  # two sessions of one zone overlap
    OUTSIDE_WINDOW = "outside window"  # not inside an allowed time window of that day
    WEEKEND = "weekend"  # weekends not allowed
    SESSION_TOO_LONG = "session too long"
    TOO_MANY_SESSIONS = "too many sessions"  # in one day
    TOO_MANY_DAYS = "too many days"  # in one week
    NOT_APPROVED = "not approved"
    LONGER_THAN_SLOT = "longer than slot"
    PROGRAMME_MISSING = "programme missing"
    UNKNOWN_ZONE = "unknown zone"
    EMERGENCY_UNAPPROVED = "emergency without approval"  # allowed, flagged
    PREEMPTED = "pre-empted by emergency"  # informational


_RANK = {Priority.EMERGENCY: 0, Priority.PRIORITY: 1, Priority.NORMAL: 2}
INFORMATIONAL = frozenset({WarningKind.EMERGENCY_UNAPPROVED, WarningKind.PREEMPTED})


@dataclass(frozen=True)
class PlanWarning:
    kind: WarningKind
    zone_id: int | None
    slot_ids: tuple[int, ...]
    start: datetime | None
    values: dict = field(default_factory=dict)  # numbers the message shows (minutes, limit...)

    @property
    def blocking(self) -> bool:
        return self.kind not in INFORMATIONAL


@dataclass(frozen=True)
class Plan:
    first_day: date
    last_day: date
    occurrences: tuple[Occurrence, ...]
    sessions: tuple[Session, ...]
    warnings: tuple[PlanWarning, ...]

    def warnings_for(self, slot_id: int) -> list[PlanWarning]:
        return [w for w in self.warnings if slot_id in w.slot_ids]


_DAY_LEVEL = re.compile(r"^(?:.*;)?FREQ=(?:DAILY|WEEKLY|MONTHLY|YEARLY)(?:;|$)", re.IGNORECASE)
_FINER = re.compile(r"BYHOUR|BYMINUTE|BYSECOND|UNTIL", re.IGNORECASE)
_new = tuple.__new__  # NamedTuple construction without its Python-level __new__ (hot loop)


def expand(slot: Slot, first_day: date, last_day: date, _memo: dict | None = None) -> list[datetime]:
    """The slot's start times within [first_day, last_day] (local wall-clock)."""
    low = datetime.combine(first_day, time.min)
    high = datetime.combine(last_day, time.max)
    if not slot.rrule:
        times = [slot.start] if low <= slot.start <= high else []
    elif _memo is not None and _DAY_LEVEL.match(slot.rrule) and not _FINER.search(slot.rrule):
        # A rule that picks days, not times: expand it once per start day for every time
        # of day (fifty zones at fifty different minutes share one expansion).
        midnight = datetime.combine(slot.start.date(), time.min)
        key = (slot.rrule, midnight, first_day, last_day)
        days = _memo.get(key)
        if days is None:
            days = _memo[key] = rrulestr(slot.rrule, dtstart=midnight).between(low, high, inc=True)
        offset = slot.start - midnight
        times = [d + offset for d in days if d + offset <= high]
    else:
        key = (slot.rrule, slot.start, first_day, last_day)
        times = _memo.get(key) if _memo is not None else None
        if times is None:
            times = rrulestr(slot.rrule, dtstart=slot.start).between(low, high, inc=True)
            if _memo is not None:
                _memo[key] = times
    if slot.exdates:
        excluded = set(slot.exdates)
        whole_days = {d.date() for d in slot.exdates if d.time() == time.min}
        times = [t for t in times if t not in excluded and t.date() not in whole_days]
    return times


def _day_windows(zone: Zone) -> list[list[tuple[int, int]]] | None:
    """The zone's windows per weekday (minutes), or None when any time is allowed."""
    if not zone.policy.windows:
        return None
    return [[(w.start_min, w.end_min) for w in zone.policy.windows if day in w.days] for day in range(7)]


def _fits_window(windows: list[list[tuple[int, int]]] | None, start: datetime, end: datetime) -> bool:
    if windows is None:
        return True
    begin = start.hour * 60 + start.minute + start.second / 60
    finish = begin + (end - start).total_seconds() / 60
    for low, high in windows[start.weekday()]:
        if low <= begin and finish <= high:
            return True
    return False


def plan(slots: Iterable[Slot], zones: Iterable[Zone], programmes: dict[int, ProgrammeFacts],
         first_day: date, last_day: date) -> Plan:
    # A year's plan allocates some hundred thousand small tuples and no reference cycles:
    # the cyclic collector would only re-scan them over and over (a third of the time).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _plan(slots, zones, programmes, first_day, last_day)
    finally:
        if enabled:
            gc.enable()


def _plan(slots: Iterable[Slot], zones: Iterable[Zone], programmes: dict[int, ProgrammeFacts],
          first_day: date, last_day: date) -> Plan:
    zones_by_id = {z.id: z for z in zones}
    warnings: list[PlanWarning] = []
    memo: dict = {}
    # Per zone: (start, rank, sequence, slot id, slot, seconds); sorted natively, so one
    # session's entries come together and in playing order.
    per_zone: dict[int, list[tuple]] = defaultdict(list)
    emergencies: list[Occurrence] = []
    for slot in slots:
        facts = programmes.get(slot.programme_id)
        if facts is None or not facts.exists:
            warnings.append(PlanWarning(WarningKind.PROGRAMME_MISSING, None, (slot.id,), slot.start,
                                        {"programme": slot.programme_id}))
            continue
        times = expand(slot, first_day, last_day, memo)
        if not times:
            continue
        emergency = slot.priority is Priority.EMERGENCY
        if not facts.approved:
            kind = WarningKind.EMERGENCY_UNAPPROVED if emergency else WarningKind.NOT_APPROVED
            warnings.append(PlanWarning(kind, None, (slot.id,), times[0],
                                        {"programme": slot.programme_id, "title": facts.title}))
        if slot.length_min is not None and facts.duration("vi") > slot.length_min * 60 + 0.5:
            warnings.append(PlanWarning(WarningKind.LONGER_THAN_SLOT, None, (slot.id,), times[0],
                                        {"minutes": round(facts.duration("vi") / 60, 1), "limit": slot.length_min}))
        rank = _RANK[slot.priority]
        for zone_id in slot.zone_ids:
            zone = zones_by_id.get(zone_id)
            if zone is None:
                warnings.append(PlanWarning(WarningKind.UNKNOWN_ZONE, zone_id, (slot.id,), times[0]))
                continue
            seconds = facts.duration(zone.language)
            if emergency:
                length = timedelta(seconds=seconds)
                emergencies.extend(Occurrence(slot.id, slot.programme_id, zone_id, t, t + length, slot.priority,
                                              StartMode.HARD, zone.language) for t in times)
            else:
                per_zone[zone_id].extend([(t, rank, slot.sequence, slot.id, slot, seconds) for t in times])

    occurrences: list[Occurrence] = []
    all_sessions: list[Session] = []
    emergency_by_zone: dict[int, list[Occurrence]] = defaultdict(list)
    for occurrence in emergencies:
        emergency_by_zone[occurrence.zone_id].append(occurrence)
    lengths: dict[float, timedelta] = {}
    for zone_id, entries in per_zone.items():
        entries.sort(key=_ENTRY_ORDER)
        language = zones_by_id[zone_id].language
        sessions: list[Session] = []
        index, count = 0, len(entries)
        while index < count:
            start = entries[index][0]
            cursor, played = start, []
            while index < count and entries[index][0] == start:
                _, _, _, slot_id, slot, seconds = entries[index]
                length = lengths.get(seconds)
                if length is None:
                    length = lengths[seconds] = timedelta(seconds=seconds)
                end = cursor + length
                played.append(_new(Occurrence, (slot_id, slot.programme_id, zone_id, cursor, end, slot.priority,
                                                slot.start_mode, language)))
                cursor = end
                index += 1
            occurrences.extend(played)
            sessions.append(_new(Session, (zone_id, start, cursor, tuple(played))))
        all_sessions.extend(sessions)
        warnings.extend(_check_zone(zones_by_id[zone_id], sessions, emergency_by_zone.get(zone_id, [])))
    occurrences.extend(emergencies)
    occurrences.sort(key=_OCCURRENCE_ORDER)
    all_sessions.sort(key=_SESSION_ORDER)
    return Plan(first_day, last_day, tuple(occurrences), tuple(all_sessions), tuple(warnings))


_ENTRY_ORDER = itemgetter(0, 1, 2, 3)  # start, priority rank, the operator's order, slot id
_OCCURRENCE_ORDER = itemgetter(3, 2)  # start, zone
_SESSION_ORDER = itemgetter(1, 0)  # start, zone


def _slot_ids(session: Session) -> tuple[int, ...]:
    occurrences = session.occurrences
    if len(occurrences) == 1:
        return (occurrences[0].slot_id,)
    return tuple(dict.fromkeys(o.slot_id for o in occurrences))


def _check_zone(zone: Zone, sessions: list[Session], emergencies: list[Occurrence]) -> list[PlanWarning]:
    policy = zone.policy
    found: list[PlanWarning] = []
    per_day: dict[date, int] = defaultdict(int)
    days_per_week: dict[tuple[int, int], set[date]] = defaultdict(set)
    previous: Session | None = None
    windows = _day_windows(zone)
    window_text = [[w.to_text() for w in policy.windows if day in w.days] for day in range(7)]
    max_seconds = None if policy.max_minutes_per_session is None else policy.max_minutes_per_session * 60 + 1e-3
    weekends, count_weeks = policy.weekends, policy.max_days_per_week is not None
    fits: dict = {}  # (weekday, time of day, length) -> inside a window: daily slots repeat
    previous_end: datetime | None = None
    previous: Session | None = None
    for session in sessions:
        start, end = session.start, session.end
        day = start.date()
        per_day[day] += 1
        if count_weeks:
            days_per_week[day.isocalendar()[:2]].add(day)
        if previous_end is not None and start < previous_end:
            found.append(PlanWarning(WarningKind.OVERLAP, zone.id, _slot_ids(previous) + _slot_ids(session), start,
                                     {"other_start": previous.start.isoformat(timespec="minutes")}))
        if previous_end is None or end > previous_end:
            previous, previous_end = session, end
        weekday = day.weekday()
        length = end - start
        if not weekends and weekday >= 5:
            found.append(PlanWarning(WarningKind.WEEKEND, zone.id, _slot_ids(session), start))
        elif windows is not None:
            key = (weekday, start.time(), length)
            inside = fits.get(key)
            if inside is None:
                inside = fits[key] = _fits_window(windows, start, end)
            if not inside:
                found.append(PlanWarning(WarningKind.OUTSIDE_WINDOW, zone.id, _slot_ids(session), start,
                                         {"end": end.isoformat(timespec="minutes"), "windows": window_text[weekday]}))
        if max_seconds is not None and length.total_seconds() > max_seconds:
            found.append(PlanWarning(WarningKind.SESSION_TOO_LONG, zone.id, _slot_ids(session), start,
                                     {"minutes": round(session.minutes, 1), "limit": policy.max_minutes_per_session}))
    if policy.max_sessions_per_day is not None:
        for day, count in per_day.items():
            if count > policy.max_sessions_per_day:
                ids = tuple(dict.fromkeys(i for s in sessions if s.start.date() == day for i in _slot_ids(s)))
                found.append(PlanWarning(WarningKind.TOO_MANY_SESSIONS, zone.id, ids,
                                         datetime.combine(day, time.min),
                                         {"count": count, "limit": policy.max_sessions_per_day}))
    if policy.max_days_per_week is not None:
        for week, days in days_per_week.items():
            if len(days) > policy.max_days_per_week:
                found.append(PlanWarning(WarningKind.TOO_MANY_DAYS, zone.id, (), datetime.combine(min(days), time.min),
                                         {"days": len(days), "limit": policy.max_days_per_week,
                                          "week": f"{week[0]}-W{week[1]:02d}"}))
    for emergency in emergencies:
        for session in sessions:
            if session.start < emergency.end and emergency.start < session.end:
                found.append(PlanWarning(WarningKind.PREEMPTED, zone.id, (emergency.slot_id,) + _slot_ids(session),
                                         emergency.start))
    return found

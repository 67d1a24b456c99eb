"""`python -m benchmarks.schedule`: plan a year for 50 zones × 4 slots a day, with checks.

Medians of five runs: the planner alone (expanding the RRULEs, building sessions,
checking every policy rule), split into its expansion and the rest (sessions and checks),
and the same plan loaded from a real studio database (zones, slots, programmes with their
durations and approval checked). The peer is python-dateutil expanding the same rules on
their own, no checks, with the planner's memo (a rule that picks days is expanded once
per start day and shifted to each slot's time of day: fifty zones share one expansion):
the floor any RRULE-based planner in Python stands on. Expanding every rule afresh is
printed too, for scale. Target: under 1 s.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from datetime import time as day_time
from pathlib import Path

from dateutil.rrule import rrulestr

from studio.accounts.store import Accounts, Role
from studio.audio import synthetic
from studio.library import ClipLibrary
from studio.paths import StudioPaths
from studio.programmes.model import Item, Spec
from studio.programmes.workflow import Programmes
from studio.schedule.planner import ProgrammeFacts, expand, plan
from studio.schedule.service import load_plan
from studio.schedule.slots import Priority, Slot, Slots, StartMode
from studio.schedule.zones import Policy, Zone, ZoneKind, Zones, parse_window
from studio.storage.database import connect

FIRST, LAST = date(2027, 1, 1), date(2027, 12, 31)
TIMES = ((5, 30), (11, 15), (17, 0), (19, 45))  # the fourth is outside the windows: warnings to make
POLICY = Policy((parse_window("05:00-07:00"), parse_window("11:00-13:00"), parse_window("16:30-19:30")),
                max_sessions_per_day=4, max_minutes_per_session=30, weekends=True, max_days_per_week=None)
RUNS = 5


def timed(fn) -> float:
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def pure() -> tuple[list[Slot], list[Zone], dict[int, ProgrammeFacts]]:
    zones = [Zone(i, f"Thôn {i}", ZoneKind.VILLAGE, "bahnar" if i % 5 == 0 else "vi", POLICY) for i in range(1, 51)]
    facts = {p: ProgrammeFacts(p, f"Chương trình {p}", {"vi": 540.0, "bahnar": 600.0}, p != 4) for p in range(1, 9)}
    slots, sid = [], 0
    for zone in zones:
        for hour, minute in TIMES:
            sid += 1
            rule = "FREQ=DAILY" if sid % 3 else "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA"
            slots.append(Slot(sid, 1 + sid % 8, (zone.id,), datetime(2027, 1, 1, hour, minute + zone.id % 10),
                              rule, (), Priority.PRIORITY if sid % 7 == 0 else Priority.NORMAL, StartMode.SOFT,
                              None, 0, "bench"))
    return slots, zones, facts


def database(folder: Path) -> ClipLibrary:
    import soundfile as sf

    paths = StudioPaths.at(folder).ensure()
    library = ClipLibrary(paths, connect(paths.database))
    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    wav = folder / "tin.wav"
    sf.write(wav, synthetic.speech_like(30.0), 48000, subtype="PCM_16")
    clip = library.import_file(wav).clip.id
    programmes = Programmes(library, accounts)
    ids = [programmes.create(f"Chương trình {p}", Spec((Item(clip=clip),) * 3), admin).id for p in range(8)]
    zones = Zones(library.conn, accounts)
    slot_store = Slots(library.conn, accounts)
    slots, zone_values, _ = pure()
    zone_ids = {z.id: zones.add(z.name, admin, language=z.language, policy=POLICY).id for z in zone_values}
    for slot in slots:
        slot_store.add(ids[slot.programme_id - 1], [zone_ids[z] for z in slot.zone_ids], slot.start, admin,
                       slot.rrule, priority=slot.priority)
    return library


def dateutil_memoised(slots: list[Slot]) -> list[list[datetime]]:
    """The peer with the planner's memo: one expansion per (rule, start day)."""
    low, high = datetime.combine(FIRST, day_time.min), datetime.combine(LAST, day_time.max)
    memo: dict = {}
    out = []
    for slot in slots:
        midnight = datetime.combine(slot.start.date(), day_time.min)
        days = memo.get((slot.rrule, midnight))
        if days is None:
            days = memo[(slot.rrule, midnight)] = rrulestr(slot.rrule, dtstart=midnight).between(low, high, inc=True)
        offset = slot.start - midnight
        out.append([d + offset for d in days if d + offset <= high])
    return out


def planner_expansion(slots: list[Slot]) -> list[list[datetime]]:
    memo: dict = {}
    return [expand(slot, FIRST, LAST, memo) for slot in slots]


def main() -> int:
    slots, zones, facts = pure()
    result = plan(slots, zones, facts, FIRST, LAST)
    ours = timed(lambda: plan(slots, zones, facts, FIRST, LAST))
    assert planner_expansion(slots) == dateutil_memoised(slots)  # the same work, the same answer
    expansion = timed(lambda: planner_expansion(slots))
    peer = timed(lambda: dateutil_memoised(slots))
    afresh = timed(lambda: [rrulestr(s.rrule, dtstart=s.start).between(datetime(2027, 1, 1),
                                                                       datetime(2027, 12, 31, 23, 59), inc=True)
                            for s in slots])
    with tempfile.TemporaryDirectory(prefix="crs-bench-schedule-") as folder:
        library = database(Path(folder))
        loaded = load_plan(library, FIRST, LAST)
        from_db = timed(lambda: load_plan(library, FIRST, LAST))
    print(f"Schedule: a year for {len(zones)} zones × {len(TIMES)} slots a day, median of {RUNS}")
    print(f"  {len(result.occurrences)} occurrences, {len(result.sessions)} sessions, "
          f"{len(result.warnings)} warnings (database plan: {len(loaded.occurrences)} / {len(loaded.warnings)})")
    print(f"  planner with every check:              {ours:6.3f} s   (target < 1 s)")
    print(f"    of which expanding the rules:        {expansion:6.3f} s;  sessions and checks {ours - expansion:6.3f} s")
    print(f"  the same, loaded from SQLite:          {from_db:6.3f} s")
    print(f"  dateutil, same memo, no checks:        {peer:6.3f} s   ratio {ours / peer:.2f}"
          f"  (expansion alone {expansion / peer:.2f})")
    print(f"  dateutil, every rule afresh:           {afresh:6.3f} s   (no memo, for scale)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

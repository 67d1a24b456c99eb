"""CLI command groups `zones` (list, add) and `schedule` (list, add, move, remove, plan, ics).

Times on the command line are Asia/Ho_Chi_Minh wall time. Changes act as the local
operator and go to the audit log. Main thread only.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from studio.cli.console import Parser
from studio.cli.operator import operator
from studio.cli.runtime import open_library
from studio.context import StudioContext
from studio.errors import InvalidSchedule, StudioError
from studio.languages import Language


def add_parsers(sub) -> None:
    zones = sub.add_parser("zones", help="zones (thôn, tổ dân phố, khu vực): list, or add one")
    zones.set_defaults(func=_with_library(_zones_list))
    zones_sub = zones.add_subparsers(dest="zones_action", metavar="ACTION", parser_class=Parser)
    p = zones_sub.add_parser("add", help="add a zone with its broadcast policy")
    p.add_argument("name")
    p.add_argument("--kind", choices=["village", "residential_group", "area"], default="village")
    p.add_argument("--language", default="vi", help=f"{', '.join(lang.code for lang in Language)} (default vi)")
    p.add_argument("--window", action="append", default=[], metavar="[DAYS@]HH:MM-HH:MM",
                   help="an allowed time window (repeat); DAYS as in thứ 2-7, 1 = Chủ nhật: 2-6@05:30-06:30")
    p.add_argument("--max-sessions", type=int, help="sessions a day at most")
    p.add_argument("--max-minutes", type=float, help="minutes a session at most")
    p.add_argument("--max-days", type=int, help="days a week at most")
    p.add_argument("--no-weekends", action="store_true", help="no broadcasts on Saturday and Sunday")
    p.add_argument("--max-volume", type=int, default=100, help="percent (default 100)")
    p.set_defaults(func=_with_library(_zones_add))

    schedule = sub.add_parser("schedule", help="the broadcast schedule: list, add, move, remove, plan, ics")
    schedule.set_defaults(func=_with_library(_slots_list))
    sched_sub = schedule.add_subparsers(dest="schedule_action", metavar="ACTION", parser_class=Parser)
    p = sched_sub.add_parser("add", help="schedule a programme for zones; prints the slot id")
    p.add_argument("programme_id", type=int)
    p.add_argument("--zone", action="append", required=True, metavar="NAME")
    p.add_argument("--at", required=True, metavar="YYYY-MM-DDTHH:MM", help="local time, Asia/Ho_Chi_Minh")
    p.add_argument("--rrule", help="RFC 5545 rule, e.g. FREQ=WEEKLY;BYDAY=MO,WE,FR;UNTIL=20261231T235959")
    p.add_argument("--except", dest="exdates", action="append", default=[], metavar="DATE[THH:MM]",
                   help="skip this occurrence (a date skips the whole day)")
    p.add_argument("--priority", choices=["normal", "priority", "emergency"], default="normal")
    p.add_argument("--hard", action="store_true", help="start at the second, cutting what plays")
    p.add_argument("--length", type=float, metavar="MIN", help="minutes reserved for it")
    p.add_argument("--order", type=int, default=0, help="order among equals in a session")
    p.set_defaults(func=_with_library(_slot_add))
    p = sched_sub.add_parser("move", help="move a slot (and its recurrence) to a new start")
    p.add_argument("slot_id", type=int)
    p.add_argument("--at", required=True)
    p.set_defaults(func=_with_library(_slot_move))
    p = sched_sub.add_parser("remove", help="remove a slot")
    p.add_argument("slot_id", type=int)
    p.set_defaults(func=_with_library(_slot_remove))
    p = sched_sub.add_parser("plan", help="occurrences and every warning for a date range")
    p.add_argument("--from", dest="first", required=True, metavar="DATE")
    p.add_argument("--to", dest="last", required=True, metavar="DATE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_with_library(_plan))
    p = sched_sub.add_parser("ics", help="export the schedule as iCalendar for phones")
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(func=_with_library(_ics))


def _with_library(command: Callable[..., int]) -> Callable[[argparse.Namespace, StudioContext], int]:
    return lambda args, ctx: command(args, open_library(ctx), ctx)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidSchedule("date", f"{text!r} is not YYYY-MM-DD") from None


def _zones_add(args: argparse.Namespace, library, ctx: StudioContext) -> int:
    from studio.schedule.zones import Policy, ZoneKind, Zones, parse_window

    policy = Policy(tuple(parse_window(w) for w in args.window), args.max_sessions, args.max_minutes,
                    not args.no_weekends, args.max_days, args.max_volume)
    print(Zones(library.conn).add(args.name, operator(), ZoneKind(args.kind), args.language, policy).id)
    return 0


def _zones_list(args: argparse.Namespace, library, ctx: StudioContext) -> int:
    from studio.schedule.zones import Zones

    print(f"{'ID':>4}  {'KIND':<17} {'LANG':<7} {'SESSIONS':>8} {'MINUTES':>7} {'WEEKENDS':<8} WINDOWS / NAME")
    for zone in Zones(library.conn).all():
        p = zone.policy
        windows = " ".join(w.to_rule() for w in p.windows) or "any time"
        print(f"{zone.id:>4}  {zone.kind.value:<17} {zone.language:<7} {p.max_sessions_per_day or '-':>8} "
              f"{p.max_minutes_per_session or '-':>7} {'yes' if p.weekends else 'no':<8} {windows} / {zone.name}")
    return 0


WARNING_TEXT = {
    "overlap": "overlaps another session of this zone (starting {other_start})",
    "outside window": "is outside the allowed hours ({windows}); it ends at {end}",
    "weekend": "falls on a weekend, which this zone does not allow",
    "session too long": "session lasts {minutes} min, more than the {limit} min allowed",
    "too many sessions": "{count} sessions that day, more than the {limit} allowed",
    "too many days": "{days} days of broadcasts in week {week}, more than the {limit} allowed",
    "not approved": "programme {programme} ({title}) is not approved (or changed since approval)",
    "longer than slot": "programme lasts {minutes} min, longer than the {limit} min reserved",
    "programme missing": "programme {programme} no longer exists",
    "unknown zone": "names a zone that no longer exists",
    "emergency without approval": "emergency broadcast of programme {programme} ({title}) without approval",
    "pre-empted by emergency": "an emergency broadcast interrupts this session",
}


def describe_warning(warning, zone_names: dict[int, str]) -> str:
    values = {k: (", ".join(v) if isinstance(v, list) else v) for k, v in warning.values.items()}
    try:
        text = WARNING_TEXT[warning.kind.value].format(**values)
    except KeyError:
        text = warning.kind.value
    where = zone_names.get(warning.zone_id, "") if warning.zone_id is not None else ""
    when = warning.start.isoformat(sep=" ", timespec="minutes") if warning.start else ""
    slots = ",".join(str(s) for s in warning.slot_ids)
    return f"{when} {where} slot {slots}: {text}".replace("  ", " ").strip()


def _slot_add(args: argparse.Namespace, library, ctx: StudioContext) -> int:
    from studio.schedule.slots import Priority, Slots, StartMode, parse_local
    from studio.schedule.zones import Zones

    zones = Zones(library.conn)
    zone_ids = [zones.get(name).id for name in args.zone]
    exdates = tuple(parse_local(d if "T" in d else d + "T00:00") for d in args.exdates)
    slot = Slots(library.conn).add(args.programme_id, zone_ids, parse_local(args.at), operator(), args.rrule,
                                   exdates, Priority(args.priority), StartMode.HARD if args.hard else StartMode.SOFT,
                                   args.length, args.order)
    print(slot.id)
    return 0


def _slot_move(args: argparse.Namespace, library, ctx: StudioContext) -> int:
    from studio.schedule.slots import Slots, parse_local

    Slots(library.conn).move(args.slot_id, parse_local(args.at), operator())
    return 0


def _slot_remove(args: argparse.Namespace, library, ctx: StudioContext) -> int:
    from studio.schedule.slots import Slots

    Slots(library.conn).remove(args.slot_id, operator())
    return 0


def _slots_list(args: argparse.Namespace, library, ctx: StudioContext) -> int:
    from studio.programmes.workflow import Programmes
    from studio.schedule.slots import Slots
    from studio.schedule.zones import Zones

    names = {z.id: z.name for z in Zones(library.conn).all()}
    titles = {p.id: p.title for p in Programmes(library).all()}
    print(f"{'ID':>4}  {'START':<16}  {'PRIORITY':<9} {'MODE':<4}  {'RULE':<28}  PROGRAMME -> ZONES")
    for slot in Slots(library.conn).all():
        zone_list = ", ".join(names.get(z, f"#{z}") for z in slot.zone_ids)
        print(f"{slot.id:>4}  {slot.start.isoformat(sep=' ', timespec='minutes'):<16}  {slot.priority.value:<9} "
              f"{slot.start_mode.value:<4}  {(slot.rrule or 'once')[:28]:<28}  "
              f"{titles.get(slot.programme_id, slot.programme_id)} -> {zone_list}")
    return 0


def _plan(args: argparse.Namespace, library, ctx: StudioContext) -> int:
    from studio.schedule.planner import aware
    from studio.schedule.service import load_plan
    from studio.schedule.zones import Zones

    first, last = _day(args.first), _day(args.last)
    if last < first:
        raise InvalidSchedule("--to", "comes before --from")
    result = load_plan(library, first, last)
    names = {z.id: z.name for z in Zones(library.conn).all()}
    if args.json:
        json.dump({
            "from": first.isoformat(), "to": last.isoformat(),
            "occurrences": [{"slot": o.slot_id, "programme": o.programme_id, "zone": names.get(o.zone_id),
                             "start": aware(o.start).isoformat(), "end": aware(o.end).isoformat(),
                             "priority": o.priority.value, "start_mode": o.start_mode.value,
                             "language": o.language} for o in result.occurrences],
            "warnings": [{"kind": w.kind.value, "blocking": w.blocking, "zone": names.get(w.zone_id),
                          "slots": list(w.slot_ids), "start": aware(w.start).isoformat() if w.start else None,
                          "message": describe_warning(w, names), **w.values} for w in result.warnings],
        }, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    for o in result.occurrences:
        print(f"{o.start.isoformat(sep=' ', timespec='seconds')}  {o.end.time().isoformat(timespec='seconds')}  "
              f"{names.get(o.zone_id, o.zone_id):<16} slot {o.slot_id:<4} programme {o.programme_id:<4} "
              f"{o.priority.value}{' hard' if o.start_mode.value == 'hard' else ''}")
    for w in result.warnings:
        print(("warning: " if w.blocking else "note: ") + describe_warning(w, names))
    print(f"{len(result.occurrences)} occurrences in {len(result.sessions)} sessions; "
          f"{sum(w.blocking for w in result.warnings)} warnings")
    return 0


def _ics(args: argparse.Namespace, library, ctx: StudioContext) -> int:
    from studio.programmes.workflow import Programmes
    from studio.schedule.ical import export
    from studio.schedule.slots import Slots
    from studio.schedule.zones import Zones
    from studio.storage.durable import atomic_write_bytes

    programmes = Programmes(library)
    titles, durations = {}, {}
    for programme in programmes.all():
        titles[programme.id] = programme.title
        try:
            durations[programme.id] = programmes.duration(programme.spec)
        except StudioError:  # a deleted clip: the calendar still gets the slot
            durations[programme.id] = 60.0
    zones = {z.id: z.name for z in Zones(library.conn).all()}
    text = export(Slots(library.conn).all(), titles, durations, zones, ctx.clock.now())
    atomic_write_bytes(args.out, text.encode("utf-8"))
    return 0

"""iCalendar (RFC 5545) export of the broadcast schedule, for officers' phone calendars.

One VEVENT per slot, carrying its RRULE and EXDATEs (the phone expands them), local times
in Asia/Ho_Chi_Minh with a VTIMEZONE block, the programme as the summary and the zones as
the location. Lines are folded at 75 octets and text is escaped as the RFC says.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from dateutil.rrule import rrulestr

from studio.clock import TIMEZONE, Clock
from studio.schedule.slots import Priority, Slot

PRODID = "-//Commune Radio Studio//Studio Truyen thanh xa//VI"
PRIORITY_WORDS = {Priority.NORMAL: "Thường", Priority.PRIORITY: "Ưu tiên", Priority.EMERGENCY: "Khẩn cấp"}
ICAL_PRIORITY = {Priority.NORMAL: 5, Priority.PRIORITY: 3, Priority.EMERGENCY: 1}


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Split a content line into 75-octet pieces (continuations start with a space),
    never inside a UTF-8 character."""
    out, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode("utf-8"))
            current = b""
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


def _local(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def export(slots: Iterable[Slot], titles: dict[int, str], durations: dict[int, float],
           zone_names: dict[int, str], now: datetime | None = None) -> str:
    stamp = (now or Clock().utc_now()).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
        "X-WR-CALNAME:Lịch phát thanh xã", f"X-WR-TIMEZONE:{TIMEZONE}",
        "BEGIN:VTIMEZONE", f"TZID:{TIMEZONE}", "BEGIN:STANDARD", "DTSTART:19750613T000000",
        "TZOFFSETFROM:+0700", "TZOFFSETTO:+0700", "TZNAME:ICT", "END:STANDARD", "END:VTIMEZONE",
    ]
    for slot in slots:
        start = slot.start
        if slot.rrule:
            # RFC 5545 counts DTSTART as an occurrence even when the rule would not pick it;
            # the planner (dateutil) does not. Start the event at the first real occurrence.
            start = next(iter(rrulestr(slot.rrule, dtstart=slot.start)), slot.start)
        seconds = max(1, round(durations.get(slot.programme_id, 60.0)))
        zones = ", ".join(zone_names.get(z, f"#{z}") for z in slot.zone_ids)
        title = titles.get(slot.programme_id, f"Chương trình {slot.programme_id}")
        summary = f"{'[KHẨN CẤP] ' if slot.priority is Priority.EMERGENCY else ''}{title}"
        lines += [
            "BEGIN:VEVENT", f"UID:slot-{slot.id}@commune-radio-studio", f"DTSTAMP:{stamp}",
            f"DTSTART;TZID={TIMEZONE}:{_local(start)}", f"DURATION:PT{seconds // 60}M{seconds % 60}S",
            f"SUMMARY:{escape(summary)}", f"LOCATION:{escape(zones)}",
            f"DESCRIPTION:{escape(f'Mức ưu tiên: {PRIORITY_WORDS[slot.priority]}; vùng: {zones}')}",
            f"PRIORITY:{ICAL_PRIORITY[slot.priority]}",
        ]
        if slot.rrule:
            lines.append(f"RRULE:{slot.rrule}")
        if slot.exdates:
            lines.append(f"EXDATE;TZID={TIMEZONE}:" + ",".join(_local(d) for d in slot.exdates))
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(fold(line) for line in lines) + "\r\n"

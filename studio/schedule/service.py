"""The schedule as the studio keeps it, planned: loads zones, slots and the programmes'
facts (durations per language, whether the approval still matches the audio) from the
database and hands them to the pure planner. One thread per library connection."""

from __future__ import annotations

from datetime import date

from studio.audio.settings import RenderSettings
from studio.errors import ClipNotFound, InvalidEdit, InvalidProgramme
from studio.library import ClipLibrary
from studio.programmes.workflow import Programmes
from studio.schedule.planner import Plan, ProgrammeFacts, plan
from studio.schedule.slots import Slots
from studio.schedule.zones import Zones


def programme_facts(programmes: Programmes, settings_fields: dict) -> dict[int, ProgrammeFacts]:
    facts = {}
    for programme in programmes.all():
        try:
            seconds = programmes.durations(programme.spec)
            approved = programmes.is_approved(programme, settings_fields)
        except (ClipNotFound, InvalidProgramme, InvalidEdit):
            seconds, approved = {"vi": 0.0}, False
        facts[programme.id] = ProgrammeFacts(programme.id, programme.title, seconds, approved)
    return facts


def load_plan(library: ClipLibrary, first_day: date, last_day: date,
              settings: RenderSettings = RenderSettings()) -> Plan:
    conn = library.conn
    return plan(Slots(conn).all(), Zones(conn).all(), programme_facts(Programmes(library), settings.cache_fields()),
                first_day, last_day)

"""The broadcast plan: recurrence at month ends, leap days and year ends; sessions and
their order; every policy check; emergencies. Pure values, no database."""

from datetime import date, datetime

import pytest

from studio.errors import InvalidSchedule
from studio.schedule.planner import ProgrammeFacts, WarningKind, expand, plan
from studio.schedule.slots import Priority, Slot, StartMode, check_rrule
from studio.schedule.zones import Policy, Zone, ZoneKind, parse_window

FACTS = {1: ProgrammeFacts(1, "Bản tin", {"vi": 600.0, "bahnar": 720.0}, True),
         2: ProgrammeFacts(2, "Thông báo", {"vi": 300.0}, True),
         3: ProgrammeFacts(3, "Chưa duyệt", {"vi": 120.0}, False)}


def slot(sid, start, rule=None, zones=(1,), programme=1, priority=Priority.NORMAL, exdates=(), length=None,
         sequence=0):
    return Slot(sid, programme, zones, start, rule, exdates, priority, StartMode.SOFT, length, sequence, "t")


def zone(zid=1, language="vi", **policy):
    return Zone(zid, f"Thôn {zid}", ZoneKind.VILLAGE, language, Policy(**policy))


def starts(s, first, last):
    return [t.isoformat(timespec="minutes") for t in expand(s, first, last, {})]


def test_monthly_on_the_31st_skips_short_months():
    s = slot(1, datetime(2027, 1, 31, 6, 0), "FREQ=MONTHLY;BYMONTHDAY=31")
    assert starts(s, date(2027, 1, 1), date(2027, 6, 30)) == [
        "2027-01-31T06:00", "2027-03-31T06:00", "2027-05-31T06:00"]


def test_last_day_of_every_month_including_february_of_a_leap_year():
    s = slot(1, datetime(2028, 1, 31, 17, 30), "FREQ=MONTHLY;BYMONTHDAY=-1")
    assert starts(s, date(2028, 1, 1), date(2028, 4, 30)) == [
        "2028-01-31T17:30", "2028-02-29T17:30", "2028-03-31T17:30", "2028-04-30T17:30"]


def test_yearly_on_the_leap_day_only_in_leap_years():
    s = slot(1, datetime(2028, 2, 29, 7, 0), "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29")
    assert starts(s, date(2028, 1, 1), date(2036, 12, 31)) == [
        "2028-02-29T07:00", "2032-02-29T07:00", "2036-02-29T07:00"]


def test_daily_across_the_year_end_with_count_and_exceptions():
    s = slot(1, datetime(2026, 12, 30, 5, 45), "FREQ=DAILY;COUNT=4",
             exdates=(datetime(2027, 1, 1, 0, 0),))  # a date alone skips the whole day (Tết dương lịch)
    assert starts(s, date(2026, 12, 1), date(2027, 1, 31)) == [
        "2026-12-30T05:45", "2026-12-31T05:45", "2027-01-02T05:45"]


def test_weekdays_until_and_an_exact_exception():
    s = slot(1, datetime(2026, 11, 30, 17, 0), "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20261204T170000",
             exdates=(datetime(2026, 12, 2, 17, 0),))
    assert starts(s, date(2026, 11, 1), date(2026, 12, 31)) == [
        "2026-11-30T17:00", "2026-12-01T17:00", "2026-12-03T17:00", "2026-12-04T17:00"]


def test_until_earlier_in_the_day_than_the_start_time():
    s = slot(1, datetime(2026, 12, 1, 18, 0), "FREQ=DAILY;UNTIL=20261203T060000")
    assert starts(s, date(2026, 12, 1), date(2026, 12, 31)) == ["2026-12-01T18:00", "2026-12-02T18:00"]


def test_chosen_dates_and_a_range_that_cuts_the_series():
    s = slot(1, datetime(2026, 12, 1, 6, 0), "FREQ=MONTHLY;BYMONTHDAY=1,15")
    assert starts(s, date(2027, 1, 10), date(2027, 2, 1)) == ["2027-01-15T06:00", "2027-02-01T06:00"]


def test_bad_rules_are_refused():
    with pytest.raises(InvalidSchedule):
        check_rrule("FREQ=SOMETIMES", datetime(2026, 1, 1))
    with pytest.raises(InvalidSchedule):
        check_rrule("DTSTART:20260101T000000\nRRULE:FREQ=DAILY", datetime(2026, 1, 1))


def test_a_session_plays_priority_first_then_the_operators_order_and_each_zone_its_language():
    slots = [slot(1, datetime(2026, 12, 1, 6, 0), zones=(1, 2)),
             slot(2, datetime(2026, 12, 1, 6, 0), programme=2, priority=Priority.PRIORITY),
             slot(3, datetime(2026, 12, 1, 6, 0), programme=2, sequence=-1)]
    result = plan(slots, [zone(1), zone(2, "bahnar")], FACTS, date(2026, 12, 1), date(2026, 12, 1))
    first = [s for s in result.sessions if s.zone_id == 1][0]
    assert [o.slot_id for o in first.occurrences] == [2, 3, 1]
    assert first.end == datetime(2026, 12, 1, 6, 20)  # 5 + 5 + 10 minutes
    bahnar = [o for o in result.occurrences if o.zone_id == 2][0]
    assert bahnar.language == "bahnar" and bahnar.end == datetime(2026, 12, 1, 6, 12)


def kinds(result):
    return sorted(w.kind.value for w in result.warnings)


def test_overlap_on_the_same_zone():
    slots = [slot(1, datetime(2026, 12, 1, 6, 0)), slot(2, datetime(2026, 12, 1, 6, 5), programme=2)]
    result = plan(slots, [zone()], FACTS, date(2026, 12, 1), date(2026, 12, 1))
    (warning,) = result.warnings
    assert warning.kind is WarningKind.OVERLAP and set(warning.slot_ids) == {1, 2}
    other_zone = plan([slots[0], slot(2, datetime(2026, 12, 1, 6, 5), programme=2, zones=(2,))],
                      [zone(1), zone(2)], FACTS, date(2026, 12, 1), date(2026, 12, 1))
    assert other_zone.warnings == ()


def test_outside_the_allowed_windows_and_weekends():
    policy = {"windows": (parse_window("2-6@05:30-06:30"), parse_window("17:00-18:00")), "weekends": False}
    inside = slot(1, datetime(2026, 12, 1, 5, 30))  # Tuesday 05:30-05:40
    runs_over = slot(2, datetime(2026, 12, 2, 6, 25), programme=2)  # ends 06:30: still inside
    too_late = slot(3, datetime(2026, 12, 3, 6, 25))  # ends 06:35
    saturday = slot(4, datetime(2026, 12, 5, 17, 0))
    result = plan([inside, runs_over, too_late, saturday], [zone(**policy)], FACTS, date(2026, 12, 1),
                  date(2026, 12, 7))
    assert [(w.kind, w.slot_ids) for w in result.warnings] == [
        (WarningKind.OUTSIDE_WINDOW, (3,)), (WarningKind.WEEKEND, (4,))]
    assert parse_window("2-6@05:30-06:30").days == frozenset({0, 1, 2, 3, 4})
    assert parse_window("1@08:00-09:00").days == frozenset({6})  # Chủ nhật
    with pytest.raises(InvalidSchedule):
        parse_window("18:00-06:00")


def test_session_too_long_and_too_many_sessions_and_days():
    policy = {"max_minutes_per_session": 15, "max_sessions_per_day": 2, "max_days_per_week": 5}
    slots = [slot(1, datetime(2026, 11, 30, 6, 0), "FREQ=DAILY;COUNT=7", programme=2),
             slot(2, datetime(2026, 12, 1, 11, 0), programme=2),
             slot(3, datetime(2026, 12, 1, 17, 0), programme=2),
             slot(4, datetime(2026, 12, 2, 17, 0)), slot(5, datetime(2026, 12, 2, 17, 0))]
    result = plan(slots, [zone(**policy)], FACTS, date(2026, 11, 30), date(2026, 12, 6))
    assert kinds(result) == ["session too long", "too many days", "too many sessions"]
    too_long = [w for w in result.warnings if w.kind is WarningKind.SESSION_TOO_LONG][0]
    assert too_long.values == {"minutes": 20.0, "limit": 15}  # two 10-minute programmes
    many = [w for w in result.warnings if w.kind is WarningKind.TOO_MANY_SESSIONS][0]
    assert many.values["count"] == 3 and many.start.date() == date(2026, 12, 1)


def test_unapproved_programme_and_a_programme_longer_than_its_slot():
    slots = [slot(1, datetime(2026, 12, 1, 6, 0), "FREQ=DAILY;COUNT=3", programme=3),
             slot(2, datetime(2026, 12, 1, 17, 0), length=8)]
    result = plan(slots, [zone()], FACTS, date(2026, 12, 1), date(2026, 12, 3))
    assert kinds(result) == ["longer than slot", "not approved"]  # once per slot, not per day


def test_emergencies_are_exempt_and_pre_empt():
    policy = {"windows": (parse_window("05:30-06:30"),), "max_sessions_per_day": 1, "weekends": False}
    slots = [slot(1, datetime(2026, 12, 5, 6, 0)),  # Saturday: breaks the weekend rule
             slot(2, datetime(2026, 12, 5, 6, 2), programme=3, priority=Priority.EMERGENCY),
             slot(3, datetime(2026, 12, 5, 22, 0), priority=Priority.EMERGENCY)]
    result = plan(slots, [zone(**policy)], FACTS, date(2026, 12, 5), date(2026, 12, 5))
    assert kinds(result) == ["emergency without approval", "pre-empted by emergency", "weekend"]
    assert all(not w.blocking for w in result.warnings if w.kind is not WarningKind.WEEKEND)
    emergency = [o for o in result.occurrences if o.priority is Priority.EMERGENCY]
    assert len(emergency) == 2 and all(o.start_mode is StartMode.HARD for o in emergency)


def test_missing_programme_and_zone():
    result = plan([slot(1, datetime(2026, 12, 1, 6, 0), programme=9), slot(2, datetime(2026, 12, 1, 7, 0), zones=(7,))],
                  [zone()], FACTS, date(2026, 12, 1), date(2026, 12, 1))
    assert kinds(result) == ["programme missing", "unknown zone"]

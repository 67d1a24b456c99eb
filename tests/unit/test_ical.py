"""iCalendar export: what a phone calendar needs, folded and escaped as RFC 5545 says."""

from datetime import UTC, datetime

from dateutil.rrule import rrulestr

from studio.schedule.ical import export, fold
from studio.schedule.slots import Priority, Slot, StartMode


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_slots_become_events_with_their_recurrence():
    slots = [
        Slot(1, 7, (1, 2), datetime(2026, 12, 1, 5, 45), "FREQ=WEEKLY;BYDAY=MO,WE,FR;UNTIL=20261231T235959",
             (datetime(2026, 12, 2, 5, 45),), Priority.NORMAL, StartMode.SOFT, None, 0, "t"),
        Slot(2, 8, (2,), datetime(2026, 12, 3, 22, 0), None, (), Priority.EMERGENCY, StartMode.HARD, None, 0, "t"),
    ]
    titles = {7: "Bản tin sáng; tin vắn, thời tiết", 8: "Cảnh báo lũ"}
    text = export(slots, titles, {7: 754.0, 8: 60.0}, {1: "Thôn 1", 2: "Làng Kon Klor"},
                  datetime(2026, 11, 26, 12, 0, tzinfo=UTC))
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    lines = unfold(text)
    assert "BEGIN:VTIMEZONE" in lines and "TZID:Asia/Ho_Chi_Minh" in lines
    assert lines.count("BEGIN:VEVENT") == 2
    # 1 Dec 2026 is a Tuesday: the event starts on the first day the rule picks
    assert "DTSTART;TZID=Asia/Ho_Chi_Minh:20261202T054500" in lines
    assert "DURATION:PT12M34S" in lines
    assert "SUMMARY:Bản tin sáng\\; tin vắn\\, thời tiết" in lines
    assert "LOCATION:Thôn 1\\, Làng Kon Klor" in lines
    assert "EXDATE;TZID=Asia/Ho_Chi_Minh:20261202T054500" in lines
    rule = next(line for line in lines if line.startswith("RRULE:"))
    occurrences = list(rrulestr(rule.removeprefix("RRULE:"), dtstart=datetime(2026, 12, 2, 5, 45)))
    assert len(occurrences) == 13 and occurrences[0] == datetime(2026, 12, 2, 5, 45)  # 1 Dec is a Tuesday
    assert "SUMMARY:[KHẨN CẤP] Cảnh báo lũ" in lines and "PRIORITY:1" in lines


def test_folding_never_splits_a_vietnamese_letter():
    line = "SUMMARY:" + "Thông báo khẩn cấp về phòng chống lụt bão " * 4
    folded = fold(line)
    assert folded.replace("\r\n ", "") == line
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))

"""The one clock: Vietnam's date and wall time whatever the host's zone, the helpers that
turn stored UTC stamps into what the officer reads, and a publish driven to the edges of
the Vietnamese day (23:30 and 00:30), where a host clock in UTC used to lose broadcasts."""

from __future__ import annotations

import json
import os
import re
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from studio.clock import VIETNAM, Clock, ManualClock, aware, local_text, parse_stamp, to_local

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def host_zone():
    """Set the process's own zone (what date.today() and naive now() follow)."""
    saved = os.environ.get("TZ")

    def use(zone: str) -> None:
        os.environ["TZ"] = zone
        time.tzset()

    yield use
    if saved is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved
    time.tzset()


@pytest.mark.parametrize("zone", ["Etc/GMT+12", "Pacific/Kiritimati", "UTC", "America/Los_Angeles"])
def test_today_is_vietnams_date_whatever_the_host_zone(host_zone, zone):
    host_zone(zone)
    clock = Clock()
    utc = datetime.now(UTC)
    expected = (utc + timedelta(hours=7)).date()  # Vietnam has kept UTC+7 without DST since 1975
    if clock.today() != expected:  # the date turned between the two readings
        utc = datetime.now(UTC)
        expected = (utc + timedelta(hours=7)).date()
    assert clock.today() == expected
    assert clock.now().utcoffset() == timedelta(hours=7)
    assert abs((clock.local_now() - (utc + timedelta(hours=7)).replace(tzinfo=None)).total_seconds()) < 5


def test_the_host_zone_really_changes_in_these_tests(host_zone):
    """Guard for the test above: with the host far west of Vietnam, the host's own date
    and Vietnam's differ for most of the day, so a host-date bug would show."""
    host_zone("Etc/GMT+12")
    offset = datetime.now().astimezone().utcoffset()
    assert offset == timedelta(hours=-12)


def test_manual_clock_is_set_and_moved_and_refuses_naive_times():
    clock = ManualClock(datetime(2026, 12, 1, 23, 30, tzinfo=VIETNAM))
    assert clock.today() == date(2026, 12, 1)
    assert clock.utc_now() == datetime(2026, 12, 1, 16, 30, tzinfo=UTC)
    clock.advance(3600)
    assert clock.today() == date(2026, 12, 2) and clock.local_now() == datetime(2026, 12, 2, 0, 30)
    assert clock.stamp() == "2026-12-01T17:30:00.000+00:00"
    clock.set(datetime(2027, 1, 1, 0, 0, tzinfo=UTC))
    assert clock.local_now() == datetime(2027, 1, 1, 7, 0)
    with pytest.raises(ValueError, match="no time zone"):
        clock.set(datetime(2027, 1, 1))
    with pytest.raises(ValueError, match="no time zone"):
        ManualClock(datetime(2027, 1, 1))


def test_stamps_read_as_vietnam_time():
    assert local_text("2026-12-01T17:05:09.123+00:00") == "02/12/2026 00:05"
    assert local_text("2026-12-01T17:05:09", "%H:%M:%S") == "00:05:09"  # stored naive stamps are UTC
    assert local_text(None) == "—" and local_text("", missing="") == ""
    assert local_text(datetime(2026, 12, 1, 23, 59, tzinfo=VIETNAM), "%d/%m %H:%M") == "01/12 23:59"
    assert parse_stamp("2026-12-01T00:00:00").tzinfo is UTC
    assert to_local(datetime(2026, 12, 1, 18, 0, tzinfo=UTC)) == datetime(2026, 12, 2, 1, 0)
    assert aware(datetime(2026, 12, 2, 1, 0)).utcoffset() == timedelta(hours=7)
    assert aware(datetime(2026, 12, 1, 18, 0, tzinfo=UTC)) == datetime(2026, 12, 2, 1, 0, tzinfo=VIETNAM)
    with pytest.raises(ValueError):
        local_text("yesterday")


_HOST_TIME = re.compile(r"date\.today\(\)|datetime\.now\((tz=)?(None)?\)|datetime\.today\(\)|"
                        r"\.astimezone\((None)?\)|time\.localtime\(|time\.ctime\(|datetime\.utcnow\(|"
                        r"fromtimestamp\([^,)]*\)|QDateTime\.currentDateTime\(\)|logging\.Formatter\(")


def test_no_module_reads_the_hosts_own_zone():
    """Everything in studio/ and ui/ asks the Clock; the host's zone is never read (log
    lines too: logging's own Formatter stamps them in the host's zone)."""
    offenders = []
    for folder in ("studio", "ui"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == "clock.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                code = line.split("#", 1)[0]
                if _HOST_TIME.search(code):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_log_lines_are_stamped_in_vietnam_time(host_zone):
    import logging

    from studio.clock import VietnamLogFormatter

    host_zone("Etc/GMT+12")
    record = logging.LogRecord("studio", logging.INFO, __file__, 1, "published", None, None)
    record.created = datetime(2026, 12, 1, 17, 30, 5, 250000, tzinfo=UTC).timestamp()
    record.msecs = 250
    assert VietnamLogFormatter("%(asctime)s %(message)s").format(record) == "2026-12-02 00:30:05,250 published"
    assert VietnamLogFormatter("%(asctime)s", "%H:%M:%S").format(record) == "00:30:05"


# -- publish at the edges of the Vietnamese day ------------------------------------------

def _approved_programme_with_receiver(library, tmp_path):
    from studio.accounts.store import Accounts, Role
    from studio.audio import synthetic
    from studio.audio.settings import RenderSettings
    from studio.programmes.model import Item, Spec
    from studio.programmes.render import render_all
    from studio.programmes.workflow import Programmes
    from studio.schedule.zones import Policy, ZoneKind, Zones
    from tests.support.tools import write_audio

    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    approver = accounts.add("chutich", "matkhau-chutich", Role.APPROVER, by=admin)
    clip = library.import_file(write_audio(tmp_path / "vi.wav", synthetic.speech_like(2.0, seed=3),
                                           subtype="PCM_16")).clip.id
    programmes = Programmes(library, accounts)
    programme = programmes.create("Bản tin", Spec((Item(clip=clip),)), admin)
    render = render_all(programmes)
    programmes.submit(programme.id, admin, render, RenderSettings().cache_fields())
    programmes.approve(programme.id, approver, render, RenderSettings().cache_fields())
    zone = Zones(library.conn, accounts).add("Thôn 1", admin, ZoneKind.VILLAGE, "vi", Policy())
    library.conn.execute("INSERT INTO receivers (receiver_id, name, address, zone_id, paired_at) VALUES (?,?,?,?,?)",
                         ("rx-1", "Loa", "http://127.0.0.1:9", zone.id, "2026-11-01T00:00:00.000+00:00"))
    return accounts, admin, programme, zone


@pytest.mark.parametrize("host", ["Etc/GMT+12", "Pacific/Kiritimati"])
@pytest.mark.parametrize("vietnam_time", ["23:30", "00:30"])
def test_publish_at_the_edges_of_the_day_keeps_today_and_tomorrow(library, tmp_path, host_zone, host, vietnam_time):
    """At 23:30 and 00:30 Vietnam time, with the host clock in a zone whose date differs
    from Vietnam's, a one-day publish holds exactly today's broadcasts (Vietnam's today)."""
    from studio.fleet.publish import publish
    from studio.schedule.slots import Slots

    host_zone(host)
    hour, minute = map(int, vietnam_time.split(":"))
    now = datetime(2026, 12, 1, hour, minute, tzinfo=VIETNAM)
    today = now.date()
    accounts, admin, programme, zone = _approved_programme_with_receiver(library, tmp_path)
    Slots(library.conn, accounts).add(programme.id, [zone.id], datetime(2026, 11, 25, 5, 45), admin, "FREQ=DAILY")
    Slots(library.conn, accounts).add(programme.id, [zone.id], datetime(2026, 11, 25, 23, 45), admin, "FREQ=DAILY")

    result = publish(library, "test", days=2, clock=ManualClock(now))
    assert result.items == 4
    manifest = json.loads(library.conn.execute("SELECT manifest_json FROM deliveries").fetchone()[0])
    starts = [datetime.fromisoformat(item["start"]) for item in manifest["items"]]
    assert [s.astimezone(VIETNAM).replace(tzinfo=None) for s in starts] == [
        datetime.combine(today, datetime.min.time()).replace(hour=5, minute=45),
        datetime.combine(today, datetime.min.time()).replace(hour=23, minute=45),
        datetime.combine(today + timedelta(days=1), datetime.min.time()).replace(hour=5, minute=45),
        datetime.combine(today + timedelta(days=1), datetime.min.time()).replace(hour=23, minute=45),
    ]
    assert all(s.utcoffset() == timedelta(hours=7) for s in starts)

"""The as-run record and its statistics, through the fleet repository's own writers (a
publish queues the plan, play logs come in, status checks record availability): every
figure is what the entries say, for any scope; exports read back by independent readers."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from datetime import UTC, date, datetime

import pytest

from studio.clock import ManualClock
from studio.fleet.repository import FleetRepository, NewDelivery
from studio.reports.document import Header
from studio.reports.exchange import OutboxAdapter, write_csv
from studio.reports.service import ReportFormat, export
from studio.reports.statistics import Scope, compute
from studio.storage.database import connect

DAY = date(2026, 3, 2)
T0 = datetime(2026, 3, 1, 17, 0, tzinfo=UTC)  # 00:00 on 2 March in Vietnam


def at(hour: int, minute: int = 0, second: int = 0) -> str:
    """2 March 2026, Vietnam time, as the manifests write it."""
    return f"2026-03-02T{hour:02d}:{minute:02d}:{second:02d}+07:00"


def item(slot: int, zone: int, hour: int, title: str) -> dict:
    return {"id": f"s{slot}-z{zone}-20260302T{hour:02d}0000", "start": at(hour), "media": ["x"], "duration_s": 600,
            "priority": "normal", "start_mode": "hard", "title": title}


def entry(seq: int, it: dict, outcome: str, played_s: float | None, level: float | None, **extra) -> dict:
    hour = int(it["start"][11:13])
    started = at(hour) if played_s is not None else None
    ended = at(hour, int(played_s // 60), int(played_s % 60)) if played_s is not None else None
    return {"seq": seq, "item": it["id"], "media": ["x"], "priority": it.get("priority", "normal"),
            "scheduled": it["start"], "started": started, "ended": ended, "outcome": outcome, "level_dbfs": level,
            **extra}


@pytest.fixture
def fleet(tmp_path):
    conn = connect(tmp_path / "studio.db")
    stamp = "2026-01-01T00:00:00.000+00:00"
    conn.execute("INSERT INTO zones VALUES (1, 'Thôn 1', 'village', 'vi', '{}', ?)", (stamp,))
    conn.execute("INSERT INTO zones VALUES (2, 'Làng Kon Klor', 'village', 'bahnar', '{}', ?)", (stamp,))
    health = conn.execute("SELECT id FROM programme_categories WHERE name = 'Y tế'").fetchone()[0]
    conn.execute("INSERT INTO programmes (id, title, spec_json, created_at, updated_at, category_id) "
                 "VALUES (1, 'Tiêm chủng', '{}', ?, ?, ?)", (stamp, stamp, health))
    conn.execute("INSERT INTO programmes (id, title, spec_json, created_at, updated_at) "
                 "VALUES (2, 'Bản tin', '{}', ?, ?)", (stamp, stamp))
    for slot, programme in ((1, 1), (2, 2)):
        conn.execute("INSERT INTO slots (id, programme_id, start_local, priority, start_mode, created_by, created_at)"
                     " VALUES (?,?,?,?,?,?,?)", (slot, programme, "2026-03-02T06:00", "normal", "hard", "t", stamp))
    clock = ManualClock(T0)
    repository = FleetRepository(conn, clock)
    for rid, zone in (("rx-a", 1), ("rx-b", 1), ("rx-c", 2)):
        repository.add_receiver(rid, rid, "http://127.0.0.1:1", zone)
    ids = {row["name"]: row["id"] for row in repository.receivers()}
    plan = {"rx-a": [item(1, 1, 6, "Tiêm chủng"), item(2, 1, 17, "Bản tin")],
            "rx-b": [item(1, 1, 6, "Tiêm chủng"), item(2, 1, 17, "Bản tin")],
            "rx-c": [item(1, 2, 6, "Tiêm chủng")]}
    repository.queue_publish("t", DAY.isoformat(), DAY.isoformat(), {}, lambda publish_id: [
        NewDelivery(ids[name], {"version": publish_id, "items": items}, [], 0) for name, items in plan.items()])
    for name in ids.values():
        repository.record_status(name, {})  # all online at midnight
    clock.set(datetime(2026, 3, 2, 0, 0, tzinfo=UTC))  # 07:00: rx-c goes down for six hours
    repository.record_problem(ids["rx-c"], {"kind": "unreachable"}, offline=True)
    clock.set(datetime(2026, 3, 2, 6, 0, tzinfo=UTC))
    repository.record_status(ids["rx-c"], {})
    a, b, c = plan["rx-a"], plan["rx-b"], plan["rx-c"]
    repository.record_playlog(ids["rx-a"], [entry(1, a[0], "played", 600, -18.0),
                                            entry(2, a[1], "interrupted", 120, -19.0)])
    repository.record_playlog(ids["rx-b"], [entry(1, b[0], "played", 600, -120.0),  # silence
                                            entry(2, b[1], "failed", 0, None, skipped=[{"media": "x",
                                                                                        "outcome": "failed"}])])
    repository.record_playlog(ids["rx-c"], [entry(1, c[0], "missed", None, None)])
    repository.record_playlog(ids["rx-a"], [{"seq": 3, "item": "now-1-abc", "media": ["y"], "priority": "emergency",
                                             "scheduled": None, "started": at(17, 2), "ended": at(17, 3),
                                             "outcome": "played", "level_dbfs": -16.0}])
    yield conn, ids, clock
    conn.close()


NOW = datetime(2026, 3, 3, 17, 0, tzinfo=UTC)  # the end of 3 March in Vietnam: the period is over


def test_statistics_are_what_the_play_logs_say(fleet):
    conn, ids, _ = fleet
    rows = conn.execute("SELECT outcome, language, programme_id, title FROM asrun ORDER BY receiver, seq").fetchall()
    assert [tuple(r) for r in rows] == [("played", "vi", 1, "Tiêm chủng"), ("interrupted", "vi", 2, "Bản tin"),
                                        ("played", "vi", None, None), ("played", "vi", 1, "Tiêm chủng"),
                                        ("failed", "vi", 2, "Bản tin"), ("missed", "bahnar", 1, "Tiêm chủng")]
    report = compute(conn, Scope(DAY, DAY), NOW)
    # sessions: Tiêm chủng in Thôn 1 (10 min), Bản tin in Thôn 1 (2 min before the emergency,
    # and the failed loudspeaker started it too), the play-now (1 min); Kon Klor missed it
    assert report.sessions == 3
    assert report.hours == pytest.approx((600 + 120 + 60) / 3600)
    assert report.speaker_hours == pytest.approx((600 + 120 + 600 + 0 + 60) / 3600)
    assert (report.planned, report.played) == (5, 2)
    assert report.differences == {"interrupted": 1, "failed": 1, "missed": 1}
    assert report.emergencies == 1
    assert report.ethnic_hours == 0.0
    assert report.hours_by_month_category == {("2026-03", "Y tế"): pytest.approx(600 / 3600),
                                              ("2026-03", ""): pytest.approx(180 / 3600)}
    figures = {r.name: (r.availability, r.plays, r.failed, r.silent) for r in report.receivers}
    assert figures["rx-a"] == (1.0, 2, 0, 0)
    assert figures["rx-b"] == (1.0, 1, 1, 1)
    assert figures["rx-c"][0] == pytest.approx(1 - 6 / 24)  # down 07:00-13:00 of the day
    assert [(f.receiver, f.outcome) for f in report.faults] == [("rx-b", "played"), ("rx-b", "failed")]
    # a scope: the ethnic-language village alone, and the health category alone
    bahnar = compute(conn, Scope(DAY, DAY, zones=(2,)), NOW)
    assert (bahnar.sessions, bahnar.planned, bahnar.played, bahnar.differences) == (0, 1, 0, {"missed": 1})
    health_id = conn.execute("SELECT category_id FROM programmes WHERE id = 1").fetchone()[0]
    health = compute(conn, Scope(DAY, DAY, categories=(health_id,)), NOW)
    assert (health.sessions, health.planned, health.played) == (1, 3, 2)
    assert compute(conn, Scope(DAY, DAY, languages=("bahnar",)), NOW).differences == {"missed": 1}
    # the day after: nothing was broadcast
    assert compute(conn, Scope(date(2026, 3, 3), date(2026, 3, 3)), NOW).sessions == 0


def test_a_repeated_play_log_page_changes_nothing(fleet):
    conn, ids, _ = fleet
    before = compute(conn, Scope(DAY, DAY), NOW)
    FleetRepository(conn).record_playlog(ids["rx-c"], [entry(1, item(1, 2, 6, "Tiêm chủng"), "missed", None, None)])
    assert compute(conn, Scope(DAY, DAY), NOW) == before


def test_xlsx_has_typed_values_and_native_charts(fleet, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    conn, _, _ = fleet
    path = tmp_path / "r.xlsx"
    export(conn, Scope(DAY, DAY), ReportFormat.XLSX, path, Header(), NOW)
    book = openpyxl.load_workbook(path)
    summary = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert summary["Số buổi phát"] == 3 and isinstance(summary["Số buổi phát"], int)
    assert summary["Từ ngày"] == datetime(2026, 3, 2)  # a date, not text
    assert summary["Số lượt phát theo kế hoạch"] == 5 and summary["Số lượt đã phát theo kế hoạch"] == 2
    months = list(book["Giờ phát theo tháng"].iter_rows(min_row=2, max_col=3, values_only=True))
    assert (datetime(2026, 3, 1), "Y tế", pytest.approx(600 / 3600, abs=1e-3)) in months
    assert book["Thiết bị"]["A1"].value == "Cụm loa"
    charts = sum(len(sheet._charts) for sheet in book.worksheets)
    assert charts == 3


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_is_the_administrative_layout_with_vietnamese_text(fleet, tmp_path):
    conn, _, _ = fleet
    path = tmp_path / "r.pdf"
    header = Header(authority="UBND huyện Đăk Hà", commune="UBND xã Đăk Ơ", place="Đăk Ơ", number="15/BC-UBND",
                    signer="Nguyễn Thị Hằng", issued=date(2026, 11, 10))
    export(conn, Scope(DAY, DAY), ReportFormat.PDF, path, header, NOW)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    for expected in ("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "UBND XÃ ĐĂK Ơ",
                     "Số: 15/BC-UBND", "Đăk Ơ, ngày 10 tháng 11 năm 2026", "BÁO CÁO", "Tổng số buổi phát: 3 buổi",
                     "Theo kế hoạch: 5 lượt phát; đã phát 2 lượt", "Phát khẩn cấp: 1 buổi", "TM. ỦY BAN NHÂN DÂN",
                     "Nguyễn Thị Hằng", "Y tế"):
        assert expected in text, expected
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "DejaVu" in fonts and all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # embedded
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "page")], check=True)
    assert (tmp_path / "page-1.png").stat().st_size > 5000


def test_csv_json_and_the_provincial_outbox(fleet, tmp_path):
    conn, _, _ = fleet
    report = compute(conn, Scope(DAY, DAY), NOW)
    with open(write_csv(report, tmp_path / "r.csv"), encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert {"bang": "summary", "dong": "Số buổi phát", "cot": "Giá trị", "gia_tri": "3"} in rows
    name = OutboxAdapter(tmp_path / "outbox").send(report, datetime(2026, 3, 4, 8, 0))
    data = json.loads((tmp_path / "outbox" / name).read_text(encoding="utf-8"))
    assert data["schema"] == "crs-report/1" and data["period"] == {"from": "2026-03-02", "to": "2026-03-02"}
    assert data["totals"]["sessions"] == 3 and data["totals"]["emergencies"] == 1
    assert data["planned_vs_played"] == {"planned": 5, "played": 2,
                                         "differences": {"failed": 1, "interrupted": 1, "missed": 1}}
    assert not list((tmp_path / "outbox").glob("*.part"))

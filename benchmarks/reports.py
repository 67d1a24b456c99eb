"""`python -m benchmarks.reports`: the reports of a year for 50 receivers × 4 sessions a day.

A studio database is filled with a year of as-run rows (73,000 planned plays and their
play-log rows: most played, some missed, interrupted, failed or silent) and each
receiver's online/offline transitions. Medians of five runs: the statistics of the year
(`studio.reports.statistics.compute`), against one plain SQL `GROUP BY` over the same rows
(receiver × outcome: counts and seconds) in the same run — the floor of reading them at
all; then the year's PDF and XLSX. Targets: statistics ≤ 1 s, PDF ≤ 5 s, XLSX ≤ 2 s.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from studio.clock import VIETNAM
from studio.reports.document import Header
from studio.reports.pdf_export import write_pdf
from studio.reports.service import year_scope
from studio.reports.statistics import compute
from studio.reports.xlsx_export import write_xlsx
from studio.storage.database import connect

YEAR = 2027
RECEIVERS, ZONES = 50, 10
TIMES = ((5, 30), (11, 15), (17, 0), (19, 45))
LANGUAGES = ("vi", "vi", "vi", "bahnar", "jarai", "vi", "vi", "sedang", "vi", "vi")
TARGETS = {"statistics": 1.0, "pdf": 5.0, "xlsx": 2.0}


def fill(conn, year: int = YEAR, seed: int = 7) -> int:
    """A year of as-run records; returns how many play-log rows."""
    rng = random.Random(seed)
    stamp = f"{year}-01-01T00:00:00.000+00:00"
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        for z in range(1, ZONES + 1):
            conn.execute("INSERT INTO zones (id, name, kind, language, policy_json, created_at) VALUES (?,?,?,?,?,?)",
                         (z, f"Thôn {z}", "village", LANGUAGES[z - 1], "{}", stamp))
        for p in range(1, 8):
            conn.execute("INSERT INTO programmes (id, title, spec_json, state, created_at, updated_at, category_id) "
                         "VALUES (?,?,?,?,?,?,?)", (p, f"Chương trình {p}", "{}", "approved", stamp, stamp, p))
        for s, (hour, minute) in enumerate(TIMES, start=1):
            for z in range(1, ZONES + 1):
                slot = (s - 1) * ZONES + z
                conn.execute("INSERT INTO slots (id, programme_id, start_local, rrule, priority, start_mode, "
                             "created_by, created_at) VALUES (?,?,?,?,?,?,?,?)",
                             (slot, (slot % 7) + 1, f"{year}-01-01T{hour:02d}:{minute:02d}", "FREQ=DAILY",
                              "normal", "hard", "bench", stamp))
        for r in range(1, RECEIVERS + 1):
            conn.execute("INSERT INTO receivers (id, receiver_id, name, address, zone_id, paired_at) "
                         "VALUES (?,?,?,?,?,?)", (r, f"rx-{r}", f"Cụm loa {r:02d}", "", (r - 1) % ZONES + 1, stamp))
        planned, played, availability = [], [], []
        day = date(year, 1, 1)
        seq = dict.fromkeys(range(1, RECEIVERS + 1), 0)
        while day.year == year:
            for r in range(1, RECEIVERS + 1):
                zone = (r - 1) % ZONES + 1
                for s, (hour, minute) in enumerate(TIMES, start=1):
                    slot = (s - 1) * ZONES + zone
                    start = datetime(day.year, day.month, day.day, hour, minute, tzinfo=VIETNAM).astimezone(UTC)
                    item = f"s{slot}-z{zone}-{day:%Y%m%d}T{hour:02d}{minute:02d}00"
                    duration = rng.uniform(600, 1500)
                    planned.append((r, item, 1, start.isoformat(timespec="milliseconds"), day.isoformat(), duration,
                                    "normal", slot, zone, (slot % 7) + 1, LANGUAGES[zone - 1], f"Chương trình {slot % 7 + 1}"))
                    luck = rng.random()
                    outcome, level, spent = "played", rng.uniform(-24, -14), duration
                    if luck < 0.03:
                        outcome, level, spent = "missed", None, 0.0
                    elif luck < 0.04:
                        outcome, spent = "interrupted", duration / 3
                    elif luck < 0.045:
                        outcome, level, spent = "failed", None, 0.0
                    elif luck < 0.05:
                        level = -120.0
                    seq[r] += 1
                    started = start.isoformat(timespec="milliseconds") if spent or outcome == "failed" else None
                    ended = (start + timedelta(seconds=spent)).isoformat(timespec="milliseconds") if started else None
                    played.append((r, seq[r], item, start.isoformat(timespec="milliseconds"), day.isoformat(), started,
                                   ended, round(spent, 3), outcome, level, None, "normal", slot, zone, (slot % 7) + 1,
                                   LANGUAGES[zone - 1], f"Chương trình {slot % 7 + 1}"))
                if rng.random() < 0.02:  # an outage of a few hours
                    down = datetime(day.year, day.month, day.day, rng.randrange(24), tzinfo=VIETNAM).astimezone(UTC)
                    availability.append((r, down.isoformat(timespec="milliseconds"), 0))
                    back = down + timedelta(hours=rng.uniform(1, 30))
                    availability.append((r, back.isoformat(timespec="milliseconds"), 1))
            day += timedelta(days=1)
        for r in range(1, RECEIVERS + 1):
            availability.append((r, stamp, 1))
        conn.executemany("INSERT INTO asrun_planned VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", planned)
        conn.executemany("INSERT INTO asrun (receiver, seq, item, scheduled, local_day, started, ended, played_s, "
                         "outcome, level_dbfs, reason, priority, slot_id, zone_id, programme_id, language, title) "
                         "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", played)
        conn.executemany("INSERT OR REPLACE INTO receiver_availability VALUES (?,?,?)", availability)
    conn.execute("ANALYZE")
    return len(played)


def plain_group_by(conn, first: str, last: str) -> list:
    return conn.execute("SELECT receiver, outcome, COUNT(*), SUM(played_s) FROM asrun "
                        "WHERE local_day BETWEEN ? AND ? GROUP BY receiver, outcome", (first, last)).fetchall()


def median(job, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        conn = connect(Path(tmp) / "studio.db")
        rows = fill(conn)
        scope = year_scope(YEAR)
        now = datetime(YEAR + 1, 1, 2, tzinfo=UTC)
        report = compute(conn, scope, now)
        figures = {
            "statistics": median(lambda: compute(conn, scope, now)),
            "pdf": median(lambda: write_pdf(report, Path(tmp) / "year.pdf", Header(commune="UBND xã Đăk Ơ"),
                                            date(YEAR, 11, 10)), 3),
            "xlsx": median(lambda: write_xlsx(report, Path(tmp) / "year.xlsx"), 3),
        }
        baseline = median(lambda: plain_group_by(conn, f"{YEAR}-01-01", f"{YEAR}-12-31"))
        print(f"a year: {RECEIVERS} receivers x {len(TIMES)} sessions/day, {rows} play-log rows")
        print(f"figures: {report.sessions} sessions, {report.hours:.1f} h, planned {report.planned}, played "
              f"{report.played}, not played {dict(sorted(report.differences.items()))}, ethnic "
              f"{report.ethnic_hours:.1f} h, availability {report.availability * 100:.2f} %, faults {len(report.faults)}")
        print(f"plain SQL GROUP BY (receiver x outcome)  {baseline * 1000:8.1f} ms")
        failed = False
        for name, seconds in figures.items():
            ok = seconds <= TARGETS[name]
            failed |= not ok
            print(f"{name:<40} {seconds * 1000:8.1f} ms  (target {TARGETS[name]:.0f} s) {'ok' if ok else 'SLOW'}")
        print(f"PDF {(Path(tmp) / 'year.pdf').stat().st_size / 1e3:.0f} kB, XLSX "
              f"{(Path(tmp) / 'year.xlsx').stat().st_size / 1e3:.0f} kB")
        conn.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

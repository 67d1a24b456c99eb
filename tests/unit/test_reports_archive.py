"""The archive: search by date and text, and the retention clean-up removes exactly the
days before the cut-off (the statistics of the kept days do not change)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from benchmarks.reports import fill
from studio.preferences import Preferences
from studio.reports.archive import clean_up, cutoff, search
from studio.reports.statistics import Scope, compute
from studio.storage.database import connect


def test_cutoff_is_whole_months_back():
    assert cutoff(date(2027, 12, 2), 12) == date(2026, 12, 2)
    assert cutoff(date(2027, 3, 31), 1) == date(2027, 3, 1)  # no 31 February
    assert cutoff(date(2027, 1, 15), 3) == date(2026, 10, 15)
    assert Preferences().archive_months == 12


def test_search_and_retention_clean_up(tmp_path):
    conn = connect(tmp_path / "studio.db")
    fill(conn, year=2026)
    conn.execute("INSERT INTO playlog (receiver, seq, entry_json) SELECT receiver, seq, '{}' FROM asrun")
    found = search(conn, date(2026, 3, 1), date(2026, 3, 1), "Cụm loa 07")
    assert len(found) == 4 and {e.receiver for e in found} == {"Cụm loa 07"}
    assert all(e.scheduled.startswith("2026-02-28T") or e.scheduled.startswith("2026-03-01T") for e in found)
    assert len(search(conn, date(2026, 3, 1), date(2026, 3, 1))) == 200
    now = datetime(2027, 1, 1, tzinfo=UTC)
    kept = Scope(date(2026, 7, 1), date(2026, 12, 31))
    before = compute(conn, kept, now)
    cleaned = clean_up(conn, date(2027, 7, 1), 12)
    assert cleaned.cutoff == date(2026, 7, 1)
    days = (date(2026, 7, 1) - date(2026, 1, 1)).days
    assert cleaned.asrun == cleaned.planned == cleaned.playlog == days * 50 * 4
    assert conn.execute("SELECT MIN(local_day) FROM asrun").fetchone()[0] == "2026-07-01"
    assert compute(conn, kept, now) == before
    assert compute(conn, Scope(date(2026, 1, 1), date(2026, 6, 30)), now).sessions == 0


def test_archive_cli_searches_and_cleans_up(data_dir, library):
    from tests.support.cli import run

    fill(library.conn, year=2020)  # long before the retention of any run of this test
    printed = run(data_dir, "archive", "search", "--from", "2020-03-01", "--to", "2020-03-01", "Cụm loa 07").stdout
    assert len(printed.splitlines()) == 4 and "Cụm loa 07" in printed
    rows = library.conn.execute("SELECT COUNT(*) FROM asrun").fetchone()[0]  # 2020 has 366 days
    assert f"removed {rows} as-run entries" in run(data_dir, "archive", "clean-up").stdout
    assert library.conn.execute("SELECT COUNT(*) FROM asrun").fetchone()[0] == 0


def test_the_archive_migration_takes_the_media_of_entries_already_recorded(tmp_path):
    """A database from before the archive kept media: its entries get their files, in
    order, from the play log kept beside them (a damaged or media-less entry gets none)."""
    import json
    import sqlite3

    from studio.storage.database import MIGRATIONS, SCHEMA_VERSION

    path = tmp_path / "studio.db"
    old = sqlite3.connect(path, isolation_level=None)
    version = MIGRATIONS.index(next(m for m in MIGRATIONS if "CREATE TABLE archive_media" in m))
    for step in range(version):
        old.executescript(f"BEGIN;\n{MIGRATIONS[step]}\nPRAGMA user_version={step + 1};\nCOMMIT;")
    old.execute("INSERT INTO receivers (id, receiver_id, name, address, paired_at) VALUES (1, 'rx', 'Loa', 'a', '')")
    a, b = "a" * 64, "b" * 64
    for seq, entry in ((1, {"media": [a, b]}), (2, {"media": "nope"}), (3, "{not json")):
        old.execute("INSERT INTO asrun (receiver, seq, item, local_day, outcome, priority) "
                    "VALUES (1, ?, 'i', '2026-03-01', 'played', 'normal')", (seq,))
        old.execute("INSERT INTO playlog (receiver, seq, entry_json) VALUES (1, ?, ?)",
                    (seq, entry if isinstance(entry, str) else json.dumps(entry)))
    old.close()
    conn = connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert [tuple(r) for r in conn.execute("SELECT seq, position, sha256, local_day FROM archive_media "
                                           "ORDER BY seq, position")] == [(1, 0, a, "2026-03-01"), (1, 1, b, "2026-03-01")]

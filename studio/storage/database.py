"""The studio's SQLite database: connection settings, versioned migrations, backups.

One file, WAL mode, foreign keys on. The schema version lives in `PRAGMA user_version`.
Before migrating a database that already holds data, a consistent copy is written beside
it (`studio.db.bak-v<N>`) with SQLite's online backup API. A connection belongs to the
thread that opened it; open one per thread (WAL lets readers and one writer coexist).
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from studio.errors import DatabaseTooNew
from studio.storage.durable import FileLock
from studio.storage.migrations import MIGRATIONS

log = logging.getLogger(__name__)

SCHEMA_VERSION = len(MIGRATIONS)


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating or migrating as needed) the database at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout=30000")
    _use_wal(conn, path)
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    migrate(conn, path)
    return conn


def _lock(path: Path) -> FileLock:
    return FileLock(path.with_name(path.name + ".migrate-lock"))


def _use_wal(conn: sqlite3.Connection, path: Path) -> None:
    """Switch the file to WAL once; the mode is stored in the file, so later opens find it.

    The switch needs the exclusive lock. Two connections that both hold a read lock and both
    try to take it deadlock, and SQLite answers one of them "database is locked" at once,
    without waiting out busy_timeout (seen with four threads opening a new file together):
    so only one connection at a time, under the migration lock, makes the switch.
    """
    if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
        return
    with _lock(path):
        conn.execute("PRAGMA journal_mode=WAL")


def _backup(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    target = path.with_name(f"{path.name}.bak-v{version}")
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    finally:
        dest.close()
    log.info("backed up database schema v%d to %s", version, target)
    return target


def _version(conn: sqlite3.Connection, path: Path) -> int:
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current > SCHEMA_VERSION:
        raise DatabaseTooNew(path, current, SCHEMA_VERSION)
    return current


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    if _version(conn, path) == SCHEMA_VERSION:
        return
    # Several connections (worker threads, the CLI beside the window) may open an old
    # database at once: one migrates while the others wait, then find it done.
    with _lock(path):
        _migrate_locked(conn, path, _version(conn, path))


def _migrate_locked(conn: sqlite3.Connection, path: Path, current: int) -> None:
    if current == SCHEMA_VERSION:
        return
    if current > 0:
        _backup(conn, path, current)
    for version in range(current, SCHEMA_VERSION):
        log.info("migrating database %s from v%d to v%d", path, version, version + 1)
        # executescript commits implicitly, so wrap the step and the version bump together.
        conn.executescript(
            f"BEGIN IMMEDIATE;\n{MIGRATIONS[version]}\nPRAGMA user_version={version + 1};\nCOMMIT;"
        )

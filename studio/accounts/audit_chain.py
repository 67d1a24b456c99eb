"""The audit log as a hash chain: tamper-evident, not tamper-proof.

Each row written since schema v8 carries `prev_hash` (the hash of the row before it, "" for
the first chained row) and `hash` = SHA-256 of `prev_hash`, a newline and the row's content
(`content()`: time, user, action, object, detail, as JSON). The insert computes both in one
statement, so two writers never chain onto the same row. An UPDATE or DELETE of any row but
the newest breaks the chain at the row after it (`verify`); deleting the newest rows, or
rewriting the whole chain, is seen only against a head written down earlier (`head`: shown
in `radio-studio audit head`, worth noting in each report). Rows from before v8 have no hash
and are counted as unchained. Any thread, with its own connection.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass

_FUNCTION = "crs_audit_sha256"


def content(at: str, username: str, action: str, object_kind: str, object_id: int | None, detail_json: str) -> str:
    return json.dumps([at, username, action, object_kind, object_id, detail_json], ensure_ascii=False)


def link(prev_hash: str, text: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{text}".encode()).hexdigest()


def insert(conn: sqlite3.Connection, at: str, username: str, action: str, object_kind: str,
           object_id: int | None, detail_json: str) -> None:
    """Append one audit row chained onto the newest hashed row, atomically."""
    conn.create_function(_FUNCTION, 2, link, deterministic=True)
    conn.execute(
        f"""INSERT INTO audit_log (at, username, action, object_kind, object_id, detail_json, prev_hash, hash)
            SELECT ?, ?, ?, ?, ?, ?, prev, {_FUNCTION}(prev, ?) FROM
              (SELECT COALESCE((SELECT hash FROM audit_log WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1), '')
               AS prev)""",
        (at, username, action, object_kind, object_id, detail_json,
         content(at, username, action, object_kind, object_id, detail_json)))


@dataclass(frozen=True)
class ChainHead:
    row_id: int | None  # the newest chained row (None: nothing chained yet)
    hash: str  # its hash ("" when nothing is chained)
    chained: int  # rows in the chain
    unchained: int  # rows from before the chain existed


@dataclass(frozen=True)
class ChainBreak:
    row_id: int  # the first row that does not fit the chain
    reason: str  # "hash" (its content or hash changed), "link" (a row before it changed or went),
    #              "unhashed" (a row after the chain began has no hash)


def verify(conn: sqlite3.Connection) -> ChainBreak | None:
    """The first break in the chain, or None when every chained row fits."""
    prev, started = "", False
    for row in conn.execute("SELECT id, at, username, action, object_kind, object_id, detail_json, prev_hash, hash "
                            "FROM audit_log ORDER BY id"):
        if row["hash"] is None:
            if started:
                return ChainBreak(row["id"], "unhashed")
            continue
        started = True
        if row["prev_hash"] != prev:
            return ChainBreak(row["id"], "link")
        text = content(row["at"], row["username"], row["action"], row["object_kind"], row["object_id"],
                       row["detail_json"])
        if link(prev, text) != row["hash"]:
            return ChainBreak(row["id"], "hash")
        prev = row["hash"]
    return None


def head(conn: sqlite3.Connection) -> ChainHead:
    newest = conn.execute("SELECT id, hash FROM audit_log WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1").fetchone()
    chained = conn.execute("SELECT COUNT(*) FROM audit_log WHERE hash IS NOT NULL").fetchone()[0]
    total = conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    return ChainHead(newest[0] if newest else None, newest[1] if newest else "", chained, total - chained)

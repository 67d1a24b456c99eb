"""Play-log entries a receiver pushed through the broker (`crs/v1/rx/RID/playlog`), stored.

The payload is `{"after": SEQ, "entries": [...]}`, the entry format of `GET /v1/playlog`,
oldest first: the receiver's entries following its entry `after` (a receiver without
`after` means the one before its first entry). A batch that starts beyond what is stored
(`after` > the receiver's playlog_seq: an earlier batch was lost or failed to store) is not
stored and the acknowledgement stays where it was, so the studio never skips over a gap:
the receiver, seeing its acknowledgement stand still, republishes from it.
Entries are stored idempotently by (receiver, seq) (`FleetRepository.record_playlog`:
INSERT OR IGNORE), so a message the broker delivers twice (QoS 1 is at least once), or a
receiver republishing from the last acknowledged seq after a reconnect, adds nothing twice.
What comes back is the seq to acknowledge (every entry up to it is stored), or None when
the message is not one to acknowledge (an unknown receiver, not a play log).

Threads: called on the broker link's network thread with that thread's connection.
"""

from __future__ import annotations

import json
import logging
import sqlite3

from studio.fleet.repository import FleetRepository

log = logging.getLogger(__name__)

MAX_PLAYLOG_BYTES = 8 << 20


def store_pushed_playlog(conn: sqlite3.Connection, receiver_id: str, payload: bytes) -> int | None:
    repository = FleetRepository(conn)
    row = repository.receiver_by_id(receiver_id)
    if row is None or len(payload) > MAX_PLAYLOG_BYTES:
        return None
    try:
        entries = json.loads(payload).get("entries")
    except (ValueError, AttributeError):
        entries = None
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and type(e.get("seq")) is int and e["seq"] > 0 for e in entries):
        log.warning("play log from %s is not a list of entries with a seq: ignored", receiver_id)
        return None
    entries.sort(key=lambda e: e["seq"])
    after = json.loads(payload).get("after")
    if type(after) is not int:
        after = entries[0]["seq"] - 1 if entries else row["playlog_seq"]
    if after > row["playlog_seq"]:
        log.warning("play log from %s starts after seq %d but only %d is stored: not taken (it republishes "
                    "from the acknowledged one)", receiver_id, after, row["playlog_seq"])
        return row["playlog_seq"]
    fresh = [e for e in entries if e["seq"] > row["playlog_seq"]]
    if fresh:
        repository.record_playlog(row["id"], fresh)
        log.info("stored %d play-log entries of %s (to seq %d)", len(fresh), receiver_id, fresh[-1]["seq"])
    return max(row["playlog_seq"], entries[-1]["seq"] if entries else 0)

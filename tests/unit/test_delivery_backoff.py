"""The delivery backoff (studio/fleet/delivery.py): how long the outbox waits after a failure.

`backoff` alone, then through `deliver_once` against a real closed loopback port: each
failure is recorded with the next try at now + backoff, nothing is tried before then
unless forced, and the waits grow.
"""

from __future__ import annotations

import json
import random
import socket
from datetime import UTC, datetime

import pytest

from studio.fleet.delivery import BACKOFF_BASE_S, BACKOFF_CAP_S, backoff, deliver_once
from studio.fleet.keys import StudioKey


@pytest.mark.parametrize("attempts, nominal", [(0, 2), (1, 2), (2, 4), (3, 8), (6, 64), (8, 256), (9, 300),
                                               (40, 300)])
def test_it_doubles_from_two_seconds_to_a_five_minute_cap_with_jitter(attempts, nominal):
    rng = random.Random(attempts)
    waits = [backoff(attempts, rng) for _ in range(2000)]
    assert nominal * 0.5 <= min(waits) and max(waits) <= nominal * 1.5
    # the jitter spreads the whole ±50 % (receivers that failed together do not retry together)
    assert min(waits) < nominal * 0.6 and max(waits) > nominal * 1.4
    assert abs(sum(waits) / len(waits) - nominal) < nominal * 0.05


def test_the_constants_are_the_documented_ones():
    assert (BACKOFF_BASE_S, BACKOFF_CAP_S) == (2.0, 300.0)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when this returns: connections are refused


def delivery_row(library) -> dict:
    return dict(library.conn.execute("SELECT * FROM deliveries").fetchone())


def test_a_failed_delivery_waits_its_backoff_and_the_waits_grow(library, tmp_path):
    conn = library.conn
    conn.execute("INSERT INTO receivers (receiver_id, name, address, paired_at) VALUES (?,?,?,?)",
                 ("rx1", "Thôn 1", f"http://127.0.0.1:{closed_port()}", "2026-12-01T00:00:00+00:00"))
    conn.execute("INSERT INTO publishes (created_at, created_by, first_day, last_day) VALUES (?,?,?,?)",
                 ("2026-12-01T00:00:00+00:00", "test", "2026-12-01", "2026-12-14"))
    manifest = {"version": 1, "receiver_id": "rx1", "items": []}
    conn.execute("INSERT INTO deliveries (receiver, publish_id, version, manifest_json, media_json, created_at) "
                 "VALUES (1, 1, 1, ?, '[]', ?)", (json.dumps(manifest), "2026-12-01T00:00:00+00:00"))
    receiver = conn.execute("SELECT * FROM receivers").fetchone()
    key = StudioKey(tmp_path / "keys")

    before = datetime.now(UTC)
    assert deliver_once(library, key, receiver, timeout=(1.0, 1.0)) is False
    row = delivery_row(library)
    assert row["attempts"] == 1 and row["state"] == "pending" and row["last_error"]
    wait = (datetime.fromisoformat(row["next_attempt"]) - before).total_seconds()
    assert 1.0 <= wait <= 3.0 + 2.0  # 2 s ± 50 %, plus the failed call itself

    assert deliver_once(library, key, receiver, timeout=(1.0, 1.0)) is False
    assert delivery_row(library)["attempts"] == 1  # not tried again before its time

    waits = []
    for attempt in range(2, 7):
        before = datetime.now(UTC)
        assert deliver_once(library, key, receiver, timeout=(1.0, 1.0), force=True) is False
        row = delivery_row(library)
        assert row["attempts"] == attempt
        waits.append((datetime.fromisoformat(row["next_attempt"]) - before).total_seconds())
    nominal = [BACKOFF_BASE_S * 2 ** (n - 1) for n in range(2, 7)]
    for wait, expected in zip(waits, nominal):
        assert expected * 0.5 <= wait <= expected * 1.5 + 2.0
    assert waits[-1] > waits[0]  # 32 s ± 50 % against 4 s ± 50 %

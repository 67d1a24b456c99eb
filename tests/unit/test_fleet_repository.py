"""The fleet's tables through FleetRepository: publish supersedes, delivery supersedes older
versions, the outbox and play logs, times from the clock given."""

from __future__ import annotations

from datetime import UTC, datetime

from studio.clock import ManualClock
from studio.fleet.repository import FleetRepository, NewDelivery
from studio.storage.database import connect


def _repository(tmp_path) -> FleetRepository:
    conn = connect(tmp_path / "studio.db")
    conn.execute("INSERT INTO zones (name, kind, policy_json, created_at) VALUES ('Thôn 1', 'village', '{}', 'x')")
    clock = ManualClock(datetime(2026, 12, 1, 17, 0, tzinfo=UTC))
    repository = FleetRepository(conn, clock)
    repository.add_receiver("rx-a", "Loa A", "http://127.0.0.1:1", 1)
    repository.add_receiver("rx-b", "Loa B", "http://127.0.0.1:2", 1)
    return repository


def _publish(repository: FleetRepository, size: int) -> int:
    return repository.queue_publish("tester", "2026-12-02", "2026-12-15", {"items": 1}, lambda version: [
        NewDelivery(row["id"], {"version": version}, ["ab" * 32], size) for row in repository.receivers()])


def test_a_new_publish_supersedes_what_was_pending(tmp_path):
    repository = _repository(tmp_path)
    first = _publish(repository, 100)
    second = _publish(repository, 200)
    assert second > first and repository.latest_version() == second
    pending = repository.pending()
    assert {row["version"] for row in pending} == {second} and len(pending) == 2
    assert [row.receiver for row in repository.outbox()] == ["Loa A", "Loa B"]
    assert repository.pending_bytes(pending[0]["receiver"]) == 200


def test_delivered_marks_the_receiver_and_leaves_others_pending(tmp_path):
    repository = _repository(tmp_path)
    version = _publish(repository, 100)
    a = next(row for row in repository.receivers() if row["receiver_id"] == "rx-a")
    delivery = repository.pending(a["id"])[0]
    repository.record_progress(delivery["id"], 40)
    assert repository.pending_bytes(a["id"]) == 60
    repository.mark_delivered(delivery["id"], a["id"], version, 100)
    assert repository.pending(a["id"]) == []
    assert repository.receiver(a["id"])["delivered_version"] == version
    assert [row.receiver for row in repository.outbox()] == ["Loa B"]


def test_failures_retry_now_and_playlog_use_the_clock(tmp_path):
    repository = _repository(tmp_path)
    _publish(repository, 100)
    delivery = repository.pending()[0]
    repository.record_failure(delivery["id"], 1, "x" * 900, "2026-12-01T18:00:00.000+00:00", 0)
    row = next(r for r in repository.outbox() if r.id == delivery["id"])
    assert row.attempts == 1 and len(row.last_error) == 500
    repository.retry_now(delivery["id"])
    row = next(r for r in repository.outbox() if r.id == delivery["id"])
    assert row.next_attempt.startswith("2026-12-01T17:00:00")
    receiver = delivery["receiver"]
    assert repository.record_playlog(receiver, [{"seq": 1}, {"seq": 2}]) == 2
    assert repository.record_playlog(receiver, [{"seq": 2}]) == 1  # a repeat is ignored, seq stays
    assert repository.receiver(receiver)["playlog_seq"] == 2
    count = repository.conn.execute("SELECT COUNT(*) FROM playlog").fetchone()[0]
    assert count == 2

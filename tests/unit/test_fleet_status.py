"""What the views read about receivers (studio.fleet.status.receiver_views): only the
records, per receiver; offline since the first failure, not the last; a refusal that
means "pair again" is a state; problems come back as typed errors; now playing by title,
from the receiver or from the manifest it holds; re-sync queues the latest again."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from studio.clock import ManualClock
from studio.errors import ReceiverError, ReceiverFault, ReceiverUnreachable
from studio.fleet.repository import FleetRepository, NewDelivery
from studio.fleet.status import ReceiverState, receiver_views
from studio.library import ClipLibrary
from studio.paths import StudioPaths
from studio.storage.database import connect

T0 = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)


def _library(tmp_path) -> tuple[ClipLibrary, FleetRepository, ManualClock]:
    paths = StudioPaths.at(tmp_path / "data").ensure()
    clock = ManualClock(T0)
    library = ClipLibrary(paths, connect(paths.database), clock=clock)
    library.conn.execute("INSERT INTO zones (name, kind, policy_json, created_at) VALUES ('Thôn 1', 'village', '{}', 'x')")
    repository = FleetRepository(library.conn, clock)
    repository.add_receiver("rx-a", "Loa A", "http://127.0.0.1:1", 1)
    repository.add_receiver("rx-b", "Loa B", "http://127.0.0.1:2", 1)
    return library, repository, clock


def _publish(repository: FleetRepository, items: list[dict], size: int = 500_000) -> int:
    return repository.queue_publish("tester", "2026-12-02", "2026-12-15", {}, lambda version: [
        NewDelivery(row["id"], {"version": version, "items": items}, ["ab" * 32], size)
        for row in repository.receivers()])


def _view(library, name: str):
    return next(v for v in receiver_views(library) if v.name == name)


def test_offline_since_the_first_failure_and_pending_per_receiver(tmp_path):
    library, repository, clock = _library(tmp_path)
    a, b = (row["id"] for row in repository.receivers())
    assert _view(library, "Loa A").state is ReceiverState.UNKNOWN
    repository.record_status(a, {"manifest_version": 0, "volume": 40, "max_volume": 30})
    repository.record_status(b, {"manifest_version": 0})
    version = _publish(repository, [])
    repository.mark_delivered(repository.pending(a)[0]["id"], a, version, 500_000)
    clock.set(T0 + timedelta(minutes=1))
    repository.record_problem(b, {"kind": "unreachable", "detail": "Read timed out. (read timeout=3.0)"}, offline=True)
    clock.set(T0 + timedelta(minutes=2))
    repository.record_problem(b, {"kind": "unreachable", "detail": "Read timed out. (read timeout=3.0)"}, offline=True)
    loa_a, loa_b = _view(library, "Loa A"), _view(library, "Loa B")
    assert (loa_a.state, loa_a.manifest_version, loa_a.latest_version, loa_a.up_to_date) == (
        ReceiverState.ONLINE, version, version, True)
    assert (loa_a.volume, loa_a.max_volume) == (40, 30)
    assert loa_b.state is ReceiverState.OFFLINE and loa_b.offline_since == (T0 + timedelta(minutes=1)).isoformat(
        timespec="milliseconds")
    assert (loa_b.manifest_version, loa_b.latest_version, loa_b.pending_bytes, loa_b.up_to_date) == (
        0, version, 500_000, False)
    assert isinstance(loa_b.problem, ReceiverUnreachable) and "Read timed out" in loa_b.problem.reason
    repository.record_status(b, {"manifest_version": 0})
    assert _view(library, "Loa B").state is ReceiverState.ONLINE and _view(library, "Loa B").problem is None


def test_refusals_and_faults_are_typed_and_pairing_is_a_state(tmp_path):
    library, repository, _clock = _library(tmp_path)
    a, b = (row["id"] for row in repository.receivers())
    repository.record_status(a, {"last_error": "output device: Error querying device -1",
                                 "last_error_code": "output-device"})
    repository.record_problem(b, {"kind": "refused", "status": 401, "code": "unknown-key",
                                  "detail": "this receiver trusts another studio"}, offline=False)
    fault = _view(library, "Loa A").problem
    assert isinstance(fault, ReceiverFault) and fault.code == "output-device" and "-1" in fault.detail
    loa_b = _view(library, "Loa B")
    assert loa_b.state is ReceiverState.NEEDS_PAIRING
    assert isinstance(loa_b.problem, ReceiverError) and loa_b.problem.code == "unknown-key"


def test_now_playing_by_title_also_for_a_receiver_that_does_not_say_it(tmp_path):
    library, repository, _clock = _library(tmp_path)
    a, b = (row["id"] for row in repository.receivers())
    item = {"id": "s1-z1-20261202T054500", "start": "2026-12-02T05:45:00+07:00", "media": ["ab" * 32],
            "title": "Bản tin sáng"}
    version = _publish(repository, [item])
    for receiver in (a, b):
        repository.mark_delivered(repository.pending(receiver)[0]["id"], receiver, version, 0)
    repository.record_status(a, {"manifest_version": version, "now_playing": {"item": item["id"], "title": "Tin A"}})
    repository.record_status(b, {"manifest_version": version, "now_playing": {"item": item["id"]}})  # older receiver
    assert _view(library, "Loa A").now_playing.title == "Tin A"
    assert _view(library, "Loa B").now_playing.title == "Bản tin sáng"


def test_resync_queues_the_latest_again_due_now(tmp_path):
    library, repository, clock = _library(tmp_path)
    a = repository.receivers()[0]["id"]
    assert repository.requeue_latest(a) is None
    version = _publish(repository, [])
    delivery = repository.pending(a)[0]
    repository.record_failure(delivery["id"], 3, "unreachable", "2026-12-01T18:00:00.000+00:00", 0)
    again = repository.requeue_latest(a)
    assert again["id"] == delivery["id"] and again["next_attempt"] == clock.stamp()
    repository.mark_delivered(delivery["id"], a, version, 0)
    copy = repository.requeue_latest(a)
    assert copy["id"] != delivery["id"] and copy["state"] == "pending" and copy["version"] == version
    assert json.loads(copy["manifest_json"])["version"] == version

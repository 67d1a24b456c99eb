"""The studio's MQTT transport against the real Mosquitto (tests/support/broker.py) and
simulated receivers that check signatures and hashes (benchmarks/sim_receivers.py):
publish through the broker (media retained once, the manifest retained per receiver),
delivery complete from the retained status, offline receivers catching up while the studio
is stopped, emergencies to every receiver at once, pushed play logs stored once across a
studio restart, last will = offline in the receivers table."""

from __future__ import annotations

import time

import pytest

from benchmarks.broker_setup import approved_programme, sim_fleet, use_broker
from studio.fleet.delivery import deliver_until_idle
from studio.fleet.keys import StudioKey
from studio.fleet.mqtt_client import link_for
from studio.fleet.mqtt_link import links
from studio.fleet.publish import publish
from studio.fleet.repository import FleetRepository
from studio.fleet.status import ReceiverState, check_status, receiver_views

pytestmark = pytest.mark.timeout(240)


def wait_for(condition, timeout: float = 60.0, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"not within {timeout} s")


@pytest.fixture
def studio(library, broker, tmp_path):
    use_broker(library, broker.account)
    approved_programme(library, tmp_path / "audio", 20.0)
    yield library, StudioKey(library.paths.keys_dir)
    links().close()


def test_publish_goes_once_to_the_broker_and_every_receiver_converges(studio, broker):
    library, key = studio
    fleet = sim_fleet(library, key, broker.account, 3)
    fleet.start()
    try:
        result = publish(library, "test", days=2)
        assert deliver_until_idle(library, key, 60) == 0
        media = {sha for r in fleet.receivers for sha in r.state.media}
        rows = library.conn.execute("SELECT sha256 FROM broker_media").fetchall()
        assert {row[0] for row in rows} == media and media  # one upload per sha, not per receiver
        assert {r.state.manifest_version for r in fleet.receivers} == {result.publish_id}
        assert all(r.state.refused == 0 for r in fleet.receivers)
        check_status(library, key, FleetRepository(library.conn).receivers()[0])
        view = receiver_views(library)[0]
        assert view.state is ReceiverState.ONLINE and view.up_to_date
    finally:
        fleet.close()


def test_emergency_reaches_every_receiver_at_once_and_an_offline_one_when_it_comes_back(studio, broker, tmp_path):
    from studio.audio import synthetic
    from studio.fleet.emergency import Emergencies, TargetState, declare, operator_authority
    from studio.fleet.emergency_delivery import send_and_wait
    from tests.support.tools import write_audio

    library, key = studio
    fleet = sim_fleet(library, key, broker.account, 4)
    online, offline = fleet.receivers[:3], fleet.receivers[3]
    fleet.start()
    fleet.stop([offline])  # it was online once (its session is on the broker), now it is not
    wait_for(lambda: not offline.online, 10)
    clip = library.import_file(write_audio(tmp_path / "bao.wav", synthetic.speech_like(4.0), subtype="PCM_16")).clip.id
    try:
        emergency = declare(library, clip, ["Xã"], operator_authority("cli:test", "bão"), 5)
        lane, _ = send_and_wait(_opener(library), key, library, emergency.id)
        emergencies = Emergencies(library.conn, library.clock)
        states = lambda: {t.name: t.state for t in emergencies.targets(emergency.id)}  # noqa: E731
        wait_for(lambda: sum(s is TargetState.REACHED for s in states().values()) == 3, 30)
        assert all(r.state.played and r.state.played[0][0] == emergency.item_id for r in online)
        assert states()[offline.receiver_id] is TargetState.PENDING
        fleet.start([offline])  # the play-now was queued for it by the broker (QoS 1, persistent session)
        wait_for(lambda: states()[offline.receiver_id] is TargetState.REACHED, 60)
        assert [item for item, _ in offline.state.played] == [emergency.item_id]  # once, not per retry
        lane.stop()
    finally:
        fleet.close()


def _opener(library):
    from studio.library import ClipLibrary
    from studio.storage.database import connect

    paths = library.paths
    return lambda: ClipLibrary(paths, connect(paths.database), store=library.store, clock=library.clock)


def test_last_will_shows_offline_and_the_status_is_read_from_the_broker(studio, broker):
    library, key = studio
    fleet = sim_fleet(library, key, broker.account, 1)
    fleet.start()
    row = FleetRepository(library.conn).receivers()[0]
    try:
        wait_for(lambda: check_status(library, key, row) and receiver_views(library)[0].online, 20)
        fleet.kill()  # the connection dies without a DISCONNECT: the broker publishes the last will
        wait_for(lambda: not check_status(library, key, row), 90, every=0.5)
        view = receiver_views(library)[0]
        assert view.state is ReceiverState.OFFLINE and "last will" in (view.last_error or "")
    finally:
        fleet.close()


def test_offline_receiver_catches_up_while_the_studio_is_stopped(studio, broker):
    library, key = studio
    fleet = sim_fleet(library, key, broker.account, 2)
    early, late = fleet.receivers
    fleet.start([early])
    try:
        result = publish(library, "test", days=2)
        assert deliver_until_idle(library, key, 10) == 1  # the late one has not taken it yet
        links().close()  # the studio stops
        fleet.start([late])  # ... and the receiver comes online: everything is on the broker
        wait_for(lambda: late.state.manifest_version == result.publish_id, 60)
        assert late.state.media and late.state.refused == 0
        assert deliver_until_idle(library, key, 30) == 0  # the studio back: it sees it delivered
    finally:
        fleet.close()


def test_pushed_play_log_is_stored_once_across_a_studio_restart(studio, broker):
    from studio.fleet.delivery import Delivery

    library, key = studio
    fleet = sim_fleet(library, key, broker.account, 1)
    receiver = fleet.receivers[0]
    receiver.state.playlog = [{"seq": n, "item": f"now-{n}", "outcome": "played",
                               "started": "2026-12-02T01:00:00+00:00", "ended": "2026-12-02T01:00:10+00:00"}
                              for n in (1, 2, 3)]
    engine = Delivery(_opener(library), key, poll_s=0.2)  # owns the persistent session
    engine.start()
    rows = lambda: [r[0] for r in library.conn.execute("SELECT seq FROM playlog ORDER BY seq")]  # noqa: E731
    try:
        link_for(FleetRepository(library.conn).receivers()[0]["address"], key).wait_connected(10)
        fleet.start()
        wait_for(lambda: rows() == [1, 2, 3], 30)
        wait_for(lambda: receiver.state.acked == 3, 30)
        engine.stop()
        links().close()  # the studio stops; the receiver plays on and logs, then reconnects
        fleet.stop()
        time.sleep(0.5)
        receiver.state.playlog.append({"seq": 4, "item": "now-4", "outcome": "played",
                                       "started": "2026-12-02T02:00:00+00:00", "ended": "2026-12-02T02:00:10+00:00"})
        receiver.state.acked = 2  # it republishes from an older ack too: duplicates must not count twice
        fleet.start()
        time.sleep(1.0)
        fleet.stop()
        engine = Delivery(_opener(library), key, poll_s=0.2)  # the studio back: the queued message arrives
        engine.start()
        link_for(FleetRepository(library.conn).receivers()[0]["address"], key).wait_connected(10)
        wait_for(lambda: rows() == [1, 2, 3, 4], 30)
        assert library.conn.execute("SELECT COUNT(*) FROM asrun").fetchone()[0] == 4
    finally:
        engine.stop()
        fleet.close()

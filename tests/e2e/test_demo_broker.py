"""The demo's broker (studio/demo_broker.py): with Mosquitto installed, `radio-studio demo`
starts it on loopback and pairs its second receiver through it (the others stay HTTP);
the receiver shows online through the broker; the broker stops with the demo. Without
Mosquitto the demo's receivers all come up over HTTP."""

from __future__ import annotations

import pytest

from studio.accounts.store import Accounts, Role
from studio.broker.process import port_open
from studio.demo import DEMO_RECEIVERS, start_demo_receivers
from studio.demo_broker import start_demo_broker
from studio.fleet.keys import StudioKey
from studio.fleet.mqtt_link import links
from studio.fleet.repository import FleetRepository
from studio.fleet.status import check_status
from studio.schedule.zones import Policy, ZoneKind, Zones
from tests.e2e.test_mqtt_studio import wait_for
from tests.support.broker import mosquitto_missing
from tests.support.receiver import free_port

pytestmark = pytest.mark.timeout(240)


def demo_zones(library) -> None:
    admin = Accounts(library.conn).add("quantri", "quantri-demo", Role.ADMIN)
    for zone in {zone for _, zone in DEMO_RECEIVERS}:
        Zones(library.conn).add(zone, admin, ZoneKind.VILLAGE, "vi", Policy())


def base_port() -> int:
    """A port with the next two free as well (the demo receivers take three in a row)."""
    for _ in range(50):
        port = free_port()
        if port < 65000 and not any(port_open("127.0.0.1", port + n, 0.05) for n in range(3)):
            return port
    raise AssertionError("no three free ports in a row")


def stop(processes) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(15)


def test_demo_pairs_one_receiver_through_its_broker_and_stops_it(library):
    missing = mosquitto_missing()
    if missing:
        pytest.skip(missing)
    demo_zones(library)
    broker = start_demo_broker(library, port=free_port())
    assert broker is not None and broker.running()
    processes = []
    try:
        processes = start_demo_receivers(library, "testspk", base_port(), broker.account.url)
        rows = {row["name"]: row for row in FleetRepository(library.conn).receivers()}
        assert set(rows) == {name for name, _ in DEMO_RECEIVERS}
        mqtt = [name for name, row in rows.items() if row["address"].startswith("mqtt://")]
        assert mqtt == [DEMO_RECEIVERS[1][0]], rows
        assert rows[mqtt[0]]["address"] == f"{broker.account.url}/{rows[mqtt[0]]['receiver_id']}"
        assert all(row["address"].startswith("http://") for name, row in rows.items() if name not in mqtt)
        key = StudioKey(library.paths.keys_dir)
        wait_for(lambda: check_status(library, key, FleetRepository(library.conn).receiver(rows[mqtt[0]]["id"])), 60,
                 every=0.5)
    finally:
        stop(processes)
        links().close()
        broker.stop()
    assert not broker.running() and not port_open("127.0.0.1", broker.settings.port)


def test_demo_without_mosquitto_runs_every_receiver_over_http(library, monkeypatch, tmp_path):
    monkeypatch.setenv("CRS_MOSQUITTO_DYNSEC", str(tmp_path / "no-such-plugin.so"))
    demo_zones(library)
    assert start_demo_broker(library, port=free_port()) is None
    processes = start_demo_receivers(library, "testspk", base_port(), None)
    try:
        rows = FleetRepository(library.conn).receivers()
        assert len(rows) == 3 and all(row["address"].startswith("http://127.0.0.1:") for row in rows)
    finally:
        stop(processes)

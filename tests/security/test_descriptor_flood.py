"""Without any key: a flood of idle connections that exhausts the receiver's descriptors
(systemd's 1,024 here made 96, so the test is quick) must not unpair it. Before, a
`GET /v1/pair` accepted on the last descriptor could not open `trust.json`, the store
took the EMFILE for damage, set the file aside, and the receiver was unpaired for good."""

from __future__ import annotations

import socket
import sys
import time

import requests

from studio.fleet.client import ReceiverClient
from studio.fleet.keys import StudioKey
from tests.support.receiver import Receiver

LIMIT = 96


def test_a_descriptor_flood_does_not_unpair_the_receiver(tmp_path):
    receiver = Receiver(tmp_path / "rx", command=["prlimit", f"--nofile={LIMIT}:{LIMIT}", sys.executable, "-m",
                                                   "crs_receiver", "serve"]).start()
    try:
        client = ReceiverClient(receiver.url, StudioKey(tmp_path / "keys"))
        client.pair(receiver.code, "UBND xã")
        held, answered = [], 0
        for _ in range(LIMIT + 40):  # idle connections, and a pair-info probe at each step
            idle = socket.create_connection(("127.0.0.1", receiver.port), timeout=2)
            held.append(idle)
            try:
                answered += requests.get(f"{receiver.url}/v1/pair", timeout=0.5).status_code == 200
            except requests.RequestException:
                pass  # no descriptor left for this one: refused or unanswered
        assert answered > 0
        for idle in held:
            idle.close()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                assert client.status()["receiver_id"] == client.receiver_id  # still paired, same studio
                break
            except Exception:
                time.sleep(0.2)
        assert client.status()["receiver_id"] == client.receiver_id
        assert not list((tmp_path / "rx").glob("*.damaged"))
        receiver.kill()
        receiver.start()  # and after a restart
        assert requests.get(f"{receiver.url}/v1/pair", timeout=5).json()["paired"] is True
        assert client.status()["receiver_id"] == client.receiver_id
    finally:
        receiver.kill()

"""How the studio talks to one receiver, whatever carries it: the `ReceiverTransport` Protocol.

Two implementations of the same calls: `ReceiverClient` (studio/fleet/client.py, protocol
v1 over HTTP, for receivers the studio can reach) and `MqttReceiverClient`
(studio/fleet/mqtt_client.py, the same signed requests through an MQTT 5 broker, for
receivers behind carrier NAT). The receiver's address picks one: `http://HOST:PORT` or
`mqtt://HOST:PORT/RID` (`mqtts://` with TLS). Every caller (delivery, status, controls,
emergencies, pairing) gets its transport from `transport_for` and handles the same typed
errors: `ReceiverUnreachable`, `ReceiverError` (with `bad-answer` for a lie).

Threads: as each implementation (blocking; HTTP clients one per thread, the MQTT link shared).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Protocol

from studio.fleet.broker_account import is_broker_address
from studio.fleet.client import TIMEOUT, ReceiverClient
from studio.fleet.keys import StudioKey


class ReceiverTransport(Protocol):
    address: str
    receiver_id: str

    def pair(self, code: str, studio_name: str) -> dict: ...

    def identify(self) -> str: ...

    def status(self) -> dict: ...

    def held(self, sha: str, size: int | None = None) -> tuple[int, bool]: ...

    def upload(self, path: Path, sha: str | None = None, chunk: int = ..., progress=None) -> int: ...

    def send_whole(self, path: Path, sha: str, limit: int = ...) -> None: ...

    def put_manifest(self, manifest: dict) -> dict: ...

    def playlog(self, after: int = 0) -> list[dict]: ...

    def play_now(self, media: list[str], volume: int | None = None, item_id: str | None = None,
                 valid_until: str | None = None) -> dict: ...

    def stop(self) -> dict: ...

    def set_volume(self, volume: int) -> dict: ...

    def live_info(self) -> dict: ...

    def live_start(self, body: dict) -> dict: ...

    def live_end(self, session: str) -> dict: ...


def transport_for(address: str, key: StudioKey, receiver_id: str = "", timeout=TIMEOUT,
                  conn: sqlite3.Connection | None = None) -> ReceiverTransport:
    """The transport the address names. `conn` (the caller's database connection) lets the
    MQTT transport record which media the broker holds."""
    if is_broker_address(address):
        from studio.fleet.mqtt_client import MqttReceiverClient

        return MqttReceiverClient(address, key, receiver_id, timeout=timeout, conn=conn)
    return ReceiverClient(address, key, receiver_id, timeout=timeout)


def via_broker(address: str) -> bool:
    return is_broker_address(address)

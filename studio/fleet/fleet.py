"""The studio's view of its receivers: pair one, see each one's state at a glance, stop,
set the volume, and the outbox rows (emergencies: emergency.py, emergency_delivery.py).
Shared by the CLI and the window. Blocking (network); call from a worker thread with that
thread's library.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.errors import StudioError
from studio.fleet.client import ReceiverClient
from studio.fleet.delivery import pull_playlog
from studio.fleet.keys import StudioKey
from studio.fleet.repository import FleetRepository, OutboxRow
from studio.library import ClipLibrary

STATUS_TIMEOUT = (2.0, 5.0)


@dataclass(frozen=True)
class ReceiverView:
    id: int
    receiver_id: str
    name: str
    zone: str
    address: str
    online: bool
    last_seen: str | None
    manifest_version: int
    latest_version: int
    pending_bytes: int
    clock_offset_s: float | None
    free_bytes: int | None
    volume: int | None
    now_playing: str | None
    last_error: str | None


def pair_receiver(library: ClipLibrary, key: StudioKey, url: str, code: str, zone_name: str,
                  name: str | None = None) -> str:
    from studio.schedule.zones import Zones

    zone = Zones(library.conn).get(zone_name)
    client = ReceiverClient(url, key)
    paired = client.pair(code.strip(), "Commune Radio Studio")
    FleetRepository(library.conn, library.clock).add_receiver(paired["receiver_id"], name or paired["name"], url.rstrip("/"),
                                               zone.id)
    return paired["receiver_id"]


def client_for(key: StudioKey, row, timeout=STATUS_TIMEOUT) -> ReceiverClient:
    return ReceiverClient(row["address"], key, row["receiver_id"], timeout=timeout)


def receiver_views(library: ClipLibrary, key: StudioKey, pull_logs: bool = True) -> list[ReceiverView]:
    """Ask every receiver for its status (short timeouts) and bring play logs in."""
    from studio.schedule.zones import Zones

    repository = FleetRepository(library.conn, library.clock)
    zones = {z.id: z.name for z in Zones(library.conn).all()}
    latest = repository.latest_version()
    views = []
    for row in repository.receivers():
        pending = repository.pending_bytes(row["id"])
        try:
            status = client_for(key, row).status()
            repository.record_status(row["id"], status)
            if pull_logs:
                pull_playlog(library, key, row, STATUS_TIMEOUT)
            playing = status.get("now_playing")
            views.append(ReceiverView(row["id"], row["receiver_id"], row["name"], zones.get(row["zone_id"], ""),
                                      row["address"], True, library.clock.stamp(), status.get("manifest_version") or 0, latest,
                                      pending, status.get("clock_offset_s"), status.get("free_bytes"),
                                      status.get("volume"), playing["item"] if playing else None,
                                      status.get("last_error") or row["last_error"]))
        except StudioError as exc:
            views.append(ReceiverView(row["id"], row["receiver_id"], row["name"], zones.get(row["zone_id"], ""),
                                      row["address"], False, row["last_seen"], row["delivered_version"], latest,
                                      pending, None, None, None, None, row["last_error"] or exc.describe()))
    return views


def outbox(library: ClipLibrary) -> list[OutboxRow]:
    return FleetRepository(library.conn, library.clock).outbox()


def send_now(library: ClipLibrary, delivery_id: int | None = None) -> None:
    """Retry at once (one delivery, or all)."""
    FleetRepository(library.conn, library.clock).retry_now(delivery_id)


def command(library: ClipLibrary, key: StudioKey, receiver: int, action: str, volume: int | None = None) -> None:
    row = FleetRepository(library.conn, library.clock).receiver(receiver)
    client = client_for(key, row, timeout=(5.0, 10.0))
    if action == "stop":
        client.stop()
    elif action == "volume":
        client.set_volume(int(volume))

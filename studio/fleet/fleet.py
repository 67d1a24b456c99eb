"""The studio's view of its receivers: pair one, and the outbox rows. Each one's state at
a glance is `studio.fleet.status.receiver_views` (what the delivery engine recorded); stop,
volume and re-sync are `studio.fleet.controls`; emergencies are `emergency.py` and
`emergency_delivery.py`. Shared by the CLI and the window. Blocking (network); call from a
worker thread with that thread's library.
"""

from __future__ import annotations

from studio.fleet.client import ReceiverClient
from studio.fleet.keys import StudioKey
from studio.fleet.repository import FleetRepository, OutboxRow
from studio.fleet.status import check_status
from studio.library import ClipLibrary


def pair_receiver(library: ClipLibrary, key: StudioKey, url: str, code: str, zone_name: str,
                  name: str | None = None) -> str:
    from studio.schedule.zones import Zones

    zone = Zones(library.conn).get(zone_name)
    client = ReceiverClient(url, key)
    paired = client.pair(code.strip(), "Commune Radio Studio")
    repository = FleetRepository(library.conn, library.clock)
    repository.add_receiver(paired["receiver_id"], name or paired["name"], url.rstrip("/"), zone.id)
    row = next(r for r in repository.receivers() if r["receiver_id"] == paired["receiver_id"])
    check_status(library, key, row)  # the table shows it online at once
    return paired["receiver_id"]


def outbox(library: ClipLibrary) -> list[OutboxRow]:
    return FleetRepository(library.conn, library.clock).outbox()


def send_now(library: ClipLibrary, delivery_id: int | None = None) -> None:
    """Retry at once (one delivery, or all)."""
    FleetRepository(library.conn, library.clock).retry_now(delivery_id)

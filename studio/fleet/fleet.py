"""The studio's view of its receivers: pair one, and the outbox rows. Each one's state at
a glance is `studio.fleet.status.receiver_views` (what the delivery engine recorded); stop,
volume and re-sync are `studio.fleet.controls`; emergencies are `emergency.py` and
`emergency_delivery.py`. Shared by the CLI and the window. Blocking (network); call from a
worker thread with that thread's library.
"""

from __future__ import annotations

from studio.errors import ReceiverIdTaken
from studio.fleet.client import ReceiverClient
from studio.fleet.keys import StudioKey
from studio.fleet.repository import FleetRepository, OutboxRow
from studio.fleet.status import check_status
from studio.library import ClipLibrary


def pair_receiver(library: ClipLibrary, key: StudioKey, url: str, code: str, zone_name: str,
                  name: str | None = None, replace: bool = False) -> str:
    """Pair the device at `url`. A device claiming the id of a receiver already paired at
    another address is refused (ReceiverIdTaken, the row untouched) unless `replace`: the
    officer says the receiver moved."""
    from studio.schedule.zones import Zones

    zone = Zones(library.conn).get(zone_name)
    client = ReceiverClient(url, key)
    paired = client.pair(code.strip(), "Commune Radio Studio")
    repository = FleetRepository(library.conn, library.clock)
    address = url.rstrip("/")
    existing = repository.receiver_by_id(paired["receiver_id"])
    if existing is not None and existing["address"] != address and not replace:
        raise ReceiverIdTaken(paired["receiver_id"], existing["address"], address)
    repository.add_receiver(paired["receiver_id"], name or paired["name"], address, zone.id)
    row = next(r for r in repository.receivers() if r["receiver_id"] == paired["receiver_id"])
    check_status(library, key, row)  # the table shows it online at once
    return paired["receiver_id"]


def outbox(library: ClipLibrary) -> list[OutboxRow]:
    return FleetRepository(library.conn, library.clock).outbox()


def send_now(library: ClipLibrary, delivery_id: int | None = None) -> None:
    """Retry at once (one delivery, or all)."""
    FleetRepository(library.conn, library.clock).retry_now(delivery_id)

"""The studio's view of its receivers: pair one, and the outbox rows. Each one's state at
a glance is `studio.fleet.status.receiver_views` (what the delivery engine recorded); stop,
volume and re-sync are `studio.fleet.controls`; emergencies are `emergency.py` and
`emergency_delivery.py`. Shared by the CLI and the window. Blocking (network); call from a
worker thread with that thread's library.
"""

from __future__ import annotations

from studio.errors import ReceiverIdTaken
from studio.fleet.broker_account import parse_broker_address
from studio.fleet.client import ReceiverClient
from studio.fleet.keys import StudioKey
from studio.fleet.mqtt_pairing import pair_via_broker
from studio.fleet.repository import FleetRepository, OutboxRow
from studio.fleet.status import check_status
from studio.fleet.transport import via_broker
from studio.library import ClipLibrary

STUDIO_NAME = "Commune Radio Studio"


def pair_receiver(library: ClipLibrary, key: StudioKey, url: str, code: str, zone_name: str,
                  name: str | None = None, replace: bool = False) -> str:
    """Pair the device at `url` (http://HOST:PORT, or mqtt://HOST:PORT/RID through a
    broker: `mqtt_pairing`). A device claiming the id of a receiver already paired at
    another address is refused (ReceiverIdTaken, the row untouched) unless `replace`: the
    officer says the receiver moved."""
    from studio.schedule.zones import Zones

    zone = Zones(library.conn).get(zone_name)
    repository = FleetRepository(library.conn, library.clock)
    address = url.rstrip("/")
    if via_broker(address):  # refuse a taken id before the broker account is touched
        _refuse_taken(repository, parse_broker_address(address, need_receiver=True).receiver_id, address, replace)
        paired = pair_via_broker(key, address, code.strip(), STUDIO_NAME)
    else:
        paired = ReceiverClient(url, key).pair(code.strip(), STUDIO_NAME)
    _refuse_taken(repository, paired["receiver_id"], address, replace)
    repository.add_receiver(paired["receiver_id"], name or paired["name"], address, zone.id)
    if isinstance(paired.get("live_key"), str):  # said over the LAN, with the code: pinned
        repository.pin_live_key(paired["receiver_id"], paired["live_key"])
    row = next(r for r in repository.receivers() if r["receiver_id"] == paired["receiver_id"])
    check_status(library, key, row)  # the table shows it online at once
    return paired["receiver_id"]


def _refuse_taken(repository: FleetRepository, receiver_id: str, address: str, replace: bool) -> None:
    existing = repository.receiver_by_id(receiver_id)
    if existing is not None and existing["address"] != address and not replace:
        raise ReceiverIdTaken(receiver_id, existing["address"], address)


def outbox(library: ClipLibrary) -> list[OutboxRow]:
    return FleetRepository(library.conn, library.clock).outbox()


def send_now(library: ClipLibrary, delivery_id: int | None = None) -> None:
    """Retry at once (one delivery, or all)."""
    FleetRepository(library.conn, library.clock).retry_now(delivery_id)

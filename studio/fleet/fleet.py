"""The studio's view of its receivers: pair one, send an emergency, and the outbox rows.
Each one's state at a glance is `studio.fleet.status.receiver_views` (what the delivery
engine recorded); stop, volume and re-sync are `studio.fleet.controls`. Shared by the CLI
and the window. Blocking (network); call from a worker thread with that thread's library.
"""

from __future__ import annotations

from studio.errors import StudioError
from studio.fleet.client import ReceiverClient
from studio.fleet.keys import StudioKey
from studio.fleet.repository import FleetRepository, OutboxRow
from studio.fleet.status import check_status
from studio.library import ClipLibrary

STATUS_TIMEOUT = (2.0, 5.0)


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


def client_for(key: StudioKey, row, timeout=STATUS_TIMEOUT) -> ReceiverClient:
    return ReceiverClient(row["address"], key, row["receiver_id"], timeout=timeout)


def outbox(library: ClipLibrary) -> list[OutboxRow]:
    return FleetRepository(library.conn, library.clock).outbox()


def send_now(library: ClipLibrary, delivery_id: int | None = None) -> None:
    """Retry at once (one delivery, or all)."""
    FleetRepository(library.conn, library.clock).retry_now(delivery_id)


def emergency(library: ClipLibrary, key: StudioKey, clip_id: int, zone_names: list[str],
              by: str) -> list[tuple[str, str | None]]:
    """Play a clip now on every receiver of the zones: (receiver name, error or None)."""
    from studio.accounts.store import Accounts
    from studio.audio.settings import OutputFormat, RenderSettings
    from studio.rendering import Renderer
    from studio.schedule.zones import Zones

    result = Renderer(library).render_clip(clip_id, OutputFormat.OPUS, RenderSettings())
    zones = Zones(library.conn)
    zone_ids = [zones.get(name).id for name in zone_names]
    rows = FleetRepository(library.conn, library.clock).receivers_in_zones(zone_ids)
    outcomes = []
    for row in rows:
        client = client_for(key, row, timeout=(5.0, 30.0))
        try:
            client.upload(result.media_path, result.output_sha256)
            client.play_now([result.output_sha256])
            outcomes.append((row["name"], None))
        except StudioError as exc:
            outcomes.append((row["name"], exc.describe()))
    Accounts(library.conn).record(by, "emergency-play-now", "clip", clip_id,
                                  {"zones": zone_names, "outcomes": outcomes})
    return outcomes


def command(library: ClipLibrary, key: StudioKey, receiver: int, action: str, volume: int | None = None) -> None:
    row = FleetRepository(library.conn, library.clock).receiver(receiver)
    client = client_for(key, row, timeout=(5.0, 10.0))
    if action == "stop":
        client.stop()
    elif action == "volume":
        client.set_volume(int(volume))

"""One delivery to a receiver reached through a broker (store-and-forward).

The HTTP delivery pushes into the receiver and is done when the receiver answers the PUT.
Through a broker the studio and the receiver need not be online at once: the studio puts
every file of the manifest on the broker (each sha once per broker, `mqtt_media`),
publishes the signed manifest retained on `crs/v1/rx/RID/manifest` (once per delivery,
recorded in `deliveries.broker_published_at`), clears media nothing desired names any
more, and the delivery is complete when the receiver's retained status reports that
manifest version with no media missing. Until then it stays pending, looked at again after
`RECHECK_S`, a tenth of the time it has waited so far, up to `MAX_RECHECK_S`, without
counting a failed attempt: the broker holds everything, the receiver takes it whenever it
comes online, also while the studio is off. A receiver that refuses the manifest says so
in its status (`manifest_refused`: version, code, message): that delivery attempt fails
with the receiver's reason (`ReceiverError`, retried with the engine's backoff as over
HTTP) instead of waiting for ever.

The version rules are the HTTP ones (`delivery._moot`, renumbering above a version the
studio has no record of). Threads: the calling thread, with its library.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import timedelta

from studio.clock import parse_stamp
from studio.errors import ReceiverError
from studio.fleet.keys import StudioKey
from studio.fleet.mqtt_client import MqttReceiverClient
from studio.fleet.mqtt_media import BrokerMedia, forget_broker
from studio.fleet.repository import FleetRepository
from studio.library import ClipLibrary

log = logging.getLogger(__name__)

RECHECK_S = 3.0
MAX_RECHECK_S = 60.0


def deliver_via_broker(library: ClipLibrary, key: StudioKey, receiver_row, delivery, timeout,
                       progress: Callable[[int, int], None] | None, moot, delivered) -> tuple[bool, int]:
    """(delivered now, payload bytes sent to the broker). Raises what the transport raises."""
    from studio.fleet.delivery import log as delivery_log

    repository = FleetRepository(library.conn, library.clock)
    client = MqttReceiverClient(receiver_row["address"], key, receiver_row["receiver_id"], timeout=timeout,
                                conn=library.conn)
    if client.link.take_state_lost():
        forget_broker(library.conn, client.link.broker)
        delivery = repository.delivery(delivery["id"])
    status = client.known_status()
    if status is not None:
        repository.record_status(receiver_row["id"], status)
        held = status.get("manifest_version") or 0
        if delivery["broker_published_at"] is not None and taken(status, delivery):
            delivered(repository, delivery, receiver_row, delivery["bytes_total"])
            return True, 0
        if held >= delivery["version"]:
            if moot(repository, receiver_row, delivery, held):
                delivered(repository, delivery, receiver_row, delivery["bytes_sent"])
                return True, 0
            version = max(held, repository.version_floor()) + 1
            delivery_log.warning("%s holds manifest %d unknown to the studio: delivery %d renumbered %d -> %d",
                                 receiver_row["name"], held, delivery["id"], delivery["version"], version)
            delivery = repository.renumber(delivery["id"], version)
            library.conn.execute("UPDATE deliveries SET broker_published_at = NULL WHERE id = ?", (delivery["id"],))
            delivery = repository.delivery(delivery["id"])
    sent = 0
    for sha in json.loads(delivery["media_json"]):
        sent += client.upload(library.store.path_for(sha), sha)
        if progress is not None:
            progress(sent, delivery["bytes_total"])
    if delivery["broker_published_at"] is None:
        client.put_manifest(json.loads(delivery["manifest_json"]))
        library.conn.execute("UPDATE deliveries SET broker_published_at = ?, bytes_sent = ? WHERE id = ?",
                             (library.clock.stamp(), delivery["bytes_total"], delivery["id"]))
        log.info("manifest %d for %s retained on broker %s", delivery["version"], receiver_row["name"],
                 client.link.broker)
        BrokerMedia(client.link, library.conn, library.clock).sweep()
    status = client.known_status()
    if taken(status, delivery):
        delivered(repository, delivery, receiver_row, delivery["bytes_total"])
        return True, sent
    refused = refusal(status, delivery)
    if refused is not None:
        raise refused
    retry = (library.clock.utc_now() + timedelta(seconds=recheck_after(library, delivery))).isoformat(
        timespec="milliseconds")
    library.conn.execute("UPDATE deliveries SET next_attempt = ?, last_error = ? WHERE id = ?",
                         (retry, f"on the broker {client.link.broker}; waiting for the receiver to take it",
                          delivery["id"]))
    return False, sent


def recheck_after(library: ClipLibrary, delivery) -> float:
    """Seconds until the next look: a tenth of the time waited so far, 3 s to a minute."""
    published = delivery["broker_published_at"]
    if published is None:
        return RECHECK_S
    waited = (library.clock.utc_now() - parse_stamp(published)).total_seconds()
    return min(MAX_RECHECK_S, max(RECHECK_S, waited / 10))


def refusal(status: dict | None, delivery) -> ReceiverError | None:
    """The receiver's refusal of this delivery's manifest, as its status reports it."""
    refused = (status or {}).get("manifest_refused")
    if not isinstance(refused, dict) or refused.get("version") != delivery["version"]:
        return None
    return ReceiverError(str(status.get("receiver_id", "")), 422, str(refused.get("code", "refused"))[:64],
                         "refused the manifest through the broker: " + str(refused.get("message", ""))[:200])


def taken(status: dict | None, delivery) -> bool:
    """The receiver's status reports this manifest (or a newer one) and no media missing."""
    if status is None:
        return False
    media = set(json.loads(delivery["media_json"]))
    return (status.get("manifest_version") or 0) >= delivery["version"] and not media & set(
        status.get("media_missing") or [])

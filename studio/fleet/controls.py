"""The officer's controls of one receiver: volume, stop, re-sync. Each returns what
happened (a `ControlResult`) and is written to the audit log under who did it, whether it
worked or not (a failure is recorded, then raised).

Volume and stop talk to the receiver at once with short timeouts (the officer waits for
the answer), then ask its status so the table shows the change at once. Re-sync queues
the latest manifest of the receiver again, due now: the delivery engine sends whatever the
receiver lacks (`resync` + `wait_delivery` in the window), or the caller delivers it on
its own thread (`deliver=True`, the CLI with no engine running).

Threads: a worker thread with its own library; blocking (network, or polling the database).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from enum import StrEnum

from studio.accounts.store import Accounts
from studio.errors import NotFound, StudioError
from studio.fleet.keys import StudioKey
from studio.fleet.repository import FleetRepository
from studio.fleet.status import check_status, receiver_views
from studio.fleet.transport import transport_for
from studio.library import ClipLibrary

CONTROL_TIMEOUT = (3.0, 5.0)


class Control(StrEnum):
    """What was done; also the audit log's action."""

    VOLUME = "receiver-volume"
    STOP = "receiver-stop"
    RESYNC = "receiver-resync"


@dataclass(frozen=True)
class ControlResult:
    receiver: str  # its name
    action: Control
    volume: int | None = None  # VOLUME: the operator's volume it now keeps
    plays_at: int | None = None  # VOLUME: what scheduled items play at (capped by the zone)
    stopped: str | None = None  # STOP: the title (or item id) that was playing, None if nothing
    version: int | None = None  # RESYNC: the schedule re-sent; None when nothing was ever published
    delivered: bool = False  # RESYNC: the receiver holds it now
    pending_error: str | None = None  # RESYNC not delivered yet: why, technically
    delivery: int | None = None  # RESYNC: the outbox row
    attempts: int = 0  # RESYNC: its tries when the result was taken


def find_receiver(library: ClipLibrary, name: str):
    """A receiver row by name or by receiver id; NotFound otherwise."""
    for row in FleetRepository(library.conn, library.clock).receivers():
        if name in (row["name"], row["receiver_id"]):
            return row
    raise NotFound("receiver", name)


def _row(library: ClipLibrary, receiver: int):
    row = FleetRepository(library.conn, library.clock).receiver(receiver)
    if row is None:
        raise NotFound("receiver", str(receiver))
    return row


def _audited(library: ClipLibrary, by: str, action: Control, row, detail: dict, run) -> ControlResult:
    accounts = Accounts(library.conn)
    try:
        result = run()
    except StudioError as exc:
        accounts.record(by, action.value, "receiver", row["id"],
                        {"receiver": row["name"], **detail, "outcome": "failed", "error": exc.describe()})
        raise
    accounts.record(by, action.value, "receiver", row["id"], {"receiver": row["name"], **detail, "outcome": "ok"})
    return result


def set_volume(library: ClipLibrary, key: StudioKey, receiver: int, percent: int, by: str) -> ControlResult:
    row = _row(library, receiver)

    def run() -> ControlResult:
        answer = transport_for(row["address"], key, row["receiver_id"], timeout=CONTROL_TIMEOUT).set_volume(percent)
        check_status(library, key, row)
        view = next(v for v in receiver_views(library) if v.id == row["id"])
        volume = int(answer.get("volume", percent))
        ceiling = view.max_volume if view.max_volume is not None else 100
        return ControlResult(row["name"], Control.VOLUME, volume=volume, plays_at=min(volume, ceiling))

    return _audited(library, by, Control.VOLUME, row, {"volume": percent}, run)


def stop(library: ClipLibrary, key: StudioKey, receiver: int, by: str) -> ControlResult:
    row = _row(library, receiver)

    def run() -> ControlResult:
        client = transport_for(row["address"], key, row["receiver_id"], timeout=CONTROL_TIMEOUT)
        check_status(library, key, row)
        before = next(v for v in receiver_views(library) if v.id == row["id"]).now_playing
        client.stop()
        check_status(library, key, row)
        return ControlResult(row["name"], Control.STOP,
                             stopped=(before.title or before.item) if before is not None else None)

    return _audited(library, by, Control.STOP, row, {}, run)


def resync(library: ClipLibrary, key: StudioKey, receiver: int, by: str, deliver: bool = False) -> ControlResult:
    """Queue the receiver's latest schedule again, due now (and deliver it here if
    `deliver`); the result says whether the receiver holds it yet."""
    from studio.fleet.delivery import deliver_once

    row = _row(library, receiver)
    repository = FleetRepository(library.conn, library.clock)

    def run() -> ControlResult:
        delivery = repository.requeue_latest(row["id"])
        if delivery is None:
            return ControlResult(row["name"], Control.RESYNC)
        if deliver:
            deliver_once(library, key, row, force=True)
        return _resync_result(library, row["name"], delivery["id"])

    return _audited(library, by, Control.RESYNC, row, {}, run)


def wait_delivery(library: ClipLibrary, result: ControlResult, delivery_timeout_s: float,
                  cancel: threading.Event | None = None) -> ControlResult:
    """After `resync` (the engine woken): wait for the delivery engine to deliver it or to
    fail once, reading the database only; the result as it then stands."""
    if result.delivery is None or result.delivered:
        return result
    repository = FleetRepository(library.conn, library.clock)
    deadline = time.monotonic() + delivery_timeout_s
    while time.monotonic() < deadline and not (cancel is not None and cancel.is_set()):
        row = repository.delivery(result.delivery)
        if row["state"] != "pending" or row["attempts"] > result.attempts:
            break
        time.sleep(0.1)
    return _resync_result(library, result.receiver, result.delivery)


def _resync_result(library: ClipLibrary, name: str, delivery: int) -> ControlResult:
    row = FleetRepository(library.conn, library.clock).delivery(delivery)
    delivered = row["state"] == "delivered"
    return ControlResult(name, Control.RESYNC, version=row["version"], delivered=delivered,
                         pending_error=None if delivered else row["last_error"], delivery=delivery,
                         attempts=row["attempts"])

"""What the studio knows about each receiver, as the delivery engine last recorded it.

The delivery engine (`delivery.Delivery`) owns talking to the receivers: its status watcher
asks each one for its status (`check_status`) and its workers deliver; both record what
they found in the `receivers` table (`FleetRepository.record_status` / `record_problem`).
Every view (the window's Thiết bị table, `radio-studio receivers`) reads those records
through `receiver_views`, which touches only the database, so the views agree at every
moment (Home Assistant's coordinator pattern). Problems are kept as data and come back as
typed errors (`studio.errors`): the UI words them, never by matching their text.

Threads: any thread, with that thread's library. `check_status` blocks on the network.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from crs_protocol import ErrorCode

from studio.clock import parse_stamp
from studio.errors import ReceiverError, ReceiverFault, ReceiverUnreachable, StudioError
from studio.fleet.keys import StudioKey
from studio.fleet.repository import FleetRepository
from studio.fleet.transport import transport_for
from studio.library import ClipLibrary

STATUS_TIMEOUT = (2.0, 3.0)  # connect, read: a status answer is small and quick
# A refusal with one of these means the receiver no longer trusts this studio: a state
# ("needs pairing again"), not an error to retry forever.
PAIRING_CODES = frozenset({ErrorCode.UNKNOWN_KEY, ErrorCode.NOT_PAIRED, ErrorCode.WRONG_RECEIVER})


class ReceiverState(StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"
    UNKNOWN = "unknown"  # not asked yet since it was paired
    NEEDS_PAIRING = "needs-pairing"


@dataclass(frozen=True)
class NowPlaying:
    item: str
    title: str | None  # the programme's title; None for a play-now without one
    priority: str


@dataclass(frozen=True)
class ReceiverView:
    id: int
    receiver_id: str
    name: str
    zone: str
    address: str
    state: ReceiverState
    last_seen: str | None  # UTC stamps
    offline_since: str | None
    checked_at: str | None
    manifest_version: int  # the schedule it holds
    latest_version: int  # the newest schedule queued for it
    pending_deliveries: int
    pending_bytes: int
    clock_offset_s: float | None
    free_bytes: int | None
    volume: int | None  # the operator's volume
    max_volume: int | None  # its zone's maximum, as the receiver has it
    now_playing: NowPlaying | None
    problem: StudioError | None

    @property
    def online(self) -> bool:
        return self.state is ReceiverState.ONLINE

    @property
    def up_to_date(self) -> bool:
        """Nothing to send: no delivery pending and it holds the latest schedule."""
        return self.pending_deliveries == 0 and self.manifest_version >= self.latest_version

    @property
    def last_error(self) -> str | None:
        """The problem in technical English (the CLI, logs, "details")."""
        return self.problem.describe() if self.problem is not None else None


def problem_of(exc: BaseException) -> dict:
    """A failure of asking or sending, as data for the database."""
    if isinstance(exc, ReceiverError):
        return {"kind": "refused", "status": exc.status, "code": exc.code, "detail": exc.message}
    if isinstance(exc, ReceiverUnreachable):
        return {"kind": "unreachable", "detail": exc.reason}
    return {"kind": "unreachable", "detail": f"{type(exc).__name__}: {exc}"}


def problem_error(problem: dict, receiver_id: str, address: str) -> StudioError:
    """The typed error a recorded problem stands for."""
    if problem.get("kind") == "refused":
        return ReceiverError(receiver_id, int(problem.get("status") or 0), str(problem.get("code") or ""),
                             str(problem.get("detail") or ""))
    return ReceiverUnreachable(receiver_id, address, str(problem.get("detail") or ""))


def check_status(library: ClipLibrary, key: StudioKey, row, timeout=STATUS_TIMEOUT) -> bool:
    """Ask one receiver for its status and record the answer or the failure; True if it answered."""
    repository = FleetRepository(library.conn, library.clock)
    try:
        status = transport_for(row["address"], key, row["receiver_id"], timeout=timeout).status()
    except (ReceiverUnreachable, OSError) as exc:
        repository.record_problem(row["id"], problem_of(exc), offline=True)
        return False
    except ReceiverError as exc:
        repository.record_problem(row["id"], problem_of(exc), offline=False)
        return True
    repository.record_status(row["id"], status)
    return True


def check_stale(open_library: Callable[[], ClipLibrary], key: StudioKey, older_than_s: float,
                timeout=STATUS_TIMEOUT) -> int:
    """Ask, in parallel, every receiver whose record is older than `older_than_s` (nobody
    runs the delivery engine: the CLI alone); returns how many were asked."""
    library = open_library()
    limit = library.clock.utc_now() - timedelta(seconds=older_than_s)
    stale = [row["id"] for row in FleetRepository(library.conn, library.clock).receivers()
             if row["checked_at"] is None or parse_stamp(row["checked_at"]) < limit]

    def ask(receiver: int) -> None:
        own = open_library()
        try:
            row = FleetRepository(own.conn, own.clock).receiver(receiver)
            if row is not None:
                check_status(own, key, row, timeout)
        finally:
            own.conn.close()

    threads = [threading.Thread(target=ask, args=(receiver,), daemon=True) for receiver in stale]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(stale)


def receiver_views(library: ClipLibrary) -> list[ReceiverView]:
    """Every receiver as last recorded (the database only: no network, no waiting)."""
    repository = FleetRepository(library.conn, library.clock)
    views = []
    for row in repository.fleet_records():
        status = json.loads(row["status_json"]) if row["status_json"] else {}
        problem = json.loads(row["problem_json"]) if row["problem_json"] else None
        held = max(int(status.get("manifest_version") or 0), row["delivered_version"])
        if problem is not None and problem.get("kind") == "refused" and problem.get("code") in PAIRING_CODES:
            state = ReceiverState.NEEDS_PAIRING
        elif row["offline_since"] is not None:
            state = ReceiverState.OFFLINE
        elif row["last_seen"] is None:
            state = ReceiverState.UNKNOWN
        else:
            state = ReceiverState.ONLINE
        online = state is ReceiverState.ONLINE
        error: StudioError | None = None
        if problem is not None:
            error = problem_error(problem, row["receiver_id"], row["address"])
        elif online and status.get("last_error"):
            error = ReceiverFault(row["receiver_id"], str(status.get("last_error_code") or ""),
                                  str(status["last_error"]))
        views.append(ReceiverView(
            row["id"], row["receiver_id"], row["name"], row["zone_name"] or "", row["address"], state,
            row["last_seen"], row["offline_since"], row["checked_at"], held, row["latest_version"] or 0,
            row["pending_count"], row["pending_bytes"], status.get("clock_offset_s") if online else None,
            status.get("free_bytes"), status.get("volume"), status.get("max_volume"),
            _now_playing(repository, row["id"], held, status.get("now_playing")) if online else None, error))
    return views


def _now_playing(repository: FleetRepository, receiver: int, held: int, playing) -> NowPlaying | None:
    """What plays, by title: the receiver names it, else the manifest it holds does."""
    if not isinstance(playing, dict) or not playing.get("item"):
        return None
    item, title = str(playing["item"]), playing.get("title")
    if not title:
        manifest = repository.manifest_of(receiver, held) or {}
        title = next((i.get("title") for i in manifest.get("items", []) if i.get("id") == item), None)
    return NowPlaying(item, title or None, str(playing.get("priority") or "normal"))

"""The delivery engine: drains the outbox, one worker per receiver, whatever the network does.

For each receiver with a pending delivery, its worker takes the newest one (older ones
were superseded at publish), asks the receiver what it holds, uploads only the missing
media (resumable, chunked), then puts the manifest. Every socket call has a timeout; a
failure is recorded on the delivery (attempts, last error) and retried after an
exponential backoff with jitter, capped. A receiver that already holds a newer manifest
this studio sent makes the delivery moot (an older manifest can never overwrite a newer one:
the receiver refuses it); one holding a version the studio has no record of (its database
restored from a backup) gets this delivery renumbered above it, and a `stale-manifest`
refusal for such a version is an error recorded on the delivery. All state is in SQLite, so a studio restarted at any instant carries on.
Idempotent end to end: uploads resume, media is named by its hash, versions only grow.

The engine is also the one place that asks receivers how they are: a status watcher per
receiver asks every `STATUS_EVERY_S` and records the answer (or since when it does not
answer) in the database, and brings its play log in every minute; the window and the CLI
only read those records (studio.fleet.status).

Threads: `deliver_once` runs one receiver's delivery on the calling thread; `Delivery`
runs a worker thread per receiver with something to send and a status watcher thread per
receiver, each with its own database connection. Emergencies go first: the supervisor
sweeps `self.emergencies` (emergency_delivery.py) every round, which runs a sender per
receiver; a receiver's outbox worker waits while its emergency sender works.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from studio.errors import ReceiverError, ReceiverUnreachable
from studio.fleet.client import ReceiverClient
from studio.fleet.emergency_delivery import EmergencyLane
from studio.fleet.keys import StudioKey
from studio.fleet.mqtt_delivery import deliver_via_broker
from studio.fleet.mqtt_link import links
from studio.fleet.repository import FleetRepository
from studio.fleet.status import STATUS_TIMEOUT, check_status, problem_of
from studio.fleet.transport import via_broker
from studio.library import ClipLibrary

log = logging.getLogger(__name__)

BACKOFF_BASE_S = 2.0
BACKOFF_CAP_S = 300.0
PLAYLOG_EVERY_S = 60.0  # play logs are brought into the studio database this often
STATUS_EVERY_S = 5.0  # each receiver's status is asked and recorded this often


def backoff(attempts: int, rng: random.Random = random.Random()) -> float:
    """Seconds before the next try: 2, 4, 8 ... capped at 5 minutes, with ±50 % jitter."""
    return min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** max(0, attempts - 1)) * rng.uniform(0.5, 1.5)


def pending(conn, receiver: int | None = None) -> list:
    return FleetRepository(conn).pending(receiver)


def deliver_once(library: ClipLibrary, key: StudioKey, receiver_row, chunk: int = 1 << 20,
                 timeout=(5.0, 30.0), progress: Callable[[int, int], None] | None = None,
                 force: bool = False) -> bool:
    """Try this receiver's newest pending delivery once; True if it is now delivered."""
    repository = FleetRepository(library.conn, library.clock)
    rows = repository.pending(receiver_row["id"])
    if not rows:
        return True
    delivery = rows[0]
    if not force and delivery["next_attempt"] and delivery["next_attempt"] > library.clock.stamp():
        return False
    sent_before = delivery["bytes_sent"]
    sent = 0
    try:
        if via_broker(receiver_row["address"]):  # store-and-forward through the broker
            done, sent = deliver_via_broker(library, key, receiver_row, delivery, timeout, progress, _moot,
                                            _delivered)
            return done
        client = ReceiverClient(receiver_row["address"], key, receiver_row["receiver_id"], timeout=timeout)
        status = client.status()
        repository.record_status(receiver_row["id"], status, clear_error=True)
        held = status.get("manifest_version") or 0
        if held >= delivery["version"]:
            if _moot(repository, receiver_row, delivery, held):
                _delivered(repository, delivery, receiver_row, sent_before)
                return True
            # it holds a version this studio has no record of sending it (the database was
            # restored from a backup, or the studio stopped between PUT and recording it):
            # number this delivery above it, so the receiver takes it
            version = max(held, repository.version_floor()) + 1
            log.warning("%s holds manifest %d unknown to the studio: delivery %d renumbered %d -> %d",
                        receiver_row["name"], held, delivery["id"], delivery["version"], version)
            delivery = repository.renumber(delivery["id"], version)
        for sha in json.loads(delivery["media_json"]):
            sent += client.upload(library.store.path_for(sha), sha, chunk=chunk)
            repository.record_progress(delivery["id"], sent_before + sent)
            if progress is not None:
                progress(sent, delivery["bytes_total"])
        try:
            client.put_manifest(json.loads(delivery["manifest_json"]))
        except ReceiverError as exc:
            if exc.code != "stale-manifest":
                raise
            # it took a newer one meanwhile: moot if this studio sent that one, an error otherwise
            held = client.status().get("manifest_version") or 0
            if not (held > delivery["version"] and _moot(repository, receiver_row, delivery, held)):
                raise
        _delivered(repository, delivery, receiver_row, sent_before + sent)
        return True
    except (ReceiverUnreachable, ReceiverError, OSError) as exc:
        attempts = delivery["attempts"] + 1
        wait = backoff(attempts)
        retry = (library.clock.utc_now() + timedelta(seconds=wait)).isoformat(timespec="milliseconds")
        reason = exc.describe() if hasattr(exc, "describe") else str(exc)
        repository.record_failure(delivery["id"], attempts, reason, retry, sent_before + sent)
        repository.record_problem(receiver_row["id"], problem_of(exc), offline=not isinstance(exc, ReceiverError))
        log.info("delivery %d to %s failed (attempt %d, retry in %.0f s): %s", delivery["id"],
                 receiver_row["name"], attempts, wait, reason)
        return False


def _moot(repository: FleetRepository, receiver_row, delivery, held: int) -> bool:
    """The receiver holds `held` >= this delivery's version: is that this studio's own doing
    (a re-sync of what it delivered, or a newer version it sent), so nothing is to send?"""
    return held <= receiver_row["delivered_version"] or (
        held > delivery["version"] and repository.published_to(receiver_row["id"], held))


def _delivered(repository: FleetRepository, delivery, receiver_row, sent: int) -> None:
    repository.mark_delivered(delivery["id"], receiver_row["id"], delivery["version"], sent)
    log.info("delivered manifest %d to %s", delivery["version"], receiver_row["name"])


def pull_playlog(library: ClipLibrary, key: StudioKey, receiver_row, timeout=(5.0, 30.0)) -> int:
    """Bring the receiver's new play-log entries into the studio database. A receiver
    reached through a broker pushes its play log instead (studio.fleet.mqtt_playlog)."""
    if via_broker(receiver_row["address"]):
        return 0
    client = ReceiverClient(receiver_row["address"], key, receiver_row["receiver_id"], timeout=timeout)
    entries = client.playlog(after=receiver_row["playlog_seq"])
    return FleetRepository(library.conn, library.clock).record_playlog(receiver_row["id"], entries)


class Delivery:
    """Background delivery: one worker thread per receiver, each with its own library."""

    def __init__(self, open_library: Callable[[], ClipLibrary], key: StudioKey, poll_s: float = 1.0,
                 timeout=(5.0, 30.0), chunk: int = 1 << 20) -> None:
        self.open_library = open_library
        self.key = key
        self.poll_s = poll_s
        self.timeout = timeout
        self.chunk = chunk
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._workers: dict[int, threading.Thread] = {}
        self._watchers: dict[int, threading.Thread] = {}
        self._lock = threading.Lock()
        self._supervisor: threading.Thread | None = None
        # emergencies: a sender per receiver, ahead of (and beside) the outbox workers
        links().claim_session()  # this process stores the play logs pushed through brokers
        self.emergencies = EmergencyLane(open_library, key, stop=self._stop)

    def start(self) -> None:
        """Start the supervisor (the window does this on a worker thread: a stop() from the
        UI thread meanwhile finds either no supervisor, or a started one, and a stopped
        engine does not start)."""
        with self._lock:
            if self._stop.is_set() or self._supervisor is not None:
                return
            self._supervisor = threading.Thread(target=self._supervise, name="delivery", daemon=True)
            self._supervisor.start()

    def wake(self) -> None:
        """Something was published, or "send now": look again at once."""
        self._wake.set()

    def stop(self, join_timeout: float = 10.0) -> None:
        """Stop after the current network call; the outbox keeps the rest for next time."""
        self._stop.set()
        self._wake.set()
        self.emergencies.stop(join_timeout)
        with self._lock:  # threads are registered and started under it: none seen half-made
            threads = list(self._workers.values()) + list(self._watchers.values())
            threads += [self._supervisor] if self._supervisor else []
        deadline = time.monotonic() + join_timeout  # one wait for all: watchers of offline receivers block
        for worker in threads:
            worker.join(timeout=max(0.0, deadline - time.monotonic()))

    def _supervise(self) -> None:
        library = self.open_library()
        while not self._stop.is_set():
            self._sweep_emergencies(library)
            with self._lock:
                for row in FleetRepository(library.conn, library.clock).receivers():
                    watcher = self._watchers.get(row["id"])
                    if watcher is None or not watcher.is_alive():
                        watcher = threading.Thread(target=self._watch, args=(row["id"],), daemon=True,
                                                   name=f"status-{row['id']}")
                        self._watchers[row["id"]] = watcher
                        watcher.start()
            ids = {row["receiver"] for row in pending(library.conn)}
            with self._lock:
                for receiver in ids:
                    worker = self._workers.get(receiver)
                    if worker is None or not worker.is_alive():
                        worker = threading.Thread(target=self._work, args=(receiver,), daemon=True,
                                                  name=f"delivery-{receiver}")
                        self._workers[receiver] = worker
                        worker.start()
            self._wake.wait(self.poll_s)
            self._wake.clear()

    def _sweep_emergencies(self, library: ClipLibrary) -> None:
        try:
            self.emergencies.sweep(library)
        except Exception:  # the outbox must go on whatever happens to an emergency sweep
            log.exception("emergency sweep failed")

    def _watch(self, receiver: int) -> None:
        """One receiver's coordinator: ask its status, record it, bring its play log in.
        Logs once when it stops answering and once when it is back."""
        library = self.open_library()
        last_pull, answering = 0.0, True
        while not self._stop.is_set():
            row = FleetRepository(library.conn, library.clock).receiver(receiver)
            if row is None:
                return
            answered = check_status(library, self.key, row, STATUS_TIMEOUT)
            if answered != answering:
                answering = answered
                log.info("receiver %s %s", row["name"], "answers again" if answered else "does not answer")
            if answered and time.monotonic() - last_pull > PLAYLOG_EVERY_S:
                try:
                    pull_playlog(library, self.key, row, (2.0, 10.0))
                    last_pull = time.monotonic()
                except (ReceiverUnreachable, ReceiverError, OSError):
                    pass
            self._stop.wait(STATUS_EVERY_S)

    def _work(self, receiver: int) -> None:
        library = self.open_library()
        while not self._stop.is_set():
            row = FleetRepository(library.conn, library.clock).receiver(receiver)
            rows = pending(library.conn, receiver)
            if row is None or not rows:
                return
            if self.emergencies.busy(receiver):  # an emergency goes first
                self._stop.wait(0.2)
                continue
            if deliver_once(library, self.key, row, self.chunk, self.timeout):
                continue
            delay = 1.0
            next_attempt = pending(library.conn, receiver)
            if next_attempt and next_attempt[0]["next_attempt"]:
                due = datetime.fromisoformat(next_attempt[0]["next_attempt"])
                delay = max(0.05, (due - library.clock.utc_now()).total_seconds())
            self._stop.wait(min(delay, self.poll_s * 5))


def deliver_until_idle(library: ClipLibrary, key: StudioKey, timeout_s: float, chunk: int = 1 << 20,
                       net_timeout=(5.0, 30.0)) -> int:
    """Headless: keep delivering until the outbox is empty or `timeout_s` passes; returns
    how many deliveries are still pending."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        rows = pending(library.conn)
        if not rows:
            return 0
        for receiver in sorted({r["receiver"] for r in rows}):
            row = FleetRepository(library.conn, library.clock).receiver(receiver)
            deliver_once(library, key, row, chunk, net_timeout)
        if pending(library.conn):
            time.sleep(0.2)
    return len(pending(library.conn))

"""Sending emergencies: a sender thread per receiver, all in parallel, ahead of any other
delivery to that receiver.

For each receiver with an emergency pending that may still start, `EmergencyLane` runs
one thread that uploads the clip (resumable, named by its hash) and sends play-now with
the emergency's id and valid-until, retrying every `RETRY_S` with a short connect timeout
while it is valid: a receiver that comes back plays it within a second or so, one that
comes back after valid-until does not (the target is marked expired, and the receiver
itself refuses a play-now past its valid-until). A receiver that answers and refuses is
`failed` with the error; a newer emergency that reaches a receiver supersedes older ones
still pending there. Every outcome is in the record, the log and the audit log.

The window's delivery engine (`Delivery`) owns a lane and sweeps it every second; the
CLI's `emergency` uses one for its first round and returns within 2 s; `deliver` runs one
beside the outbox. Threads: each sender has its own database connection; `sweep` and
`ring` may be called from any thread with that thread's library.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable

from studio.errors import ReceiverError, ReceiverUnreachable
from studio.fleet.emergency import Emergencies, Emergency, Target, TargetState
from studio.fleet.keys import StudioKey
from studio.fleet.repository import FleetRepository
from studio.fleet.transport import transport_for
from studio.library import ClipLibrary

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 1.0
READ_TIMEOUT_S = 10.0
RETRY_S = 0.5
# Refusals that a second try can cure (a counter or an upload raced with another sender).
RETRYABLE = {"replay", "offset-mismatch", "missing-media", "http"}


def send_once(key: StudioKey, emergency: Emergency, receiver_row, media_path,
              timeout=(CONNECT_TIMEOUT_S, READ_TIMEOUT_S)) -> tuple[TargetState, str | None, bool]:
    """One try at one receiver, network only: upload, play-now. Returns the target's new
    state (PENDING: no answer, or a refusal worth another try), the error if any, and
    whether the receiver said it already had this emergency."""
    try:
        client = transport_for(receiver_row["address"], key, receiver_row["receiver_id"], timeout=timeout)
        client.send_whole(media_path, emergency.media_sha256)
        answer = client.play_now([emergency.media_sha256], None, emergency.item_id, emergency.valid_until)
    except ReceiverUnreachable as exc:
        return TargetState.PENDING, exc.describe(), False
    except ReceiverError as exc:
        if exc.code == "expired":
            return TargetState.EXPIRED, exc.describe(), False
        if exc.code in RETRYABLE or exc.status >= 500:
            return TargetState.PENDING, exc.describe(), False
        return TargetState.FAILED, exc.describe(), False
    except OSError as exc:  # the media file itself could not be read
        return TargetState.FAILED, str(exc), False
    return TargetState.REACHED, None, bool(answer.get("already"))


def _log_outcome(emergency: Emergency, receiver_row, state: TargetState, error: str | None, late: bool,
                 already: bool) -> None:
    name = receiver_row["name"]
    if state is TargetState.REACHED:
        log.warning("emergency %d plays on %s%s%s", emergency.id, name, " (it was offline until now)" if late else "",
                    " (already playing)" if already else "")
    elif state is TargetState.EXPIRED:
        log.warning("emergency %d: %s refused it as expired", emergency.id, name)
    elif state is not TargetState.PENDING:
        log.error("emergency %d: %s refused it: %s", emergency.id, name, error)


class EmergencyLane:
    """One sender thread per receiver with a valid pending emergency (see the module)."""

    def __init__(self, open_library: Callable[[], ClipLibrary], key: StudioKey,
                 timeout=(CONNECT_TIMEOUT_S, READ_TIMEOUT_S), retry_s: float = RETRY_S,
                 stop: threading.Event | None = None) -> None:
        self.open_library, self.key, self.timeout, self.retry_s = open_library, key, timeout, retry_s
        self._stop = stop or threading.Event()
        self._threads: dict[int, threading.Thread] = {}
        self._lock = threading.Lock()
        # The senders' outcomes go to one writer that commits whatever has come in one
        # transaction: twenty receivers answering at once cost one or two fsyncs, not
        # twenty turns in SQLite's busy handler (whose sleeps reach 100 ms a try).
        self._write = threading.Lock()
        self._outcomes: queue.Queue = queue.Queue()
        self._writer: threading.Thread | None = None
        self._ring = threading.Condition()
        self._rings = 0

    def sweep(self, library: ClipLibrary) -> set[int]:
        """Expire what is past valid-until, and make sure every receiver with a valid
        pending emergency has its sender; returns those receivers. A new sender gets its
        receiver and emergency from here, so its first try starts at once."""
        emergencies = Emergencies(library.conn, library.clock)
        with self._write:
            emergencies.expire_due()
        # Everything the senders start with, in two queries before the first start: a
        # query between two starts waits for the GIL behind the senders already started
        # (13 ms a receiver on a loaded 2-core machine, the twentieth started 0.25 s late).
        waiting = emergencies.pending_by_receiver()
        rows = {row["id"]: row for row in FleetRepository(library.conn, library.clock).receivers()} if waiting else {}
        with self._lock:
            for receiver, pending in waiting.items():
                thread = self._threads.get(receiver)
                if thread is None or not thread.is_alive():
                    thread = threading.Thread(target=self._serve, args=(receiver, (rows.get(receiver), pending),
                                                                        library.store),
                                              daemon=True, name=f"emergency-{receiver}")
                    self._threads[receiver] = thread
                    thread.start()
        self.ring()
        return set(waiting)

    def busy(self, receiver: int) -> bool:
        """A sender is working for this receiver: other deliveries to it wait."""
        thread = self._threads.get(receiver)
        return thread is not None and thread.is_alive()

    def ring(self) -> None:
        """Wake the senders now (a new emergency, or stop)."""
        with self._ring:
            self._rings += 1
            self._ring.notify_all()

    def stop(self, join_timeout: float = 2.0) -> None:
        self._stop.set()
        self.ring()
        with self._lock:  # senders are registered and started under it: none seen half-made
            threads = list(self._threads.values())
        for thread in threads:
            thread.join(timeout=join_timeout)

    def _pause(self, seconds: float) -> None:
        with self._ring:
            seen = self._rings
            self._ring.wait_for(lambda: self._rings != seen or self._stop.is_set(), seconds)

    def _record(self, outcomes: list) -> None:
        """Hand outcomes to the writer; returns once they are committed."""
        done = threading.Event()
        self._outcomes.put((outcomes, done))
        while True:
            with self._lock:  # (re)start the writer: it leaves after 2 s with nothing to write
                if self._writer is None or not self._writer.is_alive():
                    self._writer = threading.Thread(target=self._write_outcomes, daemon=True,
                                                    name="emergency-writer")
                    self._writer.start()
            if done.wait(0.5):
                return

    def _write_outcomes(self) -> None:
        library = self.open_library()
        try:
            while True:
                try:
                    batch = [self._outcomes.get(timeout=2.0)]
                except queue.Empty:
                    return
                while True:
                    try:
                        batch.append(self._outcomes.get_nowait())
                    except queue.Empty:
                        break
                try:
                    with self._write:
                        Emergencies(library.conn, library.clock).record_many(
                            [outcome for outcomes, _ in batch for outcome in outcomes])
                finally:
                    for _, done in batch:
                        done.set()
        except Exception:
            log.exception("writing emergency outcomes failed")
        finally:
            library.conn.close()

    def _serve(self, receiver: int, first, store) -> None:
        row, waiting = first
        library = None
        failures = 0
        try:
            while not self._stop.is_set():
                if row is None or not waiting:
                    return
                newest = waiting[0]
                state, error, already = send_once(self.key, newest, row, store.path_for(newest.media_sha256),
                                                  self.timeout)
                outcomes = [(newest.id, receiver, state, error, failures > 0)]
                if state is TargetState.REACHED:
                    outcomes += [(older.id, receiver, TargetState.SUPERSEDED, f"emergency {newest.id}", False)
                                 for older in waiting[1:]]
                self._record(outcomes)
                _log_outcome(newest, row, state, error, failures > 0, already)
                if library is None:
                    library = self.open_library()
                emergencies = Emergencies(library.conn, library.clock)
                if state is TargetState.PENDING:
                    if failures == 0:
                        log.warning("emergency %d: %s does not answer; trying again every %.1f s until %s",
                                    newest.id, row["name"], self.retry_s, newest.valid_until)
                    failures += 1
                    self._pause(self.retry_s)
                elif state is TargetState.REACHED:
                    failures = 0
                row = FleetRepository(library.conn, library.clock).receiver(receiver)
                waiting = emergencies.pending_for(receiver)
        except Exception:  # a sender never takes the studio down; the next sweep starts another
            log.exception("emergency sender for receiver %d failed", receiver)
        finally:
            if library is not None:
                library.conn.close()


def settled(targets: list[Target]) -> bool:
    """Every receiver either answered or has been tried once without an answer."""
    return all(t.state is not TargetState.PENDING or t.attempts > 0 for t in targets)


def send_and_wait(open_library: Callable[[], ClipLibrary], key: StudioKey, library: ClipLibrary,
                  emergency_id: int, wait_s: float = 1.2) -> tuple[EmergencyLane, list[Target]]:
    """Start sending to every receiver at once and wait at most `wait_s` for each one's
    first answer (or lack of one). The lane's threads go on sending to the others."""
    lane = EmergencyLane(open_library, key)
    lane.sweep(library)
    deadline = time.monotonic() + wait_s
    emergencies = Emergencies(library.conn, library.clock)
    targets = emergencies.targets(emergency_id)
    while not settled(targets) and time.monotonic() < deadline:
        time.sleep(0.02)
        targets = emergencies.targets(emergency_id)
    return lane, targets


def run_until_idle(open_library: Callable[[], ClipLibrary], key: StudioKey, stop: threading.Event,
                   every_s: float = 0.5) -> None:
    """Headless (`radio-studio deliver`): sweep until `stop`, on the calling thread (with
    a connection of its own)."""
    library = open_library()
    lane = EmergencyLane(open_library, key, stop=stop)
    while not stop.is_set():
        lane.sweep(library)
        stop.wait(every_s)
    lane.stop(join_timeout=0.5)
    library.conn.close()

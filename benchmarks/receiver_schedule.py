"""`python -m benchmarks.receiver_schedule`: what a big schedule costs the receiver's engine.

- Scheduler CPU with a 15,000-item manifest (all still to come): the share of one core the
  process uses over 10 s while the scheduler wakes every 100 ms. Goal ≤ 1 %. (Before the
  timeline, re-parsing every start on each tick: 13 % for 15,600 items.)
- Restart to playing with a 100,000-entry play log: from opening the store to the engine
  starting a hard item that is due (it reads the whole log to know what never to replay).
  Goal ≤ 1 s.
Runs in-process with no sound device (the item "plays" to a device that does not exist:
what is measured is the decision, not PortAudio).
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from crs_receiver.player import Engine
from crs_receiver.store import ReceiverStore

from tests.support.tools import wait_until

SHA = hashlib.sha256(b"bench").hexdigest()


def scheduler_cpu(folder: Path, items: int = 15_000, seconds: float = 10.0) -> float:
    store = ReceiverStore(folder)
    now = datetime.now(UTC)
    store.install_manifest({"version": 1, "receiver_id": store.receiver_id, "items": [
        {"id": f"i{n}", "start": (now + timedelta(hours=1, minutes=n)).isoformat(), "media": [SHA],
         "duration_s": 30} for n in range(items)]})
    engine = Engine(store, "bench-none")
    engine.start()
    time.sleep(1.0)  # the first ticks, and the warm-up thread, out of the way
    cpu, wall = time.process_time(), time.monotonic()
    time.sleep(seconds)
    share = (time.process_time() - cpu) / (time.monotonic() - wall)
    engine.shutdown()
    return share


def restart_to_playing(folder: Path, entries: int = 100_000) -> float:
    store = ReceiverStore(folder)
    now = datetime.now(UTC)
    store.log_plays([{"item": f"old-{n}", "media": [SHA], "priority": "normal", "scheduled": now.isoformat(),
                      "started": None, "ended": None, "outcome": "missed", "level_dbfs": None}
                     for n in range(entries)])
    store.install_manifest({"version": 1, "receiver_id": store.receiver_id, "items": [
        {"id": "now", "start": (now - timedelta(seconds=10)).isoformat(), "media": [SHA], "duration_s": 600,
         "start_mode": "hard"}]})
    began = time.monotonic()
    engine = Engine(ReceiverStore(folder), "bench-none")
    engine.start()
    assert wait_until(lambda: engine.current is not None, 30)
    elapsed = time.monotonic() - began
    engine.shutdown()
    return elapsed


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        cpu = scheduler_cpu(Path(tmp) / "a")
        restart = restart_to_playing(Path(tmp) / "b")
    print(f"scheduler CPU, 15,000-item manifest: {cpu * 100:.2f} % of one core (goal ≤ 1 %)")
    print(f"restart to playing, 100,000-entry play log: {restart:.3f} s (goal ≤ 1 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

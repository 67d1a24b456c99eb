"""The background delivery engine's start and stop (studio/fleet/delivery.py). The window
starts it on a worker thread after it is shown, and closing the window stops it on the UI
thread: a close during the start must neither fail nor leave the engine running."""

from __future__ import annotations

import threading
import time

from studio.fleet import delivery as delivery_module
from studio.fleet.delivery import Delivery
from studio.fleet.keys import StudioKey
from studio.library import ClipLibrary
from studio.storage.database import connect


def _engine(library) -> Delivery:
    paths = library.paths
    return Delivery(lambda: ClipLibrary(paths, connect(paths.database)), StudioKey(paths.keys_dir), poll_s=0.05)


def _supervisors() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "delivery"]


def test_a_stop_while_the_engine_is_starting_waits_for_the_start_and_then_stops_it(library, monkeypatch):
    engine = _engine(library)
    real_thread = delivery_module.threading.Thread
    creating = threading.Event()

    class SlowToStart(real_thread):  # the start is slow, as on a busy machine
        def start(self) -> None:
            creating.set()
            time.sleep(0.3)
            super().start()

    monkeypatch.setattr(delivery_module.threading, "Thread", SlowToStart)
    starter = real_thread(target=engine.start)
    starter.start()
    assert creating.wait(5)
    engine.stop(join_timeout=5)  # from "the UI thread", while the supervisor is not yet started
    starter.join(5)
    assert engine._supervisor is not None and not engine._supervisor.is_alive()


def test_an_engine_stopped_before_it_started_does_not_start(library):
    engine = _engine(library)
    before = len(_supervisors())
    engine.stop(join_timeout=1)
    engine.start()
    assert engine._supervisor is None and len(_supervisors()) == before


def test_started_twice_it_runs_one_supervisor_and_stop_ends_it(library):
    engine = _engine(library)
    engine.start()
    first = engine._supervisor
    engine.start()
    assert engine._supervisor is first and first.is_alive()
    engine.stop(join_timeout=5)
    assert not first.is_alive()

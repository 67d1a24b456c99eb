"""The composition root: one key per context, connections per call, the clock handed in."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from studio.clock import ManualClock
from studio.context import StudioContext
from studio.paths import StudioPaths


def test_one_key_per_context_even_when_threads_race(tmp_path):
    context = StudioContext.create(StudioPaths.at(tmp_path / "data"))
    keys = []
    threads = [threading.Thread(target=lambda: keys.append(context.key)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(key) for key in keys}) == 1
    # A second context of the same folder loads the same key from disk, not a new one.
    again = StudioContext.create(StudioPaths.at(tmp_path / "data"))
    assert again.key.public_text == keys[0].public_text and again.key is not keys[0]


def test_libraries_get_their_own_connection_and_share_the_store(tmp_path):
    context = StudioContext.create(StudioPaths.at(tmp_path / "data"))
    first, second = context.library(), context.library()
    assert first.conn is not second.conn
    assert first.store is context.media and second.store is context.media
    assert context.paths.database.exists()


def test_the_clock_given_is_the_clock_used(tmp_path):
    clock = ManualClock(datetime(2026, 12, 1, 17, 30, tzinfo=UTC))  # 00:30 on the 2nd in Vietnam
    context = StudioContext.create(StudioPaths.at(tmp_path / "data"), clock)
    assert context.clock is clock
    assert context.clock.today().isoformat() == "2026-12-02"

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
    """What the studio stamps (a clip's import, an outbox retry, a receiver's last contact)
    comes from the context's clock, not the host's: a clock set to 2031 shows up in each."""
    from studio.audio import synthetic
    from studio.fleet.delivery import deliver_once
    from studio.fleet.repository import FleetRepository
    from tests.support.tools import write_audio

    clock = ManualClock(datetime(2031, 12, 1, 17, 30, tzinfo=UTC))  # 00:30 on the 2nd in Vietnam
    context = StudioContext.create(StudioPaths.at(tmp_path / "data"), clock)
    assert context.clock is clock and context.clock.today().isoformat() == "2031-12-02"
    library = context.library()
    assert library.clock is clock
    clip = library.import_file(write_audio(tmp_path / "a.wav", synthetic.sine(1.0, 440), subtype="PCM_16")).clip
    assert clip.created_at.startswith("2031-12-01T17:30")

    repository = FleetRepository(library.conn, library.clock)
    repository.add_receiver("rx-1", "Loa", "http://127.0.0.1:9", None)  # nothing listens on port 9
    receiver = repository.receivers()[0]
    library.conn.execute("INSERT INTO publishes (id, created_at, created_by, first_day, last_day, detail_json)"
                         " VALUES (1, ?, 'test', '2031-12-02', '2031-12-02', '{}')", (clock.stamp(),))
    library.conn.execute(
        "INSERT INTO deliveries (receiver, publish_id, version, manifest_json, media_json, bytes_total, created_at,"
        " next_attempt) VALUES (?,?,?,?,?,?,?,?)", (receiver["id"], 1, 1, "{}", "[]", 0, clock.stamp(), clock.stamp()))
    assert deliver_once(library, context.key, receiver, timeout=(0.5, 0.5)) is False
    retry = datetime.fromisoformat(library.conn.execute("SELECT next_attempt FROM deliveries").fetchone()[0])
    assert retry.year == 2031 and 0 < (retry - clock.utc_now()).total_seconds() <= 3.0  # backoff 2 s ± 50 %

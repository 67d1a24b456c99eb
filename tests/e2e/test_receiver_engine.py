"""The receiver's playback engine with a controllable clock, through the real PortAudio
to the file-backed ALSA device: priorities, hard and soft starts, play-now, quiet hours,
broken media, a restart mid-item, and two weeks offline."""

from __future__ import annotations

import hashlib
import os
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from crs_receiver.player import Engine
from crs_receiver.store import ReceiverStore

from tests.support.tools import wait_until

T0 = datetime(2026, 12, 1, 5, 45, tzinfo=timezone(timedelta(hours=7)))


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def media(store: ReceiverStore, tmp_path: Path, seconds: float, freq: float = 440.0) -> str:
    samples = (0.25 * np.sin(2 * np.pi * freq * np.arange(int(48000 * seconds)) / 48000)).astype(np.float32)
    path = tmp_path / f"m-{freq}-{seconds}.wav"
    sf.write(path, samples, 48000, subtype="FLOAT")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    path.replace(store.root / "media" / sha)
    return sha


def item(item_id: str, start: datetime, shas: list[str], seconds: float, **extra) -> dict:
    return {"id": item_id, "start": start.isoformat(), "media": shas, "duration_s": seconds, **extra}


@pytest.fixture
def engine(tmp_path):
    store = ReceiverStore(tmp_path / "rx")
    clock = Clock(T0)
    running = Engine(store, "testspk", clock)
    running.start()
    yield running, store, clock
    running.shutdown()


def outcomes(store: ReceiverStore) -> list[tuple[str, str]]:
    return [(e["item"], e["outcome"]) for e in store.playlog(0)]


def test_priority_order_and_gapless_sequence(engine, tmp_path, sound):
    running, store, clock = engine
    a, b = media(store, tmp_path, 0.5, 440), media(store, tmp_path, 0.5, 660)
    running.set_manifest({"version": 1, "receiver_id": store.receiver_id, "items": [
        item("normal", T0, [a], 0.5), item("priority", T0, [b], 0.5, priority="priority"),
        item("both", T0 + timedelta(seconds=30), [a, b], 1.0)]})
    assert wait_until(lambda: len(store.playlog(0)) == 2, 10)
    assert outcomes(store) == [("priority", "played"), ("normal", "played")]
    clock.now = T0 + timedelta(seconds=30)
    assert wait_until(lambda: len(store.playlog(0)) == 3, 10)
    written = sound.played()
    lead = int(np.flatnonzero(written)[0]) - 1
    expected = np.concatenate([sf.read(store.root / "media" / sha, dtype="float32")[0] for sha in (a, b)])
    np.testing.assert_allclose(written[lead:lead + len(expected)], expected, atol=1e-6)  # no gap between files


def test_hard_start_cuts_soft_waits_and_play_now_interrupts(tmp_path):
    """The decisions, with a long item standing in as what is playing (the file-backed
    device is not paced like a sound card: a real 20-minute item would be over at once)."""
    from crs_receiver.player import Playing

    store = ReceiverStore(tmp_path / "rx")
    clock = Clock(T0 + timedelta(seconds=1))
    running = Engine(store, "testspk", clock)
    short = media(store, tmp_path, 0.3, 880)
    running.set_manifest({"version": 1, "receiver_id": store.receiver_id, "items": [
        item("soft", T0 + timedelta(seconds=1), [short], 0.3, start_mode="soft"),
        item("hard", T0 + timedelta(seconds=2), [short], 0.3, start_mode="hard")]})
    long_one = Playing("long", ["0" * 64], "normal", 100, T0.isoformat(), T0)
    running.current = long_one
    running._tick()
    assert running.current is long_one and not long_one.stop.is_set()  # the soft start waits
    clock.now = T0 + timedelta(seconds=2)
    running._tick()
    assert long_one.stop.is_set() and long_one.outcome == "interrupted"  # the hard start cuts
    assert running.current.item_id == "hard"
    assert wait_until(lambda: ("hard", "played") in outcomes(store), 10)
    running._tick()
    assert wait_until(lambda: ("soft", "played") in outcomes(store), 10)  # then the soft one gets its turn

    emergency = Playing("alarm", ["0" * 64], "emergency", 100, None, T0)
    running.current = emergency
    running.set_manifest({"version": 2, "receiver_id": store.receiver_id, "items": [
        item("hard-2", clock.now, [short], 0.3, start_mode="hard", priority="priority")]})
    running._tick()
    assert not emergency.stop.is_set()  # nothing cuts an emergency
    running.stop_playing()  # the stop command does
    assert emergency.stop.is_set() and emergency.outcome == "interrupted"


def test_play_now_interrupts_and_the_schedule_resumes(engine, tmp_path):
    running, store, clock = engine
    short = media(store, tmp_path, 0.3, 880)
    running.play_now([short], 50, "now-1")
    assert wait_until(lambda: ("now-1", "played") in outcomes(store), 10)
    entry = [e for e in store.playlog(0) if e["item"] == "now-1"][0]
    assert entry["level_dbfs"] == pytest.approx(20 * np.log10(0.25 * 0.5 / np.sqrt(2)), abs=0.5)  # volume 50 %
    running.set_manifest({"version": 1, "receiver_id": store.receiver_id,
                          "items": [item("after", clock.now + timedelta(seconds=1), [short], 0.3)]})
    clock.now += timedelta(seconds=1)
    assert wait_until(lambda: ("after", "played") in outcomes(store), 10)


def test_quiet_hours_broken_media_and_missed_items(engine, tmp_path):
    running, store, clock = engine
    good = media(store, tmp_path, 0.3)
    corrupt = hashlib.sha256(b"not audio at all" * 100).hexdigest()  # intact, but not audio
    (store.root / "media" / corrupt).write_bytes(b"not audio at all" * 100)
    night = T0.replace(hour=22, minute=30)
    running.set_manifest({"version": 1, "receiver_id": store.receiver_id, "quiet_hours": [{"start": "22:00", "end": "05:00"}],
                          "items": [item("gone", T0 - timedelta(hours=1), [good], 0.3, start_mode="hard"),
                                    item("missing", T0, ["f" * 64], 0.3),
                                    item("corrupt", T0 + timedelta(seconds=5), [corrupt, good], 0.6),
                                    item("night", night, [good], 0.3),
                                    item("alarm", night + timedelta(minutes=1), [good], 0.3, priority="emergency")]})
    assert wait_until(lambda: len(store.playlog(0)) >= 2, 10)
    clock.now = T0 + timedelta(seconds=5)
    assert wait_until(lambda: any(e["item"] == "corrupt" for e in store.playlog(0)), 10)
    clock.now = night + timedelta(minutes=1)
    assert wait_until(lambda: any(e["item"] == "alarm" for e in store.playlog(0)), 10)
    result = dict(outcomes(store))
    assert result["gone"] == "missed" and result["missing"] == "skipped-missing"
    assert result["night"] == "skipped-quiet" and result["alarm"] == "played"
    corrupt_entry = [e for e in store.playlog(0) if e["item"] == "corrupt"][0]
    assert corrupt_entry["outcome"] == "played" and corrupt_entry["skipped"] == [{"media": corrupt, "outcome": "failed"}]
    assert running.last_error is None


def test_a_restart_mid_item_continues_where_the_clock_is(tmp_path, sound):
    store = ReceiverStore(tmp_path / "rx")
    sha = media(store, tmp_path, 10.0, 500)
    store.install_manifest({"version": 3, "receiver_id": store.receiver_id,
                            "items": [item("tin", T0, [sha], 10.0, start_mode="hard")]})
    running = Engine(ReceiverStore(tmp_path / "rx"), "testspk", Clock(T0 + timedelta(seconds=6)))
    running.start()
    try:
        assert wait_until(lambda: bool(store.playlog(0)), 10)
    finally:
        running.shutdown()
    written = sound.played()
    assert np.count_nonzero(written) == pytest.approx(4 * 48000, rel=0.02)  # the last 4 of 10 seconds


def test_two_weeks_offline_plays_every_day(engine, tmp_path):
    running, store, clock = engine
    sha = media(store, tmp_path, 0.2)
    days = [T0 + timedelta(days=d) for d in range(14)]
    running.set_manifest({"version": 1, "receiver_id": store.receiver_id,
                          "items": [item(f"day-{d}", start, [sha], 0.2, start_mode="hard")
                                    for d, start in enumerate(days)]})
    for start in days:
        count = len(store.playlog(0))  # before the clock moves: the file speaker can finish the day at once
        clock.now = start + timedelta(milliseconds=50)
        played = wait_until(lambda: len(store.playlog(0)) == count + 1, 60)  # a busy machine: the day still plays
        assert played, (start, running.current, running.last_error, [t.name for t in threading.enumerate()])
    assert [o for _, o in outcomes(store)] == ["played"] * 14


def test_quota_cleanup_keeps_what_the_manifests_name(tmp_path):
    store = ReceiverStore(tmp_path / "rx", quota_bytes=3_000_000)
    named = media(store, tmp_path, 3.0, 300)  # 576 kB each
    old = [media(store, tmp_path, 3.0, 400 + 10 * n) for n in range(3)]
    for age, sha in enumerate(old):  # old[2] arrived first, old[0] last: not the order they were written
        os.utime(store.root / "media" / sha, (1_700_000_000 - 1000 * age,) * 2)
    store.install_manifest({"version": 1, "receiver_id": store.receiver_id, "items": [item("a", T0, [named], 3.0)]})
    path, sha = tmp_path / "new.bin", None
    data = np.random.default_rng(0).bytes(1_500_000)
    path.write_bytes(data)
    sha = hashlib.sha256(data).hexdigest()
    assert store.append(sha, 0, len(data), data) == (len(data), True)
    assert store.has_media(named) and store.has_media(sha)
    # 3 MB quota, 2.3 MB held: 1.5 MB fit once the two oldest unnamed files are gone, and only them
    assert [store.has_media(o) for o in old] == [True, False, False]

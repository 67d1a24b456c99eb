"""Request counters: the replay window, a receiver restarted, clocks set back.

The receiver judges freshness by counters alone (crs_protocol.counters, kept on disk by
crs_receiver.store), never by its clock; the studio's counters (StudioKey) keep rising
across its own restarts and a clock set back. Real stores on real folders.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from crs_protocol import REPLAY_WINDOW, CounterState, accept_counter, sign_headers, verify
from crs_receiver.store import ReceiverStore

from studio.fleet.keys import StudioKey

KEY = "studio-key"


def test_the_window_takes_each_counter_once_and_late_ones_inside_it():
    state = CounterState()
    for counter in (1000, 5000, 3000):  # 3000 arrives late, inside the window
        state = accept_counter(state, counter)
        assert state is not None
    assert state.high == 5000
    for replay in (1000, 3000, 5000):
        assert accept_counter(state, replay) is None
    assert accept_counter(state, 4999) is not None


def test_a_counter_older_than_the_window_is_refused_and_the_seen_list_stays_small():
    high = 10 * REPLAY_WINDOW
    state = accept_counter(accept_counter(CounterState(), high - 5), high)
    assert accept_counter(state, high - REPLAY_WINDOW) is None  # just outside
    assert accept_counter(state, high - REPLAY_WINDOW + 1) is not None  # just inside
    later = accept_counter(state, high + REPLAY_WINDOW)
    assert later.seen == (high + REPLAY_WINDOW,)  # what fell out of the window is forgotten
    assert accept_counter(later, high) is None


@pytest.mark.parametrize("counter", [0, -1, 2**63])
def test_counters_out_of_range(counter):
    assert accept_counter(CounterState(), counter) is None


def test_the_state_survives_json_and_damage():
    state = accept_counter(accept_counter(CounterState(), 7), 9)
    assert CounterState.from_json(state.to_json()) == state
    for damaged in (None, [], {"high": "x"}, {"high": 3, "seen": "7"}):
        assert CounterState.from_json(damaged) == CounterState()


def test_counters_seen_stay_seen_across_a_receiver_restart(tmp_path):
    store = ReceiverStore(tmp_path / "rx")
    assert store.accept_counter(KEY, 2_000_000)
    assert store.accept_counter(KEY, 1_000_000)
    restarted = ReceiverStore(tmp_path / "rx")  # as after a power cut: only the disk is left
    assert not restarted.accept_counter(KEY, 2_000_000)
    assert not restarted.accept_counter(KEY, 1_000_000)
    assert restarted.accept_counter(KEY, 1_500_000)
    assert restarted.accept_counter(KEY, 2_000_001)
    assert restarted.accept_counter("another-key", 1_000_000)  # per key
    restarted.reset_pairing()  # forgetting the studio keeps its counters: paired again, no replays
    assert not ReceiverStore(tmp_path / "rx").accept_counter(KEY, 2_000_000)


class SetBackClock:
    """The host clock as seen by `time.time`/`time.time_ns`, moved at will."""

    def __init__(self, monkeypatch) -> None:
        self.offset_s = 0.0
        real_time, real_ns = time.time, time.time_ns
        monkeypatch.setattr(time, "time", lambda: real_time() + self.offset_s)
        monkeypatch.setattr(time, "time_ns", lambda: real_ns() + int(self.offset_s * 1e9))


def test_the_receiver_does_not_look_at_its_clock(tmp_path, monkeypatch):
    clock = SetBackClock(monkeypatch)
    store = ReceiverStore(tmp_path / "rx")
    assert store.accept_counter(KEY, 10 << 40)
    clock.offset_s = -10 * 365 * 86400  # a receiver without a real-time clock boots in the past
    restarted = ReceiverStore(tmp_path / "rx")
    assert not restarted.accept_counter(KEY, 10 << 40)
    assert restarted.accept_counter(KEY, (10 << 40) + 1)
    clock.offset_s = 10 * 365 * 86400  # and then jumps ahead
    assert not ReceiverStore(tmp_path / "rx").accept_counter(KEY, (10 << 40) + 1)


def test_studio_counters_keep_rising_across_a_clock_set_back_and_a_restart(tmp_path, monkeypatch):
    clock = SetBackClock(monkeypatch)
    key = StudioKey(tmp_path / "keys")
    first = [key.next_counter() for _ in range(50)]
    assert first == sorted(set(first))
    clock.offset_s = -3600  # the studio PC's clock is set back an hour
    after_set_back = key.next_counter()
    assert after_set_back > first[-1]
    restarted = StudioKey(tmp_path / "keys")  # a new process: a new tag, the saved floor
    clock.offset_s = -86400
    assert restarted.next_counter() > after_set_back
    assert restarted.public_text == key.public_text


def test_a_receiver_accepts_every_request_of_a_studio_whose_clock_went_back(tmp_path, monkeypatch):
    """End to end through signing: counters made across the set-back verify and are fresh."""
    clock = SetBackClock(monkeypatch)
    store = ReceiverStore(tmp_path / "rx")
    key = StudioKey(tmp_path / "keys")
    store.pair(key.public_text, "studio")
    for offset in (0, -7200, -7200, 0, -86400 * 30):
        clock.offset_s = offset
        headers = sign_headers(key.private, "GET", "/v1/status", b"", key.next_counter(), store.receiver_id,
                               datetime.now(UTC))
        signed = verify(headers, "GET", "/v1/status", b"", store.receiver_id)
        assert signed.key == store.trusted_key()
        assert store.accept_counter(signed.key, signed.counter), offset
        assert not store.accept_counter(signed.key, signed.counter)  # and only once


def test_a_burst_of_counters_saves_the_floor_once_and_a_restart_starts_above_it(tmp_path, monkeypatch):
    import studio.fleet.keys as keys

    key = StudioKey(tmp_path / "keys")
    writes = []
    real_write = keys.atomic_write_bytes
    monkeypatch.setattr(keys, "atomic_write_bytes", lambda path, data: (writes.append(data), real_write(path, data)))
    burst = [key.next_counter() for _ in range(60)]  # an emergency to twenty receivers: 3 requests each
    assert burst == sorted(set(burst))
    assert len(writes) == 1  # not one fsync per request
    restarted = StudioKey(tmp_path / "keys")  # the process was killed right after the burst
    assert restarted.next_counter() > burst[-1]

"""A play-now accepted just before a kill -9 is played after the restart while it is still
valid, and dropped once it expired; one already logged is never played twice."""

from __future__ import annotations

from datetime import timedelta

from crs_receiver.player import Engine
from crs_receiver.store import ReceiverStore

from tests.e2e.test_receiver_engine import T0, Clock, media, outcomes
from tests.support.tools import wait_until


def accepted_then_killed(tmp_path, valid_until):
    store = ReceiverStore(tmp_path / "rx")
    sha = media(store, tmp_path, 0.3)
    killed = Engine(store, "testspk", Clock(T0))  # never started: as if killed before its next tick
    assert killed.play_now([sha], 60, "bao-so-9", valid_until.isoformat() if valid_until else None)
    return sha


def test_a_play_now_cut_by_a_kill_plays_after_the_restart(tmp_path, sound):
    accepted_then_killed(tmp_path, T0 + timedelta(minutes=10))
    store = ReceiverStore(tmp_path / "rx")
    running = Engine(store, "testspk", Clock(T0 + timedelta(minutes=1)))
    running.start()
    try:
        assert wait_until(lambda: ("bao-so-9", "played") in outcomes(store), 10)
        # the record goes once the play log holds the outcome (it is written after the sound starts)
        assert wait_until(lambda: not (store.root / "playnow.json").exists(), 10)
    finally:
        running.shutdown()
    again = Engine(ReceiverStore(tmp_path / "rx"), "testspk", Clock(T0 + timedelta(minutes=2)))
    assert again.pending_now is None  # logged: never twice


def test_an_expired_play_now_is_dropped_after_the_restart(tmp_path):
    accepted_then_killed(tmp_path, T0 + timedelta(minutes=10))
    store = ReceiverStore(tmp_path / "rx")
    running = Engine(store, "testspk", Clock(T0 + timedelta(minutes=11)))
    assert running.pending_now is None and not (store.root / "playnow.json").exists()


def test_without_valid_until_it_stays_valid_fifteen_minutes(tmp_path):
    accepted_then_killed(tmp_path, None)
    assert Engine(ReceiverStore(tmp_path / "rx"), "testspk", Clock(T0 + timedelta(minutes=14))).pending_now
    assert Engine(ReceiverStore(tmp_path / "rx"), "testspk", Clock(T0 + timedelta(minutes=16))).pending_now is None

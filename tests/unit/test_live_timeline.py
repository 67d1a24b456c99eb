"""The receiver's estimate of the studio's frame timeline (crs_receiver.live): a frame that
left on time fixes when frame 0 left (arrival - seq x 20 ms, the earliest seen), a late one
never moves it later, a forged one never moves it at all. Every receiver playing frame n at
that origin + n x 20 ms + the jitter buffer is what keeps loudspeakers of a zone together
(benchmarks.live prints their spread)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from crs_protocol.live import new_session, pack_frame
from crs_receiver import live
from crs_receiver.store import ReceiverStore


@pytest.fixture
def receiver(tmp_path, monkeypatch):
    clock = SimpleNamespace(now=100.0)
    monkeypatch.setattr(live.time, "monotonic", lambda: clock.now)
    rx = live.LiveReceiver(ReceiverStore(tmp_path / "rx", make_identity=True), SimpleNamespace())
    session_id, key = new_session()
    rx.session = live.Session(session_id, key, "test", ["Thôn 1"], 5.0, datetime.now(UTC))
    return rx, clock, session_id, key


def test_the_earliest_arrival_fixes_the_origin_and_late_frames_do_not_move_it(receiver):
    rx, clock, session_id, key = receiver
    for seq, at in ((5, 100.130), (6, 100.140), (7, 100.210), (8, 100.300)):  # 6 came on time; 7, 8 late
        clock.now = at
        rx.datagram(pack_frame(session_id, key, seq, b"opus"))
    assert rx.session.accepted == 4
    assert rx.session.origin == pytest.approx(100.140 - 6 * 0.02)


def test_a_forged_frame_does_not_move_the_origin(receiver):
    rx, clock, session_id, key = receiver
    clock.now = 100.5
    rx.datagram(pack_frame(session_id, key, 10, b"opus"))
    clock.now = 100.51
    rx.datagram(pack_frame(session_id, b"k" * len(key), 30, b"forged"))  # would say frame 0 left at 99.91
    assert rx.refused["forged"] == 1
    assert rx.session.origin == pytest.approx(100.5 - 10 * 0.02)

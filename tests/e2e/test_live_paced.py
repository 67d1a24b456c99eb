"""Live onto a loudspeaker paced in real time: a private PulseAudio server's null sink
(benchmarks/paced_audio.py). A real receiver plays the session through PortAudio and ALSA's
pulse plugin; the clicks the studio's microphone (benchmarks.live.PacedSource, real-time
blocks into the broadcast's capture queue) made are found on the sink's monitor, each within
a loose bound. A behaviour test: the figures are the benchmark's (`python -m benchmarks.live
--paced`). Skipped only where pulseaudio is not installed (installers/linux/setup-env.sh
installs it for CI)."""

from __future__ import annotations

import time

import pytest

from benchmarks import paced_audio
from benchmarks.live import CLICK_EVERY_S, PacedSource
from benchmarks.live_paced import match, onsets
from studio.accounts.store import Accounts, Role
from studio.fleet.fleet import pair_receiver
from studio.fleet.keys import StudioKey
from studio.live.broadcast import LiveBroadcast, LiveTarget
from studio.schedule.zones import Policy, ZoneKind, Zones
from tests.support.receiver import Receiver
from tests.support.tools import wait_for

pytestmark = pytest.mark.skipif(not paced_audio.available(), reason="pulseaudio and pulseaudio-utils not installed")


@pytest.fixture
def pulse(tmp_path):
    server = paced_audio.PulseServer(tmp_path / "pulse").start()
    yield server
    server.stop()


def test_the_private_server_has_a_null_sink_and_stops(pulse):
    assert pulse.socket.parent == pulse.folder  # nothing in the host's runtime folder
    assert paced_audio.SINK in pulse.pactl("list", "short", "sinks").stdout
    process = pulse.process
    pulse.stop()
    assert process.poll() is not None and pulse.pactl("info").returncode != 0


def test_monitor_runs_at_real_time(pulse):
    monitor = paced_audio.MonitorRecorder(pulse)
    try:
        wait_for(lambda: monitor.samples > 0, 10, "the monitor's first samples")
        first, began = monitor.samples, time.monotonic()
        wait_for(lambda: time.monotonic() - began >= 2.0, 3, "two seconds")
        rendered, elapsed = (monitor.samples - first) / paced_audio.RATE, time.monotonic() - began
        # paced: a second of sound a second, give or take a late read on a loaded machine (a file sink gives far more)
        assert 0.75 < rendered / elapsed < 1.25, (rendered, elapsed)
    finally:
        monitor.stop()


def test_live_clicks_reach_the_paced_speaker(library, tmp_path, pulse):
    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    Zones(library.conn, accounts).add("Thôn 1", admin, ZoneKind.VILLAGE, "vi", Policy())
    monitor = paced_audio.MonitorRecorder(pulse)
    receiver = Receiver(tmp_path / "rx", env=pulse.env(tmp_path / "rx-home", pcm="testspk")).start()
    broadcast = None
    try:
        key = StudioKey(library.paths.keys_dir)
        pair_receiver(library, key, receiver.url, receiver.code, "Thôn 1", "Loa 0")
        row = library.conn.execute("SELECT * FROM receivers").fetchone()
        target = LiveTarget(row["id"], row["name"], row["receiver_id"], row["address"])
        source = PacedSource(clicks=3)
        broadcast = LiveBroadcast(key, [target], None, "test", ["Thôn 1"], capture=source)
        broadcast.start()
        wait_for(lambda: target.carried, 30, "the receiver on the air")
        # parec can take a second to deliver its first samples (after other tests, the first
        # click was played before the monitor heard anything): the clicks start once it does
        wait_for(lambda: monitor.samples > 0, 10, "the monitor's first samples")
        source.go.set()
        assert source.done.wait(3 * CLICK_EVERY_S + 20)
        wait_for(lambda: len(onsets(monitor, source.click_times[0])) >= 3, 5, "three clicks on the monitor")
        latencies = match(source.click_times, onsets(monitor, source.click_times[0]))
        assert len(latencies) == 3 and all(0.0 < lag < 2.0 for lag in latencies), latencies
        streams = pulse.pactl("list", "short", "sink-inputs").stdout
        assert streams.strip(), "the receiver played to the null sink"
    finally:
        if broadcast is not None:
            broadcast.stop()
        receiver.kill()
        monitor.stop()

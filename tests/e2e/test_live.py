"""Live broadcast through real receivers on loopback: the studio's `testmic` (a 400 Hz tone,
block-aligned so that ALSA's looping file reads it the same wherever it is) goes to the
receivers of the chosen zones only; a scheduled item is cut and resumed; an emergency cuts
live; forged, replayed and old frames are refused with the output unchanged; a studio killed
mid-session leaves each receiver back on its schedule after the silence time-out. The
speakers are FIFOs drained at real-time pace (tests/support/stream_speaker.py), so a
scheduled item lasts as long as it says."""

from __future__ import annotations

import hashlib
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from crs_protocol.live import pack_frame, parse_frame

from studio.accounts.store import Accounts, Role
from studio.audio import synthetic
from studio.fleet.client import ReceiverClient
from studio.fleet.emergency import operator_authority
from studio.fleet.fleet import pair_receiver
from studio.fleet.keys import StudioKey
from studio.live import TargetState, finish, go_live
from studio.schedule.zones import Policy, ZoneKind, Zones
from tests.support import cli, sound
from tests.support.receiver import Receiver
from tests.support.stream_speaker import StreamSpeaker, dominant_hz, runs
from tests.support.tools import wait_for, write_audio

LIVE_HZ, ITEM_HZ, ALARM_HZ = 400.0, 1000.0, 700.0


def feed_tone(amplitude: float = 0.25) -> None:
    n = np.arange(48000)  # 400 Hz: 120 samples a period, 8 periods a 20 ms block
    sound.current().feed_microphone(np.round(amplitude * 32767 * np.sin(2 * np.pi * LIVE_HZ * n / 48000)))


def last_hz(speaker: StreamSpeaker) -> float:
    return dominant_hz(speaker.played())


def live_zones(library) -> None:
    """An approver (chutich), an editor (bientap), and the zones "Thôn 1" and "Thôn 2"."""
    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    accounts.add("chutich", "matkhau-chutich", Role.APPROVER, by=admin)
    accounts.add("bientap", "matkhau-bientap", Role.EDITOR, by=admin)
    zones = Zones(library.conn, accounts)
    zones.add("Thôn 1", admin, ZoneKind.VILLAGE, "vi", Policy())
    zones.add("Thôn 2", admin, ZoneKind.VILLAGE, "vi", Policy())


@pytest.fixture
def fleet(library, tmp_path):
    """Two receivers in "Thôn 1", one in "Thôn 2", paired; their speakers paced."""
    live_zones(library)
    receivers = [Receiver(tmp_path / f"rx{n}").start() for n in range(3)]
    key = StudioKey(library.paths.keys_dir)
    speakers = []
    for n, receiver in enumerate(receivers):
        pair_receiver(library, key, receiver.url, receiver.code, "Thôn 2" if n == 2 else "Thôn 1", f"Loa {n}")
        speakers.append(StreamSpeaker(receiver.sound.speaker))
    feed_tone()
    yield receivers, speakers, key
    for receiver in receivers:
        receiver.kill()


def client_of(library, key: StudioKey, receiver: Receiver) -> ReceiverClient:
    client = ReceiverClient(receiver.url, key, timeout=(1.0, 5.0))
    client.identify()
    return client


def schedule_tone(client: ReceiverClient, tmp_path, seconds: float = 30.0, hz: float = ITEM_HZ) -> str:
    path = write_audio(tmp_path / f"item-{hz:.0f}.wav", 0.3 * synthetic.sine(seconds, hz), subtype="PCM_16")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    client.upload(path, sha)
    start = datetime.now(UTC) + timedelta(seconds=0.5)
    client.put_manifest({"version": 1, "receiver_id": client.receiver_id, "volume": 100, "items": [
        {"id": "ban-tin-sang", "start": start.isoformat(), "media": [sha], "duration_s": seconds,
         "start_mode": "hard"}]})
    return sha


def test_live_reaches_the_chosen_zones_only_and_is_recorded(library, data_dir, fleet):
    receivers, speakers, key = fleet
    proc = cli.run_input(data_dir, "matkhau-chutich\n", "live", "--device", "testmic", "--zone", "Thôn 1",
                         "--seconds", "3", "--user", "chutich", "--password-stdin")
    assert "Loa 0: on-air" in proc.stdout and "Loa 1: on-air" in proc.stdout, proc.stdout
    assert "carried by 2 of 2 receivers" in proc.stdout
    for speaker in speakers[:2]:
        (stream,) = speaker.streams()
        assert len(stream) >= 2.5 * 48000  # about 3 s, at real-time pace
        assert dominant_hz(stream) == pytest.approx(LIVE_HZ, abs=5)
        assert 20 * np.log10(np.sqrt(np.mean(stream[24000:-24000] ** 2))) == pytest.approx(-15.1, abs=1.5)
    assert speakers[2].streams() == []  # Thôn 2 heard nothing

    for receiver in receivers[:2]:
        (entry,) = client_of(library, key, receiver).playlog()
        assert (entry["priority"], entry["outcome"], entry["by"], entry["zones"]) == ("live", "played", "chutich",
                                                                                     ["Thôn 1"])
        assert entry["frames"] >= 125, entry  # of 150 sent: the first and last few may go (device open, drain)
    assert client_of(library, key, receivers[2]).playlog() == []
    history = [a for a in Accounts(library.conn).history() if a.object_kind == "live"]
    assert [a.action for a in history] == ["live-start", "live-end"]
    assert history[0].detail["receivers"] == ["Loa 0", "Loa 1"] and history[0].detail["approved_by"] == "chutich"
    assert history[1].detail["carried_by"] == ["Loa 0", "Loa 1"] and history[1].detail["seconds"] >= 3.0
    clip = history[1].object_id
    assert clip is not None and f"recorded as clip {clip}" in proc.stdout


def test_an_editor_needs_a_reason(data_dir, fleet):
    refused = cli.run_input(data_dir, "matkhau-bientap\n", "live", "--device", "testmic", "--zone", "Thôn 1",
                            "--seconds", "1", "--user", "bientap", "--password-stdin", expect=1)
    assert "must give a reason" in refused.stderr
    _receivers, speakers, _key = fleet
    assert all(s.streams() == [] for s in speakers)


def test_a_scheduled_item_is_cut_by_live_and_resumed(library, fleet, tmp_path):
    (receiver, *_), (speaker, *_), key = fleet
    client = client_of(library, key, receiver)
    schedule_tone(client, tmp_path)
    wait_for(lambda: last_hz(speaker) == pytest.approx(ITEM_HZ, abs=5), 10, "the scheduled item")
    time.sleep(0.5)
    authority = operator_authority("cli:test", None)
    broadcast = go_live(library, key, ["Thôn 1"], "testmic", authority, record=False)
    try:
        wait_for(lambda: last_hz(speaker) == pytest.approx(LIVE_HZ, abs=5), 10, "live")
        wait_for(lambda: runs(speaker.played())[-1:] == [LIVE_HZ], 10, "live")
        time.sleep(1.0)  # a second of live
    finally:
        finish(library, broadcast, authority)
    wait_for(lambda: runs(speaker.played())[-1:] == [ITEM_HZ], 10, "the item again")
    log = client.playlog()
    assert [(e["item"][:5], e["outcome"]) for e in log] == [("ban-t", "interrupted"), ("live-", "played")]
    assert runs(speaker.played()) == [ITEM_HZ, LIVE_HZ, ITEM_HZ]
    assert client.status()["now_playing"]["item"] == "ban-tin-sang"  # resumed, still playing


def test_an_emergency_cuts_live_and_live_comes_back(library, fleet, tmp_path):
    (receiver, *_), (speaker, *_), key = fleet
    client = client_of(library, key, receiver)
    alarm = write_audio(tmp_path / "alarm.wav", 0.3 * synthetic.sine(2.0, ALARM_HZ), subtype="PCM_16")
    sha = hashlib.sha256(alarm.read_bytes()).hexdigest()
    client.upload(alarm, sha)
    authority = operator_authority("cli:test", None)
    broadcast = go_live(library, key, ["Thôn 1"], "testmic", authority, record=False)
    try:
        wait_for(lambda: runs(speaker.played()) == [LIVE_HZ], 10, "live")
        client.play_now([sha], item_id="em-1")
        wait_for(lambda: last_hz(speaker) == pytest.approx(ALARM_HZ, abs=5), 5, "the emergency")
        wait_for(lambda: any(e["item"] == "em-1" for e in client.playlog()), 10, "the emergency logged")
        wait_for(lambda: last_hz(speaker) == pytest.approx(LIVE_HZ, abs=5), 5, "live again")
        assert broadcast.targets[0].state in (TargetState.ON_AIR, TargetState.STARTING)
    finally:
        finish(library, broadcast, authority)
    wait_for(lambda: len(client.playlog()) == 2, 10, "the live entry")
    em, live = client.playlog()
    assert (em["item"], em["outcome"]) == ("em-1", "played") and em["level_dbfs"] > -20
    assert (live["priority"], live["outcome"]) == ("live", "played")
    assert runs(speaker.played()) == [LIVE_HZ, ALARM_HZ, LIVE_HZ]


def test_forged_replayed_and_old_frames_are_refused(library, fleet):
    (receiver, *_), (speaker, *_), key = fleet
    client = client_of(library, key, receiver)
    authority = operator_authority("cli:test", None)
    broadcast = go_live(library, key, ["Thôn 1"], "testmic", authority, record=False)
    sent: list[bytes] = []
    broadcast.tap = sent.append
    try:
        wait_for(lambda: broadcast.targets[0].state is TargetState.ON_AIR and len(sent) > 120, 10, "on the air")
        port = broadcast.targets[0].udp[1]
        loud = _loud_payload()
        real = parse_frame(sent[-1])
        forged = pack_frame(real.session_id, b"\x00" * 32, real.seq + 20, loud)  # not the session key
        old = pack_frame(real.session_id, broadcast.session_key, real.seq - 100, loud)  # out of window
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            for _ in range(25):
                sock.sendto(forged, ("127.0.0.1", port))
                sock.sendto(sent[-30], ("127.0.0.1", port))  # a real frame, again
                sock.sendto(old, ("127.0.0.1", port))
                sock.sendto(b"CRL2" + b"\x00" * 60, ("127.0.0.1", port))
        wait_for(lambda: client.live_info()["refused"]["forged"] >= 25, 5, "the forged frames counted")
        time.sleep(1.0)  # what a forged frame would have played is past the jitter buffer by now
        refused = client.live_info()["refused"]
    finally:
        finish(library, broadcast, authority)
    assert refused["forged"] == 25 and refused["replayed"] == 25 and refused["out-of-window"] == 25
    assert refused["unknown-session"] == 25  # the zero session id
    stream = speaker.played()
    assert float(np.abs(stream).max()) < 0.4  # the tone is 0.25; the injected noise is full scale
    assert dominant_hz(stream) == pytest.approx(LIVE_HZ, abs=5)


def _loud_payload() -> bytes:
    from crs_protocol.opus import Encoder

    encoder = Encoder()
    noise = np.random.default_rng(1).integers(-32000, 32000, 960).astype("<i2")
    return encoder.encode(noise.tobytes())


def test_a_killed_studio_leaves_the_receiver_back_on_its_schedule(library, data_dir, fleet, tmp_path):
    (receiver, *_), (speaker, *_), key = fleet
    client = client_of(library, key, receiver)
    schedule_tone(client, tmp_path)
    wait_for(lambda: last_hz(speaker) == pytest.approx(ITEM_HZ, abs=5), 10, "the scheduled item")
    studio = subprocess.Popen([sys.executable, "-m", "studio", "--data-dir", str(data_dir), "live", "--device",
                               "testmic", "--zone", "Thôn 1", "--silence-s", "2"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: last_hz(speaker) == pytest.approx(LIVE_HZ, abs=5), 20, "live")
        studio.send_signal(signal.SIGKILL)
        killed = time.monotonic()
        studio.wait(10)
        wait_for(lambda: last_hz(speaker) == pytest.approx(ITEM_HZ, abs=5), 10, "the schedule again")
        back = time.monotonic() - killed
    finally:
        if studio.poll() is None:
            studio.kill()
            studio.wait()
    assert 1.5 < back < 5.0  # the 2 s silence time-out, then the item from where the clock is
    log = client.playlog()
    assert [(e["item"][:5], e["outcome"]) for e in log] == [("ban-t", "interrupted"), ("live-", "timed-out")]


class LossyRelay:
    """UDP frames to the receiver through a relay that drops every `nth` one."""

    def __init__(self, port: int, nth: int) -> None:
        self.target, self.nth, self.seen = ("127.0.0.1", port), nth, 0
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.address = self.sock.getsockname()
        self.running = True
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        while self.running:
            try:
                data, _ = self.sock.recvfrom(2048)
            except TimeoutError:
                continue
            self.seen += 1
            if self.seen % self.nth:
                self.sock.sendto(data, self.target)

    def close(self) -> None:
        self.running = False


def test_lost_frames_are_recovered_without_a_gap(library, fleet):
    (receiver, *_), (speaker, *_), key = fleet
    client = client_of(library, key, receiver)
    authority = operator_authority("cli:test", None)
    broadcast = go_live(library, key, ["Thôn 1"], "testmic", authority, record=False)
    relay = None
    try:
        wait_for(lambda: broadcast.targets[0].state is TargetState.ON_AIR, 10, "on the air")
        relay = LossyRelay(broadcast.targets[0].udp[1], 10)  # 10 % loss from now on
        broadcast.targets[0].udp = relay.address
        wait_for(lambda: relay.seen > 150, 10, "3 s through the relay")
        info = client.live_info()["session"]
    finally:
        finish(library, broadcast, authority)
        if relay is not None:
            relay.close()
    assert info["concealed"] >= 10  # recovered (FEC) or concealed, one frame in ten
    stream = speaker.played()
    quiet = np.abs(stream) < 1e-3
    longest, run = 0, 0
    for value in quiet[48000:-48000]:  # the steady part, away from the start and the end
        run = run + 1 if value else 0
        longest = max(longest, run)
    assert longest < 0.005 * 48000  # no gap: the 400 Hz tone never stops for 5 ms
    assert runs(stream) == [LIVE_HZ]


def test_a_receiver_restarted_mid_session_is_brought_back_on_the_air(library, fleet):
    (receiver, *_), (speaker, *_), key = fleet
    authority = operator_authority("cli:test", None)
    broadcast = go_live(library, key, ["Thôn 1"], "testmic", authority, record=False)
    try:
        target = broadcast.targets[0]
        wait_for(lambda: target.state is TargetState.ON_AIR, 10, "on the air")
        receiver.kill()
        wait_for(lambda: target.state is TargetState.UNREACHABLE, 10, "seen unreachable")
        heard = len(speaker.played())
        receiver.start()
        wait_for(lambda: target.state is TargetState.ON_AIR, 15, "on the air again")
        wait_for(lambda: len(speaker.played()) > heard + 48000, 10, "a second more of live")
    finally:
        finish(library, broadcast, authority)
    assert runs(speaker.played()) == [LIVE_HZ]
    entries = client_of(library, key, receiver).playlog()
    assert [(e["item"], e["outcome"]) for e in entries] == [(f"live-{broadcast.session}", "played")]


def test_the_live_key_is_pinned_at_pairing_and_another_key_gets_no_session(library, fleet):
    """A receiver's live key comes with its pairing answer; a session start seals the session
    key only to it. A device that answers with another key (a replaced card, or someone
    answering in its place) is refused, hears nothing, and the pinned key is kept."""
    (receiver, other, _), (speaker, other_speaker, _), key = fleet
    pinned = {r["receiver_id"]: r["live_key"] for r in library.conn.execute("SELECT receiver_id, live_key "
                                                                            "FROM receivers")}
    assert pinned[receiver.receiver_id] == client_of(library, key, receiver).live_info()["public_key"]
    wrong = client_of(library, key, other).live_info()["public_key"]  # a real key, of another receiver
    library.conn.execute("UPDATE receivers SET live_key = ? WHERE receiver_id = ?", (wrong, receiver.receiver_id))
    # one paired before keys were pinned: its first session pins the key it gives
    library.conn.execute("UPDATE receivers SET live_key = NULL WHERE receiver_id = ?", (other.receiver_id,))
    broadcast = go_live(library, key, ["Thôn 1"], "testmic", operator_authority("cli:test", None), seconds=2.0,
                        record=False)
    try:
        by_name = {t.receiver_id: t for t in broadcast.targets}
        wait_for(lambda: by_name[receiver.receiver_id].state is TargetState.REFUSED, 10, "refused")
        assert "live-key-changed" in by_name[receiver.receiver_id].detail
        wait_for(lambda: by_name[other.receiver_id].carried, 10, "the other receiver on the air")
        wait_for(broadcast.finished.is_set, 10, "the session's end")
    finally:
        finish(library, broadcast, operator_authority("cli:test", None))
    assert speaker.streams() == [] and len(other_speaker.streams()) == 1
    assert library.conn.execute("SELECT live_key FROM receivers WHERE receiver_id = ?",
                                (receiver.receiver_id,)).fetchone()[0] == wrong  # not re-pinned by a session
    assert library.conn.execute("SELECT live_key FROM receivers WHERE receiver_id = ?",
                                (other.receiver_id,)).fetchone()[0] == wrong  # pinned at its first session
    assert client_of(library, key, receiver).playlog() == []

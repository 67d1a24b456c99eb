"""Stream relay through a real receiver process (`python -m crs_receiver serve`), paired
with the studio's client and sent a signed manifest, playing to its file-backed speaker
paced in real time: one relay plays its slot out, the next one's stream dies and the
backup the studio uploaded fills the rest of its slot; the play log says which."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import numpy as np
import soundfile as sf

from studio.fleet.client import ReceiverClient
from studio.fleet.keys import StudioKey
from tests.e2e.test_relay import BITRATE, StreamServer, mp3
from tests.security.hostile import wait_for
from tests.support.paced_speaker import PacedSpeaker
from tests.support.receiver import Receiver


def test_a_receiver_relays_a_stream_and_falls_back_when_the_next_one_dies(tmp_path):
    receiver = Receiver(tmp_path / "rx")
    speaker = PacedSpeaker(receiver.sound.speaker)
    good = StreamServer(mp3(tmp_path / "good.mp3", 30, 0.5))
    dying = StreamServer(mp3(tmp_path / "dying.mp3", 30, 0.5, 550.0), cut_after=2 * BITRATE // 8)
    try:
        receiver.start()
        client = ReceiverClient(receiver.url, StudioKey(tmp_path / "keys"))
        client.pair(receiver.code, "UBND xã")
        backup = tmp_path / "backup.wav"
        sf.write(backup, (0.2 * np.sin(2 * np.pi * 660 * np.arange(48000 * 20) / 48000)).astype(np.float32), 48000)
        sha = hashlib.sha256(backup.read_bytes()).hexdigest()
        client.upload(backup)
        first = datetime.now(UTC) + timedelta(seconds=2)
        client.put_manifest({"version": 1, "receiver_id": client.receiver_id, "items": [
            {"id": "vov-1", "start": first.isoformat(), "kind": "stream", "url": good.url, "duration_s": 5,
             "media": [], "start_mode": "hard"},
            {"id": "vov-2", "start": (first + timedelta(seconds=7)).isoformat(), "kind": "stream",
             "url": dying.url, "duration_s": 6, "media": [sha], "start_mode": "hard"}]})
        assert wait_for(lambda: len(client.playlog(0)) == 2, 40, step=0.5)
        log = {e["item"]: e for e in client.playlog(0)}
        assert log["vov-1"]["outcome"] == "played" and log["vov-1"]["level_dbfs"] > -20
        assert log["vov-2"]["outcome"] == "stream-failed" and log["vov-2"]["level_dbfs"] > -30
        for item, seconds in (("vov-1", 5), ("vov-2", 6)):  # each ends at its slot's end (1 s of slack)
            entry = log[item]
            took = (datetime.fromisoformat(entry["ended"]) - datetime.fromisoformat(entry["started"])).total_seconds()
            assert seconds - 0.5 <= took <= seconds + 1.0, (item, took)
    finally:
        receiver.kill()
        speaker.close()
        good.close()
        dying.close()

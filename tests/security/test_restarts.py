"""Restarts (issue 15, item 13), through real receiver processes killed with SIGKILL: a
play-now accepted before the kill is played after it, once; a play log longer than one
page (1,000 entries) never makes a restart play an item again; an upload killed after its
last byte but before its hash was checked is verified at start, or discarded."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime, timedelta

import numpy as np
import soundfile as sf

from studio.fleet.client import ReceiverClient
from studio.fleet.keys import StudioKey
from tests.security.hostile import wait_for
from tests.support.paced_speaker import PacedSpeaker
from tests.support.receiver import Receiver


def tone(path, seconds: float):
    samples = (0.2 * np.sin(2 * np.pi * 440 * np.arange(int(8000 * seconds)) / 8000)).astype(np.float32)
    sf.write(path, samples, 8000, subtype="PCM_16")
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


def started(tmp_path, paced: bool = False):
    receiver = Receiver(tmp_path / "rx")
    speaker = PacedSpeaker(receiver.sound.speaker) if paced else None
    receiver.start()
    client = ReceiverClient(receiver.url, StudioKey(tmp_path / "keys"))
    client.pair(receiver.code, "UBND xã")
    return receiver, client, speaker


def outcomes(client, item: str, after: int = 0) -> list[str]:
    return [e["outcome"] for e in client.playlog(after) if e["item"] == item]


def test_a_play_now_killed_mid_way_is_played_after_the_restart_once(tmp_path):
    receiver, client, speaker = started(tmp_path, paced=True)
    try:
        path, sha = tone(tmp_path / "fire.wav", 6)
        client.upload(path)
        until = (datetime.now(UTC) + timedelta(minutes=10)).isoformat()
        assert client.play_now([sha], item_id="bao-chay-7", valid_until=until)["item"] == "bao-chay-7"
        assert wait_for(lambda: (client.status()["now_playing"] or {}).get("item") == "bao-chay-7", 10)
        receiver.kill()  # SIGKILL while it plays: no log entry was written
        receiver.start()
        assert wait_for(lambda: outcomes(client, "bao-chay-7") == ["played"], 30, step=0.5)
        receiver.kill()
        receiver.start()  # logged: never played again
        assert client.status()["now_playing"] is None
        assert outcomes(client, "bao-chay-7") == ["played"]
    finally:
        receiver.kill()
        speaker.close()


def test_a_play_log_longer_than_a_page_never_replays_after_a_restart(tmp_path):
    receiver, client, _ = started(tmp_path)
    try:
        path, sha = tone(tmp_path / "news.wav", 0.5)
        client.upload(path)
        start = (datetime.now(UTC) - timedelta(seconds=20)).isoformat()  # still due (soft, 30 min late)
        client.put_manifest({"version": 1, "receiver_id": client.receiver_id, "items": [
            {"id": "ban-tin-old", "start": start, "media": [sha], "duration_s": 0.5},
            {"id": "ban-tin-new", "start": (datetime.now(UTC) + timedelta(seconds=3)).isoformat(), "media": [sha],
             "duration_s": 0.5}]})
        assert wait_for(lambda: outcomes(client, "ban-tin-old") == ["played"], 15)
        receiver.terminate()
        log = receiver.folder / "playlog.jsonl"
        entries = [json.loads(line) for line in log.read_text().splitlines()]
        filler = [{"seq": n + 1, "item": f"other-{n:04d}", "outcome": "played"} for n in range(1005)]
        played = [{**e, "seq": 1005 + n + 1} for n, e in enumerate(entries)]  # beyond the first page
        log.write_text("".join(json.dumps(e) + "\n" for e in filler + played))
        receiver.start()
        assert wait_for(lambda: outcomes(client, "ban-tin-new", 1005) == ["played"], 20)  # the schedule runs
        assert outcomes(client, "ban-tin-old", 1005) == ["played"]  # once, not again
    finally:
        receiver.kill()


def test_an_upload_killed_before_its_hash_was_checked_is_verified_or_discarded_at_start(tmp_path):
    receiver, client, _ = started(tmp_path)
    try:
        receiver.terminate()
        partial = receiver.folder / "partial"
        good, bad = os.urandom(100_000), os.urandom(100_000)
        good_sha, claimed = hashlib.sha256(good).hexdigest(), "c4" * 32
        for sha, data in ((good_sha, good), (claimed, bad)):  # every byte written, the rename never done
            (partial / f"{sha}.part").write_bytes(data)
            (partial / f"{sha}.len").write_text(str(len(data)))
        receiver.start()
        assert client.held(good_sha) == (100_000, True)  # verified and playable
        assert client.held(claimed) == (0, False)  # did not match its name: discarded
        assert not list(partial.iterdir())
    finally:
        receiver.kill()

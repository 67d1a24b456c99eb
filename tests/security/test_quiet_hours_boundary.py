"""Quiet hours are judged when an item actually starts, and an item still playing when
they begin stops there (issue 15, item 13); emergencies are exempt. Through real receiver
processes on the wall clock: quiet hours begin at the next minute boundary, at most about
70 s away. Before, a soft item kept waiting behind an emergency started inside them (the
check used its scheduled time) and a long item played on through them."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import soundfile as sf

from studio.fleet.client import ReceiverClient
from studio.fleet.keys import StudioKey
from tests.security.hostile import wait_for
from tests.support.paced_speaker import PacedSpeaker
from tests.support.receiver import Receiver

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def tone(folder, seconds: float):
    path = folder / f"tone-{seconds:g}.wav"
    samples = (0.2 * np.sin(2 * np.pi * 440 * np.arange(int(8000 * seconds)) / 8000)).astype(np.float32)
    sf.write(path, samples, 8000, subtype="PCM_16")
    return path


def boundary() -> datetime:
    """The next minute boundary at least 12 s away (time to upload and publish first)."""
    now = datetime.now(UTC)
    start = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return start if (start - now).total_seconds() >= 12 else start + timedelta(minutes=1)


def hhmm(moment: datetime) -> str:
    return moment.astimezone(ZONE).strftime("%H:%M")


def paced(folder):
    """A started, paired receiver whose speaker plays in real time."""
    receiver = Receiver(folder / "rx")
    speaker = PacedSpeaker(receiver.sound.speaker)
    receiver.start()
    client = ReceiverClient(receiver.url, StudioKey(folder / "keys"))
    client.pair(receiver.code, "UBND xã")
    return receiver, client, speaker


def entries(client) -> dict[str, dict]:
    return {e["item"]: e for e in client.playlog()}


def test_quiet_hours_stop_an_item_at_their_start_and_hold_a_waiting_one(tmp_path):
    quiet = boundary()
    quiet_hours = [{"start": hhmm(quiet), "end": hhmm(quiet + timedelta(minutes=1))}]
    long_s = (quiet - datetime.now(UTC)).total_seconds() + 8  # ends 8 s into quiet hours
    first, first_client, first_speaker = paced(tmp_path / "a")
    second, second_client, second_speaker = paced(tmp_path / "b")
    try:
        long_tone = tone(tmp_path, long_s)
        for client in (first_client, second_client):
            client.upload(long_tone)
        sha = hashlib.sha256(long_tone.read_bytes()).hexdigest()
        soon = (datetime.now(UTC) + timedelta(seconds=2)).isoformat()
        # a normal item playing when quiet hours begin
        first_client.put_manifest({"version": 1, "receiver_id": first_client.receiver_id, "timezone": str(ZONE),
                                   "quiet_hours": quiet_hours, "items": [
                                       {"id": "long", "start": soon, "media": [sha], "duration_s": long_s}]})
        # an emergency playing through them, and a soft item waiting behind it
        later = (datetime.now(UTC) + timedelta(seconds=4)).isoformat()
        second_client.put_manifest({"version": 1, "receiver_id": second_client.receiver_id, "timezone": str(ZONE),
                                    "quiet_hours": quiet_hours, "items": [
                                        {"id": "alarm", "start": soon, "media": [sha], "duration_s": long_s,
                                         "priority": "emergency"},
                                        {"id": "waiting", "start": later, "media": [sha], "duration_s": 5}]})
        deadline_s = (quiet - datetime.now(UTC)).total_seconds() + 30
        assert wait_for(lambda: "long" in entries(first_client), deadline_s, step=0.5)
        cut = entries(first_client)["long"]
        assert cut["outcome"] == "interrupted"
        ended = datetime.fromisoformat(cut["ended"])
        assert quiet <= ended <= quiet + timedelta(seconds=2.5), (ended, quiet)  # at the boundary, not 8 s on
        assert wait_for(lambda: {"alarm", "waiting"} <= set(entries(second_client)), 30, step=0.5)
        found = entries(second_client)
        assert found["alarm"]["outcome"] == "played"  # emergencies are exempt
        assert datetime.fromisoformat(found["alarm"]["ended"]) > quiet + timedelta(seconds=5)
        assert found["waiting"]["outcome"] == "skipped-quiet"  # its actual start fell in quiet hours
    finally:
        first.kill()
        second.kill()
        first_speaker.close()
        second_speaker.close()

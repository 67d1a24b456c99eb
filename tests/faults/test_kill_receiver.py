"""kill -9 of a real receiver process during an upload and during manifest swaps, at 20
points each: it restarts, its store is consistent, partial media never becomes playable,
and it plays the last good manifest."""

from __future__ import annotations

import hashlib
import json
import random
import threading
import time
from datetime import UTC, datetime, timedelta

import numpy as np
import soundfile as sf

from studio.errors import ReceiverError, ReceiverUnreachable
from studio.fleet.client import ReceiverClient
from studio.fleet.keys import StudioKey
from tests.support.receiver import Receiver

POINTS = 20


def check_store(folder):
    for path in (folder / "media").iterdir():  # only whole, verified files are ever playable
        assert hashlib.sha256(path.read_bytes()).hexdigest() == path.name
    for name in ("manifest.json", "manifest.prev.json", "trust.json", "replay.json"):
        if (folder / name).exists():
            json.loads((folder / name).read_text())  # never a torn file


def restart(receiver: Receiver) -> Receiver:
    receiver.kill()
    return receiver.start()


def test_kill_during_uploads_and_manifest_swaps(tmp_path):
    rng = random.Random(7)
    receiver = Receiver(tmp_path / "rx", quota_mb=256).start()
    key = StudioKey(tmp_path / "keys")
    client = ReceiverClient(receiver.url, key)
    client.pair(receiver.code, "UBND xã")
    files = []
    for point in range(POINTS):
        audio = (0.2 * np.sin(2 * np.pi * (200 + 10 * point) * np.arange(48000 * 6) / 48000)).astype(np.float32)
        path = tmp_path / f"tin-{point}.wav"
        sf.write(path, audio, 48000, subtype="FLOAT")
        files.append((path, hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_size))
    try:
        # 1. each of 20 uploads is killed at a random point; after the restart the receiver
        # holds a prefix of it (never a playable partial), and the upload resumes from there
        cut_short = 0
        for path, sha, size in files:
            killer = threading.Timer(rng.uniform(0.0, 0.3), receiver.process.kill)
            killer.start()
            try:
                client.upload(path, sha, chunk=32 * 1024)
            except (ReceiverUnreachable, ReceiverError):
                pass
            killer.join()
            receiver = restart(receiver)
            client.address = receiver.url
            check_store(receiver.folder)
            held, complete = client.held(sha)
            assert 0 <= held <= size
            cut_short += not complete
            sent = client.upload(path, sha, chunk=32 * 1024)
            assert sent == size - held and client.held(sha) == (size, True)
        assert cut_short >= POINTS // 2  # the kills really landed mid-upload
        path, sha, size = files[-1]

        # 2. manifest swaps killed at 20 points; after each restart the manifest is one that
        # was sent in full, never older than the last one acknowledged
        acknowledged = 0
        version = 0
        for _point in range(POINTS):
            killer = threading.Timer(rng.uniform(0.0, 0.15), receiver.process.kill)
            killer.start()
            try:
                while True:
                    version += 1
                    client.put_manifest({"version": version, "receiver_id": client.receiver_id, "items": [
                        {"id": f"v{version}", "start": "2030-01-01T06:00:00+07:00", "media": [sha],
                         "duration_s": 20}]})
                    acknowledged = version
            except (ReceiverUnreachable, ReceiverError):
                pass
            killer.join()
            receiver = restart(receiver)
            client.address = receiver.url
            check_store(receiver.folder)
            held_version = client.status()["manifest_version"]
            assert acknowledged <= held_version <= version

        # 3. it plays the last good manifest
        start = datetime.now(UTC) + timedelta(seconds=1)
        client.put_manifest({"version": version + 1, "receiver_id": client.receiver_id, "items": [
            {"id": "now", "start": start.isoformat(), "media": [sha], "duration_s": 20, "start_mode": "hard"}]})
        receiver = restart(receiver)
        client.address = receiver.url
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(e["item"] == "now" for e in client.playlog()):
            time.sleep(0.2)
        assert [e["outcome"] for e in client.playlog() if e["item"] == "now"] == ["played"]
    finally:
        receiver.kill()

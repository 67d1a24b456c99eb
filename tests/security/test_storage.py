"""The receiver's storage (issue 15, item 12), through real receiver processes: uploads in
progress reserve their declared length, abandoned ones expire, a full disk still takes
commands, play-now and play-log entries, and a wrong declared length can start again."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from studio.errors import ReceiverError
from studio.fleet.client import ReceiverClient
from studio.fleet.keys import StudioKey
from tests.security.hostile import wait_for
from tests.support.receiver import Receiver

KB = 1024


def patch(client: ReceiverClient, sha: str, offset: int, length: int, data: bytes):
    response, _ = client._request("PATCH", f"/v1/media/{sha}", data, {
        "Content-Type": "application/offset+octet-stream", "Tus-Resumable": "1.0.0",
        "Upload-Offset": str(offset), "Upload-Length": str(length)})
    return int(response.headers["Upload-Offset"])


def refusal(action) -> tuple[int, str]:
    with pytest.raises(ReceiverError) as refused:
        action()
    return refused.value.status, refused.value.code


def started(folder: Path, quota_mb: int = 64, command: list[str] | None = None) -> tuple[Receiver, ReceiverClient]:
    receiver = Receiver(folder / "rx", quota_mb=quota_mb, command=command).start()
    client = ReceiverClient(receiver.url, StudioKey(folder / "keys"))
    client.pair(receiver.code, "UBND xã")
    return receiver, client


def test_uploads_reserve_their_declared_length_and_abandoned_ones_expire(tmp_path):
    receiver, client = started(tmp_path, quota_mb=1)
    try:
        first, second = "a1" * 32, "b2" * 32
        assert patch(client, first, 0, 700 * KB, b"x" * 100 * KB) == 100 * KB
        # 100 kB written but 700 kB promised: another 700 kB does not fit in 1 MB
        assert refusal(lambda: patch(client, second, 0, 700 * KB, b"y" * 100 * KB)) == (413, "quota")
        assert client.status()["used_bytes"] >= 700 * KB
        # the first upload is abandoned: a day and more without a PATCH
        day_ago = time.time() - 25 * 3600
        for path in (receiver.folder / "partial").glob(f"{first}.*"):
            os.utime(path, (day_ago, day_ago))
        assert patch(client, second, 0, 700 * KB, b"y" * 100 * KB) == 100 * KB  # room again
        assert not (receiver.folder / "partial" / f"{first}.part").exists()
    finally:
        receiver.kill()


def test_a_wrong_declared_length_can_start_again_from_zero(tmp_path):
    receiver, client = started(tmp_path)
    try:
        data = os.urandom(64 * KB)
        sha = hashlib.sha256(data).hexdigest()
        patch(client, sha, 0, 10 * len(data), data[:KB])  # a length poisoned in transit
        assert refusal(lambda: patch(client, sha, KB, len(data), data[KB:])) == (409, "length-mismatch")
        assert patch(client, sha, 0, len(data), data) == len(data)  # from 0, the true length
        assert client.held(sha) == (len(data), True)
    finally:
        receiver.kill()


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs util-linux unshare")
def test_a_full_disk_still_takes_commands_play_now_and_the_play_log(tmp_path):
    """The receiver's folder is a 6 MiB tmpfs of its own (a user and mount namespace, no
    root needed); the test fills it from outside through /proc/PID/root."""
    folder = tmp_path / "rx"
    folder.mkdir()
    probe = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                            f"mount -t tmpfs -o size=1m tmpfs {folder}"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"no user namespaces here: {probe.stderr.decode()[:200]}")
    command = ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
               'mount -t tmpfs -o size=6m tmpfs "$0" && exec "$@"', str(folder),
               sys.executable, "-m", "crs_receiver", "serve"]
    receiver, client = started(tmp_path, command=command)
    try:
        inside = Path(f"/proc/{receiver.process.pid}/root") / str(folder).lstrip("/")
        assert wait_for(lambda: (inside / "receiver.json").exists(), 10)
        tone = tmp_path / "tone.wav"
        sf.write(tone, (0.2 * np.sin(np.arange(8000) / 3)).astype(np.float32), 8000, subtype="PCM_16")
        client.upload(tone)
        sha = hashlib.sha256(tone.read_bytes()).hexdigest()
        with open(inside / "filler", "wb") as filler:  # something else fills the card
            try:
                while True:
                    filler.write(b"\0" * 64 * KB)
                    filler.flush()
            except OSError:
                pass
        assert shutil.disk_usage(inside).free < 64 * KB
        assert client.set_volume(30)["volume"] == 30  # a command: its counter saved on a full disk
        answer = client.play_now([sha], item_id="bao-chay-1")
        assert answer["item"] == "bao-chay-1"
        assert wait_for(lambda: any(e["item"] == "bao-chay-1" for e in client.playlog()), 15)
        assert refusal(lambda: client.upload(tmp_path / "tone.wav", sha="c3" * 32))[1] == "quota"
        assert client.status()["volume"] == 30
    finally:
        receiver.kill()

"""The receiver's own disk (issue 15, item 8), through real receiver processes: each state
file damaged (cut, garbage, JSON of the wrong shape) while the receiver is off. It comes
back with the same identity, pairing, volume and schedule; when no copy of its identity
is left it refuses to start and says what to do, never inventing a new id that would lock
the studio out; and a card cloned from another receiver's is noticed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from studio.fleet.client import ReceiverClient
from studio.fleet.keys import StudioKey
from tests.support.receiver import Receiver

DAMAGE = {"cut": b'{"version": 2, "key": "A6E', "garbage": b"\xff\xfe\x00 garbage",
          "wrong shape": b'{"volume": true, "id": 7, "key": [], "version": "2"}', "a list": b"[]"}


@pytest.fixture
def paired(tmp_path: Path):
    """A paired receiver at volume 40 holding manifests 1 and 2, then stopped."""
    receiver = Receiver(tmp_path / "rx").start()
    try:
        client = ReceiverClient(receiver.url, StudioKey(tmp_path / "keys"))
        client.pair(receiver.code, "UBND xã")
        client.set_volume(40)
        for version in (1, 2):
            client.put_manifest({"version": version, "receiver_id": client.receiver_id, "items": []})
    finally:
        receiver.terminate()
    yield receiver, client
    receiver.kill()


def start_alone(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crs_receiver", "serve", "--data-dir", str(folder), "--host",
                           "127.0.0.1", "--port", "0"], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("name", ["receiver.json", "trust.json", "volume.json", "manifest.json", "replay.json"])
@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_state_file_changes_nothing_the_studio_sees(paired, name: str, damage: str) -> None:
    receiver, client = paired
    (receiver.folder / name).write_bytes(DAMAGE[damage])
    receiver.start()
    status = client.status()  # signed: same id, same pairing, a fresh counter accepted
    assert (status["receiver_id"], status["volume"], status["manifest_version"]) == (client.receiver_id, 40, 2)
    assert (receiver.folder / f"{name}.damaged").read_bytes() == DAMAGE[damage]


def test_a_damaged_manifest_without_its_copy_falls_back_to_the_previous(paired) -> None:
    receiver, client = paired
    (receiver.folder / "manifest.json").write_bytes(DAMAGE["cut"])
    (receiver.folder / "manifest.json.bak").unlink()
    receiver.start()
    assert client.status()["manifest_version"] == 1


def test_a_lost_identity_refuses_to_start_rather_than_invent_one(paired) -> None:
    receiver, client = paired
    for name in ("receiver.json", "receiver.json.bak"):
        (receiver.folder / name).write_bytes(DAMAGE["garbage"])
    ended = start_alone(receiver.folder)
    assert ended.returncode == 2
    assert "will not invent a new id" in ended.stderr and "crs-receiver new-identity" in ended.stderr
    assert not (receiver.folder / "receiver.json").exists()  # nothing invented on disk either
    # the local action the message names makes a new identity, to be paired again
    made = subprocess.run([sys.executable, "-m", "crs_receiver", "new-identity", "--data-dir", str(receiver.folder)],
                          capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    receiver.start()
    assert receiver.code  # not paired: it shows a code
    assert receiver.receiver_id != client.receiver_id


def test_a_card_cloned_from_another_receiver_is_noticed(paired) -> None:
    receiver, client = paired
    for name in ("receiver.json", "receiver.json.bak"):
        identity = json.loads((receiver.folder / name).read_text())
        assert identity["machine"]  # the device it was made on is recorded
        (receiver.folder / name).write_text(json.dumps({**identity, "machine": "0123456789abcdef"}))
    receiver.start()
    assert client.status()["identity_moved"] is True
    receiver.terminate()
    kept = subprocess.run([sys.executable, "-m", "crs_receiver", "keep-identity", "--data-dir", str(receiver.folder)],
                          capture_output=True, text=True, timeout=60)
    assert kept.returncode == 0, kept.stderr
    receiver.start()
    status = client.status()
    assert (status["identity_moved"], status["receiver_id"]) == (False, client.receiver_id)


def test_a_garbage_upload_length_is_an_abandoned_partial(paired) -> None:
    receiver, client = paired
    sha = "ab" * 32
    (receiver.folder / "partial" / f"{sha}.part").write_bytes(b"x" * 10)
    (receiver.folder / "partial" / f"{sha}.len").write_text("lots")
    receiver.start()
    assert client.held(sha) == (0, False)  # not a 500 forever
    assert not (receiver.folder / "partial" / f"{sha}.part").exists()

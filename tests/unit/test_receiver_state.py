"""The receiver's state files (receiver/crs_receiver/state.py and the store): damage falls
back to a sound copy, an I/O error is never taken for damage, trust is never dropped
without local action, and a lost counter file never re-opens captured requests."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from crs_protocol import TAG_BITS
from crs_receiver.state import StateUnavailable
from crs_receiver.store import ReceiverStore

KEY = "A6EHv_POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg"


def now_counter(offset_s: float = 0.0) -> int:
    return int(time.time_ns() // 1000 + offset_s * 1e6) << TAG_BITS


def manifest(version: int, receiver_id: str) -> dict:
    return {"version": version, "receiver_id": receiver_id, "items": []}


@pytest.fixture
def store(tmp_path: Path) -> ReceiverStore:
    s = ReceiverStore(tmp_path / "rx")
    s.pair(KEY, "UBND xã")
    s.set_volume(40)
    s.install_manifest(manifest(1, s.receiver_id))
    s.install_manifest(manifest(2, s.receiver_id))
    return s


@pytest.mark.parametrize("name", ["trust.json", "receiver.json", "volume.json", "manifest.json"])
@pytest.mark.parametrize("damage", [b"{\"key\": \"A6E", b"[]", b"\xff\xfe garbage", b'{"volume": true, "id": 7}'])
def test_a_damaged_state_file_falls_back_to_its_sound_copy(store: ReceiverStore, name: str, damage: bytes) -> None:
    root = store.root
    (root / name).write_bytes(damage)
    again = ReceiverStore(root)
    assert again.receiver_id == store.receiver_id  # the studio is not locked out by a new identity
    assert again.trusted_key() == KEY
    assert again.volume() == 40  # not reset to 100
    assert again.manifest()["version"] == 2
    assert (root / f"{name}.damaged").read_bytes() == damage  # kept for a look, not lost
    assert json.loads((root / name).read_text()) == json.loads((root / f"{name}.bak").read_text())


def test_a_damaged_manifest_without_a_copy_falls_back_to_the_previous_one(store: ReceiverStore) -> None:
    (store.root / "manifest.json").write_text("{\"version\": 2, \"items\": [")
    (store.root / "manifest.json.bak").unlink()
    assert ReceiverStore(store.root).manifest()["version"] == 1


def test_state_written_by_an_earlier_receiver_without_copies_is_read(tmp_path: Path) -> None:
    root = tmp_path / "rx"
    root.mkdir()
    (root / "receiver.json").write_text(json.dumps({"id": "0123456789abcdef", "name": "Loa thôn 1"}))
    (root / "trust.json").write_text(json.dumps({"key": KEY, "studio": "UBND", "paired_at": "2026-11-01"}))
    (root / "volume.json").write_text(json.dumps({"volume": 35}))
    store = ReceiverStore(root)
    assert (store.receiver_id, store.trusted_key(), store.volume()) == ("0123456789abcdef", KEY, 35)


def test_an_io_error_is_not_damage_and_drops_nothing(store: ReceiverStore) -> None:
    root = store.root
    trust = (root / "trust.json").read_bytes()
    (root / "trust.json").unlink()
    (root / "trust.json").mkdir()  # reading it is an OSError that is not "absent" (as EIO or EMFILE)
    with pytest.raises(StateUnavailable):
        ReceiverStore(root)
    assert not (root / "trust.json.damaged").exists()
    assert (root / "trust.json.bak").read_bytes() == trust


def test_the_running_receiver_never_reads_trust_from_disk(store: ReceiverStore) -> None:
    """Under a descriptor flood no file can be opened; the paired key is in memory."""
    for name in ("trust.json", "trust.json.bak"):
        (store.root / name).unlink()
    assert store.trusted_key() == KEY


def test_reset_pairing_keeps_the_counter_floor_for_the_same_studio(store: ReceiverStore) -> None:
    captured = now_counter()
    assert store.accept_counter(KEY, captured)
    store.reset_pairing()
    assert store.trusted_key() is None
    store.pair(KEY, "UBND xã")
    assert not store.accept_counter(KEY, captured)  # a request captured before cannot be replayed
    assert ReceiverStore(store.root).trusted_key() == KEY


def test_a_lost_counter_file_refuses_what_was_captured_before(store: ReceiverStore) -> None:
    old = now_counter(-3600)  # captured an hour ago
    assert store.accept_counter(KEY, old)
    for name in ("replay.json", "replay.json.bak"):
        (store.root / name).write_text("{\"" + KEY + "\": {\"high\": 1")  # both copies cut
    again = ReceiverStore(store.root)
    assert not again.accept_counter(KEY, old)  # not "accept anything"
    assert again.accept_counter(KEY, now_counter())  # the studio's next request passes


def test_a_damaged_upload_length_file_restarts_the_upload(store: ReceiverStore) -> None:
    sha = "ab" * 32
    (store.root / "partial" / f"{sha}.part").write_bytes(b"x" * 10)
    (store.root / "partial" / f"{sha}.len").write_text("lots")
    assert store.upload_state(sha) == (0, None, False)  # not a 500 forever


def test_a_long_play_log_does_not_make_a_restart_play_items_again(store: ReceiverStore) -> None:
    from crs_receiver.player import Engine

    for n in range(1005):
        store.log_play({"item": f"s1-z1-{n:05d}", "outcome": "played"})
    assert len(store.playlog(0)) == 1000  # one page
    engine = Engine(ReceiverStore(store.root))  # as after a restart
    assert {"s1-z1-00000", "s1-z1-01004"} <= engine.handled

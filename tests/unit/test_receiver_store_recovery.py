"""The receiver's store after a power cut between an upload's last fsync and the rename
that makes it playable: at the next start the part is verified and becomes playable (no
PATCH will ever come for it: the studio sees every byte held), or is dropped if its bytes
are wrong. Seen as a flaky kill -9 fault test before the fix."""

from __future__ import annotations

import hashlib

from crs_receiver.store import ReceiverStore


def _leave_part(store: ReceiverStore, data: bytes, declared: int, sha: str | None = None) -> str:
    sha = sha or hashlib.sha256(data).hexdigest()
    (store.root / "partial" / f"{sha}.part").write_bytes(data)
    (store.root / "partial" / f"{sha}.len").write_text(str(declared))
    return sha


def test_a_full_part_left_by_a_crash_is_verified_and_made_playable_at_start(tmp_path):
    store = ReceiverStore(tmp_path / "rx")
    data = bytes(range(256)) * 4000
    sha = _leave_part(store, data, len(data))
    assert store.upload_state(sha) == (len(data), len(data), False)  # what the crash leaves

    again = ReceiverStore(tmp_path / "rx")
    assert again.upload_state(sha) == (len(data), len(data), True)
    assert again.media_path(sha).read_bytes() == data
    assert list((tmp_path / "rx" / "partial").iterdir()) == []


def test_a_full_part_with_wrong_bytes_or_too_many_is_dropped_and_a_short_one_kept(tmp_path):
    store = ReceiverStore(tmp_path / "rx")
    wrong = _leave_part(store, b"x" * 1000, 1000, sha="a" * 64)
    too_long = _leave_part(store, b"y" * 1200, 1000, sha="b" * 64)
    data = b"z" * 5000
    short = _leave_part(store, data[:3000], 5000, sha=hashlib.sha256(data).hexdigest())

    again = ReceiverStore(tmp_path / "rx")
    assert again.upload_state(wrong) == (0, None, False) and not again.has_media(wrong)
    assert again.upload_state(too_long) == (0, None, False)
    assert again.upload_state(short) == (3000, 5000, False)  # the upload resumes from there
    assert again.append(short, 3000, 5000, data[3000:]) == (5000, True)

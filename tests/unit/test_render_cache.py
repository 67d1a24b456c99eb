"""The one render cache: made once per key, a failed make leaves nothing, a lost blob is a miss."""

from __future__ import annotations

import pytest

from studio.storage.database import connect
from studio.storage.media_store import MediaStore
from studio.storage.render_cache import Measured, RenderCache


@pytest.fixture
def cache(tmp_path):
    store = MediaStore(tmp_path / "media")
    return RenderCache(connect(tmp_path / "studio.db"), store)


def test_made_once_then_served_from_the_store(cache):
    calls = []

    def make(staging):
        calls.append(staging)
        staging.write_bytes(b"rendered audio")
        return Measured(12.5, -16.0, -1.2)

    first = cache.get_or_make("k" * 64, "wav", make)
    again = cache.get_or_make("k" * 64, "wav", make)
    assert len(calls) == 1 and not first.cached and again.cached
    assert again.output_sha256 == first.output_sha256
    assert again.media_path.read_bytes() == b"rendered audio"
    assert (again.duration_s, again.loudness_lufs, again.true_peak_dbtp) == (12.5, -16.0, -1.2)
    assert not calls[0].exists()  # the staging file was adopted, not left behind


def test_a_failed_make_leaves_no_row_and_no_staging_file(cache):
    def make(staging):
        staging.write_bytes(b"half a file")
        raise RuntimeError("encoder died")

    with pytest.raises(RuntimeError):
        cache.get_or_make("f" * 64, "opus", make, label="wire")
    assert cache.get("f" * 64) is None
    assert list((cache.store.root / "incoming").iterdir()) == []


def test_a_row_whose_blob_is_gone_is_made_again(cache):
    def make(staging):
        staging.write_bytes(b"audio")
        return Measured(1.0)

    first = cache.get_or_make("a" * 64, "wav", make)
    first.media_path.unlink()
    assert cache.get("a" * 64) is None
    again = cache.get_or_make("a" * 64, "wav", make)
    assert not again.cached and again.media_path.read_bytes() == b"audio"

"""The archive replay writes a day a block at a time: resampled where the archived file is
not at 48 kHz, an interrupted broadcast cut where it stopped (across the files it played),
silence between broadcasts, and a missing file refused before anything is written."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from studio.errors import ArchivedMediaMissing
from studio.reports import replay
from studio.reports.replay import REPLAY_RATE, Heard, write_entries
from studio.storage.media_store import MediaStore


def _stored(store: MediaStore, tmp_path, name: str, seconds: float, rate: int, freq: float) -> str:
    t = np.arange(int(seconds * rate)) / rate
    path = tmp_path / name
    sf.write(path, np.stack([0.5 * np.sin(2 * np.pi * freq * t)] * 2, axis=1), rate, format="FLAC")
    return store.put_file(path)[0]


def _entry(item: str, media: tuple[str, ...], outcome: str = "played", played_s: float = 3.0) -> Heard:
    return Heard(item, item, "loa-1", "Thôn 1", None, "2026-12-01T00:00:00Z", None, outcome, played_s, -20.0, media)


def test_a_day_is_written_block_by_block_resampled_cut_and_spaced(tmp_path, monkeypatch):
    monkeypatch.setattr(replay, "BLOCK", 4096)  # many blocks, several per file
    store = MediaStore(tmp_path / "media")
    a = _stored(store, tmp_path, "a.flac", 3.0, 44100, 440.0)
    b1 = _stored(store, tmp_path, "b1.flac", 2.0, 48000, 1000.0)
    b2 = _stored(store, tmp_path, "b2.flac", 2.0, 22050, 300.0)
    entries = [_entry("a", (a,)), _entry("skipped", (a,), outcome="missed"),
               _entry("b", (b1, b2), outcome="interrupted", played_s=3.0)]

    result = write_entries(store, entries, tmp_path / "day.wav", "zone Thôn 1", replay.date(2026, 12, 1), gap_s=1.0)

    audio, rate = sf.read(tmp_path / "day.wav", dtype="float32")
    assert rate == REPLAY_RATE and audio.ndim == 1
    assert result.items == 2
    # 3 s of a (44.1 kHz resampled to 48 kHz), 1 s of silence, 3 s of b: all of b1, 1 s of b2
    assert abs(len(audio) - 7 * REPLAY_RATE) <= 64
    assert result.seconds == pytest.approx(len(audio) / REPLAY_RATE)
    assert np.abs(audio[int(3.1 * REPLAY_RATE):int(3.9 * REPLAY_RATE)]).max() < 1e-3  # the gap
    for start, freq in ((0.5, 440.0), (4.5, 1000.0), (6.3, 300.0)):
        piece = audio[int(start * REPLAY_RATE):int((start + 0.5) * REPLAY_RATE)]
        spectrum = np.abs(np.fft.rfft(piece))
        assert np.fft.rfftfreq(len(piece), 1 / REPLAY_RATE)[spectrum.argmax()] == pytest.approx(freq, abs=4)
        assert 0.3 < np.abs(piece).max() < 0.6


def test_a_missing_archived_file_is_named_and_nothing_is_written(tmp_path):
    store = MediaStore(tmp_path / "media")
    a = _stored(store, tmp_path, "a.flac", 1.0, 48000, 440.0)
    with pytest.raises(ArchivedMediaMissing):
        write_entries(store, [_entry("a", (a,)), _entry("b", ("0" * 64,))], tmp_path / "day.wav",
                      "zone Thôn 1", replay.date(2026, 12, 1))
    assert not (tmp_path / "day.wav").exists()

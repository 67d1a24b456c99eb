"""Stream relay's pure parts: the stream item in a programme (and that other items keep
the JSON, so the content hash, they had), the manifest's stream items, the relay's MP3
frame sync and its running gain."""

from __future__ import annotations

import argparse
import subprocess

import numpy as np
import pytest
from crs_protocol import ManifestProblem, check_manifest
from crs_receiver.relay import Leveller, mp3_sync

from studio.cli.programmes_commands import _seconds
from studio.errors import InvalidProgramme
from studio.programmes.model import Item, Spec, estimate_durations, parse_items

SHA = "ab" * 32


def test_items_without_a_stream_keep_their_json_and_so_their_approval():
    spec = Spec((Item(clip=1), Item(jingle="chuong-bao", gap_after=1.0)))
    assert spec.to_json() == ('{"bed": null, "bed_level_db": -20.0, "duck_db": 12.0, "intro": null, "items": '
                              '[{"clip": 1, "crossfade": 0.0, "gap_after": 0.6}, '
                              '{"crossfade": 0.0, "gap_after": 1.0, "jingle": "chuong-bao"}], "outro": null}')


def test_a_stream_item_round_trips_and_its_backup_is_what_is_rendered():
    spec = Spec(parse_items(["stream:https://vov.vn/live.mp3", "7"], 1800))
    assert Spec.from_json(spec.to_json()) == spec
    assert spec.stream_item() == Item(stream="https://vov.vn/live.mp3", duration_s=1800.0)
    assert spec.rendered_items() == (Item(clip=7),)
    assert Spec(parse_items(["stream:http://x/y"], 60)).rendered_items() == (Item(jingle="chuong-bao"),)
    assert estimate_durations(spec, {7: 20.0}) == {"vi": 1800.0}


@pytest.mark.parametrize("values, seconds", [(["stream:ftp://x"], 60), (["stream:http://x"], 0),
                                             (["stream:http://x", "stream:http://y"], 60)])
def test_bad_stream_items_are_refused(values, seconds):
    with pytest.raises(InvalidProgramme):
        parse_items(values, seconds)


def test_durations_on_the_command_line():
    assert [_seconds(t) for t in ("90", "90s", "30m", "1h30m", "1h")] == [90, 90, 1800, 5400, 3600]
    with pytest.raises(argparse.ArgumentTypeError):
        _seconds("soon")


def manifest(**item) -> dict:
    return {"version": 1, "receiver_id": "r", "items": [
        {"id": "a", "start": "2026-12-01T18:00:00+07:00", "media": [], **item}]}


def test_the_manifest_takes_stream_items_and_refuses_bad_ones():
    check_manifest(manifest(kind="stream", url="http://vov.vn/a.mp3", duration_s=60))
    check_manifest(manifest(kind="stream", url="https://vov.vn/a.mp3", duration_s=60, media=[SHA], loudness_lufs=-20))
    for bad in ({"kind": "stream", "url": "file:///etc/passwd", "duration_s": 60},
                {"kind": "stream", "url": "http://x", "duration_s": 0},
                {"kind": "stream", "url": "http://x", "duration_s": 60, "loudness_lufs": 10},
                {"kind": "radio", "url": "http://x", "duration_s": 60},
                {}):  # a media item still needs media
        with pytest.raises(ManifestProblem):
            check_manifest(manifest(**bad))


def test_mp3_sync_finds_the_first_frame_of_a_stream_joined_anywhere(tmp_path):
    path = tmp_path / "s.mp3"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "sine=d=2", "-c:a", "libmp3lame",
                    "-id3v2_version", "0", "-write_xing", "0", str(path)], check=True)
    data = path.read_bytes()
    assert mp3_sync(data) == 0
    for cut in (1, 300, 1001):
        start = mp3_sync(data[cut:])
        assert start is not None and data[cut + start] == 0xFF
        assert mp3_sync(data[cut + start:]) == 0
    assert mp3_sync(b"ID3\x04rest") == 0
    assert mp3_sync(bytes(4000)) is None


def rms_db(x: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(np.square(x, dtype=np.float64))))


def test_the_running_gain_is_slow_limited_and_ignores_silence():
    rate = 48000
    quiet = (10 ** (-30 / 20) * np.sqrt(2) * np.sin(2 * np.pi * 440 * np.arange(rate // 5) / rate)).astype(np.float32)
    leveller = Leveller(-16.0, rate)
    first = leveller.apply(quiet)
    assert rms_db(first) < -27  # no jump at the start
    for _ in range(60):  # 12 s
        out = leveller.apply(quiet)
    assert abs(rms_db(out) - -16) < 0.5
    gain = leveller.gain_db
    leveller.apply(np.zeros(rate, dtype=np.float32))
    assert leveller.gain_db == pytest.approx(gain)  # silence does not push the gain up
    loud = quiet * np.float32(10 ** (30 / 20))  # 0 dBFS RMS now: the gain comes down to its limit
    for _ in range(200):  # 40 s
        out = leveller.apply(loud)
    assert leveller.gain_db == pytest.approx(-12.0)
    assert np.max(np.abs(leveller.apply(loud * np.float32(8)))) <= 0.95  # and the ceiling holds


def test_a_relay_started_late_still_ends_at_its_slot_end():
    from datetime import UTC, datetime, timedelta
    from types import SimpleNamespace

    from crs_receiver.relay import _late

    start = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)
    waited = SimpleNamespace(offset_s=0.0, scheduled=start.isoformat(), started=start + timedelta(seconds=40))
    assert _late(waited) == pytest.approx(40.0)  # a soft start that waited 40 s relays 40 s less
    assert _late(SimpleNamespace(offset_s=12.0, scheduled=None, started=start)) == 12.0  # restart mid-item

"""Items and media that once stopped a receiver or played wrong: a poisoned item in the
manifest, a declared duration shorter than the media, a file declaring 7 Hz, a stored file
that rotted, and 15,600 items missed at once. Through the real engine, PortAudio and the
file-backed ALSA device; the poisoned manifest also through a real receiver process."""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
import sounddevice
import soundfile as sf
from crs_protocol import FaultCode
from crs_receiver import output
from crs_receiver.decode import DURATION_SLACK_S
from crs_receiver.player import Engine
from crs_receiver.store import ReceiverStore

from studio.errors import ReceiverError
from studio.fleet.client import ReceiverClient
from studio.fleet.keys import StudioKey
from tests.e2e.test_receiver_engine import T0, Clock, item, media, outcomes
from tests.support.receiver import Receiver
from tests.support.tools import wait_until


@pytest.fixture
def engine(tmp_path):
    store = ReceiverStore(tmp_path / "rx")
    clock = Clock(T0)
    running = Engine(store, "testspk", clock)
    running.start()
    yield running, store, clock
    running.shutdown()


def stored(store: ReceiverStore, tmp_path, samples: np.ndarray, rate: int, fmt: str = "WAV",
           subtype: str = "PCM_16") -> str:
    path = tmp_path / f"x.{fmt.lower()}"
    sf.write(path, samples, rate, format=fmt, subtype=subtype)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    path.replace(store.root / "media" / sha)
    return sha


def test_a_poisoned_item_is_set_aside_and_the_others_play(engine, tmp_path, caplog):
    """A manifest that reached the engine without the checks of today (year 1, 1e300 s, a
    start without offset) once made every tick raise: nothing played at all."""
    running, store, clock = engine
    good = media(store, tmp_path, 0.3)
    caplog.set_level(logging.WARNING, logger="crs_receiver.timeline")
    running.set_manifest({"version": 1, "receiver_id": store.receiver_id, "items": [
        {"id": "poison", "start": "0001-01-01T00:00:00+00:00", "media": [good], "duration_s": 1e300},
        {"id": "naive", "start": "2026-12-01T05:45:00", "media": [good]},
        item("first", T0, [good], 0.3), item("second", T0 + timedelta(seconds=2), [good], 0.3)]})
    assert wait_until(lambda: ("first", "played") in outcomes(store), 10)
    clock.now = T0 + timedelta(seconds=2)
    assert wait_until(lambda: ("second", "played") in outcomes(store), 10)
    time.sleep(0.3)  # a few ticks more: the poisoned items must not be logged again
    assert running.last_error is None
    assert set(running.rejected()) == {"poison", "naive"}
    assert sum("poison" in r.getMessage() for r in caplog.records) == 1


def test_an_item_stops_at_its_declared_duration(engine, tmp_path, sound):
    running, store, clock = engine
    seconds = 120  # two minutes of FLAC (silence after a tone) for a 0.5 s item
    samples = np.zeros(48000 * seconds, dtype=np.float32)
    samples[:48000] = 0.25 * np.sin(2 * np.pi * 440 * np.arange(48000) / 48000)
    long = stored(store, tmp_path, samples, 48000, "FLAC")
    running.set_manifest({"version": 1, "receiver_id": store.receiver_id, "items": [item("short", T0, [long], 0.5)]})
    assert wait_until(lambda: ("short", "played") in outcomes(store), 20)
    written = np.flatnonzero(sound.played())
    # the 1 s tone, cut at 0.5 s and the slack that keeps rounding from cutting last samples
    assert len(written) and written[-1] - written[0] <= 48000 * (0.5 + DURATION_SLACK_S)


def test_a_sample_rate_too_low_is_refused_not_decoded_into_gigabytes(engine, tmp_path):
    running, store, clock = engine
    tiny = stored(store, tmp_path, np.zeros(7 * 3600, dtype=np.float32), 7)  # 50 kB "1 hour at 7 Hz"
    running.set_manifest({"version": 1, "receiver_id": store.receiver_id, "items": [item("tiny", T0, [tiny], 3600)]})
    assert wait_until(lambda: ("tiny", "failed") in outcomes(store), 10)


def test_a_file_that_rotted_is_skipped_and_removed(engine, tmp_path):
    running, store, clock = engine
    good, rotten = media(store, tmp_path, 0.3, 440), media(store, tmp_path, 0.3, 660)
    path = store.root / "media" / rotten
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit flipped on the SD card
    path.write_bytes(bytes(data))
    running.set_manifest({"version": 1, "receiver_id": store.receiver_id,
                          "items": [item("rot", T0, [rotten, good], 0.6)]})
    assert wait_until(lambda: any(e["item"] == "rot" for e in store.playlog(0)), 10)
    (entry,) = store.playlog(0)
    assert entry["outcome"] == "played" and entry["skipped"] == [{"media": rotten, "outcome": "corrupt"}]
    assert not path.exists() and not store.has_media(rotten)  # the studio sends it again


class StuckDevice:
    """An output stream whose device takes `blocks` blocks (all of them: None) and then
    stops calling back, never reporting the end (PortAudio issue #1074); or, `gone`, reports
    the end at once (a USB card pulled out). Stopping it waits on the device, as a real stuck
    one does: only aborting returns."""

    def __init__(self, blocks: int | None, gone: bool, callback, finished_callback, **_kwargs) -> None:
        self.blocks, self.gone, self.callback, self.finished = blocks, gone, callback, finished_callback
        self.aborted, self.stopped = threading.Event(), False
        self.pulling = threading.Thread(target=self._pull, daemon=True)

    def _pull(self) -> None:
        pulled = 0
        while self.blocks is None or pulled < self.blocks:
            try:
                self.callback(np.zeros((960, 1), np.float32), 960, None, None)
            except sounddevice.CallbackStop:
                return  # and finished_callback is never called
            pulled += 1
        if self.gone:
            self.finished()

    def start(self) -> None:
        self.pulling.start()

    def stop(self, ignore_errors: bool = True) -> None:
        self.stopped = True
        self.aborted.wait(30)

    def abort(self, ignore_errors: bool = True) -> None:
        self.aborted.set()

    def close(self, ignore_errors: bool = True) -> None:
        self.pulling.join(2)


@pytest.fixture
def stuck(monkeypatch):
    """Every stream the engine opens is a StuckDevice made by `stuck.make` (blocks, gone)."""
    opened: list[StuckDevice] = []
    monkeypatch.setattr(output, "STALL_S", 0.5)
    make = {"blocks": None, "gone": False}
    monkeypatch.setattr(sounddevice, "OutputStream", lambda **kw: opened.append(StuckDevice(**make, **kw)) or opened[-1])
    return make, opened


@pytest.mark.parametrize(("blocks", "gone", "outcome", "fault"), [
    (None, False, "played", "output device: took no audio for 0.5 s"),  # all handed over, the end never told
    (5, False, "interrupted", "output device: took no audio for 0.5 s"),
    (0, False, "failed", "output device: took no audio for 0.5 s"),
    (5, True, "interrupted", "output device: the stream ended before the item (the device went away)"),
])
def test_an_output_device_that_stops_taking_audio_ends_the_item(engine, tmp_path, stuck, blocks, gone, outcome, fault):
    running, store, clock = engine
    make, opened = stuck
    make.update(blocks=blocks, gone=gone)
    sha = media(store, tmp_path, 0.5)
    running.set_manifest({"version": 1, "receiver_id": store.receiver_id, "items": [
        item("stuck", T0, [sha], 0.5), item("next", T0 + timedelta(seconds=1), [sha], 0.5)]})
    assert wait_until(lambda: ("stuck", outcome) in outcomes(store), 10)
    assert not opened[0].stopped  # stopping would wait on the stuck device
    assert running.last_error == fault and running.last_error_code == FaultCode.OUTPUT_DEVICE
    make.update(blocks=None, gone=False)  # the next one gets all its audio to a device that does not hang
    clock.now = T0 + timedelta(seconds=1)
    assert wait_until(lambda: any(e["item"] == "next" for e in store.playlog(0)), 10)  # the schedule goes on
    assert running.last_error == "output device: took no audio for 0.5 s"  # not cleared by a device that still hangs


def test_a_hard_start_cuts_an_item_on_a_stuck_device_without_waiting_on_it(engine, tmp_path, stuck, monkeypatch):
    running, store, clock = engine
    make, opened = stuck
    make.update(blocks=5)
    monkeypatch.setattr(output, "STALL_S", 60.0)  # the cut comes first
    sha = media(store, tmp_path, 30.0)
    running.set_manifest({"version": 1, "receiver_id": store.receiver_id, "items": [
        item("long", T0, [sha], 30.0), item("hard", T0 + timedelta(seconds=1), [sha], 30.0, start_mode="hard")]})
    assert wait_until(lambda: len(opened) == 1 and not opened[0].pulling.is_alive(), 10)
    clock.now = T0 + timedelta(seconds=1)
    assert wait_until(lambda: ("long", "interrupted") in outcomes(store), 10)
    assert opened[0].aborted.is_set() and not opened[0].stopped
    assert wait_until(lambda: len(opened) == 2, 10)  # the hard start got its own stream at once


def test_many_missed_items_are_one_write_and_an_emergency_does_not_wait(tmp_path, monkeypatch):
    store = ReceiverStore(tmp_path / "rx")
    good = media(store, tmp_path, 0.3)
    past = [item(f"old-{n}", T0 - timedelta(days=1, seconds=n), [good], 60, start_mode="hard")
            for n in range(15_600)]
    store.install_manifest({"version": 1, "receiver_id": store.receiver_id, "items": past})
    writes, release = [], threading.Event()
    real = store.log_plays

    def slow_disk(entries):  # the batch of missed items takes as long as the test wants
        writes.append(len(entries))
        if len(entries) > 1:
            release.wait(10)
        return real(entries)

    monkeypatch.setattr(store, "log_plays", slow_disk)
    running = Engine(store, "testspk", Clock(T0))
    running.start()
    try:
        assert wait_until(lambda: 15_600 in writes, 10)
        assert running.play_now([good], None, "alarm")
        # The emergency plays and is logged while the batch of missed items still waits for the disk.
        assert wait_until(lambda: ("alarm", "played") in outcomes(store), 10)
        assert not release.is_set() and len(store.playlog(0, 20_000)) == 1
        release.set()
        assert wait_until(lambda: len(store.playlog(0, 20_000)) == 15_601, 10)
    finally:
        release.set()
        running.shutdown()
    assert writes.count(15_600) == 1 and len(writes) == 2


def test_a_real_receiver_refuses_the_poisoned_manifest_and_keeps_playing(tmp_path):
    receiver = Receiver(tmp_path / "receiver").start()
    try:
        client = ReceiverClient(receiver.url, StudioKey(tmp_path / "keys"))
        client.pair(receiver.code, "UBND xã Đăk Ui")
        path = tmp_path / "tone.wav"
        sf.write(path, (0.3 * np.sin(np.arange(48000) / 10)).astype(np.float32), 48000, subtype="FLOAT")
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        client.upload(path, sha)
        start = datetime.now(UTC) + timedelta(seconds=2)
        good = {"version": 1, "receiver_id": client.receiver_id,
                "items": [{"id": "good", "start": start.isoformat(), "media": [sha], "duration_s": 1}]}
        assert client.put_manifest(good) == {"manifest_version": 1}
        poison = {"id": "poison", "start": "0001-01-01T00:00:00+00:00", "media": [sha], "duration_s": 1e300}
        with pytest.raises(ReceiverError) as refused:
            client.put_manifest({**good, "version": 2, "items": [*good["items"], poison]})
        assert refused.value.status == 422
        assert wait_until(lambda: [(e["item"], e["outcome"]) for e in client.playlog()] == [("good", "played")], 15)
        status = client.status()
        assert status["last_error"] is None and status["manifest_version"] == 1 and status["rejected_items"] == {}
    finally:
        receiver.kill()

"""Recording through the real PortAudio library: `devices`, `record` and `recover` as
processes, capturing from `testmic` (tests/conftest.py: an ALSA file plugin that plays
the test's own in.raw, s16le mono, as if it came from a microphone)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import soundfile as sf

from studio.audio.recorder import Recorder, StopReason, import_take, repair_segment, unfinished_takes
from studio.library import ClipLibrary
from studio.paths import StudioPaths
from studio.storage.database import connect
from tests.support.cli import SR, microphone


def studio(data_dir, *args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "studio", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, timeout=120, **kw)


def stored_audio(data_dir, clip_id: int) -> np.ndarray:
    paths = StudioPaths.at(data_dir)
    library = ClipLibrary(paths, connect(paths.database))
    clip = library.get(clip_id)
    return sf.read(library.source_path(clip), dtype="int16")[0]


def test_devices_lists_the_test_microphone_and_speaker(data_dir):
    out = studio(data_dir, "devices")
    assert out.returncode == 0, out.stderr
    assert "testmic" in out.stdout and "testspk" in out.stdout


def test_record_for_some_seconds_gives_exactly_the_microphone_audio(data_dir):
    pcm = microphone(4.0)
    out = studio(data_dir, "record", "--device", "testmic", "--seconds", "2.5", "--title", "Bản tin thử")
    assert out.returncode == 0, out.stderr
    got = stored_audio(data_dir, int(out.stdout))
    assert len(got) == int(2.5 * SR)
    np.testing.assert_array_equal(got, pcm[: len(got)])
    clips = studio(data_dir, "clips").stdout
    assert "Bản tin thử" in clips and "0:02.5" in clips
    assert not list((data_dir / "recordings").iterdir())


def test_sigterm_finishes_the_take_properly(data_dir):
    pcm = microphone(3.0, seed=2)
    proc = subprocess.Popen([sys.executable, "-m", "studio", "--data-dir", str(data_dir), "record",
                             "--device", "testmic"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not list((data_dir / "recordings").glob("*/seg-0001.wav")):
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
        time.sleep(0.01)
    time.sleep(1.0)
    proc.send_signal(signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    got = stored_audio(data_dir, int(stdout))
    np.testing.assert_array_equal(got[: len(pcm)], pcm)


def test_an_unknown_device_is_a_clear_error(data_dir):
    out = studio(data_dir, "record", "--device", "Micro phòng họp", "--seconds", "1")
    assert out.returncode == 1
    assert "Micro phòng họp" in out.stderr and "Traceback" not in out.stderr
    assert "No input device matching" in out.stderr
    assert not (data_dir / "recordings").exists() or not list((data_dir / "recordings").iterdir())


@pytest.fixture
def in_process(data_dir):
    """Paths, a library and a recorder in this process (for what a CLI run cannot show)."""
    paths = StudioPaths.at(data_dir).ensure()
    library = ClipLibrary(paths, connect(paths.database))
    yield paths, library, Recorder(paths.recordings_dir)
    library.conn.close()


def test_a_live_take_is_not_recovered_but_an_abandoned_one_is(in_process):
    microphone(2.0, seed=3)
    paths, library, recorder = in_process
    take = recorder.start("testmic", SR, 1)
    try:
        time.sleep(0.6)
        assert unfinished_takes(paths.recordings_dir) == []  # locked by the live recorder
    finally:
        status = recorder.stop()
    assert status.stopped is StopReason.REQUESTED and status.frames > 0
    assert unfinished_takes(paths.recordings_dir) == [take]
    clip_id = import_take(library, take)
    assert library.get(clip_id).frames == status.frames


def test_a_header_left_behind_by_a_crash_is_repaired(tmp_path):
    from studio.audio.recorder import _Segment

    segment = _Segment(tmp_path / "seg-0001.wav", SR, 1)
    segment.write(np.arange(4800, dtype=np.int16))
    segment.sync()
    segment.write(np.arange(2400, dtype=np.int16))  # written, header not yet updated: the kill
    segment.file.write(b"\x01")  # and half a frame
    segment.file.flush()
    assert sf.info(segment.path).frames == 4800  # readers see the last synced state
    assert repair_segment(segment.path, 1) == 7200
    assert sf.read(segment.path, dtype="int16")[0][-1] == 2399


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "small"
    mount.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", str(mount)], capture_output=True)
    if result.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"cannot mount a tmpfs for the disk-full test: {result.stderr!r}")
        pytest.skip("mounting a tmpfs needs root")
    yield mount
    subprocess.run(["umount", "-l", str(mount)])


def test_a_full_disk_ends_the_take_and_keeps_the_audio(small_disk):
    data_dir = small_disk / "data"
    pcm = microphone(150.0, seed=4)  # 14 MB: more than the disk holds
    out = studio(data_dir, "record", "--device", "testmic", "--disk-reserve-mb", "1")
    assert out.returncode == 1  # the take could not be imported on the full disk ...
    assert "nearly full" in out.stderr and "recover" in out.stderr
    (take,) = list((data_dir / "recordings").iterdir())  # ... but it is kept, valid
    kept = sf.read(next(take.glob("seg-*.wav")), dtype="int16")[0]
    assert len(kept) > 60 * SR
    np.testing.assert_array_equal(kept, pcm[: len(kept)])
    # Room is made; the take comes back as a clip.
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    out = studio(data_dir, "recover")
    assert out.returncode == 0, out.stderr
    np.testing.assert_array_equal(stored_audio(data_dir, int(out.stdout)), kept)


def test_device_troubles_are_told_apart():
    from studio.audio.recorder import classify_device_error
    from studio.errors import DeviceProblem

    assert classify_device_error("No input device matching 'USB Mic'") is DeviceProblem.NOT_FOUND
    assert classify_device_error("Error opening InputStream: Device unavailable [PaErrorCode -9985]") \
        is DeviceProblem.BUSY
    assert classify_device_error("Unanticipated host error: Permission denied") is DeviceProblem.PERMISSION
    assert classify_device_error("something else") is DeviceProblem.OTHER


def test_markers_set_while_recording_are_kept_with_the_clip(in_process):
    microphone(3.0, seed=5)
    paths, library, recorder = in_process
    take = recorder.start("testmic", SR, 1)
    deadline = time.monotonic() + 10
    while recorder.status().seconds < 2.0 and time.monotonic() < deadline:
        time.sleep(0.01)
    first = recorder.mark()
    time.sleep(0.6)  # a flush: the markers are on disk even if the take were cut now
    assert (take / "markers.json").exists()
    recorder.stop()
    clip = library.get(import_take(library, take))
    assert clip.markers == (pytest.approx(first, abs=1e-6),) and 2.0 <= first <= clip.duration_s

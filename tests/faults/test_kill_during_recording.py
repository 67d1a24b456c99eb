"""Power cut while recording: the recorder process is killed with SIGKILL T seconds into
a take through the real PortAudio/ALSA path, then `recover` must give back the audio that
was captured, sample for sample, minus at most the last second.

The capture device is ALSA's file plugin reading a raw s16le file (in a private HOME used
only by the recorder processes). ALSA's null device paces it faster than real time, so
the whole source is captured within the first moments of the take and silence follows:
after T seconds, all of the source must come back, and the take must hold at least
T - 1 seconds of audio."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import soundfile as sf

from studio.audio import synthetic

SR = 48000


def mic_env(tmp_path, pcm: np.ndarray) -> dict:
    home = tmp_path / "home"
    home.mkdir()
    source = tmp_path / "mic.raw"
    pcm.astype("<i2").tofile(source)
    (home / ".asoundrc").write_text(
        f'pcm.filemic {{ type file  slave.pcm "null"  file "/dev/null"  infile "{source}"  format "raw" }}\n'
    )
    return dict(os.environ, HOME=str(home))


def studio(data_dir, *args) -> list[str]:
    return [sys.executable, "-m", "studio", "--data-dir", str(data_dir), *args]


@pytest.mark.parametrize("seconds", [3.0, 6.5])
def test_kill_9_mid_take_then_recover_gives_back_the_audio(tmp_path, seconds):
    data_dir = tmp_path / "data"
    pcm = np.round(synthetic.speech_like(12.0, SR, seed=int(seconds * 10)) * 20000).astype(np.int16)
    env = mic_env(tmp_path, pcm)
    recorder = subprocess.Popen(studio(data_dir, "record", "--device", "filemic"), env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while not list((data_dir / "recordings").glob("*/seg-0001.wav")):  # the take has begun
        assert recorder.poll() is None, recorder.stderr.read().decode()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    time.sleep(seconds)
    recorder.send_signal(signal.SIGKILL)  # the power cut
    recorder.wait(10)

    assert len(list((data_dir / "recordings").iterdir())) == 1  # left unfinished
    out = subprocess.run(studio(data_dir, "recover"), env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert len(out.stdout.split()) == 1
    assert not list((data_dir / "recordings").iterdir())  # recovered takes are cleared

    stored = [p for p in (data_dir / "media").rglob("*") if p.is_file() and "incoming" not in p.parts]
    assert len(stored) == 1
    got, rate = sf.read(stored[0], dtype="int16")
    assert rate == SR
    assert len(got) >= (seconds - 1.0) * SR, f"kept {len(got) / SR:.2f} s of a {seconds} s take"
    np.testing.assert_array_equal(got[: len(pcm)], pcm)  # the right audio, sample for sample

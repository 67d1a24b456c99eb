"""The `radio-studio` command line through real files, processes and encoders.

Rendered files are measured by an independent meter, ffmpeg's ebur128 filter with
true-peak (the same check the issue asks of the product).
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

from studio.audio import synthetic
from tests.support.cli import ebur128, run
from tests.support.tools import write_audio


def test_import_edit_render_round_trip(tmp_path, data_dir):
    source = write_audio(tmp_path / "ban-tin.flac", synthetic.speech_like(20.0, sr=44100), 44100)
    clip_id = run(data_dir, "import", str(source)).stdout.strip()
    assert clip_id.isdigit()
    listing = run(data_dir, "clips").stdout
    assert "ban-tin" in listing and "0:20.0" in listing and "LUFS" in listing

    edited = run(data_dir, "edit", clip_id, "--trim", "1", "19", "--cut", "5", "7", "--gain", "-3",
                 "--fade-in", "0.5", "--fade-out", "1").stdout
    assert "edit version 1" in edited and "0:16.0" in edited

    out = tmp_path / "out.wav"
    first = run(data_dir, "render", clip_id, "--out", str(out)).stdout
    info = sf.info(out)
    assert (info.samplerate, info.channels) == (48000, 1)
    assert info.duration == pytest.approx(16.0, abs=0.01)
    again = run(data_dir, "render", clip_id, "--out", str(tmp_path / "again.wav")).stdout
    assert "(cached)" in again and "(cached)" not in first
    assert out.read_bytes() == (tmp_path / "again.wav").read_bytes()

    run(data_dir, "edit", clip_id, "--undo")
    undone = tmp_path / "undone.wav"
    run(data_dir, "render", clip_id, "--out", str(undone))
    assert sf.info(undone).duration == pytest.approx(20.0, abs=0.01)
    redone = run(data_dir, "edit", clip_id, "--redo").stdout
    assert "edit version 1" in redone


SIGNALS = {
    "speech": lambda: synthetic.speech_like(30.0),
    "music": lambda: synthetic.music_like(30.0),
    "near-silence-spike": lambda: synthetic.near_silence_with_spike(30.0),
    "clipped": lambda: synthetic.clipped(30.0),
}


@pytest.mark.parametrize("kind", sorted(SIGNALS))
@pytest.mark.parametrize("ext", ["opus", "mp3", "wav"])
def test_rendered_audio_meets_loudness_and_true_peak_by_an_independent_meter(tmp_path, data_dir, kind, ext):
    source = write_audio(tmp_path / f"{kind}.wav", SIGNALS[kind](), subtype="PCM_16")
    clip_id = run(data_dir, "import", str(source)).stdout.strip()
    out = tmp_path / f"{kind}.{ext}"
    run(data_dir, "render", clip_id, "--out", str(out))
    integrated, peak = ebur128(out)
    assert integrated == pytest.approx(-16.0, abs=0.5)
    assert peak <= -1.0


def test_other_targets_are_honoured(tmp_path, data_dir):
    source = write_audio(tmp_path / "s.wav", synthetic.speech_like(20.0), subtype="PCM_16")
    clip_id = run(data_dir, "import", str(source)).stdout.strip()
    out = tmp_path / "quiet.opus"
    run(data_dir, "render", clip_id, "--out", str(out), "--lufs", "-23", "--true-peak", "-2")
    integrated, peak = ebur128(out)
    assert integrated == pytest.approx(-23.0, abs=0.5) and peak <= -2.0


def test_user_errors_exit_1_with_one_line_and_bad_usage_exits_2(tmp_path, data_dir):
    bad = tmp_path / "notice.mp3"
    bad.write_text("Thông báo: không phải âm thanh")
    good = write_audio(tmp_path / "ok.wav", synthetic.sine(2.0, 440), subtype="PCM_16")
    proc = run(data_dir, "import", str(bad), str(good), expect=1)
    assert proc.stdout.strip().isdigit()  # the good file still went in
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "notice.mp3" in lines[0] and "not audio" in lines[0]

    for args in (["render", "99", "--out", str(tmp_path / "x.opus")],
                 ["edit", "1", "--trim", "5", "1"],
                 ["render", "1", "--out", str(tmp_path / "x.aac")]):
        proc = run(data_dir, *args, expect=1)
        assert len(proc.stderr.strip().splitlines()) == 1

    run(data_dir, "edit", "1", "--gain", "loud", expect=2)
    run(data_dir, "frobnicate", expect=2)
    run(data_dir, "render", "1", expect=2)  # --out is required


def test_silent_clip_cannot_be_normalised(tmp_path, data_dir):
    source = write_audio(tmp_path / "silence.wav", np.zeros(48000 * 2, np.float32), subtype="PCM_16")
    clip_id = run(data_dir, "import", str(source)).stdout.strip()
    proc = run(data_dir, "render", clip_id, "--out", str(tmp_path / "s.opus"), expect=1)
    assert "silent" in proc.stderr
    assert not (tmp_path / "s.opus").exists()


def test_trash_and_restore_from_the_command_line(tmp_path, data_dir):
    source = write_audio(tmp_path / "a.wav", synthetic.sine(1.0, 440), subtype="PCM_16")
    clip_id = run(data_dir, "import", str(source)).stdout.strip()
    run(data_dir, "rename", clip_id, "Thông báo bão số 5")
    assert "Thông báo bão số 5" in run(data_dir, "clips").stdout
    run(data_dir, "delete", clip_id)
    assert "Thông báo" not in run(data_dir, "clips").stdout
    assert "Thông báo" in run(data_dir, "clips", "--trash").stdout
    run(data_dir, "restore", clip_id)
    assert "Thông báo" in run(data_dir, "clips").stdout


def test_python_dash_m_and_the_console_script_are_the_same_program():
    proc = subprocess.run([sys.executable, "-m", "studio", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "import" in proc.stdout and "render" in proc.stdout

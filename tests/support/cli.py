"""`radio-studio` as a child process, for tests, and an independent loudness meter.
The child inherits the test's devices (tests/support/sound.py). Any thread."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from benchmarks import reference
from studio.audio import synthetic
from tests.support import sound
from tests.support.tools import require_tool

SR = 48000


def run(data_dir: Path, *args: str, expect: int = 0) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, "-m", "studio", "--data-dir", str(data_dir), *args],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == expect, f"exit {proc.returncode}\nstdout: {proc.stdout}\nstderr: {proc.stderr}"
    assert "Traceback" not in proc.stderr
    return proc


def run_input(data_dir: Path, text: str, *args: str, expect: int = 0) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "studio", "--data-dir", str(data_dir), *args], input=text,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == expect, proc.stderr
    return proc


def ebur128(path: Path) -> tuple[float, float]:
    return reference.ebur128(require_tool("ffmpeg"), path)


def microphone(seconds: float, seed: int = 1) -> np.ndarray:
    """Speech-like s16 audio, fed to the running test's `testmic`."""
    pcm = np.round(synthetic.speech_like(seconds, SR, seed=seed) * 20000).astype("<i2")
    sound.current().feed_microphone(pcm)
    return pcm

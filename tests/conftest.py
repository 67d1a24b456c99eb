"""Shared fixtures: a temporary studio data dir and synthesised audio files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from studio.audio import synthetic


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def library(data_dir: Path):
    from studio.database import connect
    from studio.library import ClipLibrary
    from studio.paths import StudioPaths

    paths = StudioPaths.at(data_dir).ensure()
    conn = connect(paths.database)
    yield ClipLibrary(paths, conn)
    conn.close()


def write_audio(path: Path, samples: np.ndarray, sr: int = 48000, **kwargs) -> Path:
    sf.write(path, samples, sr, **kwargs)
    return path


@pytest.fixture
def speech_wav(tmp_path: Path) -> Path:
    return write_audio(tmp_path / "speech.wav", synthetic.speech_like(12.0), subtype="PCM_16")


def require_tool(name: str) -> str:
    """Path of a system tool; CI installs them all, so missing there is a failure."""
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed; .ci/run must install it")
        pytest.skip(f"{name} not installed")
    return found

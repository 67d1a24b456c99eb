"""Shared fixtures: a temporary studio data dir and synthesised audio files.

Before anything imports sounddevice, the session gets its own HOME whose .asoundrc
defines real ALSA devices backed by files (PortAudio sees them like a sound card; CI has
none): `testspk` (the default output) writes what is played to SOUND_DIR/out.raw, and
`testmic` reads SOUND_DIR/in.raw. A private HOME also keeps the tests away from the
user's own settings and data folders. Qt runs offscreen.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

SOUND_HOME = Path(tempfile.mkdtemp(prefix="crs-home-"))
atexit.register(shutil.rmtree, SOUND_HOME, True)
SOUND_DIR = SOUND_HOME / "sound"
SOUND_DIR.mkdir()
(SOUND_DIR / "in.raw").write_bytes(b"")
(SOUND_HOME / ".asoundrc").write_text(
    f'''pcm.testmic {{ type file  slave.pcm "null"  file "/dev/null"  infile "{SOUND_DIR}/in.raw"  format "raw" }}
pcm.testspk {{ type file  slave.pcm "null"  file "{SOUND_DIR}/out.raw"  format "raw" }}
pcm.!default {{ type plug  slave.pcm "testspk" }}
'''
)
os.environ["HOME"] = str(SOUND_HOME)
for _var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
    os.environ.pop(_var, None)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
import soundfile as sf

from studio.audio import synthetic


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def library(data_dir: Path):
    from studio.storage.database import connect
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

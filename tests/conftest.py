"""Shared fixtures: a temporary studio data dir, synthesised audio files, and each test's
own file-backed sound devices (tests/support/sound.py).

Before anything imports sounddevice, the test process gets its own HOME whose .asoundrc
defines real ALSA devices backed by files (PortAudio sees them like a sound card; CI has
none): `testspk` (the default output) and `testmic`. The `sound` fixture, used by every
test, points them at files of that test alone, so tests run in parallel under
`pytest -n 2`. A private HOME also keeps the tests away from the user's own settings and
data folders. Qt runs offscreen. Helpers shared by test modules live in tests/support/.
"""

from __future__ import annotations

import os

from tests.support import sound as _sound

_sound.PROCESS.install()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from studio.audio import synthetic  # noqa: E402
from tests.support.tools import write_audio  # noqa: E402


@pytest.fixture(autouse=True)
def sound(tmp_path_factory: pytest.TempPathFactory) -> _sound.SoundDevices:
    """This test's `testmic`/`testspk` files (in this process and the commands it runs), in
    a folder of their own: tests list what they wrote into tmp_path."""
    return _sound.PROCESS.activate(_sound.SoundDevices.create(tmp_path_factory.mktemp("sound")))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def library(data_dir: Path):
    from studio.library import ClipLibrary
    from studio.paths import StudioPaths
    from studio.storage.database import connect

    paths = StudioPaths.at(data_dir).ensure()
    conn = connect(paths.database)
    yield ClipLibrary(paths, conn)
    conn.close()


@pytest.fixture
def speech_wav(tmp_path: Path) -> Path:
    return write_audio(tmp_path / "speech.wav", synthetic.speech_like(12.0), subtype="PCM_16")


from tests.support.broker import broker  # noqa: E402, F401  (the real Mosquitto fixture)

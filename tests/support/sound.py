"""File-backed ALSA devices, one set per test, so tests can run in parallel (`pytest -n 2`).

ALSA's file plugin stands in for a sound card (CI has none): `testspk` writes what is
played to `out.raw` (raw float32/int16 as PortAudio sends it; the plugin starts the file
afresh for each stream) and `testmic` reads `in.raw` (s16le mono) as if it came from a
microphone. PortAudio reads the device list once per process, so the test process has one
private HOME whose .asoundrc names the files through the symlink HOME/current; each test
repoints that symlink at its own folder (`activate`). A process a test starts for a longer
life (a receiver) gets a HOME of its own whose .asoundrc names its files directly
(`SoundDevices.env`). Not thread-safe: one test at a time per process, as pytest runs them.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np


def asoundrc(folder: Path) -> str:
    return (
        f'pcm.testmic {{ type file  slave.pcm "null"  file "/dev/null"  infile "{folder}/in.raw"  format "raw" }}\n'
        f'pcm.testspk {{ type file  slave.pcm "null"  file "{folder}/out.raw"  format "raw" }}\n'
        'pcm.!default { type plug  slave.pcm "testspk" }\n'
    )


@dataclass(frozen=True)
class SoundDevices:
    """One test's (or one process's) microphone input file and speaker output file."""

    folder: Path

    @classmethod
    def create(cls, folder: Path) -> SoundDevices:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "in.raw").write_bytes(b"")
        return cls(folder)

    @property
    def mic(self) -> Path:
        return self.folder / "in.raw"

    @property
    def speaker(self) -> Path:
        return self.folder / "out.raw"

    def feed_microphone(self, pcm: np.ndarray) -> None:
        pcm.astype("<i2").tofile(self.mic)

    def played(self, dtype: str = "<f4") -> np.ndarray:
        """What reached the speaker (empty when nothing was played)."""
        if not self.speaker.exists():
            return np.zeros(0, dtype=dtype)
        return np.fromfile(self.speaker, dtype=dtype)

    def played_bytes(self) -> int:
        return self.speaker.stat().st_size if self.speaker.exists() else 0

    def env(self) -> dict[str, str]:
        """Environment for a child process whose devices are these files, whatever test runs."""
        home = self.folder / "home"
        home.mkdir(exist_ok=True)
        (home / ".asoundrc").write_text(asoundrc(self.folder))
        return dict(os.environ, HOME=str(home))


class ProcessSound:
    """The test process's private HOME and the symlink its .asoundrc reads through."""

    def __init__(self) -> None:
        self.home = Path(tempfile.mkdtemp(prefix="crs-home-"))
        atexit.register(shutil.rmtree, self.home, True)
        self.link = self.home / "current"
        (self.home / ".asoundrc").write_text(asoundrc(self.link))
        self.current = self.activate(SoundDevices.create(self.home / "idle"))

    def activate(self, devices: SoundDevices) -> SoundDevices:
        staged = self.home / "current.new"
        staged.unlink(missing_ok=True)
        staged.symlink_to(devices.folder, target_is_directory=True)
        os.replace(staged, self.link)  # atomic: a stream opening now sees one folder or the other
        self.current = devices
        return devices

    def install(self) -> None:
        """Point HOME at the private one before anything imports sounddevice."""
        os.environ["HOME"] = str(self.home)
        for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            os.environ.pop(var, None)


PROCESS = ProcessSound()


def current() -> SoundDevices:
    """The running test's devices (those `testmic`/`testspk` open in this process now)."""
    return PROCESS.current

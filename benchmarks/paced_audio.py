"""A private PulseAudio server whose null sink is a speaker paced in real time, and a
recorder of that sink's monitor that says when each sample was played.

ALSA's file plugin takes samples as fast as they come, so it cannot measure latency. A
PulseAudio null sink renders on the server's clock (one period at a time, as a sound card
would), and its monitor source carries exactly what was rendered, continuously (no
module-suspend-on-idle is loaded, so the sink never sleeps). The server is started by
`PulseServer.start()` with no system configuration: its own .pa file (the null sink and a
native-protocol socket at its own path), its own runtime, state and HOME folders in a temp
folder, so tests and benchmarks can run several at once and never touch a desktop's server.
It runs as root with `--system=false` (root would otherwise be refused or pushed to system
mode). Clients reach it through `env()` (PULSE_SERVER; an .asoundrc whose PCM is ALSA's
pulse plugin for PortAudio clients such as the receiver).

`MonitorRecorder` runs `parec` on the monitor and stamps samples on a timeline: sample i was
rendered at `start + i / RATE`. `start` is estimated from the reads: every chunk arrives
after its last sample was rendered, so `arrival - samples_so_far / RATE` is an upper bound of
the start, and the smallest over all reads (a 10 ms fragment) is taken.

Threads: one daemon thread per recorder reads parec's stdout; the rest on the caller's.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

RATE = 48000
SINK = "crs_speaker"
PR_SET_PDEATHSIG = 1


def available() -> bool:
    """Whether the PulseAudio daemon and its clients are installed."""
    return all(shutil.which(tool) for tool in ("pulseaudio", "pactl", "parec"))


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the process that started it dies (a killed test
    run leaves no server behind)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


class PulseServer:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder or tempfile.mkdtemp(prefix="crs-pulse-"))
        self.socket = self.folder / "native"
        self.process: subprocess.Popen | None = None

    @property
    def server(self) -> str:
        return f"unix:{self.socket}"

    def env(self, home: Path | None = None, pcm: str = "paced") -> dict[str, str]:
        """Environment for a client of this server. With `home`, that folder gets an
        .asoundrc naming `pcm` (and the default) as ALSA's pulse plugin on the sink."""
        env = dict(os.environ, PULSE_SERVER=self.server, PULSE_SINK=SINK,
                   PULSE_RUNTIME_PATH=str(self.folder / "client-runtime"), PULSE_COOKIE=str(self.folder / "cookie"),
                   HOME=str(self.folder / "client-home"))
        if home is not None:
            home.mkdir(parents=True, exist_ok=True)
            (home / ".asoundrc").write_text(
                f'pcm.{pcm} {{ type pulse  server "{self.server}"  device "{SINK}" }}\n'
                f'ctl.{pcm} {{ type pulse  server "{self.server}" }}\n'
                f'pcm.!default {{ type plug  slave.pcm "{pcm}" }}\n')
            env["HOME"] = str(home)
        return env

    def start(self, timeout: float = 20.0) -> PulseServer:
        for name in ("runtime", "state", "home", "client-runtime", "client-home"):
            (self.folder / name).mkdir(parents=True, exist_ok=True)
        script = self.folder / "server.pa"
        script.write_text(
            f"load-module module-null-sink sink_name={SINK} rate={RATE} channels=1 "
            "sink_properties=device.description=crs-paced-speaker\n"
            f"load-module module-native-protocol-unix socket={self.socket} auth-anonymous=1\n"
            f"set-default-sink {SINK}\n")
        env = dict(os.environ, HOME=str(self.folder / "home"), PULSE_RUNTIME_PATH=str(self.folder / "runtime"),
                   PULSE_STATE_PATH=str(self.folder / "state"))
        for var in ("PULSE_SERVER", "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME", "DBUS_SESSION_BUS_ADDRESS"):
            env.pop(var, None)
        self.process = subprocess.Popen(
            ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--system=false", "--use-pid-file=no",
             "--disallow-exit", "--disable-shm=yes", "--realtime=no", "--high-priority=no",
             "--log-target=stderr", "-F", str(script)],
            env=env, stdout=subprocess.DEVNULL, stderr=open(self.folder / "server.log", "wb"),
            preexec_fn=_die_with_parent)
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"pulseaudio exited ({self.process.returncode}): {self.log()[-2000:]}")
            if self.socket.exists() and self.pactl("info").returncode == 0:
                return self
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"pulseaudio did not answer within {timeout} s: {self.log()[-2000:]}")
            time.sleep(0.05)

    def pactl(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["pactl", "--server", self.server, *args], capture_output=True, text=True,
                              timeout=10, env=self.env())

    def log(self) -> str:
        path = self.folder / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self.process = None

    def __enter__(self) -> PulseServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class MonitorRecorder:
    """What the null sink rendered, as float32 mono, with the time each sample was rendered."""

    def __init__(self, pulse: PulseServer) -> None:
        self.process = subprocess.Popen(
            ["parec", "--server", pulse.server, f"--device={SINK}.monitor", "--raw", "--format=float32le",
             f"--rate={RATE}", "--channels=1", "--latency-msec=10"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=pulse.env())
        self._parts: list[np.ndarray] = []
        self._lock = threading.Lock()
        self.samples = 0
        self.start_s = float("inf")
        self.reads: list[tuple[float, int]] = []  # (when read, samples read by then)
        threading.Thread(target=self._read, name="pulse-monitor", daemon=True).start()

    def _read(self) -> None:
        stream, pending = self.process.stdout, b""
        while chunk := stream.read1(65536):
            now = time.monotonic()
            pending += chunk
            whole = len(pending) // 4 * 4
            if not whole:
                continue
            block = np.frombuffer(pending[:whole], dtype="<f4").copy()
            pending = pending[whole:]
            with self._lock:
                self._parts.append(block)
                self.samples += len(block)
                self.start_s = min(self.start_s, now - self.samples / RATE)
                self.reads.append((now, self.samples))

    def audio(self) -> np.ndarray:
        with self._lock:
            return np.concatenate(self._parts) if self._parts else np.zeros(0, dtype="<f4")

    def first_loud(self, start: float, end: float, level: float = 0.3) -> float | None:
        """When the first sample above `level` was rendered between monotonic `start` and `end`."""
        audio = self.audio()
        lo = max(0, int((start - self.start_s) * RATE))
        hi = min(len(audio), int((end - self.start_s) * RATE))
        if hi <= lo:
            return None
        loud = np.flatnonzero(np.abs(audio[lo:hi]) > level)
        return self.start_s + (lo + loud[0]) / RATE if len(loud) else None

    def read_at(self, when: float) -> float | None:
        """When the sample the timeline puts at `when` reached this process (a check on the
        timeline: the gap is parec's fragment plus what the sink rendered ahead)."""
        index = (when - self.start_s) * RATE
        with self._lock:
            return next((stamp for stamp, count in self.reads if count > index), None)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()

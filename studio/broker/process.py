"""Mosquitto as a child process, run with the project's configuration (config.py).

`BrokerProcess.start()` writes the folder's files, starts `mosquitto -c mosquitto.conf`
and returns once the listener accepts connections (or raises BrokerUnavailable with the
broker's own last lines). `stop()` sends SIGTERM, which makes Mosquitto save its
persistence file and exit, and waits for it. Its output goes to `mosquitto.log` in the
folder. Used by `radio-studio broker serve`, the demo and the tests
(tests/support/broker.py). Caller's thread only; nothing here runs in the background.
"""

from __future__ import annotations

import logging
import socket
import subprocess
import time
from pathlib import Path

from studio.broker.config import BrokerAccount, BrokerSettings, find_mosquitto, prepare
from studio.errors import BrokerUnavailable

log = logging.getLogger(__name__)

START_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 15.0


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


class BrokerProcess:
    """One Mosquitto serving `folder`."""

    def __init__(self, folder: Path, settings: BrokerSettings = BrokerSettings()) -> None:
        self.folder, self.settings = Path(folder), settings
        self.process: subprocess.Popen | None = None
        self.account: BrokerAccount | None = None

    @property
    def log_path(self) -> Path:
        return self.folder / "mosquitto.log"

    def start(self, timeout_s: float = START_TIMEOUT_S) -> BrokerAccount:
        conf, self.account = prepare(self.folder, self.settings)
        binary = find_mosquitto()
        address = f"{self.settings.host}:{self.settings.port}"
        if port_open(self.settings.host, self.settings.port):
            raise BrokerUnavailable(address, "something else already listens on that port")
        with open(self.log_path, "ab") as output:
            self.process = subprocess.Popen([str(binary), "-c", str(conf)], stdout=output, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout_s
        while not port_open(self.settings.host, self.settings.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise BrokerUnavailable(address, f"mosquitto did not start: {self.last_lines()}")
            time.sleep(0.05)
        log.info("mosquitto %d listening on %s (folder %s)", self.process.pid, address, self.folder)
        return self.account

    def last_lines(self, count: int = 8) -> str:
        try:
            return " | ".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-count:])
        except OSError:
            return "(no log)"

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> int | None:
        """SIGTERM (Mosquitto saves its persistence and exits), then SIGKILL if it hangs."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                log.error("mosquitto %d did not stop in %.0f s: killed", self.process.pid, timeout_s)
                self.process.kill()
                self.process.wait()
        code = self.process.returncode
        log.info("mosquitto stopped (exit %s)", code)
        return code

    def kill(self) -> None:
        """kill -9: what a power cut does to the broker (tests of a broker restart)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> BrokerProcess:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

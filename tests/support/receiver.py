"""The reference receiver as a real process on loopback, for tests.

Each Receiver has its own file-backed speaker (`receiver.sound`, tests/support/sound.py),
so what a test reads back is what that receiver played. `start()` waits at most
`timeout` seconds for "listening on": a receiver that never says it listens (or exits)
fails the test in seconds instead of hanging it. A daemon thread drains the process's
stdout; the rest runs on the test's thread.
"""

from __future__ import annotations

import json
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.support.sound import SoundDevices


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LineReader:
    """Lines of a child's text stdout, readable with a deadline."""

    def __init__(self, stream) -> None:
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream) -> None:
        for line in stream:
            self.lines.put(line)
        self.lines.put(None)  # end of stream: the process closed stdout or exited

    def until(self, pattern: str, timeout: float) -> list[str]:
        """Lines read up to and including the first that contains `pattern`."""
        seen: list[str] = []
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                line = self.lines.get(timeout=max(left, 0.0)) if left > 0 else self.lines.get_nowait()
            except queue.Empty:
                raise AssertionError(f"no {pattern!r} within {timeout} s; output: {''.join(seen)!r}") from None
            if line is None:
                raise AssertionError(f"the process ended before {pattern!r}; output: {''.join(seen)!r}")
            seen.append(line)
            if pattern in line:
                return seen


class Receiver:
    def __init__(self, folder: Path, quota_mb: int = 64, command: list[str] | None = None,
                 env: dict[str, str] | None = None, args: list[str] | None = None) -> None:
        self.folder, self.port, self.quota_mb = folder, free_port(), quota_mb
        self.extra_env = env or {}
        self.url = f"http://127.0.0.1:{self.port}"
        self.sound = SoundDevices.create(folder.parent / f"{folder.name}-sound")
        self.command = command or [sys.executable, "-m", "studio", "receiver", "serve"]
        self.args = list(args or [])  # e.g. ["--broker", broker.url]
        self.process: subprocess.Popen | None = None
        self.reader: LineReader | None = None
        self.code = ""
        self.receiver_id = ""

    def start(self, timeout: float = 20.0) -> Receiver:
        self.process = subprocess.Popen(
            [*self.command, "--data-dir", str(self.folder), "--host", "127.0.0.1", "--port", str(self.port),
             "--quota-mb", str(self.quota_mb), "--output-device", "testspk", *self.args],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env={**self.sound.env(), **self.extra_env})
        self.reader = LineReader(self.process.stdout)
        try:
            lines = self.reader.until("listening on", timeout)
        except AssertionError:
            self.kill()
            raise
        for line in lines:
            self._read(line)
        return self

    def _read(self, line: str) -> None:
        found = re.search(r"pairing code: (\d+)", line)
        self.code = found.group(1) if found else self.code
        found = re.search(r"receiver id: (\S+)", line)
        self.receiver_id = found.group(1) if found else self.receiver_id

    def new_code(self, timeout: float) -> str:
        """The next pairing code the receiver prints (its code changed)."""
        for line in self.reader.until("pairing code:", timeout):
            self._read(line)
        return self.code

    def terminate(self, timeout: float = 15) -> None:
        """SIGTERM: a clean stop."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout)

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def playlog_of(receiver: Receiver) -> list[dict]:
    """The receiver's play log as it stands on its disk."""
    path = receiver.folder / "playlog.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

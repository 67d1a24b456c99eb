"""Reading a receiver's start-up from its stdout, for whoever starts one as a child process
(the studio's demo, tests, benchmarks).

A receiver prints `pairing code: NNNNNNNN` when it is not paired yet, then
`receiver ID listening on HOST:PORT` once its socket is bound. `wait_until_listening`
blocks the caller until then, or until its deadline: a receiver that hangs before it
listens fails in seconds, not never. A daemon thread reads the child's stdout from then on
(and keeps draining it, so a chatty child never blocks on a full pipe).
"""

from __future__ import annotations

import queue
import re
import subprocess
import threading
import time

_CODE = re.compile(r"pairing code: (\d+)")
_LISTENING = re.compile(r"receiver (\S+) listening on")
_ENDED = object()


def wait_until_listening(process: subprocess.Popen, timeout_s: float = 30.0) -> str:
    """Read a started receiver's stdout (text mode) until it listens; returns the pairing
    code it printed ("" when it is already paired). Raises RuntimeError when the process
    ends first, or says nothing of listening within `timeout_s` (its output so far is in
    the message; the process is left to the caller)."""
    return wait_for_start(process, timeout_s)[0]


def wait_for_start(process: subprocess.Popen, timeout_s: float = 30.0) -> tuple[str, str]:
    """As `wait_until_listening`: (the pairing code or "", the receiver's id)."""
    lines: queue.Queue = queue.Queue()

    def read() -> None:
        for line in process.stdout:
            lines.put(line)
        lines.put(_ENDED)

    threading.Thread(target=read, name=f"receiver-{process.pid}-stdout", daemon=True).start()
    code, seen = "", []
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            if line is _ENDED:
                break
            seen.append(line)
            found = _CODE.search(line)
            code = found.group(1) if found else code
            if "listening on" in line:
                found = _LISTENING.search(line)
                return code, found.group(1) if found else ""
    except queue.Empty:
        raise RuntimeError(f"the receiver did not listen within {timeout_s:g} s: {''.join(seen)[-2000:]}") from None
    try:
        status = process.wait(timeout=5)  # its stdout closed: it is exiting
    except subprocess.TimeoutExpired:
        status = None
    raise RuntimeError(f"the receiver ended before it listened (exit {status}): {''.join(seen)[-2000:]}")


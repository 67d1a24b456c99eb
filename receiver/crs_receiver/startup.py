"""Reading a receiver's start-up from its stdout, for whoever starts one as a child process
(the studio's demo, tests, benchmarks).

A receiver prints `pairing code: NNNNNNNN` when it is not paired yet, then
`receiver ID listening on HOST:PORT` once its socket is bound. Blocking; call it from the
thread that owns the process's stdout.
"""

from __future__ import annotations

import re
import subprocess

_CODE = re.compile(r"pairing code: (\d+)")


def wait_until_listening(process: subprocess.Popen) -> str:
    """Read a started receiver's stdout (text mode) until it listens; returns the pairing
    code it printed ("" when it is already paired). Raises RuntimeError when the process
    ends first (its output so far is in the message)."""
    code, seen = "", []
    for line in process.stdout:
        seen.append(line)
        found = _CODE.search(line)
        code = found.group(1) if found else code
        if "listening on" in line:
            return code
    raise RuntimeError(f"the receiver ended before it listened (exit {process.poll()}): {''.join(seen)[-2000:]}")

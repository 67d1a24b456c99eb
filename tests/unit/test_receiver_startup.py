"""Waiting for a child receiver to listen: the pairing code is read, a child that dies or
hangs before it listens is reported in seconds with what it printed."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from crs_receiver import wait_until_listening


def child(script: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)


def test_the_pairing_code_is_read_and_output_keeps_draining_after_listening():
    process = child("import sys\nprint('pairing code: 12345678', flush=True)\n"
                    "print('receiver ab listening on 127.0.0.1:1', flush=True)\n"
                    "for _ in range(20000): print('x' * 100)\n")  # 2 MB: blocks unless drained
    try:
        assert wait_until_listening(process, timeout_s=20) == "12345678"
        assert process.wait(timeout=20) == 0
    finally:
        process.kill()


def test_a_receiver_that_hangs_before_listening_fails_within_its_deadline():
    process = child("import time\nprint('pairing code: 12345678', flush=True)\n"
                    "while True:\n    print('still starting', flush=True); time.sleep(0.1)\n")
    started = time.monotonic()
    try:
        with pytest.raises(RuntimeError, match=r"did not listen within 1 s: pairing code: 12345678"):
            wait_until_listening(process, timeout_s=1)
        assert time.monotonic() - started < 15  # a loaded machine's margin; without a deadline: never
    finally:
        process.kill()
        process.wait()


def test_a_receiver_that_dies_before_listening_is_reported_with_its_output():
    process = child("import sys\nprint('bad address', flush=True)\nsys.exit(3)\n")
    with pytest.raises(RuntimeError, match=r"ended before it listened \(exit 3\): bad address"):
        wait_until_listening(process, timeout_s=20)

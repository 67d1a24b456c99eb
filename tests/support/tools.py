"""Audio files for tests and the system tools they need. No state; any thread."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf


def wait_for(condition, timeout: float, what: str, step: float = 0.1):
    """The first truthy value of `condition()` within `timeout` s; an AssertionError naming
    `what` when none came."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(step)
    found = condition()  # once more: on a busy machine the last sleep may have overrun the deadline
    if found:
        return found
    raise AssertionError(f"no {what} within {timeout} s")


def wait_until(predicate: Callable[[], object], timeout: float) -> bool:
    """Whether `predicate()` came true within `timeout` s (polled every 20 ms)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return bool(predicate())


def write_audio(path: Path, samples: np.ndarray, sr: int = 48000, **kwargs) -> Path:
    sf.write(path, samples, sr, **kwargs)
    return path


def require_tool(name: str) -> str:
    """Path of a system tool; CI installs them all, so missing there is a failure."""
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed; .ci/run must install it")
        pytest.skip(f"{name} not installed")
    return found

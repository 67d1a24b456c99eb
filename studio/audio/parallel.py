"""Spread long DSP over the machine's cores (two on the officer's PC, as on CI).

numpy's convolution and scipy's sosfilt release the GIL, so threads give real
parallelism. IIR filtering is split into chunks; every chunk after the first starts
`preroll` samples early from a zero state. The filters used here (K-weighting, the 100 Hz
high-pass) have time constants of a few milliseconds, so after half a second of pre-roll
their state matches the serial one to float precision. The pool is created on first use
and shared; a task that maps again runs those items on its own thread.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import numpy as np
import scipy.signal as ss

T = TypeVar("T")
R = TypeVar("R")

MIN_PARALLEL_SAMPLES = 1 << 20
_PREFIX = "dsp"


def workers() -> int:
    return min(4, os.cpu_count() or 1)


@functools.cache
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=workers(), thread_name_prefix=_PREFIX)


def map_in_parallel(fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
    items = list(items)
    # A task that maps again runs its items itself: waiting on the pool from inside it
    # would deadlock once every worker waits.
    if len(items) <= 1 or workers() == 1 or threading.current_thread().name.startswith(_PREFIX):
        return [fn(item) for item in items]
    return list(_pool().map(fn, items))


def sosfilt(sos: np.ndarray, x: np.ndarray, preroll: int) -> np.ndarray:
    """`scipy.signal.sosfilt(sos, x)` for a 1-D float32 signal, on all cores."""
    parts = workers()
    if len(x) < MIN_PARALLEL_SAMPLES or parts == 1:
        return ss.sosfilt(sos, x).astype(np.float32, copy=False)
    edges = np.linspace(0, len(x), parts + 1).astype(np.int64)
    out = np.empty(len(x), dtype=np.float32)

    def run(i: int) -> None:
        start, stop = int(edges[i]), int(edges[i + 1])
        lead = min(preroll, start)
        out[start:stop] = ss.sosfilt(sos, x[start - lead : stop])[lead:]

    map_in_parallel(run, range(parts))
    return out

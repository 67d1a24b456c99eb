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
#: Samples per filtering task (4 MB of float32).
CHUNK_SAMPLES = 1 << 20
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


def sosfilt(sos: np.ndarray, x: np.ndarray, preroll: int, out: np.ndarray | None = None) -> np.ndarray:
    """`scipy.signal.sosfilt(sos, x)` for a 1-D float32 signal, on all cores, into `out`
    (which may be `x` itself: filtered in place). Filtered in chunks of CHUNK_SAMPLES, so
    the temporaries are a few MB whatever the length: a full-length temporary per call
    made a 10-minute render fault in 0.6 GB of fresh memory, and an hour 3.8 GB."""
    out = np.empty(len(x), dtype=np.float32) if out is None else out
    if len(x) < MIN_PARALLEL_SAMPLES or workers() == 1:
        state = np.zeros((sos.shape[0], 2), dtype=np.float32)
        for start in range(0, len(x), CHUNK_SAMPLES):
            out[start : start + CHUNK_SAMPLES], state = ss.sosfilt(sos, x[start : start + CHUNK_SAMPLES], zi=state)
        return out
    starts = range(0, len(x), CHUNK_SAMPLES)
    # Each chunk's pre-roll is copied first: in place, the chunk before may overwrite it.
    leads = {start: x[max(0, start - preroll) : start].copy() for start in starts}

    def run(start: int) -> None:
        piece = x[start : start + CHUNK_SAMPLES]
        lead = leads[start]
        filtered = ss.sosfilt(sos, np.concatenate((lead, piece)) if len(lead) else piece)
        out[start : start + len(piece)] = filtered[len(lead) :]

    map_in_parallel(run, starts)
    return out


def pieces(start: int, stop: int, step: int) -> list[tuple[int, int]]:
    """[start, stop) cut into consecutive pieces of `step` samples (the last one shorter)."""
    return [(lo, min(lo + step, stop)) for lo in range(start, stop, step)]


def map_filtered(
    sos: np.ndarray, x: np.ndarray, preroll: int, spans: Iterable[tuple[int, int]],
    fn: Callable[[int, np.ndarray], R],
) -> list[R]:
    """fn(start, x[start:stop] filtered by `sos`) for every span, on all cores, results in
    order. Each span is filtered from a zero state `preroll` samples before its start
    (as `sosfilt` does), so only a span-sized temporary exists at a time."""

    def run(span: tuple[int, int]) -> R:
        start, stop = span
        lead = min(preroll, start)
        return fn(start, ss.sosfilt(sos, x[start - lead : stop])[lead:])

    return map_in_parallel(run, spans)

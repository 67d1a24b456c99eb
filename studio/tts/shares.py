"""Sentences shared among worker processes, one thread driving each.

Both the pyttsx3 and the Piper engine split a bulletin into contiguous shares (one per
worker), drive each from a thread, stop the others when one share fails, and raise on the
calling thread the first real error (`Cancelled` when the caller cancelled).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from studio.errors import Cancelled


class EitherEvent:
    """Set when the caller's cancel event or our own (one share failed) is set."""

    def __init__(self, outer: threading.Event | None) -> None:
        self.outer = outer
        self.own = threading.Event()

    def is_set(self) -> bool:
        return self.own.is_set() or (self.outer is not None and self.outer.is_set())


def split_shares(todo: list[int], workers: int) -> list[list[int]]:
    """Contiguous shares of `todo`, at most `workers`, none under four sentences unless one."""
    count = max(1, min(workers, len(todo) // 4 or 1))
    return [todo[k * len(todo) // count:(k + 1) * len(todo) // count] for k in range(count)]


def run_shares(shares: list[list[int]], run: Callable[[list[int], int, EitherEvent], None],
               cancel: threading.Event | None) -> None:
    """`run(share, slot, stop)` for every share, each in its own thread; returns when all
    have ended. A share that raises sets `stop` for the others."""
    errors: list[BaseException] = []
    stop = EitherEvent(cancel)

    def guarded(share: list[int], slot: int) -> None:
        try:
            run(share, slot, stop)
        except BaseException as exc:  # re-raised on the calling thread
            errors.append(exc)
            stop.own.set()

    threads = [threading.Thread(target=guarded, args=(share, k), daemon=True) for k, share in enumerate(shares)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        raise next((e for e in errors if not isinstance(e, Cancelled)), errors[0])

"""Per-key request counters: freshness without trusting anyone's clock.

A receiver keeps, per studio key, the highest counter seen and the counters seen inside
the replay window below it; a counter is accepted once: higher than any seen, or late but
inside the window and not seen before. Nothing here reads a clock, so a receiver whose
clock is wrong, or set back, accepts and refuses exactly the same requests.

The studio makes its counters as (µs << 10) | a 10-bit tag per signer, where the µs are
max(its clock, the last value used + 1): they only go up across restarts and a clock set
back (the caller saves the last value before sending), and signers running at once
(window, CLI, delivery workers) do not collide.

Pure functions on immutable values: safe from any thread (callers serialise the state).
"""

from __future__ import annotations

from dataclasses import dataclass

# Counters below the highest seen but within this window may arrive late, once each. At
# µs << 10 the window is 2^27 µs, about 2 minutes of requests from several signers at once.
REPLAY_WINDOW = 1 << 37
TAG_BITS = 10
MAX_COUNTER = 2**63


@dataclass(frozen=True)
class CounterState:
    """What a receiver remembers of one key's counters."""

    high: int = 0
    seen: tuple[int, ...] = ()

    def to_json(self) -> dict:
        return {"high": self.high, "seen": list(self.seen)}

    @classmethod
    def from_json(cls, data: object) -> CounterState:
        """From `to_json`'s shape; anything else is a fresh state (a damaged file must not
        stop the receiver; a counter is refused only as a replay)."""
        if not isinstance(data, dict):
            return cls()
        high, seen = data.get("high", 0), data.get("seen", [])
        if not isinstance(high, int) or not isinstance(seen, list):
            return cls()
        return cls(high, tuple(sorted(c for c in seen if isinstance(c, int))))


def accept_counter(state: CounterState, counter: int, window: int = REPLAY_WINDOW) -> CounterState | None:
    """The key's new state if `counter` is fresh, None if it is a replay (or too old)."""
    if not 0 < counter < MAX_COUNTER or counter <= state.high - window or counter in state.seen:
        return None
    high = max(state.high, counter)
    seen = tuple(sorted(c for c in (*state.seen, counter) if c > high - window))
    return CounterState(high, seen)


def make_counter(last_us: int, now_us: int, tag: int) -> tuple[int, int]:
    """The next counter of a signer whose last value used was `last_us` (µs), at `now_us`
    on its clock; returns (counter, the µs value to save as the last used)."""
    micros = max(now_us, last_us + 1)
    return (micros << TAG_BITS) | (tag & ((1 << TAG_BITS) - 1)), micros

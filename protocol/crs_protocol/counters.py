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
# A counter may rise at most this far above the highest seen: two years of µs. One counter
# near 2^63 (a studio clock set to 2200, once) would otherwise make every later counter an
# old one, locking the studio out for good; a studio switched off for a year still passes.
MAX_JUMP = (2 * 366 * 86400 * 10**6) << TAG_BITS
# A counter's µs may be at most this far after the time signed in its own request: both
# come from the studio's clock, so a counter well ahead of it was not made by `make_counter`.
AHEAD_OF_OWN_TIME_US = 86400 * 10**6


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


def refusal(state: CounterState, counter: int, window: int = REPLAY_WINDOW) -> tuple[str, str] | None:
    """Why `counter` would be refused, as (error code, reason for the studio), or None when
    it is fresh. The codes are `replay` and `counter-ahead` (errors.ErrorCode)."""
    if not 0 < counter < MAX_COUNTER:
        return "replay", "the counter is out of range (1 to 2^63 - 1)"
    if counter in state.seen:
        return "replay", "this request (counter) was already seen"
    if counter <= state.high - window:
        return "replay", (f"the counter is older than the replay window below the highest seen ({state.high}): "
                          "a request captured earlier, or a studio whose saved counter went back")
    if state.high and counter - state.high > MAX_JUMP:
        return "counter-ahead", (f"the counter is more than two years above the highest seen ({state.high}): "
                                 "check the studio's clock")
    return None


def ahead_of_own_time(counter: int, signed_time_us: int) -> bool:
    """Whether `counter` is further after the time signed with it than a fresh studio's
    counters can be. Checked at pairing, where no highest counter bounds a jump yet."""
    return (counter >> TAG_BITS) > signed_time_us + AHEAD_OF_OWN_TIME_US


def accept_counter(state: CounterState, counter: int, window: int = REPLAY_WINDOW) -> CounterState | None:
    """The key's new state if `counter` is fresh, None if `refusal` has a reason."""
    if refusal(state, counter, window) is not None:
        return None
    high = max(state.high, counter)
    seen = tuple(sorted(c for c in (*state.seen, counter) if c > high - window))
    return CounterState(high, seen)


def make_counter(last_us: int, now_us: int, tag: int) -> tuple[int, int]:
    """The next counter of a signer whose last value used was `last_us` (µs), at `now_us`
    on its clock; returns (counter, the µs value to save as the last used)."""
    micros = max(now_us, last_us + 1)
    return (micros << TAG_BITS) | (tag & ((1 << TAG_BITS) - 1)), micros

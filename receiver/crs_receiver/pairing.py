"""The pairing code of an unpaired receiver, and how many guesses each source gets.

The code is printed on the console only (stdout: the device's screen, or the systemd journal,
which root and the adm / systemd-journal groups read), never written to a log file. It is
valid for `CODE_TTL_S` and then replaced; wrong guesses never replace it, so nobody on the
network can make the code the person at the device reads go stale.

Guesses are limited per source (an IPv4 address, an IPv6 /64: `limits.source_of`): after
`ATTEMPTS` wrong codes that source is refused (`pairing-locked`) for `LOCKOUT_S`, doubled at
each further lockout up to `MAX_LOCKOUT_S`, and forgotten after a day without guesses. A
source that never guessed wrong (the studio the person at the device pairs from) is never
locked by what others do. The table of sources is bounded (`MAX_SOURCES`): when it is full of
sources that are still locked, unknown sources are refused too, which takes more addresses
than a commune's network has.

Threads: the asyncio loop only.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from crs_protocol import ErrorCode

log = logging.getLogger(__name__)

CODE_TTL_S = 600
ATTEMPTS = 5
LOCKOUT_S = 60.0
MAX_LOCKOUT_S = 3600.0
FORGET_S = 86400.0
MAX_SOURCES = 4096


@dataclass
class Guesses:
    wrong: int = 0
    lockouts: int = 0
    locked_until: float = 0.0
    last: float = 0.0


class Pairing:
    """The short code an unpaired receiver shows; wrong guesses are limited per source."""

    def __init__(self, clock=time.monotonic) -> None:
        self.clock = clock
        self.code = ""
        self.expires = 0.0
        self.sources: dict[str, Guesses] = {}
        self.renew()

    def renew(self) -> None:
        self.code = f"{secrets.randbelow(10**8):08d}"
        self.expires = self.clock() + CODE_TTL_S
        # the person at the device reads this line (tests/support/receiver.py and the demo too)
        print(f"pairing code: {self.code}", flush=True)
        log.warning("not paired: a new pairing code is shown on the receiver's console (valid %d minutes)",
                    CODE_TTL_S // 60)

    def check(self, guess: str | Callable[[str], bool], source: str) -> tuple[ErrorCode | None, float]:
        """(None, 0) if right; else (the refusal code, seconds until this source may try again).
        `guess` is the code, or a test of the code shown (a proof of it, pair_body.py)."""
        now = self.clock()
        guesses = self._guesses(source, now)
        if guesses is None:
            return ErrorCode.PAIRING_LOCKED, LOCKOUT_S
        if now < guesses.locked_until:
            return ErrorCode.PAIRING_LOCKED, guesses.locked_until - now
        if now > self.expires:
            self.renew()
            return ErrorCode.CODE_EXPIRED, 0.0
        guesses.last = now
        right = guess(self.code) if callable(guess) else secrets.compare_digest(guess.encode(), self.code.encode())
        if right:
            return None, 0.0
        guesses.wrong += 1
        if guesses.wrong >= ATTEMPTS:
            guesses.wrong = 0
            guesses.locked_until = now + min(MAX_LOCKOUT_S, LOCKOUT_S * 2 ** guesses.lockouts)
            guesses.lockouts += 1
            return ErrorCode.WRONG_CODE, guesses.locked_until - now
        return ErrorCode.WRONG_CODE, 0.0

    def _guesses(self, source: str, now: float) -> Guesses | None:
        """This source's record; None when the table is full of locked sources."""
        found = self.sources.get(source)
        if found is not None:
            return found
        if len(self.sources) >= MAX_SOURCES:
            for key, old in list(self.sources.items()):
                if now - old.last > FORGET_S or (now >= old.locked_until and old.wrong == 0 and not old.lockouts):
                    del self.sources[key]
            if len(self.sources) >= MAX_SOURCES:
                unlocked = [k for k, g in self.sources.items() if now >= g.locked_until]
                if not unlocked:
                    return None
                del self.sources[min(unlocked, key=lambda k: self.sources[k].last)]
        found = self.sources[source] = Guesses(last=now)
        return found

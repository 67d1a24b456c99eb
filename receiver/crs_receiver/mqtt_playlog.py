"""The receiver's play log pushed through the broker (`crs/v1/rx/RID/playlog`, QoS 1).

Batches of up to 500 entries after the last one sent, `{"after": SEQ, "entries": [...]}`,
oldest first; the studio stores a batch only if it holds every entry up to `after` and
answers with the signed retained `playlog-ack` (the store's `playlog_acked`). A batch can
be lost on the way or fail to store at the studio, and the studio then keeps acknowledging
the older seq: when the acknowledgement has not moved for REWIND_S while entries beyond
it were sent, the pusher goes back to it and sends again from there (the studio ignores
what it already has). The wait doubles each time nothing moves (a studio that is off
for days gets one copy queued per wait, not one a second), and is back to REWIND_S once
the acknowledgement moves.

Threads: the receiver's asyncio loop; reading the log goes to the default executor.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

BATCH = 500
REWIND_S = 20.0
MAX_REWIND_S = 3600.0
IDLE_S = 1.0


class PlaylogPusher:
    def __init__(self, store, publish: Callable[[bytes], Awaitable[None]], rewind_s: float = REWIND_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.store, self.publish, self.clock = store, publish, clock
        self.first_wait = self.wait = rewind_s
        self.sent = store.playlog_acked()
        self._acked, self._since = self.sent, clock()

    def _rewind_due(self) -> bool:
        acked, now = self.store.playlog_acked(), self.clock()
        if acked != self._acked:
            self._acked, self._since, self.wait = acked, now, self.first_wait
            return False
        if self.sent > acked and now - self._since >= self.wait:
            log.warning("play log: the studio still acknowledges %d of %d sent after %.0f s: sending again from %d",
                        acked, self.sent, now - self._since, acked)
            self._since, self.wait = now, min(self.wait * 2, MAX_REWIND_S)
            return True
        return False

    async def step(self) -> bool:
        """Send the next batch if there is one; False when there was nothing to send."""
        if self._rewind_due():
            self.sent = self.store.playlog_acked()
        self.sent = max(self.sent, self.store.playlog_acked())
        if self.store._seq <= self.sent:
            return False
        entries = await asyncio.get_running_loop().run_in_executor(None, self.store.playlog, self.sent, BATCH)
        if not entries:
            self.sent = self.store._seq
            return True
        if self.sent <= self._acked:  # nothing was outstanding: the wait for an ack starts now
            self._since = self.clock()
        await self.publish(json.dumps({"after": self.sent, "entries": entries}).encode())
        self.sent = entries[-1]["seq"]
        return True

    async def run(self) -> None:
        while True:
            if not await self.step():
                await asyncio.sleep(IDLE_S)

"""Live frames through the broker (docs/protocol.md, "Live over MQTT"): the receiver
subscribes to `crs/v1/live/SESSION` while a session started through the broker is open, and
feeds each message to the same entry point as a UDP datagram (`LiveReceiver.datagram`), so
the same MAC, window and replay checks decide what reaches the output.

- A signed `live-start` that came through the broker and was taken: subscribe to its topic
  before answering. A broker that refuses the subscription (an account made before live
  existed, a province's broker without the rule) ends the session at once and the studio is
  answered `403 not-granted`, instead of an "on the air" that stays silent.
- Whenever the open session changes (ended, timed out, replaced) the subscription follows it
  (`reconcile`, from the link's one-second loop and after every live request); after a
  reconnection (a clean session: the broker forgot it) it is made again.

Threads: the link's asyncio loop.
"""

from __future__ import annotations

import logging

from crs_protocol import ErrorCode
from crs_protocol.live import session_text
from crs_protocol.mqtt import PREFIX, live_topic

from crs_receiver.broker_address import NotGranted
from crs_receiver.calls import Answer, Call, refuse

log = logging.getLogger(__name__)

LIVE_PREFIX = f"{PREFIX}/live/"
LIVE_ROUTES = ("/v1/commands/live-start", "/v1/commands/live-end")


class LiveTopic:
    """The broker subscription of the open live session, for one connection."""

    def __init__(self, requests, subscribe, unsubscribe) -> None:
        self.requests, self._subscribe, self._unsubscribe = requests, subscribe, unsubscribe
        self.topic: str | None = None

    def _wanted(self) -> str | None:
        live = getattr(self.requests, "_live", None)
        session = live.session if live is not None else None
        if session is None or session.ended.is_set() or session.via != "mqtt":
            return None
        return live_topic(session_text(session.id))

    async def after(self, call: Call | None, answer: Answer) -> Answer:
        """After a live request was handled: follow the session it opened or ended."""
        if call is None or call.route not in LIVE_ROUTES or not answer.ok:
            return answer
        try:
            await self.reconcile()
        except NotGranted as exc:
            return refuse(ErrorCode.NOT_GRANTED, f"{exc}: this receiver cannot hear live through this broker "
                                                 "(its account lacks the live rule)")
        return answer

    async def reconcile(self) -> None:
        wanted = self._wanted()
        if wanted == self.topic:
            return
        if self.topic is not None:
            old, self.topic = self.topic, None
            try:
                await self._unsubscribe(old)
            except Exception as exc:  # the connection is going: it forgets the subscription anyway
                log.debug("live topic %s not unsubscribed: %s", old, exc)
        if wanted is not None:
            try:
                await self._subscribe(wanted)
            except NotGranted as exc:  # silence on the air would be worse than no session
                live = self.requests._live
                if live.session is not None:
                    live.end(live.session.id, "failed")
                log.error("live session ended: %s", exc)
                raise
            self.topic = wanted
            log.info("live frames through the broker on %s", wanted)

    def feed(self, topic: str, payload: bytes) -> None:
        live = getattr(self.requests, "_live", None)
        if live is not None and topic == self.topic:
            live.datagram(bytes(payload), via="mqtt")

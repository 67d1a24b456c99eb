"""Live frames through the broker (docs/protocol.md, "Live over MQTT"): the receiver
subscribes to `crs/v1/live/SESSION` while a session started through the broker is open, and
feeds each message to the same entry point as a UDP datagram (`LiveReceiver.datagram`), so
the same opening, window and replay checks decide what reaches the output.

- A signed `live-start` that came through the broker: its topic is subscribed (`hear`)
  before the session opens. A broker that refuses the subscription (an account made before
  live existed, a province's broker without the rule) gets the studio `403 not-granted` and
  nothing else happens: the scheduled item plays on, no play-log entry, no silence on the air.
- Whenever the open session changes (ended, timed out, replaced) the subscription follows
  it (`reconcile`, from the link's one-second loop); after a reconnection (a clean session:
  the broker forgot it) it is made again. One lock orders subscribing and letting go.
- Frames never wait in aiomqtt's bounded incoming queue (`FrameQueue`): they are taken as
  paho hands them over, so 50 frames a second neither wait behind disk work in the message
  loop nor crowd out the signed requests and media chunks that queue is for.

Threads: the link's asyncio loop (paho's callbacks run on it too).
"""

from __future__ import annotations

import asyncio
import logging

from crs_protocol.live import session_text
from crs_protocol.mqtt import PREFIX, live_topic

from crs_receiver.broker_address import NotGranted

log = logging.getLogger(__name__)

LIVE_PREFIX = f"{PREFIX}/live/"


class LiveTopic:
    """The broker subscription of the open live session, for one connection."""

    def __init__(self, requests, subscribe, unsubscribe) -> None:
        self.requests, self._subscribe, self._unsubscribe = requests, subscribe, unsubscribe
        self.topic: str | None = None
        self._lock = asyncio.Lock()

    def _wanted(self) -> str | None:
        live = self.requests.live_now()
        session = live.session if live is not None else None
        if session is None or session.ended.is_set() or session.via != "mqtt":
            return None
        return live_topic(session_text(session.id))

    async def hear(self, session_id: bytes) -> None:
        """Subscribe to a session's frames before it opens (NotGranted: the broker refused)."""
        await self._follow(live_topic(session_text(session_id)))

    async def reconcile(self) -> None:
        """The subscription follows the open session; a refusal now ends that session."""
        try:
            await self._follow(self._wanted())
        except NotGranted as exc:  # silence on the air would be worse than no session
            live = self.requests.live_now()
            if live is not None and live.session is not None:
                live.end(live.session.id, "failed")
            log.error("live session ended: %s", exc)

    async def _follow(self, wanted: str | None) -> None:
        async with self._lock:
            if wanted == self.topic:
                return
            if self.topic is not None:
                old, self.topic = self.topic, None
                try:
                    await self._unsubscribe(old)
                except Exception as exc:  # the connection is going: it forgets the subscription anyway
                    log.debug("live topic %s not unsubscribed: %s", old, exc)
            if wanted is not None:
                await self._subscribe(wanted)
                self.topic = wanted
                log.info("live frames through the broker on %s", wanted)

    def feed(self, topic: str, payload: bytes) -> None:
        live = self.requests.live_now()
        if live is not None and topic == self.topic:
            live.datagram(bytes(payload), via="mqtt")


class FrameQueue(asyncio.Queue):
    """aiomqtt's incoming queue for one connection (its `queue_type`), bounded like any, except
    that a live frame is handed to the link's `LiveTopic` at once instead of being queued."""

    def __init__(self, link, maxsize: int = 0) -> None:
        super().__init__(maxsize)
        self.link = link

    def put_nowait(self, item) -> None:
        live = getattr(self.link, "live", None)
        topic = item.topic.value
        if live is not None and topic.startswith(LIVE_PREFIX):
            live.feed(topic, item.payload)
            return
        super().put_nowait(item)

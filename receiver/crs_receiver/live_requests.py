"""The live requests of protocol v1 (docs/protocol.md, "Live"), mixed into `Requests`
(handlers.py) so they pass its one gate: each is signed by the paired studio with a fresh
counter before it is handled.

- `GET /v1/live`: the receiver's live public key (X25519, base64url), the UDP port its
  frames go to, the open session and the refusal counts;
- `POST /v1/commands/live-start` `{"session": hex, "key": sealed, "by": name, "zones": [...],
  "silence_s": S}`: open the session (the key sealed to that public key); started through a
  broker, its frames come on the session's live topic (mqtt_live.py) and are buffered longer;
- `POST /v1/commands/live-end` `{"session": hex}`: end it (the schedule resumes).

Threads: the asyncio loop; the key file is read or made once, in the executor.
"""

from __future__ import annotations

import asyncio

from crs_protocol import ErrorCode
from crs_protocol.live import SESSION_ID_BYTES
from nacl.exceptions import CryptoError

from crs_receiver.admission import parse_json
from crs_receiver.broker_address import NotGranted
from crs_receiver.calls import Answer, refuse

# (method, path pattern, handler name, body limit): handlers.ROUTES makes them Routes
LIVE_ROUTES = (
    ("GET", r"/v1/live", "live_info", 0),
    ("POST", r"/v1/commands/live-start", "live_start", 8192),
    ("POST", r"/v1/commands/live-end", "live_end", 1024),
)


def _session_id(value) -> bytes:
    session = bytes.fromhex(value) if isinstance(value, str) else b""
    if len(session) != SESSION_ID_BYTES:
        raise ValueError("session")
    return session


class LiveRequests:
    """Handlers for `Requests`; the LiveReceiver is made at the first live request.
    `live_topic` is the broker link's live subscription while it is connected (mqtt_live.py)."""

    live_topic = None

    def live_now(self):
        """The LiveReceiver, if a live request made one (None before)."""
        return getattr(self, "_live", None)

    async def live_receiver(self):
        live = getattr(self, "_live", None)
        if live is None:
            from crs_receiver.live import LiveReceiver

            live = await asyncio.get_running_loop().run_in_executor(None, LiveReceiver, self.store, self.engine,
                                                                    self.security)
            live = self.__dict__.setdefault("_live", live)
        await live.open_socket()
        return live

    async def live_info(self, call):
        return Answer(200, (await self.live_receiver()).info())

    async def live_start(self, call):
        try:
            data = parse_json(call.body)
            session = _session_id(data["session"])
            sealed, by = str(data["key"]), str(data.get("by", ""))
            zones = [str(z) for z in data.get("zones", [])]
            silence = data.get("silence_s")
            if silence is not None and not (isinstance(silence, int | float) and 0.5 <= silence <= 600):
                raise ValueError("silence_s")
        except (ValueError, KeyError, TypeError):
            return refuse(ErrorCode.MALFORMED, "expected {\"session\": hex, \"key\": sealed key, \"by\": name, "
                                               "\"zones\": [...], \"silence_s\": seconds}")
        live = await self.live_receiver()
        via = "mqtt" if call.transport == "mqtt" else "udp"
        if via == "mqtt" and self.live_topic is not None:
            try:  # subscribed before the session opens: never on the air without its frames
                await self.live_topic.hear(session)
            except NotGranted as exc:
                return refuse(ErrorCode.NOT_GRANTED, f"{exc}: this receiver cannot hear live through this broker "
                                                     "(its account lacks the rule for crs/v1/live/+)")
        try:
            live.start(session, sealed, by, zones, silence, via)
        except (CryptoError, ValueError, TypeError):
            return refuse(ErrorCode.MALFORMED, "the session key is not sealed to this receiver's live key")
        return Answer(200, live.info())

    async def live_end(self, call):
        try:
            session = _session_id(parse_json(call.body)["session"])
        except (ValueError, KeyError, TypeError):
            return refuse(ErrorCode.MALFORMED, "expected {\"session\": hex}")
        live = await self.live_receiver()
        return Answer(200, {"ended": live.end(session)})

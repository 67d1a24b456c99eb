"""The requests of protocol v1, independent of how they arrived: over HTTP (server.py) or
as an MQTT envelope (mqtt_link.py). One gate, `Requests.authenticate`, checks every signed
request the same way whatever its transport: the paired key, the signature over method,
path, body hash, counter, time and receiver, and a fresh counter (saved before a request
that acts is acted on). A transport turns what it received into a `Call` and an `Answer`
back into its own reply; `dispatch` finds the handler from the method and path (what an
MQTT envelope carries) in the route table `ROUTES` below; the HTTP server calls the
handlers through the same routes, after the checks that need a socket (admission.py).
Pairing and status are answered here; uploads, manifests and the play log in
delivery_handlers.py; play-now, stop and volume in command_handlers.py.

Refusals are `Answer`s with the protocol's error code and status (docs/protocol.md); every
refusal a transport reports through `refused` goes to the security log and is counted in
the status (`refusals`), and none of them touches playback.

Threads: the asyncio loop; disk work (fsyncs, hashing large bodies, reading the play log)
goes to the default executor.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime

from crs_protocol import (
    MAX_MANIFEST_BYTES,
    ErrorCode,
    SignatureProblem,
    ahead_of_own_time,
    verify,
)
from crs_protocol.signing import b64

from crs_receiver import __version__, relay_av
from crs_receiver.admission import SMALL_BODY, Refused, precheck
from crs_receiver.calls import Answer, Call, Route, refuse
from crs_receiver.command_handlers import CommandHandlers
from crs_receiver.delivery_handlers import DeliveryHandlers
from crs_receiver.live import live_private_key
from crs_receiver.live_requests import LIVE_ROUTES, LiveRequests
from crs_receiver.pair_body import PairBody
from crs_receiver.pairing import Pairing
from crs_receiver.player import Engine
from crs_receiver.security_log import SecurityLog, clean
from crs_receiver.store import ReceiverStore, StoreError
from crs_receiver.volume import ceiling

__all__ = ["MAX_CHUNK", "PAIR_BODY", "ROUTES", "Answer", "Call", "Requests", "Route", "refuse"]

log = logging.getLogger(__name__)

MAX_CHUNK, PAIR_BODY = 16 << 20, 4096


# Every request a receiver answers: method, path, the `Requests` method that answers it (here,
# in delivery_handlers.py or command_handlers.py), the largest body, signed or not.
ROUTES = (
    Route("GET", re.compile(r"/v1/pair"), "pair_info", 0, signed=False),
    Route("POST", re.compile(r"/v1/pair"), "pair", PAIR_BODY, signed=False),
    Route("GET", re.compile(r"/v1/status"), "status", 0),
    Route("HEAD", re.compile(r"/v1/media/(?P<sha>[^/]+)"), "media_head", 0),
    Route("PATCH", re.compile(r"/v1/media/(?P<sha>[^/]+)"), "media_patch", MAX_CHUNK),
    Route("PUT", re.compile(r"/v1/manifest"), "put_manifest", MAX_MANIFEST_BYTES),
    Route("GET", re.compile(r"/v1/playlog"), "playlog", 0),
    Route("POST", re.compile(r"/v1/playlog/ack"), "playlog_ack", 1024),
    Route("POST", re.compile(r"/v1/commands/play-now"), "play_now", 65536),
    Route("POST", re.compile(r"/v1/commands/stop"), "stop", 1024),
    Route("PUT", re.compile(r"/v1/volume"), "volume", 1024),
    *(Route(method, re.compile(path), name, limit) for method, path, name, limit in LIVE_ROUTES),
)


def _logged(future: asyncio.Future) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.error("the counters could not be saved: %s", future.exception())


def _ahead(signed) -> Answer | None:
    """At pairing (no counter floor yet to bound a jump): the refusal of a counter further
    after the time signed with it than a studio's counters can be, else None. Once paired,
    a jump is bounded by the highest counter seen (crs_protocol.refusal)."""
    when = signed.studio_time
    if when is None or when.tzinfo is None or not ahead_of_own_time(signed.counter, int(when.timestamp() * 1e6)):
        return None
    return refuse(ErrorCode.COUNTER_AHEAD, "the pairing counter is more than a day after the time signed with "
                                           "it: check the studio's clock and its saved counter")


class Requests(DeliveryHandlers, CommandHandlers, LiveRequests):
    """The v1 handlers of one receiver, shared by its transports (live: live_requests.py)."""

    def __init__(self, store: ReceiverStore, engine: Engine, security: SecurityLog | None = None) -> None:
        self.store, self.engine = store, engine
        self.security = security or SecurityLog()
        self.pairing = Pairing() if store.trusted_key() is None else None
        self.clock_offset_s: float | None = None
        self.refusals = {"count": 0, "last": None}
        self.changed: list[Callable[[str], None]] = []  # told after a request changed something
        self._counters_queued = False
        self.v1_signed = 0  # requests accepted with a version 1 signature since start

    # -- the one gate -----------------------------------------------------------------------------
    async def authenticate(self, call: Call) -> Answer | None:
        """None if `call` is signed by the paired studio with a fresh counter (then taken);
        else the refusal."""
        trusted = self.store.trusted_key()
        if trusted is None:
            return refuse(ErrorCode.NOT_PAIRED, "this receiver is not paired with a studio")
        try:
            check = functools.partial(verify, call.headers, call.method, call.path, call.body, self.store.receiver_id)
            # hashing 16 MiB takes the loop for tens of ms: a large body is checked off it
            request_signed = check() if len(call.body) <= SMALL_BODY else \
                await asyncio.get_running_loop().run_in_executor(None, check)
        except SignatureProblem as exc:
            return refuse(exc.code, str(exc))
        if request_signed.key != trusted:
            return refuse(ErrorCode.UNKNOWN_KEY, "this receiver trusts another studio")
        if request_signed.version == 1:  # accepted during the transition to version 2 (docs/protocol.md)
            if not self.v1_signed:
                log.warning("the studio signs version 1: headers such as Upload-Length are not covered; "
                            "update the studio")
            self.v1_signed += 1
        studio_time = request_signed.studio_time
        if not await self._take_counter(call.method, request_signed.key, request_signed.counter):
            why = self.store.counter_refusal(request_signed.key, request_signed.counter)
            return refuse(*(why or (ErrorCode.REPLAY, "this request (counter) was already seen")))
        if studio_time is not None and studio_time.tzinfo is not None:
            self.clock_offset_s = round((datetime.now(UTC) - studio_time).total_seconds(), 3)
        return None

    async def _take_counter(self, method: str, key: str, counter: int) -> bool:
        """The counter, saved (off the loop: it fsyncs) before a request that acts is acted on.
        A request that only reads (GET, HEAD) is answered at once and its counter saved just
        after: replayed after a power cut, it would only repeat an answer already sent."""
        loop = asyncio.get_running_loop()
        if method not in ("GET", "HEAD"):
            return await loop.run_in_executor(None, self.store.accept_counter, key, counter)
        if not self.store.accept_counter(key, counter, durable=False):
            return False
        if not self._counters_queued:
            self._counters_queued = True
            loop.run_in_executor(None, self._save_counters).add_done_callback(_logged)
        return True

    def _save_counters(self) -> None:
        self._counters_queued = False
        self.store.save_counters()

    async def run(self, route: Route, call: Call) -> Answer:
        """The route's handler behind the gate (a signed route); StoreError and Refused become
        refusals."""
        try:
            if route.signed:
                refusal = await self.authenticate(call)
                if refusal is not None:
                    return refusal
            answer = await getattr(self, route.name)(call)
        except StoreError as exc:
            return refuse(exc.code, str(exc), exc.status)
        except Refused as exc:
            return refuse(exc.code, str(exc))
        if answer.ok and call.method not in ("GET", "HEAD"):
            for tell in self.changed:
                tell(route.name)
        return answer

    async def dispatch(self, call: Call) -> Answer:
        """For a transport without its own router (MQTT): the route from method and path, the
        body's limit, the checks that need no body (precheck), then `run`."""
        route = next((r for r in ROUTES if r.method == call.method.upper() and r.pattern.fullmatch(call.route)), None)
        if route is None:
            return refuse(ErrorCode.HTTP, f"no such request: {clean(call.method, 10)} {clean(call.route)}", 404)
        call.params = route.pattern.fullmatch(call.route).groupdict()
        if len(call.body) > route.limit:
            return refuse(ErrorCode.TOO_LARGE, f"bodies here are at most {route.limit} bytes")
        try:
            if "sha" in call.params:
                self.store.media_path(call.params["sha"])
            if route.signed:
                precheck(call, self.store)
        except StoreError as exc:
            return refuse(exc.code, str(exc), exc.status)
        except Refused as exc:
            return refuse(exc.code, str(exc))
        return await self.run(route, call)

    def refused(self, source: str, method: str, path: str, answer: Answer, transport: str = "http") -> None:
        """A refusal, into the security log and the status's `refusals`."""
        self.security.event(source, "refused %s%s %s: %d %s", "" if transport == "http" else f"{transport} ",
                            clean(method, 10), clean(path), answer.status, answer.code)
        self.refusals = {"count": self.refusals["count"] + 1,
                         "last": {"code": str(answer.code), "status": answer.status, "transport": transport,
                                  "request": f"{clean(method, 10)} {clean(path, 80)}",
                                  "at": datetime.now(UTC).isoformat(timespec="seconds")}}

    # -- handlers ---------------------------------------------------------------------------------
    async def pair_info(self, call: Call) -> Answer:
        """Unsigned: who this receiver is, so a studio can sign its pairing request for it."""
        return Answer(200, {"receiver_id": self.store.receiver_id, "name": self.store.name, "protocol": "v1",
                            "signing": [1, 2], "paired": self.store.trusted_key() is not None})

    async def pair(self, call: Call) -> Answer:
        """Unsigned by a paired key (there is none yet), but signed: the key that signs it is
        the one trusted from then on. Over MQTT the body proves the code without carrying it,
        and the broker secret is derived from it (pair_body.py)."""
        if self.store.trusted_key() is not None or self.pairing is None:
            return refuse(ErrorCode.ALREADY_PAIRED, "re-pairing needs local action on the receiver (reset-pairing)")
        try:
            body = PairBody.read(call, self.store.receiver_id)
        except SignatureProblem as exc:
            return refuse(exc.code, str(exc))
        except (ValueError, KeyError, TypeError, RecursionError):
            return refuse(ErrorCode.MALFORMED, "expected {\"code\": ..., \"studio\": ...}")
        source = body.source(call)
        refusal, wait_s = self.pairing.check(body.matches, source)
        if refusal is not None:
            if wait_s:
                self.security.event(source, "pairing: this source may guess again in %.0f s", wait_s)
            answer = refuse(refusal, "pairing refused", retry_after_s=round(wait_s))
            if wait_s:
                answer.headers["Retry-After"] = str(round(wait_s))
            return answer
        ahead = _ahead(body.signed)
        if ahead is not None:
            return ahead
        self.pairing = None  # claimed before any await: a second right guess meanwhile finds it gone
        if (secret := body.broker_secret()) is not None:  # and the key that seals what it publishes
            await asyncio.get_running_loop().run_in_executor(None, lambda: self.store.set_broker_secret(
                secret, mac=body.mac_key()))
        self.store.pair(body.signed.key, body.name)
        self.store.accept_counter(body.signed.key, body.signed.counter)
        log.warning("paired with studio %s", clean(body.name))
        self.security.event(source, "paired with studio %s", clean(body.name))
        answer = {"receiver_id": self.store.receiver_id, "name": self.store.name, "paired": True,
                  "live_key": b64(bytes(live_private_key(self.store.root).public_key))}
        if (proof := body.answer_proof(self.store.name)) is not None:
            answer["proof"] = proof
        return Answer(200, answer)

    async def status_body(self) -> dict:
        manifest = self.store.manifest() or {}
        loop = asyncio.get_running_loop()
        used, free = await loop.run_in_executor(None, lambda: (self.store.used_bytes(), self.store.free_bytes()))
        return {
            "receiver_id": self.store.receiver_id, "name": self.store.name, "protocol": "v1", "version": __version__,
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "clock_offset_s": self.clock_offset_s, "manifest_version": manifest.get("version"),
            "used_bytes": used, "free_bytes": free, "quota_bytes": self.store.quota, "volume": self.engine.volume(),
            "max_volume": ceiling(self.engine.manifest), "now_playing": self.engine.status(),
            "last_error": self.engine.last_error, "last_error_code": self.engine.last_error_code,
            "rejected_items": self.engine.rejected(),
            "playlog_seq": self.store._seq, "refusals": dict(self.refusals),
            "identity_moved": self.store.identity_moved, "v1_signed": self.v1_signed,
            "relays": relay_av.formats(),
        }

    async def status(self, call: Call) -> Answer:
        return Answer(200, await self.status_body())


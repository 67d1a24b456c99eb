"""The requests of protocol v1, independent of how they arrived: over HTTP (server.py) or
as an MQTT envelope (mqtt_link.py). One gate, `Requests.authenticate`, checks every signed
request the same way whatever its transport: the paired key, the signature over method,
path, body hash, counter, time and receiver, and a fresh counter (saved before a request
that acts is acted on). A transport turns what it received into a `Call` and an `Answer`
back into its own reply; `dispatch` finds the handler from the method and path (what an
MQTT envelope carries); the HTTP server calls the handlers through its routes, after the
checks that need a socket (admission.py).

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
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qs

from crs_protocol import (
    MAX_MANIFEST_BYTES,
    ErrorCode,
    ManifestProblem,
    SignatureProblem,
    check_manifest,
    manifest_media,
    status_of,
    verify,
)

from crs_receiver import __version__
from crs_receiver.admission import SMALL_BODY, Refused, parse_json, precheck
from crs_receiver.pair_body import PairBody
from crs_receiver.pairing import Pairing
from crs_receiver.player import Engine
from crs_receiver.security_log import SecurityLog, clean
from crs_receiver.store import ReceiverStore, StoreError
from crs_receiver.volume import ceiling

log = logging.getLogger(__name__)

MAX_CHUNK = 16 << 20
PAIR_BODY = 4096


@dataclass
class Call:
    """One request as any transport delivers it. `path` has its query, exactly as signed;
    `headers` is case-insensitive (aiohttp's CIMultiDict, or one made from an envelope)."""

    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes
    source: str
    transport: str = "http"
    params: dict[str, str] = field(default_factory=dict)

    @property
    def route(self) -> str:
        return self.path.partition("?")[0]

    @property
    def query(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.path.partition("?")[2], keep_blank_values=True).items()}


@dataclass
class Answer:
    """A reply: status, JSON body (None: no body), headers; `code` names a refusal."""

    status: int
    body: dict | None = None
    headers: dict[str, str] = field(default_factory=dict)
    code: str = ""

    @property
    def ok(self) -> bool:
        return self.status < 400


def refuse(code: ErrorCode, message: str, status: int | None = None, **extra) -> Answer:
    """A refusal: `{"error": code, "message": message, ...extra}` with the code's usual status."""
    return Answer(status if status is not None else status_of(code), {"error": code, "message": message, **extra},
                  code=code)


Handler = Callable[["Requests", Call], Awaitable[Answer]]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern
    name: str
    limit: int
    signed: bool = True


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
)


def _logged(future: asyncio.Future) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.error("the counters could not be saved: %s", future.exception())


class Requests:
    """The v1 handlers of one receiver, shared by its transports."""

    def __init__(self, store: ReceiverStore, engine: Engine, security: SecurityLog | None = None) -> None:
        self.store, self.engine = store, engine
        self.security = security or SecurityLog()
        self.pairing = Pairing() if store.trusted_key() is None else None
        self.clock_offset_s: float | None = None
        self.refusals = {"count": 0, "last": None}
        self.changed: list[Callable[[str], None]] = []  # told after a request changed something
        self._counters_queued = False

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
        if not await self._take_counter(call.method, request_signed.key, request_signed.counter):
            return refuse(ErrorCode.REPLAY, "this request (counter) was already seen")
        studio_time = request_signed.studio_time
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
                            "paired": self.store.trusted_key() is not None})

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
        if (secret := body.broker_secret()) is not None:  # and the key that seals what it publishes
            await asyncio.get_running_loop().run_in_executor(None, lambda: self.store.set_broker_secret(
                secret, mac=body.mac_key()))
        self.store.pair(body.signed.key, body.name)
        self.store.accept_counter(body.signed.key, body.signed.counter)
        self.pairing = None
        log.warning("paired with studio %s", clean(body.name))
        self.security.event(source, "paired with studio %s", clean(body.name))
        answer = {"receiver_id": self.store.receiver_id, "name": self.store.name, "paired": True}
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
        }

    async def status(self, call: Call) -> Answer:
        return Answer(200, await self.status_body())

    async def media_head(self, call: Call) -> Answer:
        held, length, complete = self.store.upload_state(call.params["sha"])
        headers = {"Tus-Resumable": "1.0.0", "Upload-Offset": str(held), "X-CRS-Complete": "1" if complete else "0",
                   "Cache-Control": "no-store"}
        if length is not None:
            headers["Upload-Length"] = str(length)
        return Answer(200, None, headers)

    async def media_patch(self, call: Call) -> Answer:
        sha = call.params["sha"]
        if call.headers.get("Content-Type") != "application/offset+octet-stream":
            return refuse(ErrorCode.CONTENT_TYPE, "PATCH bodies are application/offset+octet-stream")
        try:
            offset = int(call.headers["Upload-Offset"])
            declared = int(call.headers["Upload-Length"]) if "Upload-Length" in call.headers else None
            if offset < 0 or (declared is not None and declared <= 0):
                raise ValueError
        except (KeyError, ValueError):
            return refuse(ErrorCode.BAD_OFFSET, "Upload-Offset (and Upload-Length) must be non-negative integers")
        loop = asyncio.get_running_loop()
        new_offset, complete = await loop.run_in_executor(None, self.store.append, sha, offset, declared, call.body)
        return Answer(204, None, {"Tus-Resumable": "1.0.0", "Upload-Offset": str(new_offset),
                                  "X-CRS-Complete": "1" if complete else "0"})

    def manifest_problem(self, body: bytes) -> tuple[dict | None, Answer | None]:
        """The manifest in `body` if this receiver could install it now, else the refusal
        (missing media: `missing` lists them). No counter is taken here."""
        try:
            manifest = check_manifest(parse_json(body))
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            return None, refuse(ErrorCode.MALFORMED, f"not valid JSON: {exc}")
        except ManifestProblem as exc:
            return None, refuse(ErrorCode.INVALID_MANIFEST, str(exc))
        if manifest["receiver_id"] != self.store.receiver_id:
            return None, refuse(ErrorCode.WRONG_RECEIVER, "this manifest is for another receiver", 422)
        current = self.store.manifest()
        if current is not None and manifest["version"] <= current["version"]:
            return manifest, refuse(ErrorCode.STALE_MANIFEST, f"version {manifest['version']} is not newer than "
                                                             f"{current['version']}")
        missing = sorted(sha for sha in manifest_media(manifest) if not self.store.has_media(sha))
        if missing:
            return manifest, refuse(ErrorCode.MISSING_MEDIA, "upload these first", missing=missing)
        return manifest, None

    async def put_manifest(self, call: Call) -> Answer:
        manifest, problem = self.manifest_problem(call.body)
        if problem is not None:
            return problem
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self.store.install_manifest, manifest)
        self.engine.set_manifest(manifest)
        log.info("manifest version %d installed (%d items)", manifest["version"], len(manifest["items"]))
        return Answer(200, {"manifest_version": manifest["version"]})

    async def playlog(self, call: Call) -> Answer:
        try:
            after = int(call.query.get("after", "0"))
        except ValueError:
            return refuse(ErrorCode.BAD_AFTER, "after must be an integer")
        entries = await asyncio.get_running_loop().run_in_executor(None, self.store.playlog, after)
        return Answer(200, {"entries": entries})

    async def playlog_ack(self, call: Call) -> Answer:
        """The studio has stored every entry up to `seq`: over MQTT the receiver sends the
        play log from there on (HTTP studios pull with `after` and need not ack)."""
        try:
            seq = parse_json(call.body)["seq"]
            if not (isinstance(seq, int) and not isinstance(seq, bool) and seq >= 0):
                raise ValueError
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            return refuse(ErrorCode.MALFORMED, "expected {\"seq\": N}")
        await asyncio.get_running_loop().run_in_executor(None, self.store.set_playlog_acked, seq)
        return Answer(200, {"seq": self.store.playlog_acked()})

    async def play_now(self, call: Call) -> Answer:
        try:
            data = parse_json(call.body)
            media = [str(m) for m in data["media"]]
            volume = data.get("volume")
            if volume is not None and not (isinstance(volume, int) and 0 <= volume <= 100):
                raise ValueError
            item_id = data.get("id")
            if item_id is not None and not (isinstance(item_id, str) and 0 < len(item_id) <= 64
                                            and item_id.isascii() and item_id.isprintable()):
                raise ValueError
            valid_until = data.get("valid_until")
            until = datetime.fromisoformat(valid_until) if valid_until is not None else None
            if until is not None and until.tzinfo is None:
                raise ValueError
            for sha in media:
                self.store.media_path(sha)
        except (ValueError, KeyError, TypeError):
            return refuse(ErrorCode.MALFORMED, "expected {\"media\": [sha256...], \"volume\": 0-100, "
                                               "\"id\": text, \"valid_until\": ISO 8601 with offset}")
        if until is not None and datetime.now(UTC) >= until:
            log.warning("play-now %s refused: valid until %s, now past", item_id, valid_until)
            return refuse(ErrorCode.EXPIRED, f"valid until {valid_until}, which has passed")
        missing = [sha for sha in media if not self.store.has_media(sha)]
        if missing:
            return refuse(ErrorCode.MISSING_MEDIA, "upload these first", missing=missing)
        item_id = item_id or f"now-{int(time.time() * 1000)}-{secrets.token_hex(3)}"
        started = self.engine.play_now(media, volume, item_id, valid_until)
        if started:
            log.warning("play-now %s: playing at once", item_id)
        return Answer(200, {"item": item_id, "already": not started})

    async def stop(self, call: Call) -> Answer:
        self.engine.stop_playing()
        return Answer(200, {"stopped": True})

    async def volume(self, call: Call) -> Answer:
        try:
            volume = parse_json(call.body)["volume"]
            if not (isinstance(volume, int) and 0 <= volume <= 100):
                raise ValueError
        except (ValueError, KeyError, TypeError):
            return refuse(ErrorCode.MALFORMED, "expected {\"volume\": 0-100}")
        self.store.set_volume(volume)
        return Answer(200, {"volume": volume})

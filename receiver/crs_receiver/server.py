"""The reference receiver's HTTP side (aiohttp): protocol v1 (docs/protocol.md).

Every request but pairing must be signed by the paired studio's key with a fresh counter:
one decorator, `signed`, checks that before a handler runs and hands it the body. What can be
checked before the body is read is checked first (admission.py), and bodies are read within
limits; connections are bounded per source and in all, and timed out (connections.py).
Refusals are JSON `{"error": code, "message": ...}` with the documented status, written to
the security log (security_log.py), and never touch playback. Limits: docs/protocol.md,
section 8.

Threads: the asyncio loop serves requests; disk work for uploads runs in the default
executor; the playback engine has its own threads.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from aiohttp import web
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
from crs_receiver.admission import (
    SLOT_WAIT_S,
    SMALL_BODY,
    STALL_S,
    Bodies,
    Refused,
    check_framing,
    parse_json,
    precheck,
)
from crs_receiver.connections import Connections, Guarded, source_of
from crs_receiver.listening import listen, timeouts_from_env
from crs_receiver.pairing import Pairing
from crs_receiver.player import Engine
from crs_receiver.security_log import SecurityLog, clean, forward
from crs_receiver.store import ReceiverStore, StoreError
from crs_receiver.volume import ceiling

log = logging.getLogger(__name__)

MAX_CHUNK = 16 << 20
PAIR_BODY = 4096
UNREAD_BODY = 4096  # a refused request with more body than this is closed, not drained


class Problem(web.Response):
    """A refusal; `code` is for the security log."""

    def __init__(self, code: ErrorCode, body: dict, status: int) -> None:
        super().__init__(text=json.dumps(body), status=status, content_type="application/json")
        self.code = code


def problem(code: ErrorCode, message: str, status: int | None = None, **extra) -> web.Response:
    """A refusal: `{"error": code, "message": message, ...extra}` with the code's usual status."""
    return Problem(code, {"error": code, "message": message, **extra},
                   status if status is not None else status_of(code))


SignedHandler = Callable[["ReceiverApp", web.Request, bytes], Awaitable[web.Response]]


def signed(limit: int = 0) -> Callable[[SignedHandler], Callable[[ReceiverApp, web.Request],
                                                                  Awaitable[web.Response]]]:
    """The handler runs only for a request signed by the paired studio with a fresh counter,
    and gets its body (at most `limit` bytes) as a third argument. In order: a media name in
    the path is checked; the framing (no compression, a declared length, at most `limit`:
    413); before any body is read, that the receiver is paired (403) and the headers could
    be the paired studio's (401 unsigned, wrong-receiver, unknown-key; 409 replay); then
    the body is read (admission.py) and the signature must verify (401), the key be the
    paired one (401), the counter fresh (409; saved before the handler runs). The studio's
    clock is only noted, to report the offset."""
    def decorate(handler: SignedHandler):
        @functools.wraps(handler)
        async def checked(self: ReceiverApp, request: web.Request) -> web.Response:
            sha = request.match_info.get("sha")
            if sha is not None:
                self.store.media_path(sha)  # StoreError bad-name, answered by the middleware
            check_framing(request, limit)
            precheck(request, self.store)
            source = source_of(request.transport.get_extra_info("peername") if request.transport else None)
            studio = self.connections is not None and source == self.connections.studio
            body = await self.bodies.read(request, limit, studio)
            trusted = self.store.trusted_key()
            if trusted is None:
                return problem(ErrorCode.NOT_PAIRED, "this receiver is not paired with a studio")
            try:
                check = functools.partial(verify, request.headers, request.method, request.path_qs, body,
                                          self.store.receiver_id)
                # hashing 16 MiB takes the loop for tens of ms: a large body is checked off it
                request_signed = check() if len(body) <= SMALL_BODY else \
                    await asyncio.get_running_loop().run_in_executor(None, check)
            except SignatureProblem as exc:
                return problem(exc.code, str(exc))
            if request_signed.key != trusted:
                return problem(ErrorCode.UNKNOWN_KEY, "this receiver trusts another studio")
            if not await self._take_counter(request, request_signed.key, request_signed.counter):
                return problem(ErrorCode.REPLAY, "this request (counter) was already seen")
            if self.connections is not None:
                self.connections.studio = source
            studio_time = request_signed.studio_time
            if studio_time is not None and studio_time.tzinfo is not None:
                self.clock_offset_s = round((datetime.now(UTC) - studio_time).total_seconds(), 3)
            return await handler(self, request, body)
        return checked
    return decorate


def _logged(future: asyncio.Future) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.error("the counters could not be saved: %s", future.exception())


class ReceiverApp:
    def __init__(self, store: ReceiverStore, engine: Engine) -> None:
        self.store, self.engine = store, engine
        self.pairing = Pairing() if store.trusted_key() is None else None
        self.clock_offset_s: float | None = None
        self.security = SecurityLog()
        self.bodies = Bodies()
        self.connections: Connections | None = None  # set by `serve`; absent under a test server
        self._counters_queued = False
        self.app = web.Application(client_max_size=MAX_CHUNK + 1024, middlewares=[self._errors])
        r = self.app.router
        r.add_get("/v1/pair", self.pair_info)
        r.add_post("/v1/pair", self.pair)
        r.add_get("/v1/status", self.status)
        r.add_route("HEAD", "/v1/media/{sha}", self.media_head)
        r.add_patch("/v1/media/{sha}", self.media_patch)
        r.add_put("/v1/manifest", self.put_manifest)
        r.add_get("/v1/playlog", self.playlog)
        r.add_post("/v1/commands/play-now", self.play_now)
        r.add_post("/v1/commands/stop", self.stop)
        r.add_put("/v1/volume", self.volume)

    async def _take_counter(self, request: web.Request, key: str, counter: int) -> bool:
        """The counter, saved (off the loop: it fsyncs) before a request that acts is acted on.
        A request that only reads (GET, HEAD) is answered at once and its counter saved just
        after: replayed after a power cut, it would only repeat an answer already sent."""
        loop = asyncio.get_running_loop()
        if request.method not in ("GET", "HEAD"):
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

    @web.middleware
    async def _errors(self, request: web.Request, handler):
        guard = request.transport.get_protocol() if request.transport is not None else None
        guard = guard if isinstance(guard, Guarded) else None
        if guard is not None:
            guard.request_started()
        try:
            response = await self._answer(request, handler)
        finally:
            if guard is not None:
                guard.request_finished()
        if response.status >= 400:
            source = source_of(request.transport.get_extra_info("peername") if request.transport else None)
            self.security.event(source, "refused %s %s: %d %s", clean(request.method, 10), clean(request.path),
                                response.status, getattr(response, "code", ""))
            if (request.content_length or 0) > UNREAD_BODY and not request.content.is_eof():
                response.force_close()  # its body is dropped for at most LINGER_S, never read
        return response

    async def _answer(self, request: web.Request, handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except web.HTTPException as exc:
            if exc.status >= 400:
                return problem(ErrorCode.HTTP, exc.reason, exc.status)
            raise
        except StoreError as exc:
            return problem(exc.code, str(exc), exc.status)
        except Refused as exc:
            return problem(exc.code, str(exc))

    # -- handlers ---------------------------------------------------------------------------------
    async def pair_info(self, request: web.Request) -> web.Response:
        """Unsigned: who this receiver is, so a studio can sign its pairing request for it."""
        return web.json_response({"receiver_id": self.store.receiver_id, "name": self.store.name, "protocol": "v1",
                                  "paired": self.store.trusted_key() is not None})

    async def pair(self, request: web.Request) -> web.Response:
        if self.store.trusted_key() is not None:
            return problem(ErrorCode.ALREADY_PAIRED, "re-pairing needs local action on the receiver (reset-pairing)")
        check_framing(request, PAIR_BODY)
        body = await self.bodies.read(request, PAIR_BODY)
        try:
            data = parse_json(body)
            code, name = str(data["code"]), str(data.get("studio", ""))[:100]
            pairing_signed = verify(request.headers, request.method, request.path_qs, body, self.store.receiver_id)
        except SignatureProblem as exc:
            return problem(exc.code, str(exc))
        except (ValueError, KeyError, TypeError):
            return problem(ErrorCode.MALFORMED, "expected {\"code\": ..., \"studio\": ...}")
        source = source_of(request.transport.get_extra_info("peername") if request.transport else None)
        refusal, wait_s = self.pairing.check(code, source)
        if refusal is not None:
            if wait_s:
                self.security.event(source, "pairing: this source may guess again in %.0f s", wait_s)
            response = problem(refusal, "pairing refused", retry_after_s=round(wait_s))
            if wait_s:
                response.headers["Retry-After"] = str(round(wait_s))
            return response
        self.store.pair(pairing_signed.key, name)
        self.store.accept_counter(pairing_signed.key, pairing_signed.counter)
        self.pairing = None
        if self.connections is not None:
            self.connections.studio = source
        log.warning("paired with studio %s", clean(name))
        self.security.event(source, "paired with studio %s", clean(name))
        return web.json_response({"receiver_id": self.store.receiver_id, "name": self.store.name, "paired": True})

    @signed()
    async def status(self, request: web.Request, body: bytes) -> web.Response:
        manifest = self.store.manifest() or {}
        loop = asyncio.get_running_loop()
        used, free = await loop.run_in_executor(None, lambda: (self.store.used_bytes(), self.store.free_bytes()))
        return web.json_response({
            "receiver_id": self.store.receiver_id, "name": self.store.name, "protocol": "v1", "version": __version__,
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "clock_offset_s": self.clock_offset_s, "manifest_version": manifest.get("version"),
            "used_bytes": used, "free_bytes": free, "quota_bytes": self.store.quota, "volume": self.engine.volume(),
            "max_volume": ceiling(self.engine.manifest), "now_playing": self.engine.status(),
            "last_error": self.engine.last_error, "last_error_code": self.engine.last_error_code,
            "rejected_items": self.engine.rejected(),
            "playlog_seq": self.store._seq,
        })

    @signed()
    async def media_head(self, request: web.Request, body: bytes) -> web.Response:
        held, length, complete = self.store.upload_state(request.match_info["sha"])
        headers = {"Tus-Resumable": "1.0.0", "Upload-Offset": str(held), "X-CRS-Complete": "1" if complete else "0",
                   "Cache-Control": "no-store"}
        if length is not None:
            headers["Upload-Length"] = str(length)
        return web.Response(status=200, headers=headers)

    @signed(MAX_CHUNK)
    async def media_patch(self, request: web.Request, body: bytes) -> web.Response:
        sha = request.match_info["sha"]
        if request.headers.get("Content-Type") != "application/offset+octet-stream":
            return problem(ErrorCode.CONTENT_TYPE, "PATCH bodies are application/offset+octet-stream")
        try:
            offset = int(request.headers["Upload-Offset"])
            declared = int(request.headers["Upload-Length"]) if "Upload-Length" in request.headers else None
            if offset < 0 or (declared is not None and declared <= 0):
                raise ValueError
        except (KeyError, ValueError):
            return problem(ErrorCode.BAD_OFFSET, "Upload-Offset (and Upload-Length) must be non-negative integers")
        loop = asyncio.get_running_loop()
        new_offset, complete = await loop.run_in_executor(None, self.store.append, sha, offset, declared, body)
        return web.Response(status=204, headers={"Tus-Resumable": "1.0.0", "Upload-Offset": str(new_offset),
                                                 "X-CRS-Complete": "1" if complete else "0"})

    @signed(MAX_MANIFEST_BYTES)
    async def put_manifest(self, request: web.Request, body: bytes) -> web.Response:
        try:
            manifest = check_manifest(parse_json(body))
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            return problem(ErrorCode.MALFORMED, f"not valid JSON: {exc}")
        except ManifestProblem as exc:
            return problem(ErrorCode.INVALID_MANIFEST, str(exc))
        if manifest["receiver_id"] != self.store.receiver_id:
            return problem(ErrorCode.WRONG_RECEIVER, "this manifest is for another receiver", 422)
        current = self.store.manifest()
        if current is not None and manifest["version"] <= current["version"]:
            return problem(ErrorCode.STALE_MANIFEST, f"version {manifest['version']} is not newer than "
                                                  f"{current['version']}")
        missing = sorted(sha for sha in manifest_media(manifest) if not self.store.has_media(sha))
        if missing:
            return problem(ErrorCode.MISSING_MEDIA, "upload these first", missing=missing)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self.store.install_manifest, manifest)
        self.engine.set_manifest(manifest)
        log.info("manifest version %d installed (%d items)", manifest["version"], len(manifest["items"]))
        return web.json_response({"manifest_version": manifest["version"]})

    @signed()
    async def playlog(self, request: web.Request, body: bytes) -> web.Response:
        try:
            after = int(request.query.get("after", "0"))
        except ValueError:
            return problem(ErrorCode.BAD_AFTER, "after must be an integer")
        entries = await asyncio.get_running_loop().run_in_executor(None, self.store.playlog, after)
        return web.json_response({"entries": entries})

    @signed(65536)
    async def play_now(self, request: web.Request, body: bytes) -> web.Response:
        try:
            data = parse_json(body)
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
            return problem(ErrorCode.MALFORMED, "expected {\"media\": [sha256...], \"volume\": 0-100, "
                                                "\"id\": text, \"valid_until\": ISO 8601 with offset}")
        if until is not None and datetime.now(UTC) >= until:
            log.warning("play-now %s refused: valid until %s, now past", item_id, valid_until)
            return problem(ErrorCode.EXPIRED, f"valid until {valid_until}, which has passed")
        missing = [sha for sha in media if not self.store.has_media(sha)]
        if missing:
            return problem(ErrorCode.MISSING_MEDIA, "upload these first", missing=missing)
        item_id = item_id or f"now-{int(time.time() * 1000)}-{secrets.token_hex(3)}"
        started = self.engine.play_now(media, volume, item_id, valid_until)
        if started:
            log.warning("play-now %s: playing at once", item_id)
        return web.json_response({"item": item_id, "already": not started})

    @signed(1024)
    async def stop(self, request: web.Request, body: bytes) -> web.Response:
        self.engine.stop_playing()
        return web.json_response({"stopped": True})

    @signed(1024)
    async def volume(self, request: web.Request, body: bytes) -> web.Response:
        try:
            volume = parse_json(body)["volume"]
            if not (isinstance(volume, int) and 0 <= volume <= 100):
                raise ValueError
        except (ValueError, KeyError, TypeError):
            return problem(ErrorCode.MALFORMED, "expected {\"volume\": 0-100}")
        self.store.set_volume(volume)
        return web.json_response({"volume": volume})


def serve(data_dir: Path, host: str = "0.0.0.0", port: int = 8765, output_device: str | int | None = None,
          quota_bytes: int = 2 << 30) -> None:
    """Run the receiver until SIGINT/SIGTERM."""
    store = ReceiverStore(data_dir, quota_bytes)
    engine = Engine(store, output_device)
    receiver = ReceiverApp(store, engine)
    timeouts = timeouts_from_env()
    receiver.bodies = Bodies(slot_wait_s=timeouts.get("slot", SLOT_WAIT_S), stall_s=timeouts.get("stall", STALL_S))
    forward("aiohttp.server", receiver.security)
    engine.start()
    log.info("receiver %s (%s) on %s:%d, manifest %s", store.receiver_id, store.name, host, port,
             (store.manifest() or {}).get("version"))
    try:
        asyncio.run(listen(receiver, host, port, timeouts))
    except KeyboardInterrupt:
        pass
    finally:
        engine.shutdown()



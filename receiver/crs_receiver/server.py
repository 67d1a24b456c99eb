"""The reference receiver's HTTP side (aiohttp): protocol v1 (docs/protocol.md).

Every request but pairing must be signed by the paired studio's key with a fresh counter:
one decorator, `signed`, checks that before a handler runs and hands it the body. Refusals
are JSON `{"error": code, "message": ...}` with the documented status, logged, and never
touch playback. Limits: bodies (a manifest 2 MB, an upload chunk 16 MB),
header lines, JSON depth; idle connections are closed by aiohttp's timeouts.

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
from crs_receiver.player import Engine
from crs_receiver.store import ReceiverStore, StoreError
from crs_receiver.volume import ceiling

log = logging.getLogger(__name__)

MAX_CHUNK = 16 << 20
MAX_JSON_DEPTH = 20
PAIR_CODE_TTL_S = 600
PAIR_ATTEMPTS = 5
PAIR_LOCKOUT_S = 60


def problem(code: ErrorCode, message: str, status: int | None = None, **extra) -> web.Response:
    """A refusal: `{"error": code, "message": message, ...extra}` with the code's usual status."""
    return web.json_response({"error": code, "message": message, **extra},
                             status=status if status is not None else status_of(code))


def _depth(value, limit: int) -> int:
    stack, deepest = [(value, 1)], 1
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return deepest


def parse_json(body: bytes):
    if body.count(b"[") + body.count(b"{") > 200_000:
        raise ValueError("too many nested values")
    text = body.decode("utf-8")
    # json.loads recurses: refuse absurd nesting before parsing it
    depth = 0
    for char in text:
        if char in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise ValueError("nested too deeply")
        elif char in "]}":
            depth -= 1
    value = json.loads(text)
    if _depth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise ValueError("nested too deeply")
    return value


async def read_body(request: web.Request, limit: int) -> bytes | None:
    """The whole body, or None as soon as it passes `limit` (the rest is never buffered)."""
    parts, total = [], 0
    while True:
        chunk = await request.content.read(1 << 16)
        if not chunk:
            return b"".join(parts)
        total += len(chunk)
        if total > limit:
            return None
        parts.append(chunk)


SignedHandler = Callable[["ReceiverApp", web.Request, bytes], Awaitable[web.Response]]


def signed(limit: int = 0) -> Callable[[SignedHandler], Callable[[ReceiverApp, web.Request],
                                                                  Awaitable[web.Response]]]:
    """The handler runs only for a request signed by the paired studio with a fresh counter,
    and gets its body (at most `limit` bytes) as a third argument. In order: a media name in
    the path is checked (before any body is read), the body is read up to `limit` (413
    past it), the receiver must be paired (403), the signature must verify (401), the key
    must be the paired one (401), the counter fresh (409; saved before the handler runs).
    The studio's clock is only noted, to report the offset."""
    def decorate(handler: SignedHandler):
        @functools.wraps(handler)
        async def checked(self: ReceiverApp, request: web.Request) -> web.Response:
            sha = request.match_info.get("sha")
            if sha is not None:
                self.store.media_path(sha)  # StoreError bad-name, answered by the middleware
            declared = request.content_length
            body = None if declared is not None and declared > limit else await read_body(request, limit)
            if body is None:
                return problem(ErrorCode.TOO_LARGE, f"bodies here are at most {limit} bytes")
            trusted = self.store.trusted_key()
            if trusted is None:
                return problem(ErrorCode.NOT_PAIRED, "this receiver is not paired with a studio")
            try:
                request_signed = verify(request.headers, request.method, request.path_qs, body,
                                        self.store.receiver_id)
            except SignatureProblem as exc:
                return problem(exc.code, str(exc))
            if request_signed.key != trusted:
                return problem(ErrorCode.UNKNOWN_KEY, "this receiver trusts another studio")
            if not self.store.accept_counter(request_signed.key, request_signed.counter):
                return problem(ErrorCode.REPLAY, "this request (counter) was already seen")
            studio_time = request_signed.studio_time
            if studio_time is not None and studio_time.tzinfo is not None:
                self.clock_offset_s = round((datetime.now(UTC) - studio_time).total_seconds(), 3)
            return await handler(self, request, body)
        return checked
    return decorate


class Pairing:
    """The short code an unpaired receiver shows; wrong guesses are limited."""

    def __init__(self) -> None:
        self.code = ""
        self.expires = 0.0
        self.attempts = 0
        self.locked_until = 0.0
        self.renew()

    def renew(self) -> None:
        self.code = f"{secrets.randbelow(10**8):08d}"
        self.expires = time.monotonic() + PAIR_CODE_TTL_S
        self.attempts = 0
        log.warning("PAIRING CODE: %s (valid %d minutes)", self.code, PAIR_CODE_TTL_S // 60)
        print(f"pairing code: {self.code}", flush=True)

    def check(self, code: str) -> ErrorCode | None:
        """None if right, else the refusal code."""
        now = time.monotonic()
        if now < self.locked_until:
            return ErrorCode.PAIRING_LOCKED
        if now > self.expires:
            self.renew()
            return ErrorCode.CODE_EXPIRED
        if not secrets.compare_digest(code, self.code):
            self.attempts += 1
            if self.attempts >= PAIR_ATTEMPTS:
                self.locked_until = now + PAIR_LOCKOUT_S
                self.renew()
            return ErrorCode.WRONG_CODE
        return None


class ReceiverApp:
    def __init__(self, store: ReceiverStore, engine: Engine) -> None:
        self.store, self.engine = store, engine
        self.pairing = Pairing() if store.trusted_key() is None else None
        self.clock_offset_s: float | None = None
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

    @web.middleware
    async def _errors(self, request: web.Request, handler):
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            if exc.status >= 400:
                log.warning("refused %s %s: %s", request.method, request.path, exc.status)
                return problem(ErrorCode.HTTP, exc.reason, exc.status)
            raise
        except StoreError as exc:
            log.warning("refused %s %s: %s %s", request.method, request.path, exc.code, exc)
            return problem(exc.code, str(exc), exc.status)
        if response.status >= 400:
            log.warning("refused %s %s from %s: %s", request.method, request.path, request.remote, response.text)
        return response

    # -- handlers ---------------------------------------------------------------------------------
    async def pair_info(self, request: web.Request) -> web.Response:
        """Unsigned: who this receiver is, so a studio can sign its pairing request for it."""
        return web.json_response({"receiver_id": self.store.receiver_id, "name": self.store.name, "protocol": "v1",
                                  "paired": self.store.trusted_key() is not None})

    async def pair(self, request: web.Request) -> web.Response:
        if self.store.trusted_key() is not None:
            return problem(ErrorCode.ALREADY_PAIRED, "re-pairing needs local action on the receiver (reset-pairing)")
        body = await read_body(request, 4096)
        if body is None:
            return problem(ErrorCode.TOO_LARGE, "pairing bodies are small")
        try:
            data = parse_json(body)
            code, name = str(data["code"]), str(data.get("studio", ""))[:100]
            pairing_signed = verify(request.headers, request.method, request.path_qs, body, self.store.receiver_id)
        except SignatureProblem as exc:
            return problem(exc.code, str(exc))
        except (ValueError, KeyError, TypeError):
            return problem(ErrorCode.MALFORMED, "expected {\"code\": ..., \"studio\": ...}")
        refusal = self.pairing.check(code)
        if refusal is not None:
            return problem(refusal, "pairing refused")
        self.store.pair(pairing_signed.key, name)
        self.store.accept_counter(pairing_signed.key, pairing_signed.counter)
        self.pairing = None
        log.warning("paired with studio %r", name)
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
        started = self.engine.play_now(media, volume, item_id)
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
    engine.start()
    log.info("receiver %s (%s) on %s:%d, manifest %s", store.receiver_id, store.name, host, port,
             (store.manifest() or {}).get("version"))
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    try:
        # run_app calls `print` once the socket is bound: that is when we say we listen
        announce = lambda *_args: print(f"receiver {store.receiver_id} listening on {host}:{port}", flush=True)  # noqa: E731
        web.run_app(receiver.app, host=host, port=port, print=announce, access_log=None,
                    handler_args={"max_line_size": 8190, "max_field_size": 8190, "max_headers": 64})
    finally:
        engine.shutdown()

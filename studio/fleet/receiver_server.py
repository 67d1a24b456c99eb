"""The reference receiver's HTTP side (aiohttp): protocol v1 (docs/protocol.md).

Every request but pairing must be signed by the paired studio's key with a fresh counter;
refusals are JSON `{"error": code, "message": ...}` with the documented status, logged,
and never touch playback. Limits: bodies (a manifest 2 MB, an upload chunk 16 MB),
header lines, JSON depth; idle connections are closed by aiohttp's timeouts.

Threads: the asyncio loop serves requests; disk work for uploads runs in the default
executor; the playback engine has its own threads.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from datetime import datetime, timezone
from pathlib import Path

from aiohttp import web

from studio import __version__
from studio.fleet.protocol import (H_KEY, MAX_MANIFEST_BYTES, ManifestProblem, SignatureProblem, check_manifest,
                                   manifest_media, verify)
from studio.fleet.receiver_player import Engine
from studio.fleet.receiver_store import ReceiverStore, StoreError

log = logging.getLogger(__name__)

MAX_CHUNK = 16 << 20
MAX_JSON_DEPTH = 20
PAIR_CODE_TTL_S = 600
PAIR_ATTEMPTS = 5
PAIR_LOCKOUT_S = 60


def problem(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": code, "message": message}, status=status)


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

    def check(self, code: str) -> str | None:
        """None if right, else the refusal code."""
        now = time.monotonic()
        if now < self.locked_until:
            return "pairing-locked"
        if now > self.expires:
            self.renew()
            return "code-expired"
        if not secrets.compare_digest(code, self.code):
            self.attempts += 1
            if self.attempts >= PAIR_ATTEMPTS:
                self.locked_until = now + PAIR_LOCKOUT_S
                self.renew()
            return "wrong-code"
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
                return problem(exc.status, "http", exc.reason)
            raise
        except StoreError as exc:
            log.warning("refused %s %s: %s %s", request.method, request.path, exc.code, exc)
            return problem(exc.status, exc.code, str(exc))
        if response.status >= 400:
            log.warning("refused %s %s from %s: %s", request.method, request.path, request.remote, response.text)
        return response

    # -- authentication ---------------------------------------------------------------------------
    async def _signed(self, request: web.Request, limit: int) -> tuple[bytes, web.Response | None]:
        length = request.content_length
        if length is not None and length > limit:
            return b"", problem(413, "too-large", f"bodies here are at most {limit} bytes")
        body = await read_body(request, limit)
        if body is None:
            return b"", problem(413, "too-large", f"bodies here are at most {limit} bytes")
        trusted = self.store.trusted_key()
        if trusted is None:
            return body, problem(403, "not-paired", "this receiver is not paired with a studio")
        try:
            signed = verify(request.headers, request.method, request.path_qs, body, self.store.receiver_id)
        except SignatureProblem as exc:
            return body, problem(401, exc.code, str(exc))
        if signed.key != trusted:
            return body, problem(401, "unknown-key", "this receiver trusts another studio")
        if not self.store.accept_counter(signed.key, signed.counter):
            return body, problem(409, "replay", "this request (counter) was already seen")
        if signed.studio_time is not None and signed.studio_time.tzinfo is not None:
            self.clock_offset_s = round((datetime.now(timezone.utc) - signed.studio_time).total_seconds(), 3)
        return body, None

    # -- handlers ---------------------------------------------------------------------------------
    async def pair_info(self, request: web.Request) -> web.Response:
        """Unsigned: who this receiver is, so a studio can sign its pairing request for it."""
        return web.json_response({"receiver_id": self.store.receiver_id, "name": self.store.name, "protocol": "v1",
                                  "paired": self.store.trusted_key() is not None})

    async def pair(self, request: web.Request) -> web.Response:
        if self.store.trusted_key() is not None:
            return problem(409, "already-paired", "re-pairing needs local action on the receiver (reset-pairing)")
        body = await read_body(request, 4096)
        if body is None:
            return problem(413, "too-large", "pairing bodies are small")
        try:
            data = parse_json(body)
            code, name = str(data["code"]), str(data.get("studio", ""))[:100]
            signed = verify(request.headers, request.method, request.path_qs, body, self.store.receiver_id)
        except SignatureProblem as exc:
            return problem(401, exc.code, str(exc))
        except (ValueError, KeyError, TypeError):
            return problem(400, "malformed", "expected {\"code\": ..., \"studio\": ...}")
        refusal = self.pairing.check(code)
        if refusal is not None:
            return problem(429 if refusal == "pairing-locked" else 403, refusal, "pairing refused")
        self.store.pair(signed.key, name)
        self.store.accept_counter(signed.key, signed.counter)
        self.pairing = None
        log.warning("paired with studio %r", name)
        return web.json_response({"receiver_id": self.store.receiver_id, "name": self.store.name, "paired": True})

    async def status(self, request: web.Request) -> web.Response:
        _, refused = await self._signed(request, 0)
        if refused is not None:
            return refused
        manifest = self.store.manifest() or {}
        loop = asyncio.get_running_loop()
        used, free = await loop.run_in_executor(None, lambda: (self.store.used_bytes(), self.store.free_bytes()))
        return web.json_response({
            "receiver_id": self.store.receiver_id, "name": self.store.name, "protocol": "v1", "version": __version__,
            "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            "clock_offset_s": self.clock_offset_s, "manifest_version": manifest.get("version"),
            "used_bytes": used, "free_bytes": free, "quota_bytes": self.store.quota, "volume": self.engine.volume(),
            "now_playing": self.engine.status(), "last_error": self.engine.last_error,
            "playlog_seq": self.store._seq,
        })

    async def media_head(self, request: web.Request) -> web.Response:
        _, refused = await self._signed(request, 0)
        if refused is not None:
            return refused
        held, length, complete = self.store.upload_state(request.match_info["sha"])
        headers = {"Tus-Resumable": "1.0.0", "Upload-Offset": str(held), "X-CRS-Complete": "1" if complete else "0",
                   "Cache-Control": "no-store"}
        if length is not None:
            headers["Upload-Length"] = str(length)
        return web.Response(status=200, headers=headers)

    async def media_patch(self, request: web.Request) -> web.Response:
        sha = request.match_info["sha"]
        self.store.media_path(sha)  # the name is checked before anything is read
        body, refused = await self._signed(request, MAX_CHUNK)
        if refused is not None:
            return refused
        if request.headers.get("Content-Type") != "application/offset+octet-stream":
            return problem(415, "content-type", "PATCH bodies are application/offset+octet-stream")
        try:
            offset = int(request.headers["Upload-Offset"])
            declared = int(request.headers["Upload-Length"]) if "Upload-Length" in request.headers else None
            if offset < 0 or (declared is not None and declared <= 0):
                raise ValueError
        except (KeyError, ValueError):
            return problem(400, "bad-offset", "Upload-Offset (and Upload-Length) must be non-negative integers")
        loop = asyncio.get_running_loop()
        new_offset, complete = await loop.run_in_executor(None, self.store.append, sha, offset, declared, body)
        return web.Response(status=204, headers={"Tus-Resumable": "1.0.0", "Upload-Offset": str(new_offset),
                                                 "X-CRS-Complete": "1" if complete else "0"})

    async def put_manifest(self, request: web.Request) -> web.Response:
        body, refused = await self._signed(request, MAX_MANIFEST_BYTES)
        if refused is not None:
            return refused
        try:
            manifest = check_manifest(parse_json(body))
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            return problem(400, "malformed", f"not valid JSON: {exc}")
        except ManifestProblem as exc:
            return problem(422, "invalid-manifest", str(exc))
        if manifest["receiver_id"] != self.store.receiver_id:
            return problem(422, "wrong-receiver", "this manifest is for another receiver")
        current = self.store.manifest()
        if current is not None and manifest["version"] <= current["version"]:
            return problem(409, "stale-manifest", f"version {manifest['version']} is not newer than "
                                                  f"{current['version']}")
        missing = sorted(sha for sha in manifest_media(manifest) if not self.store.has_media(sha))
        if missing:
            return web.json_response({"error": "missing-media", "message": "upload these first", "missing": missing},
                                     status=424)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self.store.install_manifest, manifest)
        self.engine.set_manifest(manifest)
        log.info("manifest version %d installed (%d items)", manifest["version"], len(manifest["items"]))
        return web.json_response({"manifest_version": manifest["version"]})

    async def playlog(self, request: web.Request) -> web.Response:
        _, refused = await self._signed(request, 0)
        if refused is not None:
            return refused
        try:
            after = int(request.query.get("after", "0"))
        except ValueError:
            return problem(400, "bad-after", "after must be an integer")
        entries = await asyncio.get_running_loop().run_in_executor(None, self.store.playlog, after)
        return web.json_response({"entries": entries})

    async def play_now(self, request: web.Request) -> web.Response:
        body, refused = await self._signed(request, 65536)
        if refused is not None:
            return refused
        try:
            data = parse_json(body)
            media = [str(m) for m in data["media"]]
            volume = data.get("volume")
            if volume is not None and not (isinstance(volume, int) and 0 <= volume <= 100):
                raise ValueError
            for sha in media:
                self.store.media_path(sha)
        except (ValueError, KeyError, TypeError):
            return problem(400, "malformed", "expected {\"media\": [sha256...], \"volume\": 0-100}")
        missing = [sha for sha in media if not self.store.has_media(sha)]
        if missing:
            return web.json_response({"error": "missing-media", "message": "upload these first", "missing": missing},
                                     status=424)
        item_id = f"now-{int(time.time() * 1000)}-{secrets.token_hex(3)}"
        self.engine.play_now(media, volume, item_id)
        return web.json_response({"item": item_id})

    async def stop(self, request: web.Request) -> web.Response:
        _, refused = await self._signed(request, 1024)
        if refused is not None:
            return refused
        self.engine.stop_playing()
        return web.json_response({"stopped": True})

    async def volume(self, request: web.Request) -> web.Response:
        body, refused = await self._signed(request, 1024)
        if refused is not None:
            return refused
        try:
            volume = parse_json(body)["volume"]
            if not (isinstance(volume, int) and 0 <= volume <= 100):
                raise ValueError
        except (ValueError, KeyError, TypeError):
            return problem(400, "malformed", "expected {\"volume\": 0-100}")
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

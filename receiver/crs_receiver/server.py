"""The reference receiver's HTTP side (aiohttp): protocol v1 (docs/protocol.md).

The requests themselves are transport-neutral (handlers.py, shared with MQTT: mqtt_link.py);
this module is what HTTP adds in front of them. What can be checked before the body is read
is checked first (admission.py), and bodies are read within limits; connections are bounded
per source and in all, and timed out (connections.py). Refusals are JSON
`{"error": code, "message": ...}` with the documented status, written to the security log
(security_log.py), and never touch playback. Limits: docs/protocol.md, section 8.

Threads: the asyncio loop serves requests; disk work for uploads runs in the default
executor; the playback engine has its own threads; the MQTT link (with --broker) is a task
on the same loop.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

from aiohttp import web
from crs_protocol import ErrorCode, status_of

from crs_receiver.admission import (
    SLOT_WAIT_S,
    STALL_S,
    Bodies,
    Refused,
    check_framing,
    precheck,
)
from crs_receiver.connections import Connections, Guarded, source_of
from crs_receiver.handlers import MAX_CHUNK, PAIR_BODY, ROUTES, Answer, Call, Requests, Route
from crs_receiver.listening import listen, timeouts_from_env
from crs_receiver.player import Engine
from crs_receiver.security_log import SecurityLog, forward
from crs_receiver.store import ReceiverStore, StoreError

log = logging.getLogger(__name__)

__all__ = ["MAX_CHUNK", "ReceiverApp", "problem", "serve"]

UNREAD_BODY = 4096  # a refused request with more body than this is closed, not drained


class Problem(web.Response):
    """A refusal; `code` is for the security log."""

    def __init__(self, code: ErrorCode, body: dict, status: int, headers: dict | None = None) -> None:
        super().__init__(text=json.dumps(body), status=status, content_type="application/json", headers=headers)
        self.code = code


def problem(code: ErrorCode, message: str, status: int | None = None, **extra) -> web.Response:
    """A refusal: `{"error": code, "message": message, ...extra}` with the code's usual status."""
    return Problem(code, {"error": code, "message": message, **extra},
                   status if status is not None else status_of(code))


def response(answer: Answer) -> web.Response:
    if answer.code:
        return Problem(answer.code, answer.body or {}, answer.status, answer.headers)
    if answer.body is None:
        return web.Response(status=answer.status, headers=answer.headers)
    return web.json_response(answer.body, status=answer.status, headers=answer.headers)


def _source(request: web.Request) -> str:
    return source_of(request.transport.get_extra_info("peername") if request.transport else None)


class ReceiverApp:
    """The HTTP transport of one receiver's `Requests`."""

    def __init__(self, store: ReceiverStore, engine: Engine, requests: Requests | None = None) -> None:
        self.store, self.engine = store, engine
        self.requests = requests or Requests(store, engine)
        self.security: SecurityLog = self.requests.security
        self.bodies = Bodies()
        self.connections: Connections | None = None  # set by `serve`; absent under a test server
        self.background: list = []  # coroutine functions run beside the server (the MQTT link)
        self.app = web.Application(client_max_size=MAX_CHUNK + 1024, middlewares=[self._errors])
        r = self.app.router
        for route in ROUTES:
            path = route.pattern.pattern.replace("(?P<sha>[^/]+)", "{sha}")
            r.add_route(route.method, path, self._handler(route))

    @property
    def pairing(self):
        return self.requests.pairing

    @property
    def clock_offset_s(self) -> float | None:
        return self.requests.clock_offset_s

    def _handler(self, route: Route):
        async def handle(request: web.Request) -> web.Response:
            source = _source(request)
            if route.name == "pair_info":
                body = b""
            elif not route.signed:  # pairing: a paired receiver refuses before reading anything
                if self.store.trusted_key() is not None:
                    return response(await self.requests.pair(self._call(request, b"", source)))
                check_framing(request, PAIR_BODY)
                body = await self.bodies.read(request, PAIR_BODY)
            else:
                sha = request.match_info.get("sha")
                if sha is not None:
                    self.store.media_path(sha)  # StoreError bad-name, answered by the middleware
                check_framing(request, route.limit)
                precheck(request, self.store)
                studio = self.connections is not None and source == self.connections.studio
                body = await self.bodies.read(request, route.limit, studio)
            answer = await self.requests.run(route, self._call(request, body, source))
            if answer.ok and self.connections is not None and (route.signed or route.name == "pair"):
                self.connections.studio = source
            return response(answer)
        handle.__name__ = route.name
        return handle

    @staticmethod
    def _call(request: web.Request, body: bytes, source: str) -> Call:
        return Call(request.method, request.path_qs, request.headers, body, source, "http", dict(request.match_info))

    @web.middleware
    async def _errors(self, request: web.Request, handler):
        guard = request.transport.get_protocol() if request.transport is not None else None
        guard = guard if isinstance(guard, Guarded) else None
        if guard is not None:
            guard.request_started()
        try:
            answered = await self._answer(request, handler)
        finally:
            if guard is not None:
                guard.request_finished()
        if answered.status >= 400:
            self.requests.refused(_source(request), request.method, request.path,
                                  Answer(answered.status, code=getattr(answered, "code", "")))
            if (request.content_length or 0) > UNREAD_BODY and not request.content.is_eof():
                answered.force_close()  # its body is dropped for at most LINGER_S, never read
        return answered

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


def serve(data_dir: Path, host: str = "0.0.0.0", port: int = 8765, output_device: str | int | None = None,
          quota_bytes: int = 2 << 30, broker: str | None = None, broker_tls: bool = False,
          broker_ca: str | None = None, name: str | None = None) -> None:
    """Run the receiver until SIGINT/SIGTERM; with `broker` (mqtt://HOST:PORT) it also
    connects out to that broker (mqtt_link.py)."""
    store = ReceiverStore(data_dir, quota_bytes)
    if name:
        store.rename(name)
    print(f"receiver id: {store.receiver_id}", flush=True)
    engine = Engine(store, output_device)
    receiver = ReceiverApp(store, engine)
    timeouts = timeouts_from_env()
    receiver.bodies = Bodies(slot_wait_s=timeouts.get("slot", SLOT_WAIT_S), stall_s=timeouts.get("stall", STALL_S))
    forward("aiohttp.server", receiver.security)
    if broker:
        from crs_receiver.mqtt_link import BrokerAddress, MqttLink  # paho and aiomqtt only with --broker

        address = BrokerAddress.parse(broker, broker_tls, broker_ca)

        async def link() -> None:
            await MqttLink(receiver.requests, address).run()
        receiver.background.append(link)
    engine.start()
    log.info("receiver %s (%s) on %s:%d, manifest %s%s", store.receiver_id, store.name, host, port,
             (store.manifest() or {}).get("version"), f", broker {broker}" if broker else "")
    try:
        asyncio.run(listen(receiver, host, port, timeouts))
    except KeyboardInterrupt:
        pass
    finally:
        engine.shutdown()

"""How the receiver listens: aiohttp's application behind `connections.Connections`, with
aiohttp's per-connection settings applied for real.

`web.run_app(..., handler_args=...)` drops those settings: aiohttp passes `handler_args` on
to each connection's handler, which refuses it, and falls back to its defaults (a 3,630 s
keep-alive, 128 headers, inflated bodies), logging a warning for every connection. Here an
`AppRunner` gets them directly (`handler_options`), and `loop.create_server` puts the guard
in front of aiohttp's protocol.

Threads: `listen` runs the asyncio loop (the main thread), and on it the receiver's
background tasks (the MQTT link).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
import signal
from typing import TYPE_CHECKING

from aiohttp import web, web_protocol

from crs_receiver.admission import LINGER_S
from crs_receiver.connections import BACKLOG, HEADER_S, IDLE_S, Connections

if TYPE_CHECKING:
    from crs_receiver.server import ReceiverApp

log = logging.getLogger(__name__)

MAX_HEADERS = 64
MAX_LINE = 8190
READ_BUFFER = 16 << 10  # what aiohttp buffers of a body before it stops reading the socket (twice this)


def handler_options() -> dict:
    """aiohttp's per-connection settings, given to AppRunner (web.run_app drops `handler_args`
    and falls back to a 3,630 s keep-alive): only those this aiohttp knows (3.8.4 to 3.14)."""
    wanted = {"keepalive_timeout": IDLE_S, "max_line_size": MAX_LINE, "max_field_size": MAX_LINE, "max_headers": MAX_HEADERS,
              "lingering_time": LINGER_S, "auto_decompress": False, "read_bufsize": READ_BUFFER}
    known = inspect.signature(web_protocol.RequestHandler.__init__).parameters
    missing = sorted(set(wanted) - set(known))
    if missing:
        log.warning("this aiohttp has no %s: compressed bodies are refused by their header only", missing)
    return {name: value for name, value in wanted.items() if name in known}


def timeouts_from_env() -> dict[str, float]:
    """Shorter timeouts for the tests: CRS_RECEIVER_TIMEOUTS="idle=3,header=2,stall=2,slot=2"."""
    found = {}
    for part in os.environ.get("CRS_RECEIVER_TIMEOUTS", "").split(","):
        name, _, value = part.partition("=")
        try:
            found[name.strip()] = float(value)
        except ValueError:
            continue
    return found


async def listen(receiver: ReceiverApp, host: str, port: int, timeouts: dict[str, float]) -> None:
    """Listen through `Connections` (web.run_app cannot put a guard in front of aiohttp's
    protocol, and drops handler arguments), until a stop signal."""
    runner = web.AppRunner(receiver.app, access_log=None, **handler_options())
    await runner.setup()
    connections = receiver.connections = Connections(receiver.security, idle_s=timeouts.get("idle", IDLE_S),
                                                     header_s=timeouts.get("header", HEADER_S))
    loop = asyncio.get_running_loop()
    server = await loop.create_server(connections.factory(runner.server), host, port, backlog=BACKLOG,
                                      reuse_address=True)
    log.info("at most %d connections (%d from one source, %d kept for the studio)", connections.total,
             connections.per_source, connections.studio_reserve)
    print(f"receiver {receiver.store.receiver_id} listening on {host}:{port}", flush=True)
    tasks = [asyncio.create_task(make()) for make in receiver.background]
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # Windows: Ctrl+C ends asyncio.run
            pass
    try:
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), 30)
            except TimeoutError:
                receiver.security.flush()
    finally:
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=5)
        server.close()
        await runner.cleanup()

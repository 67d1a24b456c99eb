"""How many connections the receiver holds, from whom, and for how long.

Every accepted connection goes through `Guarded`, an asyncio protocol in front of aiohttp's:
- at most `per_source` connections from one source (an IPv4 address, an IPv6 /64) and at
  most `total` in all, so that descriptors are left for playback, its log and the state
  files (`total` is below RLIMIT_NOFILE with a reserve, `budget`); `studio_reserve` of them
  are kept for the paired studio (the source of the last correctly signed request). A
  connection over a limit gets a fixed `503 busy` and is closed before anything is read;
- a connection that sends nothing is closed after `idle_s` (the keep-alive, 75 s); one that
  has begun a request but not finished its headers, after `header_s`. While a request is
  handled, the handler's own deadlines apply (admission.py).

Threads: the asyncio loop only.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import os
from collections.abc import Callable

from crs_protocol import ErrorCode

from crs_receiver.security_log import SecurityLog

MAX_CONNECTIONS = 512
PER_SOURCE = 32
STUDIO_RESERVE = 8
IDLE_S = 75.0
HEADER_S = 20.0
FD_RESERVE = 64
BACKLOG = 32
RECV_SIZE = 32 << 10  # asyncio reads 256 KiB at a time: 200 connections would hold 50 MB before any check


def source_of(peer) -> str:
    """The source a connection counts against: its IPv4 address, or its IPv6 /64."""
    host = peer[0] if isinstance(peer, tuple) and peer else str(peer or "?")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def budget() -> int:
    """How many connections this process may hold: its descriptor limit, less those open now,
    less a reserve (a quarter of the limit, at least FD_RESERVE) for playback and the disk,
    less BACKLOG (asyncio accepts up to that many at once before any is refused)."""
    try:
        import resource  # POSIX only; Windows has no such limit on sockets
    except ImportError:
        return MAX_CONNECTIONS
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        soft = 1 << 20
    try:
        in_use = len(os.listdir("/proc/self/fd"))
    except OSError:
        in_use = 32
    return max(4, min(MAX_CONNECTIONS, soft - in_use - max(FD_RESERVE, soft // 4) - BACKLOG))


_BUSY_BODY = json.dumps({"error": ErrorCode.BUSY, "message": "too many connections; try again"}).encode()
BUSY = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 5\r\n"
        b"Connection: close\r\nContent-Length: " + str(len(_BUSY_BODY)).encode() + b"\r\n\r\n" + _BUSY_BODY)


class Connections:
    """The counts behind the limits; `studio` is set by the server after a signed request."""

    def __init__(self, security: SecurityLog, total: int | None = None, per_source: int = PER_SOURCE,
                 studio_reserve: int = STUDIO_RESERVE, idle_s: float = IDLE_S, header_s: float = HEADER_S) -> None:
        self.security = security
        self.total = budget() if total is None else total
        self.studio_reserve = min(studio_reserve, max(1, self.total // 4))
        self.per_source = max(2, min(per_source, (self.total - self.studio_reserve) // 2))
        self.idle_s, self.header_s = idle_s, header_s
        self.active = 0
        self.by_source: dict[str, int] = {}
        self.studio: str | None = None

    def admit(self, source: str) -> bool:
        studio = source == self.studio
        held = self.by_source.get(source, 0)
        if held >= self.per_source + (self.studio_reserve if studio else 0):
            self.security.event(source, "connection refused: %d already open from this source", held)
            return False
        if self.active >= self.total - (0 if studio else self.studio_reserve):
            self.security.event(source, "connection refused: %d connections open in all", self.active)
            return False
        self.active += 1
        self.by_source[source] = held + 1
        return True

    def release(self, source: str) -> None:
        self.active -= 1
        left = self.by_source.get(source, 1) - 1
        if left > 0:
            self.by_source[source] = left
        else:
            self.by_source.pop(source, None)

    def factory(self, inner: Callable[[], asyncio.Protocol]) -> Callable[[], asyncio.Protocol]:
        """A protocol factory for `loop.create_server` around aiohttp's (`runner.server`)."""
        return lambda: Guarded(self, inner)


class Guarded(asyncio.Protocol):
    """One connection: admitted or refused, timed out when idle or half-sent; otherwise every
    call is passed to aiohttp's protocol."""

    def __init__(self, connections: Connections, inner: Callable[[], asyncio.Protocol]) -> None:
        self.connections, self.make_inner = connections, inner
        self.inner: asyncio.Protocol | None = None
        self.transport: asyncio.Transport | None = None
        self.source = "?"
        self.busy = 0
        self.started = False  # bytes of a request arrived since the last one was handled
        self.timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport
        self.source = source_of(transport.get_extra_info("peername"))
        if not self.connections.admit(self.source):
            transport.write(BUSY)
            transport.close()
            return
        if isinstance(getattr(transport, "max_size", None), int):
            transport.max_size = RECV_SIZE
        self.inner = self.make_inner()
        self.inner.connection_made(transport)
        self._arm(self.connections.idle_s)

    def data_received(self, data: bytes) -> None:
        if self.inner is None:
            return
        if not self.busy and not self.started:
            self.started = True
            self._arm(self.connections.header_s)
        self.inner.data_received(data)

    def eof_received(self):
        return self.inner.eof_received() if self.inner is not None else None

    def connection_lost(self, exc) -> None:
        if self.timer is not None:
            self.timer.cancel()
        if self.inner is not None:
            self.connections.release(self.source)
            inner, self.inner = self.inner, None
            inner.connection_lost(exc)

    def pause_writing(self) -> None:
        if self.inner is not None:
            self.inner.pause_writing()

    def resume_writing(self) -> None:
        if self.inner is not None:
            self.inner.resume_writing()

    # the server's middleware marks each request (server.py)
    def request_started(self) -> None:
        self.busy += 1
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def request_finished(self) -> None:
        self.busy -= 1
        if not self.busy:
            self.started = False
            self._arm(self.connections.idle_s)

    def _arm(self, seconds: float) -> None:
        if self.timer is not None:
            self.timer.cancel()
        self.timer = asyncio.get_running_loop().call_later(seconds, self._expired)

    def _expired(self) -> None:
        self.timer = None
        if self.transport is not None and not self.busy:
            if self.started:
                self.connections.security.event(self.source, "closed a connection whose request did not "
                                                "arrive within %.0f s", self.connections.header_s)
            self.transport.close()

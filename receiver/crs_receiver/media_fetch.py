"""Media from the broker's retained chunks (docs/protocol.md, "Transport 2: MQTT"): the
studio publishes each file once, as `crs/v1/media/SHA/meta` and `crs/v1/media/SHA/N`;
a receiver that lacks a file its manifest names reads them into the store's partial /
resume path, exactly as an HTTP PATCH would, and the store checks the SHA-256 before the
file can play.

A few chunks are subscribed at a time (`WINDOW`), each topic dropped once its chunk is
written, and at most `ACTIVE` files are fetched at once (the others wait their turn), so
memory stays at a few windows of chunks whatever the files' sizes, and a fetch cut by a
broker restart resumes from what the store holds. The broker is not trusted: a chunk is
taken only inside its file's window and while fewer than `MAX_BUFFERED` bytes wait for
the store; a meta whose chunk size is above `CHUNK_SIZE` or does not fit, a chunk of the
wrong length or a file whose hash is wrong is discarded and reported (`corrupt`), and
fetched again after `RETRY_S`. A file that makes no progress for `STALL_S` (a broker that
withholds a chunk) is subscribed again once, then set aside (`stalled`, its partial copy
kept) and fetched again after `RETRY_S`.

Threads: the asyncio loop; writes go to the default executor.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable

from crs_protocol import SHA256, ErrorCode
from crs_protocol.mqtt import CHUNK_SIZE, chunk_count, media_topic

from crs_receiver.store import ReceiverStore, StoreError

log = logging.getLogger(__name__)

WINDOW = 4
ACTIVE = 2
MAX_BUFFERED = ACTIVE * WINDOW * CHUNK_SIZE
RETRY_S = 30.0
STALL_S = 20.0


class Transfer:
    def __init__(self, sha: str) -> None:
        self.sha = sha
        self.progress_at = time.monotonic()
        self.stalls = 0
        self.size = self.chunk_size = self.chunks = 0
        self.next = 0  # the chunk the store needs next
        self.skip = 0  # bytes of that chunk the store already holds
        self.subscribed: set[int] = set()
        self.buffered: dict[int, bytes] = {}


class MediaFetch:
    """The files being fetched over one broker connection."""

    def __init__(self, store: ReceiverStore, subscribe: Callable[[str], Awaitable[None]],
                 unsubscribe: Callable[[str], Awaitable[None]], arrived: Callable[[str], Awaitable[None]],
                 report: Callable[[str, str], None]) -> None:
        self.store = store
        self.subscribe, self.unsubscribe, self.arrived, self.report = subscribe, unsubscribe, arrived, report
        self.transfers: dict[str, Transfer] = {}
        self.failed: dict[str, float] = {}  # sha -> monotonic time it may be fetched again
        self.corrupt: set[str] = set()
        self.stalled: set[str] = set()
        self.queued: list[str] = []  # wanted, waiting for one of the ACTIVE places

    def missing(self) -> list[str]:
        return sorted([*self.transfers, *self.queued])

    def buffered(self) -> int:
        return sum(len(b) for t in self.transfers.values() for b in t.buffered.values())

    async def want(self, shas: list[str]) -> None:
        for sha in shas:
            if sha in self.transfers or sha in self.queued or not SHA256.match(sha) or self.store.has_media(sha):
                continue
            if time.monotonic() < self.failed.get(sha, 0.0):
                continue
            self.queued.append(sha)
        await self._start_next()

    async def _start_next(self) -> None:
        while self.queued and len(self.transfers) < ACTIVE:
            sha = self.queued.pop(0)
            self.transfers[sha] = Transfer(sha)
            await self.subscribe(media_topic(sha, "meta"))

    async def retry_due(self) -> list[str]:
        """Files set aside (corrupt, stalled) whose wait is over (the caller wants them
        again); a transfer without progress for STALL_S is subscribed again, then set aside."""
        now = time.monotonic()
        for transfer in [t for t in self.transfers.values() if now - t.progress_at >= STALL_S]:
            if transfer.stalls:
                await self._stalled(transfer)
                continue
            transfer.stalls, transfer.progress_at = 1, now
            log.warning("media %s: no chunk for %.0f s; subscribing again", transfer.sha[:12], STALL_S)
            await self._drop_subscriptions(transfer)
            transfer.buffered.clear()
            await self.subscribe(media_topic(transfer.sha, "meta"))
            if transfer.chunks:
                await self._fill_window(transfer)
        due = [sha for sha, at in self.failed.items() if now >= at]
        for sha in due:
            del self.failed[sha]
        return due

    async def feed(self, topic: str, payload: bytes) -> None:
        parts = topic.split("/")
        if len(parts) != 5:
            return
        sha, leaf = parts[3], parts[4]
        transfer = self.transfers.get(sha)
        if transfer is None:
            return
        if leaf == "meta":
            await self._meta(transfer, payload)
        elif leaf.isdigit():
            await self._chunk(transfer, int(leaf), payload)

    async def _meta(self, transfer: Transfer, payload: bytes) -> None:
        if not payload:
            return  # cleared by the studio: nothing to fetch now
        try:
            meta = json.loads(payload)
            size, chunk_size, chunks = int(meta["size"]), int(meta["chunk_size"]), int(meta["chunks"])
            if meta["sha256"] != transfer.sha or size <= 0 or not 1024 <= chunk_size <= CHUNK_SIZE \
                    or chunks != chunk_count(size, chunk_size) or size > self.store.quota:
                raise ValueError("does not fit")
        except (ValueError, KeyError, TypeError):
            await self._fail(transfer, "its meta is not the documented JSON")
            return
        if transfer.chunks:
            return  # the retained copy again
        loop = asyncio.get_running_loop()
        held, declared, complete = await loop.run_in_executor(None, self.store.upload_state, transfer.sha)
        if complete:
            await self._done(transfer)
            return
        if declared is not None and declared != size:
            log.warning("media %s: a partial copy of another length is dropped", transfer.sha[:12])
            await loop.run_in_executor(None, self.store.drop_partial, transfer.sha)
            held = 0
        transfer.size, transfer.chunk_size, transfer.chunks = size, chunk_size, chunks
        transfer.next, transfer.skip = divmod(held, chunk_size)
        log.info("media %s: fetching %d bytes from the broker (holding %d)", transfer.sha[:12], size, held)
        await self._fill_window(transfer)

    async def _fill_window(self, transfer: Transfer) -> None:
        for index in range(transfer.next, min(transfer.chunks, transfer.next + WINDOW)):
            if index not in transfer.subscribed and index not in transfer.buffered:
                transfer.subscribed.add(index)
                await self.subscribe(media_topic(transfer.sha, index))

    async def _chunk(self, transfer: Transfer, index: int, payload: bytes) -> None:
        if not transfer.chunks or not transfer.next <= index < min(transfer.chunks, transfer.next + WINDOW) \
                or index in transfer.buffered:
            return  # outside the window (not subscribed: a broker sending what was not asked for)
        expected = min(transfer.chunk_size, transfer.size - index * transfer.chunk_size)
        if len(payload) != expected:
            await self._fail(transfer, f"chunk {index} has {len(payload)} bytes, not {expected}")
            return
        if index != transfer.next and self.buffered() + len(payload) > MAX_BUFFERED:
            return  # it comes again when subscribed again
        transfer.buffered[index] = bytes(payload)
        loop = asyncio.get_running_loop()
        while transfer.next in transfer.buffered:
            index = transfer.next
            data = transfer.buffered.pop(index)[transfer.skip:]
            offset = index * transfer.chunk_size + transfer.skip
            try:
                _offset, complete = await loop.run_in_executor(None, self.store.append, transfer.sha, offset,
                                                               transfer.size, data)
            except StoreError as exc:
                if exc.code == ErrorCode.COMPLETE:
                    complete = True
                else:
                    await self._fail(transfer, f"{exc.code}: {exc}")
                    return
            transfer.next, transfer.skip, transfer.progress_at = index + 1, 0, time.monotonic()
            transfer.subscribed.discard(index)
            await self.unsubscribe(media_topic(transfer.sha, index))
            if complete:
                await self._done(transfer)
                return
        await self._fill_window(transfer)

    async def _done(self, transfer: Transfer) -> None:
        self.transfers.pop(transfer.sha, None)
        self.corrupt.discard(transfer.sha)
        self.stalled.discard(transfer.sha)
        await self._drop_subscriptions(transfer)
        log.info("media %s: complete and checked", transfer.sha[:12])
        await self._start_next()
        await self.arrived(transfer.sha)

    async def _stalled(self, transfer: Transfer) -> None:
        """No progress even after subscribing again: set aside (what it holds is kept)."""
        self.transfers.pop(transfer.sha, None)
        self.stalled.add(transfer.sha)
        self.failed[transfer.sha] = time.monotonic() + RETRY_S
        await self._drop_subscriptions(transfer)
        log.warning("media %s: the broker sends no chunk %d; fetched again in %.0f s", transfer.sha[:12],
                    transfer.next, RETRY_S)
        await self._start_next()

    async def _fail(self, transfer: Transfer, why: str) -> None:
        self.transfers.pop(transfer.sha, None)
        self.corrupt.add(transfer.sha)
        self.failed[transfer.sha] = time.monotonic() + RETRY_S
        await asyncio.get_running_loop().run_in_executor(None, self.store.drop_partial, transfer.sha)
        await self._drop_subscriptions(transfer)
        self.report(transfer.sha, why)
        await self._start_next()

    async def _drop_subscriptions(self, transfer: Transfer) -> None:
        for index in sorted(transfer.subscribed):
            await self.unsubscribe(media_topic(transfer.sha, index))
        transfer.subscribed.clear()
        await self.unsubscribe(media_topic(transfer.sha, "meta"))

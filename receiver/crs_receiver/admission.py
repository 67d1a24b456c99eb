"""What a signed request must show before the receiver reads its body, and how a body is read.

A signature covers the body, so it can only be verified once the body is in memory. Before
that, `precheck` looks at what costs nothing to check: the five signature headers are there,
for this receiver, with the paired key and a counter that is not a replay (peeked, not taken:
`ReceiverStore.counter_is_fresh`). A request that fails is answered at once; its body is
never buffered (aiohttp discards what follows for at most `LINGER_S`, then closes).

`Bodies.read` then reads the body with limits: no `Content-Encoding` but identity (aiohttp's
inflating is switched off, `handler_options`); a declared length (`Content-Length`) for any
body, at most the route's limit; bodies over `SMALL_BODY` need one of `BIG_BODIES` slots (and the paired studio's
address has one more of its own), else they are refused (`busy`, 503) after `SLOT_WAIT_S`
and their connection closed, so that N connections never hold N × 16 MiB; and every body
arrives within `STALL_S` of silence and an overall deadline of `DEADLINE_S` plus its length
at `MIN_RATE` (`timeout`, 408). Someone who copies the studio's public key and a fresh
counter passes `precheck`; that is what the slots and the deadlines bound.

`parse_json` parses a body with bounded nesting (json.loads recurses).

Threads: the asyncio loop only.
"""

from __future__ import annotations

import asyncio
import json
import time

from aiohttp import web
from crs_protocol import H_COUNTER, H_KEY, H_RECEIVER, H_SIGNATURE, H_TIME, ErrorCode

from crs_receiver.store import ReceiverStore

SMALL_BODY = 64 << 10
BIG_BODIES = 1
SLOT_WAIT_S = 1.0
STALL_S = 30.0
DEADLINE_S = 30.0
MIN_RATE = 16 << 10
LINGER_S = 2.0
READ_SIZE = 1 << 16
MAX_JSON_DEPTH = 20


class Refused(Exception):
    """A request refused before or while its body is read; the server answers `code`."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code


def precheck(request: web.Request, store: ReceiverStore) -> None:
    """Raise Refused unless the request could be the paired studio's, fresh."""
    trusted = store.trusted_key()
    if trusted is None:
        raise Refused(ErrorCode.NOT_PAIRED, "this receiver is not paired with a studio")
    headers = request.headers
    if not all(name in headers for name in (H_KEY, H_COUNTER, H_TIME, H_SIGNATURE)):
        raise Refused(ErrorCode.UNSIGNED, "the request carries no signature")
    if headers.get(H_RECEIVER, "") != store.receiver_id:
        raise Refused(ErrorCode.WRONG_RECEIVER, "the request was signed for another receiver")
    if headers[H_KEY] != trusted:
        raise Refused(ErrorCode.UNKNOWN_KEY, "this receiver trusts another studio")
    try:
        counter = int(headers[H_COUNTER])
    except ValueError:
        raise Refused(ErrorCode.BAD_SIGNATURE, "the signature does not match the request") from None
    why = store.counter_refusal(trusted, counter)
    if why is not None:
        raise Refused(*why)


def check_framing(request: web.Request, limit: int) -> None:
    """Raise Refused for a compressed body, a body without a declared length, or one over `limit`."""
    encoding = request.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        raise Refused(ErrorCode.CONTENT_ENCODING, "bodies are never compressed (Content-Encoding: identity)")
    declared = request.content_length
    if declared is None and request.body_exists:
        raise Refused(ErrorCode.LENGTH_REQUIRED, "a body needs a Content-Length")
    if declared is not None and declared > limit:
        raise Refused(ErrorCode.TOO_LARGE, f"bodies here are at most {limit} bytes")


class Bodies:
    """Reads request bodies within the limits above. Made inside the running loop."""

    def __init__(self, big_bodies: int = BIG_BODIES, slot_wait_s: float = SLOT_WAIT_S,
                 stall_s: float = STALL_S) -> None:
        self.slots = asyncio.Semaphore(big_bodies)
        self.studio_slot = asyncio.Semaphore(1)
        self.slot_wait_s, self.stall_s = slot_wait_s, stall_s

    async def read(self, request: web.Request, limit: int, studio: bool = False) -> bytes:
        """The whole body (`check_framing` passed); raises Refused (busy, timeout, malformed).
        `studio`: the request comes from the paired studio's address, which has a slot of
        its own when the others are taken."""
        declared = request.content_length or 0
        if declared <= 0:
            return b""
        if declared <= SMALL_BODY:
            return bytes(await self._read(request, declared))
        slot = self.studio_slot if studio and self.slots.locked() else self.slots
        try:
            await asyncio.wait_for(slot.acquire(), self.slot_wait_s)
        except TimeoutError:
            raise Refused(ErrorCode.BUSY, "the receiver is reading other large bodies; try again") from None
        try:
            return await self._read(request, declared)  # a bytearray: one copy of 16 MiB, not two
        finally:
            slot.release()

    async def _read(self, request: web.Request, declared: int) -> bytearray:
        """Exactly `declared` bytes into one buffer, within the stall and overall deadlines."""
        body = bytearray(declared)
        got = 0
        deadline = time.monotonic() + DEADLINE_S + declared / MIN_RATE
        with memoryview(body) as view:
            while got < declared:
                wait = min(self.stall_s, deadline - time.monotonic())
                if wait <= 0:
                    raise Refused(ErrorCode.TIMEOUT, "the body came too slowly")
                try:
                    chunk = await asyncio.wait_for(request.content.read(min(READ_SIZE, declared - got)), wait)
                except TimeoutError:
                    raise Refused(ErrorCode.TIMEOUT, "the body came too slowly") from None
                except web.RequestPayloadError:
                    chunk = b""
                if not chunk:
                    raise Refused(ErrorCode.MALFORMED, "the body ended before its Content-Length")
                view[got:got + len(chunk)] = chunk
                got += len(chunk)
        return body


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
    text = bytes(body).decode("utf-8")
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

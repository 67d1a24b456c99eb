"""crs_receiver.server's one `signed()` gate, in process over loopback HTTP (aiohttp's test
server): every signed route refuses an unpaired receiver, an unsigned request, a stranger's
key, a replay and an oversized body before its handler runs, and a good request passes."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest
from aiohttp.test_utils import TestClient, TestServer
from crs_protocol import public_key_text, sign_headers
from crs_receiver.player import Engine
from crs_receiver.server import MAX_CHUNK, ReceiverApp
from crs_receiver.store import ReceiverStore
from nacl.signing import SigningKey

SHA = "b" * 64
ROUTES = [("GET", "/v1/status", b""), ("HEAD", f"/v1/media/{SHA}", b""), ("PATCH", f"/v1/media/{SHA}", b"x"),
          ("PUT", "/v1/manifest", b"{}"), ("GET", "/v1/playlog?after=0", b""),
          ("POST", "/v1/commands/play-now", b"{}"), ("POST", "/v1/commands/stop", b"{}"),
          ("PUT", "/v1/volume", b'{"volume": 5}'),
          # live (issue 20): the start carries the session key; none of them before the gate
          ("GET", "/v1/live", b""), ("POST", "/v1/commands/live-start", b"{}"), ("POST", "/v1/commands/live-end", b"{}")]


class Studio:
    def __init__(self) -> None:
        self.key = SigningKey.generate()
        self.counter = 1000

    def sign(self, method: str, path: str, body: bytes, receiver_id: str, counter: int | None = None) -> dict:
        if counter is None:
            self.counter += 1
            counter = self.counter
        # version 1 (still accepted): aiohttp's test client adds headers of its own, which a
        # version 2 signature would have to cover (tests/security/test_signed_headers.py does)
        return sign_headers(self.key, method, path, body, counter, receiver_id, datetime.now(UTC), version=1)


def run(tmp_path, scenario):
    async def main():
        store = ReceiverStore(tmp_path / "rx")
        app = ReceiverApp(store, Engine(store))  # the engine is never started: nothing plays
        async with TestClient(TestServer(app.app)) as client:
            return await scenario(store, client)
    return asyncio.run(main())


async def answer(client, method, path, body=b"", headers=None) -> tuple[int, dict]:
    response = await client.request(method, path, data=body, headers=headers or {})
    text = await response.text()
    if method == "HEAD" or not text:
        return response.status, {}
    return response.status, json.loads(text)


def test_an_unpaired_receiver_refuses_every_signed_route(tmp_path):
    studio = Studio()

    async def scenario(store, client):
        for method, path, body in ROUTES:
            status, data = await answer(client, method, path, body, studio.sign(method, path, body, store.receiver_id))
            assert status == 403, (method, path)
            assert data.get("error", "not-paired") == "not-paired"
        assert not (tmp_path / "rx" / "replay.json").exists()  # no counter taken from a stranger
    run(tmp_path, scenario)


def test_each_refusal_comes_before_the_handler(tmp_path):
    studio, stranger = Studio(), Studio()

    async def scenario(store, client):
        store.pair(public_key_text(studio.key.verify_key), "studio")
        rid = store.receiver_id
        for method, path, body in ROUTES:
            head = method == "HEAD"
            status, data = await answer(client, method, path, body)
            assert status == 401 and (head or data["error"] == "unsigned"), (method, path)
            status, data = await answer(client, method, path, body, stranger.sign(method, path, body, rid))
            assert status == 401 and (head or data["error"] == "unknown-key"), (method, path)
            status, data = await answer(client, method, path, body, studio.sign(method, path, body + b" ", rid))
            assert status == 401 and (head or data["error"] == "bad-signature"), (method, path)
            headers = studio.sign(method, path, body, rid)
            first, _ = await answer(client, method, path, body, headers)
            assert first not in (401, 403, 409), (method, path, first)  # the handler ran
            status, data = await answer(client, method, path, body, headers)
            assert status == 409 and (head or data["error"] == "replay"), (method, path)
        assert store.volume() == 5  # PUT /v1/volume ran once
        # a body over the route's limit is refused before it is read or checked
        big = b"x" * 2000
        status, data = await answer(client, "PUT", "/v1/volume", big, studio.sign("PUT", "/v1/volume", big, rid))
        assert status == 413 and data["error"] == "too-large"
        # a bad media name is refused before anything else, signed or not
        status, data = await answer(client, "PATCH", "/v1/media/NOT-A-SHA", b"x")
        assert status == 400 and data["error"] == "bad-name"
        assert MAX_CHUNK == 16 << 20
    run(tmp_path, scenario)


@pytest.mark.parametrize("studio_time", ["2000-01-01T00:00:00.000+00:00", "2099-01-01T00:00:00.000+00:00"])
def test_the_studio_clock_is_only_reported(tmp_path, studio_time):
    studio = Studio()

    async def scenario(store, client):
        store.pair(public_key_text(studio.key.verify_key), "studio")
        when = datetime.fromisoformat(studio_time)
        headers = sign_headers(studio.key, "GET", "/v1/status", b"", 5, store.receiver_id, when, version=1)
        status, data = await answer(client, "GET", "/v1/status", b"", headers)
        assert status == 200
        assert abs(data["clock_offset_s"] - (datetime.now(UTC) - when).total_seconds()) < 60
    run(tmp_path, scenario)

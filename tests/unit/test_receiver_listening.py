"""crs_receiver.listening: aiohttp's per-connection settings reach each connection's handler.
`web.run_app(..., handler_args=...)` dropped them (each handler refused the unknown
argument and fell back to a 3,630 s keep-alive and 128 headers); an AppRunner gets them."""

from __future__ import annotations

import asyncio

from aiohttp import web
from crs_receiver.connections import IDLE_S
from crs_receiver.listening import MAX_HEADERS, handler_options


def test_each_connection_gets_the_receivers_settings():
    async def main():
        runner = web.AppRunner(web.Application(), access_log=None, **handler_options())
        await runner.setup()
        try:
            handler = runner.server()  # what accepting a connection makes
            return handler.keepalive_timeout, handler.max_headers
        finally:
            await runner.cleanup()

    assert asyncio.run(main()) == (IDLE_S, MAX_HEADERS) == (75.0, 64)
    assert handler_options()["auto_decompress"] is False

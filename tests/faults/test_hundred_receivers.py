"""100 receivers on loopback, all converge: one process hosts 100 real receiver HTTP
servers (each its own store, its own key trust and port), the studio pairs them, publishes
and its delivery engine (a worker per receiver) brings every one the manifest."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web
from crs_receiver.player import Engine
from crs_receiver.server import ReceiverApp
from crs_receiver.store import ReceiverStore

from studio.accounts.store import Accounts, Role
from studio.audio import synthetic
from studio.audio.settings import RenderSettings
from studio.fleet.delivery import Delivery
from studio.fleet.fleet import pair_receiver
from studio.fleet.keys import StudioKey
from studio.library import ClipLibrary
from studio.programmes.model import Item, Spec
from studio.programmes.render import render_all
from studio.programmes.workflow import Programmes
from studio.schedule.slots import Slots
from studio.schedule.zones import Policy, ZoneKind, Zones
from studio.storage.database import connect
from tests.support.receiver import free_port
from tests.support.tools import write_audio

COUNT = 100


class Host:
    """COUNT receiver servers on one asyncio loop in a thread."""

    def __init__(self, folder) -> None:
        self.loop = asyncio.new_event_loop()
        self.apps, self.runners, self.urls = [], [], []
        ready = threading.Event()

        def serve() -> None:
            asyncio.set_event_loop(self.loop)
            for n in range(COUNT):
                store = ReceiverStore(folder / f"rx{n}", 64 << 20)
                app = ReceiverApp(store, Engine(store, "testspk"))  # its engine is not started: no playback here
                runner = web.AppRunner(app.app)
                self.loop.run_until_complete(runner.setup())
                port = free_port()
                self.loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
                self.apps.append(app)
                self.runners.append(runner)
                self.urls.append(f"http://127.0.0.1:{port}")
            ready.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=serve, daemon=True)
        self.thread.start()
        assert ready.wait(120)

    def close(self) -> None:
        async def stop():
            for runner in self.runners:
                await runner.cleanup()

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(60)
        self.loop.call_soon_threadsafe(self.loop.stop)


@pytest.mark.timeout(600)
def test_a_hundred_receivers_converge(library, tmp_path):
    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    approver = accounts.add("chutich", "matkhau-chutich", Role.APPROVER, by=admin)
    clip = library.import_file(write_audio(tmp_path / "tin.wav", synthetic.speech_like(20.0), subtype="PCM_16")).clip.id
    programmes = Programmes(library, accounts)
    programme = programmes.create("Bản tin", Spec((Item(clip=clip),), "chuong-mo-dau"), admin)
    fields = RenderSettings().cache_fields()
    programmes.submit(programme.id, admin, render_all(programmes), fields)
    programmes.approve(programme.id, approver, render_all(programmes), fields)
    zone = Zones(library.conn, accounts).add("Xã", admin, ZoneKind.AREA, "vi", Policy())
    start = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).replace(tzinfo=None, microsecond=0) + timedelta(hours=3)
    Slots(library.conn, accounts).add(programme.id, [zone.id], start, admin, "FREQ=DAILY")

    host = Host(tmp_path / "receivers")
    try:
        key = StudioKey(library.paths.keys_dir)
        for app, url in zip(host.apps, host.urls):
            pair_receiver(library, key, url, app.pairing.code, "Xã")
        from studio.fleet.publish import publish

        result = publish(library, "test", days=2)
        paths = library.paths
        engine = Delivery(lambda: ClipLibrary(paths, connect(paths.database)), key, poll_s=0.2)
        engine.start()
        deadline = time.monotonic() + 240
        try:
            while time.monotonic() < deadline:
                done = library.conn.execute("SELECT COUNT(*) FROM receivers WHERE delivered_version >= ?",
                                            (result.publish_id,)).fetchone()[0]
                if done == COUNT:
                    break
                time.sleep(0.3)
        finally:
            engine.stop()
        assert done == COUNT
        versions = {json.loads((app.store.root / "manifest.json").read_text())["version"] for app in host.apps}
        assert versions == {result.publish_id}
    finally:
        host.close()

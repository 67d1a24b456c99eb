"""`python -m benchmarks.publish [--receivers 100]`: publish a 30-minute programme to
receivers on loopback (separate processes), then change one 3-minute item and publish again.

Printed: the time for compiling (what the background does after the click; the click
itself only starts a task), time to full convergence (every receiver holds the manifest),
bytes on the wire against the minimum (the size of the media each receiver's manifest
names, read from the receivers' own folders, summed over receivers), and the re-publish
bytes against that item's encoded size × receivers (target ≤ 1.1). The wire is counted
by a TCP proxy on loopback in front of each receiver (`WireCounter`): every byte the
studio sends (HTTP, signatures, manifests, media) and receives, whatever the studio's
own counters say. The proxy runs on one asyncio thread; it adds its cost to convergence.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ITEMS, ITEM_MINUTES = 10, 3.0


def start_receivers(folder: Path, count: int, env: dict) -> list[tuple[subprocess.Popen, str, str]]:
    started = []
    for n in range(count):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        process = subprocess.Popen(
            [sys.executable, "-m", "studio", "receiver", "serve", "--data-dir", str(folder / f"rx{n}"), "--host",
             "127.0.0.1", "--port", str(port), "--quota-mb", "256"], env=env, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True)
        started.append((process, f"http://127.0.0.1:{port}"))
    from crs_receiver import wait_until_listening

    return [(process, url, wait_until_listening(process)) for process, url in started]


class WireCounter:
    """Loopback TCP proxies, one per receiver, counting bytes studio -> receiver (`up`) and
    back (`down`). One asyncio loop on a daemon thread; read the counters from any thread."""

    def __init__(self) -> None:
        self.up = self.down = 0
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()

    def front(self, url: str) -> str:
        """A proxy in front of the receiver at `url`; returns the proxy's URL."""
        target = int(url.rsplit(":", 1)[1])
        port = asyncio.run_coroutine_threadsafe(self._listen(target), self.loop).result()
        return f"http://127.0.0.1:{port}"

    async def _listen(self, target: int) -> int:
        server = await asyncio.start_server(lambda r, w: self._serve(r, w, target), "127.0.0.1", 0)
        return server.sockets[0].getsockname()[1]

    async def _serve(self, reader, writer, target: int) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", target)
        except OSError:
            writer.close()
            return
        await asyncio.gather(self._pipe(reader, upstream_writer, True), self._pipe(upstream_reader, writer, False))

    async def _pipe(self, reader, writer, up: bool) -> None:
        try:
            while data := await reader.read(1 << 16):
                if up:
                    self.up += len(data)
                else:
                    self.down += len(data)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()


def media_held(folders: list[Path]) -> int:
    """Bytes of the media each receiver's manifest names, from the receivers' own folders."""
    total = 0
    for folder in folders:
        manifest = json.loads((folder / "manifest.json").read_text())
        names = {sha for item in manifest["items"] for sha in item["media"]}
        total += sum((folder / "media" / sha).stat().st_size for sha in names)
    return total


def converge(library, key, version: int, count: int, timeout: float = 1800) -> float:
    from studio.fleet.delivery import Delivery
    from studio.library import ClipLibrary
    from studio.storage.database import connect

    paths = library.paths
    engine = Delivery(lambda: ClipLibrary(paths, connect(paths.database)), key, poll_s=0.2)
    started = time.perf_counter()
    engine.start()
    try:
        while time.perf_counter() - started < timeout:
            done = library.conn.execute("SELECT COUNT(*) FROM receivers WHERE delivered_version >= ?",
                                        (version,)).fetchone()[0]
            if done == count:
                return time.perf_counter() - started
            time.sleep(0.2)
        raise RuntimeError("did not converge")
    finally:
        engine.stop()


def publish_click(paths) -> float:
    """The Phát hành button in the real window's panel: ms until the click handler returns
    (the preview then compiles in the background and opens the summary, which is left
    unconfirmed; we wait for it so nothing is left running)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from studio.context import StudioContext
    from studio.preferences import Preferences
    from ui.receivers_panel import ReceiversPanel
    from ui.services import Services
    from ui.task_runner import TaskRunner

    app = QApplication.instance() or QApplication([])
    runner = TaskRunner()
    panel = ReceiversPanel(Services(StudioContext.create(paths), Preferences()), runner)
    started = time.perf_counter()
    panel.publish()
    click = (time.perf_counter() - started) * 1000
    while runner.active_count():
        app.processEvents()
        time.sleep(0.01)
    runner.shutdown()
    return click


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--receivers", type=int, default=100)
    args = parser.parse_args()

    import soundfile as sf

    from studio.accounts.store import Accounts, Role
    from studio.audio import synthetic
    from studio.audio.edits import EditList
    from studio.audio.settings import RenderSettings
    from studio.fleet.fleet import pair_receiver
    from studio.fleet.keys import StudioKey
    from studio.fleet.publish import publish
    from studio.library import ClipLibrary
    from studio.paths import StudioPaths
    from studio.programmes.model import Item, Spec
    from studio.programmes.render import render_all
    from studio.programmes.workflow import Programmes
    from studio.schedule.slots import Slots
    from studio.schedule.zones import Policy, ZoneKind, Zones
    from studio.storage.database import connect

    with tempfile.TemporaryDirectory(prefix="crs-bench-publish-") as folder:
        work = Path(folder)
        home = work / "home"
        home.mkdir()
        (home / ".asoundrc").write_text(
            f'pcm.benchspk {{ type file  slave.pcm "null"  file "{work}/out.raw"  format "raw" }}\n'
            'pcm.!default { type plug  slave.pcm "benchspk" }\n')
        env = dict(os.environ, HOME=str(home))
        paths = StudioPaths.at(work / "studio").ensure()
        library = ClipLibrary(paths, connect(paths.database))
        accounts = Accounts(library.conn)
        admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
        approver = accounts.add("chutich", "matkhau-chutich", Role.APPROVER, by=admin)
        clips = []
        for n in range(ITEMS):
            wav = work / f"tin-{n}.wav"
            sf.write(wav, synthetic.speech_like(ITEM_MINUTES * 60, seed=n), 48000, subtype="PCM_16")
            clips.append(library.import_file(wav).clip.id)
        programmes = Programmes(library, accounts)
        programme = programmes.create("Bản tin 30 phút", Spec(tuple(Item(clip=c) for c in clips)), admin)
        fields = RenderSettings().cache_fields()
        programmes.submit(programme.id, admin, render_all(programmes), fields)
        programmes.approve(programme.id, approver, render_all(programmes), fields)
        zone = Zones(library.conn, accounts).add("Xã", admin, ZoneKind.AREA, "vi", Policy())
        start = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).replace(tzinfo=None, microsecond=0) + timedelta(hours=3)
        Slots(library.conn, accounts).add(programme.id, [zone.id], start, admin, "FREQ=DAILY")

        started = time.perf_counter()
        receivers = start_receivers(work, args.receivers, env)
        startup = time.perf_counter() - started
        key = StudioKey(paths.keys_dir)
        try:
            wire = WireCounter()
            for _process, url, code in receivers:
                pair_receiver(library, key, wire.front(url), code, "Xã")
            folders = [work / f"rx{n}" for n in range(args.receivers)]
            started = time.perf_counter()
            first = publish(library, "bench", days=2)
            compile_s = time.perf_counter() - started
            before = wire.up
            converge_s = converge(library, key, first.publish_id, args.receivers)
            sent, received = wire.up - before, wire.down
            counted = library.conn.execute("SELECT SUM(bytes_sent) FROM deliveries WHERE publish_id = ?",
                                           (first.publish_id,)).fetchone()[0]
            minimum = media_held(folders)

            library.set_edits(clips[4], EditList(gain_db=-2.0))
            programmes.submit(programme.id, admin, render_all(programmes), fields)
            programmes.approve(programme.id, approver, render_all(programmes), fields)
            started = time.perf_counter()
            second = publish(library, "bench", days=2)
            recompile_s = time.perf_counter() - started
            before = wire.up
            reconverge_s = converge(library, key, second.publish_id, args.receivers)
            resent = wire.up - before
            from studio.audio.settings import OutputFormat
            from studio.rendering import Renderer

            item = Renderer(library).render_clip(clips[4], OutputFormat.OPUS).media_path.stat().st_size
            click_ms = publish_click(paths)
        finally:
            for process, _, _ in receivers:
                process.terminate()
            for process, _, _ in receivers:
                process.wait(20)

    n = args.receivers
    if not minimum:
        print("the receivers' manifests name no media: nothing was scheduled within the published day",
              file=sys.stderr)
        return 1
    print(f"Publish: a {ITEMS * ITEM_MINUTES:.0f}-minute programme to {n} receivers on loopback "
          f"(started in {startup:.0f} s)")
    print(f"  compile in the background:    {compile_s:6.2f} s  (the click only starts this task)")
    print(f"  full convergence:             {converge_s:6.2f} s")
    print(f"  bytes on the wire, sent:      {sent / 1e6:8.1f} MB vs the media held {minimum / 1e6:.1f} MB "
          f"(what each manifest names × receivers)  ratio {sent / minimum:.3f}")
    print(f"    (the studio's own count {counted / 1e6:.1f} MB; replies {received / 1e6:.2f} MB, pairing included)")
    print(f"  re-publish, one 3-min item:   {resent / 1e6:8.2f} MB on the wire vs item × receivers "
          f"{item * n / 1e6:.2f} MB  ratio {resent / (item * n):.3f}  (target ≤ 1.1); "
          f"compile {recompile_s:.2f} s, convergence {reconverge_s:.2f} s")
    print(f"  the Publish click returns in: {click_ms:6.1f} ms  (target ≤ 200 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

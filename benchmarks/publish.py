"""`python -m benchmarks.publish [--receivers 100]`: publish a 30-minute programme to
receivers on loopback (separate processes), then change one 3-minute item and publish again.

Printed: the time for compiling (what the background does after the click; the click
itself only starts a task), time to full convergence (every receiver holds the manifest),
bytes sent against the minimum (encoded size × receivers), and the re-publish bytes
against 1.1 × that item's encoded size × receivers.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
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
    (compiling then runs in the background; we wait for it so nothing is left running)."""
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
            for _process, url, code in receivers:
                pair_receiver(library, key, url, code, "Xã")
            started = time.perf_counter()
            first = publish(library, "bench", days=1)
            compile_s = time.perf_counter() - started
            converge_s = converge(library, key, first.publish_id, args.receivers)
            sent = library.conn.execute("SELECT SUM(bytes_sent) FROM deliveries WHERE publish_id = ?",
                                        (first.publish_id,)).fetchone()[0]
            minimum = library.conn.execute("SELECT SUM(bytes_total) FROM deliveries WHERE publish_id = ?",
                                           (first.publish_id,)).fetchone()[0]

            library.set_edits(clips[4], EditList(gain_db=-2.0))
            programmes.submit(programme.id, admin, render_all(programmes), fields)
            programmes.approve(programme.id, approver, render_all(programmes), fields)
            started = time.perf_counter()
            second = publish(library, "bench", days=1)
            recompile_s = time.perf_counter() - started
            reconverge_s = converge(library, key, second.publish_id, args.receivers)
            resent = library.conn.execute("SELECT SUM(bytes_sent) FROM deliveries WHERE publish_id = ?",
                                          (second.publish_id,)).fetchone()[0]
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
    print(f"Publish: a {ITEMS * ITEM_MINUTES:.0f}-minute programme to {n} receivers on loopback "
          f"(started in {startup:.0f} s)")
    print(f"  compile in the background:    {compile_s:6.2f} s  (the click only starts this task)")
    print(f"  full convergence:             {converge_s:6.2f} s")
    print(f"  bytes sent:                   {sent / 1e6:8.1f} MB vs minimum {minimum / 1e6:.1f} MB "
          f"(encoded × receivers)  ratio {sent / minimum:.3f}")
    print(f"  re-publish, one 3-min item:   {resent / 1e6:8.2f} MB vs 1.1 × item × receivers "
          f"{1.1 * item * n / 1e6:.2f} MB  ratio {resent / (item * n):.3f}  (target ≤ 1.1); "
          f"compile {recompile_s:.2f} s, convergence {reconverge_s:.2f} s")
    print(f"  the Publish click returns in: {click_ms:6.1f} ms  (target ≤ 200 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

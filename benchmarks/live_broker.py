"""`python -m benchmarks.live_broker [--receivers 5] [--clicks 20]`: live
through a broker. Real `crs_receiver --broker` processes behind a real Mosquitto on loopback,
paired through it (the studio reaches them only as mqtt://HOST:PORT/RID); the studio's
session goes to all of them as envelopes on their `req` topics and one publish per frame on
`crs/v1/live/SESSION` (docs/protocol.md section 10, "Live over MQTT").

The microphone and the speakers are paced in software as in `benchmarks.live` (its
PacedSource and StampedSpeaker). The studio reaches the broker through a counting TCP proxy
(benchmarks/tcp_proxy.py), so its uplink is counted on the socket, MQTT framing, the status
requests and their answers included. Not modelled: a 4G path between the receivers and
the broker (benchmarks.live --faults measures a lossy, delayed path for UDP frames).

Printed: click to speaker p50 / p95 / worst over all receivers (the receiver buffers broker
frames 240 ms, UDP frames 80 ms), how far apart the receivers heard each click, the studio's
uplink to the broker per second of broadcast beside what the UDP path sends for the same
receivers (one datagram per frame per receiver: the frames' own bytes + 28 bytes of UDP/IPv4
header, from the frames the session sent), and the studio's live CPU.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from benchmarks.live import CLICK_EVERY_S, Clicks, PacedSource, StampedSpeaker, stop_processes, thread_cpu_s
from benchmarks.tcp_proxy import TcpProxy, free_port

UDP_IP_HEADER = 28


def spawn_receiver(folder: Path, broker_url: str) -> tuple[subprocess.Popen, StampedSpeaker, str, str]:
    """A receiver on the broker with a file-backed speaker; (process, speaker, id, code)."""
    (folder / "home").mkdir(parents=True)
    speaker = StampedSpeaker(folder / "out.raw")
    (folder / "home" / ".asoundrc").write_text(
        f'pcm.benchspk {{ type file  slave.pcm "null"  file "{folder}/out.raw"  format "raw" }}\n')
    process = subprocess.Popen(
        [sys.executable, "-m", "crs_receiver", "serve", "--data-dir", str(folder / "data"), "--host", "127.0.0.1",
         "--port", str(free_port()), "--output-device", "benchspk", "--broker", broker_url],
        env=dict(os.environ, HOME=str(folder / "home")), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    code = rid = ""
    for line in process.stdout:
        if "pairing code:" in line:
            code = line.split(":")[1].strip()
        if "receiver id:" in line:
            rid = line.split(":")[1].strip()
        if "listening on" in line:
            break
    return process, speaker, rid, code


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--receivers", type=int, default=5)
    parser.add_argument("--clicks", type=int, default=20)
    args = parser.parse_args()

    import logging

    from studio.accounts.store import Accounts, Role
    from studio.broker import BrokerProcess, BrokerSettings
    from studio.fleet.broker_account import save_account
    from studio.fleet.fleet import pair_receiver
    from studio.fleet.keys import StudioKey
    from studio.fleet.mqtt_link import links
    from studio.library import ClipLibrary
    from studio.live.broadcast import LiveBroadcast, LiveTarget
    from studio.paths import StudioPaths
    from studio.schedule.zones import Policy, ZoneKind, Zones
    from studio.storage.database import connect

    logging.basicConfig(level=logging.ERROR)
    root = Path(tempfile.mkdtemp(prefix="bench-live-broker-"))
    broker = BrokerProcess(root / "broker", BrokerSettings("127.0.0.1", free_port()))
    account = broker.start()
    studio_proxy = TcpProxy(account.port, account.host)
    paths = StudioPaths.at(root / "studio").ensure()
    library = ClipLibrary(paths, connect(paths.database))
    save_account(paths.data_dir, replace(account, port=studio_proxy.port))  # the studio: through the counter
    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    Zones(library.conn, accounts).add("Thôn 1", admin, ZoneKind.VILLAGE, "vi", Policy())
    key = StudioKey(paths.keys_dir)
    processes, speakers = [], []
    sizes: list[int] = []
    try:
        for n in range(args.receivers):
            process, speaker, rid, code = spawn_receiver(root / f"rx{n}", f"mqtt://127.0.0.1:{account.port}")
            processes.append(process)
            speakers.append(speaker)
            pair_receiver(library, key, f"mqtt://127.0.0.1:{studio_proxy.port}/{rid}", code, "Thôn 1", f"Loa {n}")
        rows = library.conn.execute("SELECT * FROM receivers ORDER BY id").fetchall()
        targets = [LiveTarget(r["id"], r["name"], r["receiver_id"], r["address"]) for r in rows]
        source = PacedSource(args.clicks)
        broadcast = LiveBroadcast(key, targets, None, "benchmark", ["Thôn 1"], capture=source)
        broadcast.tap = lambda frame: sizes.append(len(frame))
        broadcast.start()
        deadline = time.monotonic() + 60
        while not all(t.carried for t in targets) and time.monotonic() < deadline:
            time.sleep(0.05)
        with studio_proxy._lock:
            up0, sent0 = studio_proxy.up, len(sizes)
        source.go.set()
        started, cpu0 = time.monotonic(), thread_cpu_s(("live-",))
        source.done.wait(args.clicks * CLICK_EVERY_S + 30)
        time.sleep(0.8)
        with studio_proxy._lock:
            up = studio_proxy.up - up0
        elapsed = time.monotonic() - started
        cpu = thread_cpu_s(("live-",)) - cpu0
        frames = sizes[sent0:]
        on_air = sum(t.carried for t in targets)
        broadcast.stop()
    finally:
        stop_processes(processes)
        links().close()
        broker.stop()

    clicks = Clicks(source, speakers)
    print(f"live through the broker: {args.receivers} receivers ({on_air} carried it), {len(source.click_times)} "
          f"clicks, {clicks.missing} not heard")
    clicks.print_latency()
    means = sorted((statistics.mean(mine) * 1000, n) for n, mine in enumerate(clicks.by_receiver) if mine)
    if len(means) > 1:
        print(f"  each receiver's mean latency: from {means[0][0]:.0f} ms (Loa {means[0][1]}) to {means[-1][0]:.0f} ms "
              f"(Loa {means[-1][1]}); clicks heard per receiver: {sorted(len(m) for m in clicks.by_receiver)[:3]}... "
              "lowest")
    udp = sum(size + UDP_IP_HEADER for size in frames) * args.receivers
    print(f"  studio uplink to the broker, counted on the socket: {up * 8 / elapsed / 1000:.1f} kbit/s; the UDP "
          f"path would send {udp * 8 / elapsed / 1000:.1f} kbit/s to these {args.receivers} receivers "
          f"(ratio {up / udp:.2f})" if udp else "  no frames sent")
    print(f"  studio live threads: {cpu:.2f} s CPU over {elapsed:.1f} s ({100 * cpu / elapsed:.1f} % of a core)")
    return 0 if clicks.latencies and not clicks.missing else 1


if __name__ == "__main__":
    sys.exit(main())

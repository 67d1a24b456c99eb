"""`python -m benchmarks.broker [--quick]`: the MQTT transport's figures, in one run, against
the project's real Mosquitto (studio/broker/) on a loopback port.

1. Uplink: a publish of a 30-minute programme to 100 simulated receivers
   (benchmarks/sim_receivers.py: real MQTT, real signature checks, real SHA-256), the
   studio's bytes counted on the wire by a counting TCP proxy between the studio and the
   broker (benchmarks/tcp_proxy.py), ÷ the unique media bytes (target ≤ 1.1×); beside it
   HTTP push's figure, computed from the same deliveries (each receiver gets its own copy).
2. Catch-up: one of those receivers is offline for the whole publish; the studio is stopped
   once the others have it; the receiver connects and must get everything from the broker.
3. Scale: 1,000 simulated receivers in this one process converge on a new manifest: time to
   full convergence (every receiver holds the manifest and its checked media), Mosquitto's
   RSS and CPU seconds meanwhile, payload bytes per receiver.
4. Latency: emergency play-now through the broker to the first sample on a real receiver
   (`crs_receiver --broker`, a file-backed ALSA device as in benchmarks/emergency.py),
   p50/p99 over 20 tries (target ≤ 500 ms). Measured from the studio declaring it (the
   window's path: record, then the emergency lane sends) to the device's file growing.

`--quick` runs small numbers (the suite runs it: tests/e2e/test_broker_benchmark.py).
Caller's thread; the simulated receivers run on their own loop, the proxy in its threads.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from benchmarks.broker_setup import approved_programme, sim_fleet, use_broker
from benchmarks.emergency import Speaker
from benchmarks.tcp_proxy import TcpProxy, free_port
from studio.broker import BrokerProcess, BrokerSettings
from studio.fleet.delivery import deliver_until_idle, pending
from studio.fleet.keys import StudioKey
from studio.fleet.mqtt_client import link_for
from studio.fleet.mqtt_link import links
from studio.fleet.publish import publish
from studio.library import ClipLibrary
from studio.paths import StudioPaths
from studio.storage.database import connect

ZONE = "Xã"


def open_studio(folder: Path) -> ClipLibrary:
    paths = StudioPaths.at(folder).ensure()
    return ClipLibrary(paths, connect(paths.database))


def wait_until(condition, timeout: float, every: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return bool(condition())


class BrokerMeter:
    """Mosquitto's RSS (sampled every 0.1 s, the peak kept) and CPU seconds, from /proc."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_kb, self._stop = pid, 0, threading.Event()
        self._thread: threading.Thread | None = None

    def rss_kb(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def cpu_s(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def start(self) -> BrokerMeter:
        self.peak_kb = self.rss_kb()
        self._thread = threading.Thread(target=self._sample, daemon=True, name="broker-meter")
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.1):
            self.peak_kb = max(self.peak_kb, self.rss_kb())

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)


def converge(library: ClipLibrary, key: StudioKey, done, timeout: float) -> bool:
    """Run the delivery engine's headless loop until `done()` (or the deadline)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        deliver_until_idle(library, key, min(2.0, max(0.1, deadline - time.monotonic())))
        if done():
            return True
    return done()


def unique_media(library: ClipLibrary, publish_id: int) -> tuple[int, int, int]:
    """(unique media bytes of the publish, Σ of its deliveries' bytes (what HTTP push sends), deliveries)."""
    shas: set[str] = set()
    total = count = 0
    for row in library.conn.execute("SELECT media_json, bytes_total FROM deliveries WHERE publish_id = ?",
                                    (publish_id,)):
        shas.update(json.loads(row["media_json"]))
        total += row["bytes_total"]
        count += 1
    return sum(library.store.path_for(sha).stat().st_size for sha in shas), total, count


def uplink_and_catch_up(work: Path, account, receivers: int, minutes: float) -> dict:
    print(f"\n== Uplink: a {minutes:g}-minute programme published to {receivers} receivers through the broker")
    library = open_studio(work / "studio-uplink")
    key = StudioKey(library.paths.keys_dir)
    proxy = TcpProxy(account.port, account.host)
    proxied = replace(account, port=proxy.port)  # the studio reaches the broker only through the proxy
    use_broker(library, proxied)
    approved_programme(library, work / "audio-uplink", minutes * 60)
    fleet = sim_fleet(library, key, proxied, receivers, host=account.host, port=account.port)
    online, late = fleet.receivers[:-1], fleet.receivers[-1]
    try:
        fleet.start(online)
        with proxy._lock:
            proxy.up = proxy.down = 0  # from here on: the publish only (setup went through it too)
        started = time.monotonic()
        result = publish(library, "benchmark", days=2)
        version = result.publish_id
        ok = converge(library, key, lambda: all(r.state.manifest_version == version for r in online)
                      and len(pending(library.conn)) <= 1, 600)
        took = time.monotonic() - started
        up = proxy.up
        media, http_total, deliveries = unique_media(library, version)
        if not media:
            raise RuntimeError(f"publish {version} carried no media: nothing scheduled inside its window")
        refused = sum(r.state.refused for r in fleet.receivers)
        print(f"  {len(online)} online receivers converged: {'yes' if ok else 'NO'} in {took:.1f} s "
              f"({deliveries} deliveries, {refused} messages refused)")
        print(f"  unique media {media / 1e6:.2f} MB; studio -> broker on the wire {up / 1e6:.2f} MB: "
              f"ratio {up / media:.3f}x  (target <= 1.1x)")
        print(f"  HTTP push (computed: each receiver gets its own copy of the media and manifest): "
              f"{http_total / 1e6:.1f} MB, ratio {http_total / media:.1f}x")

        print("\n== Catch-up: a receiver offline for the whole publish, the studio stopped afterwards")
        links().close()  # the studio stops
        started = time.monotonic()
        fleet.start([late])
        caught = wait_until(lambda: late.state.manifest_version == version
                            and late.state.wanted <= set(late.state.media), 120)
        print(f"  received everything: {'yes' if caught else 'NO'} in {time.monotonic() - started:.2f} s after "
              f"it connected ({len(late.state.media)} files, {sum(map(len, late.state.media.values())) / 1e6:.2f} "
              f"MB, hashes checked, {late.state.refused} refused)")
        return {"uplink": up / media, "http": http_total / media, "converged": ok, "caught_up": caught,
                "media_bytes": media}
    finally:
        fleet.close()
        links().close()
        proxy.close()
        library.conn.close()


def scale(work: Path, account, pid: int, receivers: int, seconds: float) -> dict:
    print(f"\n== Scale: {receivers} simulated receivers (one process) converge on a new manifest "
          f"({seconds:g} s programme)")
    library = open_studio(work / "studio-scale")
    key = StudioKey(library.paths.keys_dir)
    use_broker(library, account)
    approved_programme(library, work / "audio-scale", seconds)
    started = time.monotonic()
    fleet = sim_fleet(library, key, account, receivers, prefix="k")
    accounts_s = time.monotonic() - started
    started = time.monotonic()
    try:
        fleet.start(timeout=600)
        connect_s = time.monotonic() - started
        print(f"  setup: {receivers} broker accounts in {accounts_s:.1f} s, all connected and subscribed in "
              f"{connect_s:.1f} s")
        meter = BrokerMeter(pid).start()
        rss_before, cpu_before = meter.rss_kb(), meter.cpu_s()
        started = time.monotonic()
        version = publish(library, "benchmark", days=2).publish_id
        everyone = lambda: all(r.state.manifest_version == version for r in fleet.receivers)  # noqa: E731
        ok = converge(library, key, everyone, 900)
        took = time.monotonic() - started
        studio_idle = wait_until(lambda: not pending(library.conn), 0) or deliver_until_idle(library, key, 60) == 0
        studio_s = time.monotonic() - started
        meter.stop()
        cpu = meter.cpu_s() - cpu_before
        per_receiver = np.mean([r.state.bytes_in for r in fleet.receivers])
        refused = sum(r.state.refused for r in fleet.receivers)
        done = sum(r.state.manifest_version == version for r in fleet.receivers)
        print(f"  converged: {done}/{receivers} in {took:.1f} s (the studio saw every delivery complete: "
              f"{'yes' if studio_idle else 'NO'}, {studio_s:.1f} s); {refused} messages refused")
        print(f"  broker: RSS {rss_before / 1024:.1f} MB before, peak {meter.peak_kb / 1024:.1f} MB; CPU "
              f"{cpu:.1f} s over the {took:.1f} s ({cpu / took * 100:.0f}% of one core)")
        print(f"  payload bytes received per receiver: {per_receiver / 1e3:.1f} kB")
        return {"converged": ok, "seconds": took, "rss_mb": meter.peak_kb / 1024, "cpu_s": cpu}
    finally:
        fleet.close()
        links().close()
        library.conn.close()


def start_receiver(folder: Path, broker_url: str) -> tuple[subprocess.Popen, Speaker, str, str]:
    """A real receiver process on the broker; (process, its speaker, its id, its pairing code)."""
    speaker = Speaker(folder)
    errors = open(folder / "receiver.log", "wb")  # noqa: SIM115 (the child's stderr, closed by the OS with it)
    process = subprocess.Popen(
        [sys.executable, "-m", "crs_receiver", "serve", "--data-dir", str(folder / "rx"), "--host", "127.0.0.1",
         "--port", str(free_port()), "--output-device", "benchspk", "--broker", broker_url, "--name", "Loa 4G"],
        env=speaker.env(), stdout=subprocess.PIPE, stderr=errors, text=True)
    receiver_id = code = ""
    deadline = time.monotonic() + 60
    for line in process.stdout:
        if found := re.search(r"receiver id: (\S+)", line):
            receiver_id = found.group(1)
        if found := re.search(r"pairing code: (\d+)", line):
            code = found.group(1)
        if "listening on" in line or time.monotonic() > deadline:
            break
    threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()  # keep draining
    return process, speaker, receiver_id, code


def quiet(speaker: Speaker, for_s: float = 0.3, timeout: float = 30.0) -> bool:
    """The device's file has not grown for `for_s` (nothing plays)."""
    def still() -> bool:
        try:
            return time.time() - speaker.out.stat().st_mtime > for_s
        except FileNotFoundError:
            return True
    return wait_until(still, timeout, 0.02)


def latency(work: Path, account, tries: int) -> dict:
    import soundfile as sf

    from studio.accounts.store import Accounts, Role
    from studio.audio import synthetic
    from studio.audio.settings import OutputFormat
    from studio.fleet.emergency import Authority, declare
    from studio.fleet.emergency_delivery import send_and_wait
    from studio.fleet.fleet import pair_receiver
    from studio.rendering import Renderer
    from studio.schedule.zones import Policy, ZoneKind, Zones

    print(f"\n== Latency: emergency play-now through the broker to the first sample, a real receiver, {tries} tries")
    library = open_studio(work / "studio-latency")
    key = StudioKey(library.paths.keys_dir)
    use_broker(library, account)
    admin = Accounts(library.conn).add("quantri", "matkhau-quantri", Role.ADMIN)
    Zones(library.conn).add(ZONE, admin, ZoneKind.AREA, "vi", Policy())
    wav = work / "canh-bao.wav"
    sf.write(wav, synthetic.speech_like(1.0, seed=9), 48000, subtype="PCM_16")
    clip = library.import_file(wav, title="Cảnh báo").clip.id
    Renderer(library).render_clip(clip, OutputFormat.OPUS)  # as after the officer listened to it
    process, speaker, receiver_id, code = start_receiver(work / "box", account.url)
    opener = lambda: ClipLibrary(library.paths, connect(library.paths.database))  # noqa: E731
    firsts: list[float] = []
    try:
        address = f"{account.url}/{receiver_id}"
        pair_receiver(library, key, address, code, ZONE, "Loa 4G")
        link = link_for(address, key)  # the paired receiver logs in again with its own secret

        def online() -> bool:
            seen = link.status_of(receiver_id, 1.0)
            return seen is not None and bool(seen.status.get("online"))
        if not wait_until(online, 90, 0.2):
            print("  the receiver did not come online through the broker after pairing")
        quiet(speaker)
        since = time.time_ns()
        emergency = declare(library, clip, [ZONE], Authority("chutich", "chutich", None), 5)
        lane, _ = send_and_wait(opener, key, library, emergency.id, wait_s=0)
        cold = speaker.first_sample_after(since, 30.0)
        lane.stop()
        print("  first play-now, of a clip the receiver does not hold yet (it fetches it from the broker, the "
              "studio's next try plays): " + (f"{cold * 1000:.0f} ms" if cold is not None else "did not play"))
        for _ in range(tries):
            quiet(speaker)
            since = time.time_ns()
            emergency = declare(library, clip, [ZONE], Authority("chutich", "chutich", None), 5)
            lane, _ = send_and_wait(opener, key, library, emergency.id, wait_s=0)
            first = speaker.first_sample_after(since, 10.0)
            lane.stop()
            if first is not None:
                firsts.append(first)
    finally:
        process.terminate()
        process.wait(15)
        links().close()
        library.conn.close()
    if not firsts:
        print("  none of the tries played")
        return {"p50": None, "p99": None, "played": 0}
    p50, p99 = np.percentile(firsts, 50) * 1000, np.percentile(firsts, 99) * 1000
    print(f"  then {len(firsts)}/{tries} played; declare to first sample p50 {p50:.0f} ms, p99 {p99:.0f} ms, worst "
          f"{max(firsts) * 1000:.0f} ms  (target <= 500 ms)")
    return {"p50": p50, "p99": p99, "played": len(firsts)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.broker")
    parser.add_argument("--quick", action="store_true", help="small numbers (the test suite's run)")
    parser.add_argument("--receivers", type=int, help="receivers of the uplink publish (default 100)")
    parser.add_argument("--minutes", type=float, help="length of the uplink programme (default 30)")
    parser.add_argument("--scale", type=int, help="simulated receivers of the scale run (default 1000)")
    parser.add_argument("--scale-seconds", type=float, help="length of the scale run's programme (default 60)")
    parser.add_argument("--tries", type=int, help="emergency tries (default 20)")
    args = parser.parse_args(argv)
    quick = args.quick
    receivers = args.receivers or (4 if quick else 100)
    minutes = args.minutes or (0.25 if quick else 30.0)
    fleet_size = args.scale or (20 if quick else 1000)
    seconds = args.scale_seconds or (5.0 if quick else 60.0)
    tries = args.tries or (3 if quick else 20)
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="crs-bench-broker-") as folder:
        work = Path(folder)
        broker = BrokerProcess(work / "broker", BrokerSettings("127.0.0.1", free_port()))
        account = broker.start()
        results = {}
        try:
            pid = broker.process.pid
            results["uplink"] = uplink_and_catch_up(work, account, receivers, minutes)
            meter = BrokerMeter(pid)
            print(f"  broker holding the retained programme: RSS {meter.rss_kb() / 1024:.1f} MB")
            results["scale"] = scale(work, account, pid, fleet_size, seconds)
            results["latency"] = latency(work, account, tries)
        finally:
            broker.stop()
        store = sum(p.stat().st_size for p in (work / "broker" / "data").rglob("*") if p.is_file())
        print(f"\nbroker persistence on disk after the run: {store / 1e6:.1f} MB "
              f"(media {results['uplink']['media_bytes'] / 1e6:.1f} MB retained once)")
    load = os.getloadavg()[0]
    print(f"(machine load average {load:.1f} at the end, {os.cpu_count()} cores)")
    up, sc, lat = results["uplink"], results["scale"], results["latency"]
    good = (up["converged"] and up["caught_up"] and up["uplink"] <= 1.1 and sc["converged"]
            and lat["played"] == tries)
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())

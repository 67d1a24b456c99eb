"""`python -m benchmarks.live [--receivers 1] [--clicks 20]`: live broadcast latency, from a
click entering the studio's capture queue to the click reaching each receiver's speaker,
through real `crs_receiver` processes on loopback (signed live-start, sealed key, Opus
frames over UDP, jitter buffer, PortAudio output).

Pacing. ALSA's file plugin is not paced like a sound card (it reads and writes as fast as
it can). `--paced` measures on a PulseAudio null sink instead, beside an Icecast + ffmpeg
chain (benchmarks/live_paced.py). Without it, both ends are paced in software: the microphone is a thread that puts 20 ms blocks into the broadcast's
capture queue at real-time pace (what the PortAudio callback does with a sound card; the
click's time is when its block is queued, so the input device's own buffer, about one
period, is not counted), and each speaker is a FIFO (pipe buffer cut to 4 KiB, 21 ms of
float32) that a thread drains at real-time pace, stamping each 20 ms chunk as it is read.

Printed: per-click latency p50 / p95 / worst over all receivers (goal p95 <= 600 ms on the
LAN path), how far apart the receivers heard each click (with --receivers > 1; goal within
100 ms), and the studio's CPU (its live threads, from /proc) per second of broadcast.

`--faults`: a steady 400 Hz tone instead of clicks, every frame through a relay in front of
each receiver that delays it (`--delay-ms`, 300 one way), drops it (`--loss`, 2 %), holds the
link to `--kbps` (256), and cuts everything for 3 s after 5 s. Printed: gaps in the output
longer than 60 ms outside the cut (20 ms chunks below -40 dBFS in a row; goal none), and the
time from the end of the cut to the tone on the speaker again (goal <= 1 s).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import queue
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

BLOCK = 960
RATE = 48000
F_SETPIPE_SZ = 1031
CLICK_EVERY_S = 0.6


class PacedSource:
    """The microphone: blocks into `blocks` at real-time pace; a click every CLICK_EVERY_S."""

    def __init__(self, clicks: int, tone: bool = False) -> None:
        self.tone = tone
        self.blocks: queue.Queue = queue.Queue(maxsize=25)
        self.overflows = 0
        self.clicks = clicks
        self.click_times: list[float] = []
        self._stop = threading.Event()
        self.done = threading.Event()
        self.go = threading.Event()  # every receiver is on the air: the clicks may start

    def start(self) -> None:
        threading.Thread(target=self._run, name="paced-mic", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        rng = np.random.default_rng(3)
        every = int(CLICK_EVERY_S * 50)
        t0, n = time.monotonic(), 0
        lead = 0
        while not self._stop.is_set():
            block = (rng.normal(0, 30, (BLOCK, 1))).astype("<i2")  # a quiet room
            if self.tone:  # 400 Hz: 8 periods a block, continuous
                block[:, 0] = np.round(8000 * np.sin(2 * np.pi * 400 * np.arange(BLOCK) / RATE)).astype("<i2")
            if not self.go.is_set():
                lead = n + 10
            index = n - lead
            if index >= 0 and index % every == 0 and len(self.click_times) < self.clicks:
                block[:48] = 26000  # a 1 ms click at the block's start
                self.click_times.append(time.monotonic())
            elif index > 0 and len(self.click_times) >= self.clicks and index % every == every // 2:
                self.done.set()
            try:
                self.blocks.put_nowait(block)
            except queue.Full:
                self.overflows += 1
            n += 1
            ahead = t0 + n * BLOCK / RATE - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)


class StampedSpeaker:
    """A receiver's speaker FIFO drained at real-time pace; `chunks` is (time read, samples).
    The FIFO is held open read-write from the start so that its buffer is 4 KiB before the
    receiver's first write (a pipe cannot shrink below what it holds)."""

    def __init__(self, path: Path) -> None:
        os.mkfifo(path)
        self.fd = os.open(path, os.O_RDWR)
        fcntl.fcntl(self.fd, F_SETPIPE_SZ, 4096)
        self.chunks: list[tuple[float, np.ndarray]] = []
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        size = BLOCK * 4
        t0, n, pending = time.monotonic(), 0, b""
        while True:
            pending += os.read(self.fd, size - len(pending))
            if len(pending) < size:
                continue
            now = time.monotonic()
            if now - (t0 + n * BLOCK / RATE) > 0.04:  # it was silent (nothing to read): pace from now
                t0, n = now, 0
            self.chunks.append((now, np.frombuffer(pending, dtype="<f4")))
            pending, n = b"", n + 1
            ahead = t0 + n * BLOCK / RATE - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)

    def click_after(self, start: float, end: float) -> float | None:
        """When the first sample above 0.3 was read between `start` and `end` (the chunk's
        read time, less the samples after the click within the chunk)."""
        for stamp, samples in list(self.chunks):
            if start <= stamp < end:
                loud = np.flatnonzero(np.abs(samples) > 0.3)
                if len(loud):
                    return stamp - (BLOCK - loud[0]) / RATE
        return None


class FaultyLink:
    """UDP from the studio to one receiver: delayed, lossy, rate-limited, cut at will."""

    def __init__(self, target: tuple[str, int], delay_s: float, loss: float, kbps: float) -> None:
        import heapq
        import random

        self.heapq, self.random = heapq, random.Random(7)
        self.target, self.delay_s, self.loss, self.kbps = target, delay_s, loss, kbps
        self.cut = False
        self.inbound = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.inbound.bind(("127.0.0.1", 0))
        self.address = self.inbound.getsockname()
        self.queue: list = []
        self.lock = threading.Condition()
        self.link_free = 0.0
        threading.Thread(target=self._receive, daemon=True).start()
        threading.Thread(target=self._send, daemon=True).start()

    def _receive(self) -> None:
        while True:
            data, _ = self.inbound.recvfrom(2048)
            if self.cut or self.random.random() < self.loss:
                continue
            now = time.monotonic()
            self.link_free = max(self.link_free, now) + len(data) * 8 / (self.kbps * 1000)
            with self.lock:
                self.heapq.heappush(self.queue, (self.link_free + self.delay_s, data))
                self.lock.notify()

    def _send(self) -> None:
        out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        while True:
            with self.lock:
                while not self.queue:
                    self.lock.wait()
                due, data = self.queue[0]
                wait = due - time.monotonic()
                if wait > 0:
                    self.lock.wait(wait)
                    continue
                self.heapq.heappop(self.queue)
            out.sendto(data, self.target)


def fault_figures(speakers, cut_start: float, cut_end: float, until: float) -> None:
    gaps, back = [], []
    for speaker in speakers:
        silent_since, recovered = None, None
        for stamp, samples in list(speaker.chunks):
            if stamp > until:
                break
            quiet = float(np.abs(samples).max()) < 0.01
            if quiet and silent_since is None:
                silent_since = stamp
            elif not quiet and silent_since is not None:
                length = stamp - silent_since
                if length > 0.06 and not (silent_since < cut_end + 1.0 and stamp > cut_start):
                    gaps.append(length)
                silent_since = None
            if not quiet and recovered is None and stamp > cut_end:
                recovered = stamp - cut_end
        back.append(recovered)
        if recovered is None:
            last = speaker.chunks[-1][0] - cut_end if speaker.chunks else None
            print(f"  (a receiver silent after the cut: {len(speaker.chunks)} chunks, the last "
                  f"{last if last is None else round(last, 2)} s after the cut's end)")
    print(f"  gaps over 60 ms outside the cut: {len(gaps)}" + (f" (longest {max(gaps) * 1000:.0f} ms)"
                                                              if gaps else "") + " (goal 0)")
    heard = [b for b in back if b is not None]
    print("  back on the tone after the 3 s cut: " + (f"worst {max(heard):.2f} s, median "
          f"{statistics.median(heard):.2f} s" if heard else "never") + f" for {len(heard)} of {len(back)} receivers (goal <= 1 s)")


def thread_cpu_s(names: tuple[str, ...]) -> float:
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for thread in threading.enumerate():
        if thread.name.startswith(names) and thread.native_id is not None:
            try:
                fields = Path(f"/proc/self/task/{thread.native_id}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick
            except (OSError, IndexError, ValueError):
                pass
    return total


def stop_processes(processes: list[subprocess.Popen]) -> None:
    """Terminate every receiver process, then kill those still alive after 10 s."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def percentile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class Clicks:
    """Each click of `source` found on each speaker: latencies, per-click spreads, misses,
    and each receiver's latency and lag behind the click's median, click by click."""

    def __init__(self, source: PacedSource, speakers: list[StampedSpeaker]) -> None:
        self.latencies: list[float] = []
        self.spreads: list[float] = []
        self.missing = 0
        self.by_receiver: list[list[float]] = [[] for _ in speakers]
        self.behind_median: list[list[float]] = [[] for _ in speakers]
        for clicked in source.click_times:
            heard = [s.click_after(clicked, clicked + CLICK_EVERY_S) for s in speakers]
            self.missing += sum(h is None for h in heard)
            found = [h for h in heard if h is not None]
            middle = statistics.median(found) if len(found) > 1 else None
            for n, h in enumerate(heard):
                if h is not None:
                    self.by_receiver[n].append(h - clicked)
                    if middle is not None:
                        self.behind_median[n].append(h - middle)
            self.latencies += [h - clicked for h in found]
            if len(found) > 1:
                self.spreads.append(max(found) - min(found))

    def print_latency(self) -> None:
        if self.latencies:
            ordered = sorted(self.latencies)
            print(f"  click to speaker: p50 {statistics.median(ordered) * 1000:.0f} ms, p95 "
                  f"{percentile(ordered, 0.95) * 1000:.0f} ms, worst {ordered[-1] * 1000:.0f} ms (goal p95 <= 600 ms)")
        if self.spreads:
            print(f"  receivers apart per click: median {statistics.median(self.spreads) * 1000:.0f} ms, worst "
                  f"{max(self.spreads) * 1000:.0f} ms (goal <= 100 ms)")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--receivers", type=int, default=1)
    parser.add_argument("--clicks", type=int, default=20)
    parser.add_argument("--faults", action="store_true", help="through a delaying, lossy, rate-limited relay")
    parser.add_argument("--delay-ms", type=float, default=300.0)
    parser.add_argument("--loss", type=float, default=0.02)
    parser.add_argument("--kbps", type=float, default=256.0)
    parser.add_argument("--paced", action="store_true", help="on a PulseAudio null sink, beside Icecast + ffmpeg")
    parser.add_argument("--no-icecast", action="store_true", help="with --paced: the studio's row only")
    args = parser.parse_args()
    if args.paced:
        from benchmarks.live_paced import main_paced

        return main_paced(args.clicks, icecast=not args.no_icecast)

    from studio.accounts.store import Accounts, Role
    from studio.fleet.fleet import pair_receiver
    from studio.fleet.keys import StudioKey
    from studio.library import ClipLibrary
    from studio.live.broadcast import LiveBroadcast, LiveTarget
    from studio.paths import StudioPaths
    from studio.schedule.zones import Policy, ZoneKind, Zones
    from studio.storage.database import connect

    root = Path(tempfile.mkdtemp(prefix="bench-live-"))
    paths = StudioPaths.at(root / "studio").ensure()
    library = ClipLibrary(paths, connect(paths.database))
    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    Zones(library.conn, accounts).add("Thôn 1", admin, ZoneKind.VILLAGE, "vi", Policy())
    key = StudioKey(paths.keys_dir)
    processes, speakers = [], []
    try:
        for n in range(args.receivers):
            folder = root / f"rx{n}"
            (folder / "home").mkdir(parents=True)
            speakers.append(StampedSpeaker(folder / "out.raw"))
            (folder / "home" / ".asoundrc").write_text(
                f'pcm.benchspk {{ type file  slave.pcm "null"  file "{folder}/out.raw"  format "raw" }}\n')
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            process = subprocess.Popen(
                [sys.executable, "-m", "crs_receiver", "serve", "--data-dir", str(folder / "data"), "--host",
                 "127.0.0.1", "--port", str(port), "--output-device", "benchspk"],
                env=dict(os.environ, HOME=str(folder / "home")), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                text=True)
            processes.append(process)
            code = ""
            for line in process.stdout:
                if "pairing code:" in line:
                    code = line.split(":")[1].strip()
                if "listening on" in line:
                    break
            pair_receiver(library, key, f"http://127.0.0.1:{port}", code, "Thôn 1", f"Loa {n}")
        rows = library.conn.execute("SELECT * FROM receivers ORDER BY id").fetchall()
        targets = [LiveTarget(r["id"], r["name"], r["receiver_id"], r["address"]) for r in rows]
        source = PacedSource(0 if args.faults else args.clicks, tone=args.faults)
        broadcast = LiveBroadcast(key, targets, None, "benchmark", ["Thôn 1"], capture=source)
        broadcast.start()
        links = []
        if args.faults:
            for target in targets:
                while target.udp is None:
                    time.sleep(0.01)
                links.append(FaultyLink(target.udp, args.delay_ms / 1000, args.loss, args.kbps))
                target.udp = links[-1].address
        deadline = time.monotonic() + 60
        while not all(t.carried for t in targets) and time.monotonic() < deadline:
            time.sleep(0.05)
        source.go.set()
        started, cpu0 = time.monotonic(), thread_cpu_s(("live-",))
        if args.faults:
            time.sleep(5.0)
            cut_start = time.monotonic()
            for link in links:
                link.cut = True
            time.sleep(3.0)
            for link in links:
                link.cut = False
            cut_end = time.monotonic()
            time.sleep(5.0)
        else:
            source.done.wait(args.clicks * CLICK_EVERY_S + 30)
            time.sleep(0.8)
        cpu = thread_cpu_s(("live-",)) - cpu0
        elapsed = time.monotonic() - started
        on_air = sum(t.carried for t in targets)
        broadcast.stop()
    finally:
        stop_processes(processes)

    if args.faults:
        print(f"live through faults: {args.receivers} receivers, {args.delay_ms:.0f} ms one way, "
              f"{args.loss * 100:.0f} % loss, {args.kbps:.0f} kbit/s, a 3 s cut")
        fault_figures(speakers, cut_start, cut_end, cut_end + 4.5)
        print(f"  studio live threads: {cpu:.2f} s CPU over {elapsed:.1f} s")
        return 0
    clicks = Clicks(source, speakers)
    print(f"live: {args.receivers} receivers ({on_air} carried it), {len(source.click_times)} clicks, "
          f"{clicks.missing} not heard, input blocks dropped {broadcast.dropped_blocks + source.overflows}")
    clicks.print_latency()
    if clicks.spreads:
        steady = [lags for lags in clicks.behind_median if len(lags) > 1]
        if steady:  # a lag that holds from click to click is the receiver's start-up, not jitter
            means = [statistics.mean(lags) * 1000 for lags in steady]
            wobble = statistics.median(statistics.pstdev(lags) * 1000 for lags in steady)
            print(f"  each receiver's lag behind the median: from {min(means):.0f} to {max(means):.0f} ms, "
                  f"steady from click to click (median standard deviation {wobble:.1f} ms)")
    print(f"  studio live threads: {cpu:.2f} s CPU over {elapsed:.1f} s ({100 * cpu / elapsed:.1f} % of a core)")
    print("  (software-paced microphone and speakers: see the module docstring; --paced for a PulseAudio sink)")
    return 0 if clicks.latencies and not clicks.missing else 1


if __name__ == "__main__":
    sys.exit(main())

"""`python -m benchmarks.live --paced [--clicks 20]`: mouth-to-loudspeaker latency on a
speaker paced in real time (a private PulseAudio server's null sink, benchmarks/paced_audio.py),
through the studio's live path and, beside it, through a plain Icecast + ffmpeg chain.

Both chains take the same microphone: benchmarks.live.PacedSource, a thread that makes 20 ms
blocks at real-time pace with a 1 ms click every 0.6 s; a click's time is when its block is
queued (what the PortAudio callback does with a sound card; the input device's own buffer,
about one period, is not counted in either row). Both end on the same loudspeaker: the null
sink, whose monitor (parec, 10 ms fragments) says when each sample was rendered. Latency is
click queued -> click rendered on the sink.

- Studio live: the blocks go into LiveBroadcast's capture queue (Opus, UDP, a real
  `crs_receiver` process whose PortAudio output is ALSA's pulse plugin on the null sink).
- Icecast: the blocks go to ffmpeg's stdin (s16le, read as they come, like `-re` on a file),
  encoded to MP3 at 64 kbit/s and pushed to icecast2 (a generated config on a free loopback
  port, its default burst-on-connect); a second ffmpeg reads the mount over HTTP and plays to
  the null sink (ffmpeg's pulse output, `-buffer_duration` as the receiver's 40 ms, so the
  comparison is the chain and not the output buffer). No tuning of either ffmpeg beyond that.

Clicks are matched to what the monitor heard in order (the first loud onset after a click
and before the next one heard), so a chain slower than the 0.6 s between clicks is measured
too; a click never heard is counted.
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from benchmarks.live import CLICK_EVERY_S, RATE, PacedSource
from benchmarks.paced_audio import MonitorRecorder, PulseServer, available

PCM = "paced"  # the .asoundrc name PulseServer.env(home) gives ALSA's pulse plugin


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def onsets(monitor: MonitorRecorder, after: float, level: float = 0.3, apart_s: float = 0.2) -> list[float]:
    """Monotonic times of loud onsets on the monitor after `after`, at least `apart_s` apart."""
    audio = monitor.audio()
    lo = max(0, int((after - monitor.start_s) * RATE))
    loud = np.flatnonzero(np.abs(audio[lo:]) > level)
    found: list[float] = []
    last = -1e9
    for index in loud:
        if index - last > apart_s * RATE:
            found.append(monitor.start_s + (lo + index) / RATE)
        last = index
    return found


def match(clicks: list[float], heard: list[float]) -> list[float]:
    """Latency of each click heard: clicks and onsets paired in order."""
    return [h - c for c, h in zip(clicks, heard, strict=False) if h > c]


def wait_sound(monitor: MonitorRecorder, timeout: float) -> bool:
    """Until the last 0.2 s on the monitor is not digital silence (the chain plays the room)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        tail = monitor.audio()[-RATE // 5:]
        if len(tail) == RATE // 5 and float(np.abs(tail).max()) > 1e-5:
            return True
        time.sleep(0.05)
    return False


def studio_row(pulse: PulseServer, monitor: MonitorRecorder, clicks: int,
               root: Path) -> tuple[list[float], int, str]:
    from studio.accounts.store import Accounts, Role
    from studio.fleet.fleet import pair_receiver
    from studio.fleet.keys import StudioKey
    from studio.library import ClipLibrary
    from studio.live.broadcast import LiveBroadcast, LiveTarget
    from studio.paths import StudioPaths
    from studio.schedule.zones import Policy, ZoneKind, Zones
    from studio.storage.database import connect

    paths = StudioPaths.at(root / "studio").ensure()
    library = ClipLibrary(paths, connect(paths.database))
    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    Zones(library.conn, accounts).add("Thôn 1", admin, ZoneKind.VILLAGE, "vi", Policy())
    key = StudioKey(paths.keys_dir)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "crs_receiver", "serve", "--data-dir", str(root / "rx"), "--host", "127.0.0.1",
         "--port", str(port), "--output-device", PCM],
        env=pulse.env(root / "rx-home"), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        code = ""
        for line in process.stdout:
            if "pairing code:" in line:
                code = line.split(":")[1].strip()
            if "listening on" in line:
                break
        threading.Thread(target=process.stdout.read, daemon=True).start()
        pair_receiver(library, key, f"http://127.0.0.1:{port}", code, "Thôn 1", "Loa 0")
        row = library.conn.execute("SELECT * FROM receivers").fetchone()
        target = LiveTarget(row["id"], row["name"], row["receiver_id"], row["address"])
        source = PacedSource(clicks)
        broadcast = LiveBroadcast(key, [target], None, "benchmark", ["Thôn 1"], capture=source)
        broadcast.start()
        deadline = time.monotonic() + 60
        while not target.carried and time.monotonic() < deadline:
            time.sleep(0.05)
        wait_sound(monitor, 10)
        source.go.set()
        source.done.wait(clicks * CLICK_EVERY_S + 30)
        time.sleep(1.0)
        stream = sink_input_latency(pulse)
        broadcast.stop()
        dropped = broadcast.dropped_blocks + source.overflows
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
    if not source.click_times:
        return [], clicks, ""
    heard = onsets(monitor, source.click_times[0] - 0.01)
    late = [monitor.read_at(h) - h for h in heard if monitor.read_at(h) is not None]
    note = (f"  (monitor: the clicks read {min(late) * 1000:.0f}-{max(late) * 1000:.0f} ms after their place on the "
            f"sink's timeline; the receiver's stream at the server: {stream})") if late else ""
    return match(source.click_times, heard), dropped, note


def sink_input_latency(pulse: PulseServer) -> str:
    """What PulseAudio says of the one stream playing: its buffer and the sink's latency."""
    fields = [line.strip() for line in pulse.pactl("list", "sink-inputs").stdout.splitlines()
              if "Latency:" in line]
    return ", ".join(f"{f.split(':')[0].lower()} {int(f.split()[-2]) / 1000:.0f} ms" for f in fields) or "none"


ICECAST_XML = """<icecast>
  <limits><clients>8</clients><sources>2</sources>{burst}</limits>
  <authentication><source-password>{password}</source-password><admin-user>admin</admin-user>
    <admin-password>{password}</admin-password></authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket><port>{port}</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <fileserve>0</fileserve>
  <paths><basedir>/usr/share/icecast2</basedir><logdir>{folder}</logdir>
    <webroot>/usr/share/icecast2/web</webroot><adminroot>/usr/share/icecast2/admin</adminroot></paths>
  <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog><loglevel>2</loglevel></logging>
  <security><chroot>0</chroot>{owner}</security>
</icecast>
"""


# name, icecast's burst at connect, the encoder's and the listener's extra ffmpeg options
VARIANTS = [
    ("Icecast + ffmpeg, plain (MP3 64k, icecast and ffmpeg defaults)", True, [], []),
    ("Icecast + ffmpeg, no burst (burst-size 0, ffmpeg defaults)", False, [], []),
    ("Icecast + ffmpeg, tuned (no burst, flush each packet, no probing)", False, ["-flush_packets", "1"],
     ["-fflags", "nobuffer", "-flags", "low_delay", "-probesize", "32", "-analyzeduration", "0"]),
]


def icecast_row(pulse: PulseServer, monitor: MonitorRecorder, clicks: int, burst: bool, encode_opts: list[str],
                listen_opts: list[str]) -> tuple[list[float], int] | str:
    """The Icecast chain's latencies, or why it could not be set up. With `burst` icecast's
    default (64 KiB sent to a listener at connect, 8.2 s of 64 kbit/s), the listener joining
    a station on the air for longer than that; without, burst-size 0."""
    if not (shutil.which("icecast2") and shutil.which("ffmpeg")):
        return "icecast2 or ffmpeg is not installed"
    folder = Path(tempfile.mkdtemp(prefix="bench-icecast-"))
    owner = ""
    if os.geteuid() == 0:  # icecast refuses to run as root: it drops to its Debian account
        os.chown(folder, _uid("icecast2"), -1)
        owner = "<changeowner><user>icecast2</user><group>icecast</group></changeowner>"
    port, password = free_port(), "bench-source"
    (folder / "icecast.xml").write_text(ICECAST_XML.format(password=password, port=port, folder=folder, owner=owner,
                                                                 burst="" if burst else "<burst-size>0</burst-size>"))
    processes: list[subprocess.Popen] = []
    url = f"http://127.0.0.1:{port}/live.mp3"
    try:
        processes.append(subprocess.Popen(["icecast2", "-c", str(folder / "icecast.xml")],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        deadline = time.monotonic() + 10
        while not _answers(port):
            if time.monotonic() > deadline or processes[0].poll() is not None:
                return "icecast2 did not start: " + _tail(folder / "error.log")
            time.sleep(0.05)
        source = PacedSource(clicks)
        encoder = subprocess.Popen(
            ["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "s16le", "-ar", str(RATE), "-ac", "1", "-i",
             "pipe:0", "-c:a", "libmp3lame", "-b:a", "64k", *encode_opts, "-content_type", "audio/mpeg", "-f", "mp3",
             f"icecast://source:{password}@127.0.0.1:{port}/live.mp3"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(encoder)
        threading.Thread(target=_feed, args=(source, encoder), daemon=True).start()
        source.start()
        deadline = time.monotonic() + 10
        while not _mounted(port):
            if time.monotonic() > deadline:
                return "the encoder never reached icecast: " + _tail(folder / "error.log")
            time.sleep(0.05)
        if burst:
            time.sleep(65536 * 8 / 64000 + 1)  # a full burst is queued for the listener
        processes.append(subprocess.Popen(
            ["ffmpeg", "-hide_banner", "-loglevel", "error", *listen_opts, "-f", "mp3", "-i", url, "-f", "pulse", "-server", pulse.server,
             "-device", "crs_speaker", "-buffer_duration", "40", "icecast-listener"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=pulse.env()))
        if not wait_sound(monitor, 20):
            return "the listener never played"
        time.sleep(1.0)  # past the burst-on-connect: the listener is at the live edge
        source.go.set()
        source.done.wait(clicks * CLICK_EVERY_S + 30)
        deadline = time.monotonic() + 25  # a slow chain still has clicks on the way
        while len(onsets(monitor, source.click_times[0] - 0.01)) < clicks and time.monotonic() < deadline:
            time.sleep(0.2)
        source.stop()
    finally:
        for process in reversed(processes):
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(folder, ignore_errors=True)
    heard = onsets(monitor, source.click_times[0] - 0.01) if source.click_times else []
    return match(source.click_times, heard), source.overflows


def _uid(name: str) -> int:
    import pwd

    return pwd.getpwnam(name).pw_uid


def _feed(source: PacedSource, encoder: subprocess.Popen) -> None:
    try:
        while encoder.poll() is None:
            encoder.stdin.write(source.blocks.get().tobytes())
            encoder.stdin.flush()
    except (BrokenPipeError, OSError):
        pass


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _mounted(port: int) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/status-json.xsl", timeout=2) as answer:
            return b'"listenurl"' in answer.read()
    except OSError:
        return False


def _tail(path: Path) -> str:
    return path.read_text(errors="replace")[-500:] if path.exists() else "(no log)"


def summary(latencies: list[float]) -> tuple[float, float, float, float]:
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95, ordered[-1], ordered[0]


def main_paced(clicks: int, icecast: bool = True) -> int:
    if not available():
        print("live --paced: pulseaudio, pactl and parec are needed (apt-get install pulseaudio pulseaudio-utils)")
        return 2
    root = Path(tempfile.mkdtemp(prefix="bench-live-paced-"))
    with PulseServer(root / "pulse") as pulse:
        monitor = MonitorRecorder(pulse)
        try:
            studio, dropped, note = studio_row(pulse, monitor, clicks, root)
            others = [icecast_row(pulse, monitor, clicks, *variant[1:]) if icecast else "not asked (--no-icecast)"
                      for variant in VARIANTS]
        finally:
            monitor.stop()
    print(f"live, paced (PulseAudio null sink, its monitor recorded): {clicks} clicks, 0.6 s apart; "
          "latency = click queued at the studio input -> click rendered on the sink")
    rows = [("studio live (Opus/UDP, crs_receiver, ALSA pulse plugin)", studio, dropped)]
    names = [variant[0] for variant in VARIANTS]
    rows += [(name, *other) for name, other in zip(names, others, strict=False) if isinstance(other, tuple)]
    for name, latencies, lost in rows:
        if latencies:
            p50, p95, worst, best = summary(latencies)
            print(f"  {name:<68} p50 {p50 * 1000:5.0f} ms  p95 {p95 * 1000:5.0f} ms  (best {best * 1000:.0f}, worst "
                  f"{worst * 1000:.0f})  heard {len(latencies)}/{clicks}, input blocks dropped {lost}")
        else:
            print(f"  {name:<68} no click heard")
    for name, other in zip(names, others, strict=False):
        if isinstance(other, str):
            print(f"  {name}: not measured ({other})")
        elif studio and other[0]:
            print(f"  ratio {name.split(',')[1].split(' (')[0].strip()} Icecast / studio: p50 "
                  f"x{summary(other[0])[0] / summary(studio)[0]:.1f}, p95 x{summary(other[0])[1] / summary(studio)[1]:.1f}")
    if note:
        print(note)
    print("  goal: studio p95 <= 600 ms")
    shutil.rmtree(root, ignore_errors=True)
    return 0 if len(studio) == clicks else 1

"""`python -m benchmarks.emergency [--receivers 20] [--offline 5]`: an emergency to one zone
of real receivers on loopback (separate `crs_receiver` processes, each with its own
file-backed ALSA device), some of them stopped.

Printed: the time from starting `radio-studio emergency` to the first sample on each
online receiver's device (target ≤ 1 s), the time the command takes to return (target
≤ 2 s, whatever is offline), then, with the delivery engine running as the window runs
it, each offline receiver restarted inside the validity window: the time from its
"listening" to the first sample on its device (target ≤ 2 s); and one restarted after
valid-until: it must stay silent (its record says expired). The clip's broadcast render
is made beforehand (as after the officer listened to it); the cold render is timed apart.
Each receiver holds a schedule (a manifest with one item tomorrow), as deployed ones do,
so it has loaded its playback modules (`--cold`: no schedule, the first play-now loads
them: on one 2-core machine fifteen receivers doing so at once is what gets measured).
The child processes use compiled bytecode (PYTHONDONTWRITEBYTECODE is dropped for them,
and the sources are compiled first), as an installed studio does. The ALSA file plugin is not paced like a sound card; a first
sample is the device's file growing after the command started.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

CLIP_SECONDS = 4.0
VALID_MIN = 0.75  # 45 s: long enough to bring the offline ones back, short enough to see one expire


class Speaker:
    """One receiver's file-backed device and the moment sound first reached it."""

    def __init__(self, folder: Path) -> None:
        self.home = folder / "home"
        self.home.mkdir(parents=True)
        self.out = folder / "out.raw"
        (self.home / ".asoundrc").write_text(
            f'pcm.benchspk {{ type file  slave.pcm "null"  file "{self.out}"  format "raw" }}\n'
            'pcm.!default { type plug  slave.pcm "benchspk" }\n')

    def env(self) -> dict:
        return dict(child_env(), HOME=str(self.home))

    def first_sample_after(self, started_ns: int, timeout: float) -> float | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                stat = self.out.stat()
                if stat.st_mtime_ns >= started_ns and stat.st_size > 0:
                    return (time.time_ns() - started_ns) / 1e9
            except FileNotFoundError:
                pass
            time.sleep(0.001)
        return None


def child_env() -> dict:
    """The children's environment: compiled bytecode is used (as installed)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


class Box:
    """A receiver process on a fixed loopback port, stopped and started again at will."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.speaker = Speaker(folder)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def launch(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "crs_receiver", "serve", "--data-dir", str(self.folder / "rx"), "--host",
             "127.0.0.1", "--port", str(self.port), "--output-device", "benchspk"], env=self.speaker.env(),
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)

    def listening(self) -> str:
        from crs_receiver import wait_until_listening

        return wait_until_listening(self.process)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--receivers", type=int, default=20)
    parser.add_argument("--offline", type=int, default=5)
    parser.add_argument("--cold", action="store_true", help="receivers without a schedule (nothing loaded yet)")
    args = parser.parse_args()
    if not 1 <= args.offline < args.receivers:
        parser.error("--offline must be at least 1 and fewer than --receivers")

    import logging

    import soundfile as sf

    from studio.audio import synthetic
    from studio.audio.settings import OutputFormat
    from studio.clock import parse_stamp
    from studio.fleet.client import ReceiverClient
    from studio.fleet.delivery import Delivery
    from studio.fleet.emergency import Authority, Emergencies, TargetState, declare
    from studio.fleet.fleet import pair_receiver
    from studio.fleet.keys import StudioKey
    from studio.library import ClipLibrary
    from studio.paths import StudioPaths
    from studio.rendering import Renderer
    from studio.schedule.zones import Policy, ZoneKind, Zones
    from studio.storage.database import connect

    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="crs-bench-emergency-") as folder:
        work = Path(folder)
        paths = StudioPaths.at(work / "studio").ensure()
        library = ClipLibrary(paths, connect(paths.database))
        from studio.accounts.store import Accounts, Role

        admin = Accounts(library.conn).add("quantri", "matkhau-quantri", Role.ADMIN)
        Zones(library.conn).add("Xã", admin, ZoneKind.AREA, "vi", Policy())
        wav = work / "bao-bao.wav"
        sf.write(wav, synthetic.speech_like(CLIP_SECONDS, seed=9), 48000, subtype="PCM_16")
        clip = library.import_file(wav, title="Báo bão").clip.id
        started = time.perf_counter()
        Renderer(library).render_clip(clip, OutputFormat.OPUS)
        cold_render = time.perf_counter() - started
        sf.write(work / "nhac.wav", synthetic.speech_like(1.0, seed=2), 48000, subtype="PCM_16")
        scheduled = Renderer(library).render_clip(library.import_file(work / "nhac.wav").clip.id, OutputFormat.OPUS)
        subprocess.run([sys.executable, "-m", "compileall", "-q", "studio", "receiver", "protocol"],
                       env=child_env(), cwd=Path(__file__).resolve().parents[1], check=False)

        boxes = [Box(work / f"box{n}") for n in range(args.receivers)]
        key = StudioKey(paths.keys_dir)
        try:
            for box in boxes:
                box.launch()
            tomorrow = (library.clock.now() + timedelta(days=1)).isoformat()
            for n, box in enumerate(boxes):
                receiver_id = pair_receiver(library, key, box.url, box.listening(), "Xã", f"Loa {n:02d}")
                if not args.cold:
                    client = ReceiverClient(box.url, key, receiver_id)
                    client.upload(scheduled.media_path, scheduled.output_sha256)
                    client.put_manifest({"version": 1, "receiver_id": receiver_id, "items": [
                        {"id": "tomorrow", "start": tomorrow, "media": [scheduled.output_sha256],
                         "duration_s": 1.0}]})
            offline, online = boxes[:args.offline], boxes[args.offline:]
            for box in offline:
                box.stop()
            time.sleep(3.0)  # let the machine settle after starting the receivers (and their warm-up)

            firsts: dict[int, float | None] = {}

            def watch(index: int, box: Box, since: int) -> None:
                firsts[index] = box.speaker.first_sample_after(since, 10.0)

            since = time.time_ns()
            watchers = [threading.Thread(target=watch, args=(n, box, since)) for n, box in enumerate(online)]
            for thread in watchers:
                thread.start()
            command = subprocess.run(
                [sys.executable, "-m", "studio", "--data-dir", str(paths.data_dir), "emergency", str(clip), "--zone",
                 "Xã", "--valid-min", str(VALID_MIN)], capture_output=True, text=True, env=child_env())
            returned = (time.time_ns() - since) / 1e9
            for thread in watchers:
                thread.join()
            (emergency,) = Emergencies(library.conn, library.clock).latest()
            recorded = parse_stamp(emergency.created_at).timestamp() - since / 1e9
            names = {f"Loa {n:02d}": n - args.offline for n in range(args.offline, args.receivers)}
            answered = {names[t.name]: parse_stamp(t.reached_at).timestamp() - since / 1e9
                        for t in Emergencies(library.conn, library.clock).targets(emergency.id)
                        if t.name in names and t.reached_at}

            engine = Delivery(lambda: ClipLibrary(paths, connect(paths.database)), key, poll_s=0.5)
            engine.start()
            back: list[float | None] = []
            try:
                for box in offline[:-1]:
                    box.launch()
                    box.listening()
                    came_back = time.time_ns()
                    back.append(box.speaker.first_sample_after(came_back, 10.0))
                late = offline[-1]
                while emergency.valid_at(library.clock.stamp()):
                    time.sleep(0.2)
                late.launch()
                late.listening()
                silent_since = time.time_ns()
                time.sleep(3.0)
                late_played = late.speaker.first_sample_after(silent_since - 1, 0.01) is not None
                targets = {t.name: t.state for t in Emergencies(library.conn, library.clock).targets(emergency.id)}

                # The window's path: the confirmation's click records it and wakes the engine.
                time.sleep(1.0)
                clicks: dict[int, float | None] = {}
                click = time.time_ns()
                watchers = [threading.Thread(target=lambda n=n, box=box: clicks.__setitem__(
                    n, box.speaker.first_sample_after(click, 10.0))) for n, box in enumerate(boxes)]
                for thread in watchers:
                    thread.start()
                declare(library, clip, ["Xã"], Authority("chutich", "chutich", None), VALID_MIN)
                engine.wake()
                for thread in watchers:
                    thread.join()
            finally:
                engine.stop()
        finally:
            for box in boxes:
                box.stop()

    heard = [v for v in firsts.values() if v is not None]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"(machine load average {load:.1f} at the end, {os.cpu_count()} cores)")
    print(f"Emergency: a zone of {args.receivers} real receivers on loopback, {args.offline} offline "
          f"({CLIP_SECONDS:.0f} s clip, its Opus render cached; cold render {cold_render:.2f} s, not counted); "
          + ("receivers with nothing loaded (--cold)" if args.cold else "receivers holding a schedule"))
    print(f"  command to first sample, online:  {len(heard)}/{len(online)} played; median "
          f"{statistics.median(heard) * 1000:5.0f} ms, worst {max(heard) * 1000:5.0f} ms  (target ≤ 1000 ms)"
          if heard else f"  command to first sample, online:  none of {len(online)} played")
    pairs = [(answered[n], firsts[n]) for n in answered if firsts.get(n) is not None]
    if pairs:
        print(f"    of which: command to the emergency recorded {recorded * 1000:5.0f} ms (the CLI starting); "
              f"recorded to play-now accepted {statistics.median(a for a, _ in pairs) * 1000 - recorded * 1000:5.0f} ms "
              "median")
        print(f"              command to play-now accepted {statistics.median(a for a, _ in pairs) * 1000:5.0f} ms "
              f"median; accepted to first sample (the receiver starting playback) "
              f"{statistics.median(f - a for a, f in pairs) * 1000:5.0f} ms median")
    print(f"  the command returned in:          {returned * 1000:5.0f} ms, exit {command.returncode}  "
          f"(target ≤ 2000 ms)")
    summary = [line for line in command.stdout.splitlines() if line.startswith("emergency")]
    print(f"    it said: {summary[0] if summary else command.stdout.strip()[-200:]}")
    if command.returncode:
        print(f"    stderr: {command.stderr.strip()[-300:]}")
    played_back = [v for v in back if v is not None]
    print(f"  back inside validity, listening to first sample: {len(played_back)}/{len(back)} played; "
          + (f"median {statistics.median(played_back) * 1000:5.0f} ms, worst {max(played_back) * 1000:5.0f} ms"
             if played_back else "") + "  (target ≤ 2000 ms)")
    print(f"  back after valid-until:           {'PLAYED (wrong)' if late_played else 'silent'}; record says "
          f"{targets[f'Loa {args.offline - 1:02d}'].value}")
    heard = [v for v in clicks.values() if v is not None]
    print(f"  the window's path (record + wake the engine), all {len(boxes)} online: {len(heard)}/{len(boxes)} played; "
          + (f"click to first sample median {statistics.median(heard) * 1000:5.0f} ms, worst "
             f"{max(heard) * 1000:5.0f} ms  (target ≤ 1000 ms)" if heard else ""))
    reached = sum(state is TargetState.REACHED for state in targets.values())
    print(f"  record: {reached}/{len(targets)} reached, "
          f"{sum(s is TargetState.EXPIRED for s in targets.values())} expired")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`python -m benchmarks.receiver`: the reference receiver's cost on this machine, and how
fast play-now is, against `aplay` (ALSA's own player) on the same device in the same run.

The device is ALSA's file plugin (a private HOME/.asoundrc, as in the tests). It is not
paced like a sound card — it takes audio as fast as it is given — so "playing" CPU is
reported per second of audio: CPU seconds spent / seconds of audio played, which is the
share of one core a paced device would need. Idle CPU is measured over 10 s with nothing
to play. The receiver runs as `python -m crs_receiver` (the receiver's own distribution,
nothing of the studio loaded), paired, with media uploaded, before anything plays. Targets:
≤ 5 % of one core while playing Opus, idle RSS ≤ 60 MB (what a Raspberry Pi keeps resident
between broadcasts), peak RSS ≤ 80 MB, play-now to first sample ≤ 300 ms. Hard starts:
five scheduled items, how late each began by the receiver's clock (the tests check only
that none starts early: lateness depends on the machine's load); target within 1 s.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

SECONDS = 120


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def first_sample_after(out: Path, started_ns: int, timeout: float = 5.0) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            stat = out.stat()
            if stat.st_mtime_ns >= started_ns and stat.st_size > 0:
                return (time.time_ns() - started_ns) / 1e9
        except FileNotFoundError:
            pass
        time.sleep(0.0005)
    return float("nan")


def main() -> int:
    from studio.fleet.client import ReceiverClient
    from studio.fleet.keys import StudioKey

    ffmpeg, aplay = shutil.which("ffmpeg"), shutil.which("aplay")
    if not ffmpeg or not aplay:
        print("needs ffmpeg (to make the Opus file) and aplay (the peer)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="crs-bench-rx-") as folder:
        work = Path(folder)
        home = work / "home"
        home.mkdir()
        out = work / "out.raw"
        (home / ".asoundrc").write_text(
            f'pcm.benchspk {{ type file  slave.pcm "null"  file "{out}"  format "raw" }}\n'
            'pcm.!default { type plug  slave.pcm "benchspk" }\n')
        env = dict(os.environ, HOME=str(home))
        opus, wav = work / "ban-tin.opus", work / "ban-tin.wav"
        subprocess.run([ffmpeg, "-v", "error", "-f", "lavfi", "-i", f"sine=frequency=330:duration={SECONDS}",
                        "-ar", "48000", "-ac", "1", "-c:a", "libopus", "-b:a", "32k", str(opus)], check=True)
        subprocess.run([ffmpeg, "-v", "error", "-i", str(opus), "-ar", "48000", "-ac", "1", str(wav)], check=True)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        process = subprocess.Popen([sys.executable, "-m", "crs_receiver", "serve", "--data-dir",
                                    str(work / "rx"), "--host", "127.0.0.1", "--port", str(port),
                                    "--output-device", "benchspk"], env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, text=True)
        try:
            from crs_receiver import wait_until_listening

            code = wait_until_listening(process)
            client = ReceiverClient(f"http://127.0.0.1:{port}", StudioKey(work / "keys"))
            client.pair(code, "benchmark")
            sha = hashlib.sha256(opus.read_bytes()).hexdigest()
            client.upload(opus, sha)
            time.sleep(1.0)
            idle_start = cpu_seconds(process.pid)
            time.sleep(10.0)
            idle = (cpu_seconds(process.pid) - idle_start) / 10.0
            idle_rss = rss_mb(process.pid)

            before = cpu_seconds(process.pid)
            client.play_now([sha])
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline and not client.playlog():
                time.sleep(0.05)
            playing = (cpu_seconds(process.pid) - before) / SECONDS
            peak_rss = rss_mb(process.pid, "VmHWM")
            time.sleep(2.0)
            after_rss = rss_mb(process.pid)  # idle again, numpy and PortAudio now loaded
            level = client.playlog()[-1]["level_dbfs"]

            latencies = []
            short = work / "bip.opus"
            subprocess.run([ffmpeg, "-v", "error", "-f", "lavfi", "-i", "sine=frequency=880:duration=0.5", "-ar",
                            "48000", "-ac", "1", "-c:a", "libopus", str(short)], check=True)
            short_sha = hashlib.sha256(short.read_bytes()).hexdigest()
            client.upload(short, short_sha)
            for _ in range(7):
                time.sleep(0.3)
                started = time.time_ns()
                client.play_now([short_sha])
                latencies.append(first_sample_after(out, started))
            now = datetime.now(UTC)
            hard = [{"id": f"hard-{n}", "start": (now + timedelta(seconds=2 + n)).isoformat(), "media": [short_sha],
                     "duration_s": 0.5, "start_mode": "hard"} for n in range(5)]
            client.put_manifest({"version": 1, "receiver_id": client.receiver_id, "items": hard})
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and sum(e["item"].startswith("hard-") for e in client.playlog()) < 5:
                time.sleep(0.2)
            late = [(datetime.fromisoformat(e["started"]) - datetime.fromisoformat(e["scheduled"])).total_seconds()
                    for e in client.playlog() if e["item"].startswith("hard-")]
        finally:
            process.terminate()
            process.wait(10)

        peer_latency, peer_cpu = [], 0.0
        for _ in range(7):
            started = time.time_ns()
            proc = subprocess.Popen([aplay, "-q", "-D", "benchspk", str(wav)], env=env)
            peer_latency.append(first_sample_after(out, started))
            proc.wait()
        usage = os.times()
        proc = subprocess.run(["/usr/bin/time", "-f", "%U %S", aplay, "-q", "-D", "benchspk", str(wav)], env=env,
                              capture_output=True, text=True) if shutil.which("time") or Path("/usr/bin/time").exists() \
            else None
        if proc is not None and proc.returncode == 0:
            user, system = map(float, proc.stderr.strip().split()[-2:])
            peer_cpu = (user + system) / SECONDS
        else:
            start_children = os.times()
            subprocess.run([aplay, "-q", "-D", "benchspk", str(wav)], env=env)
            end_children = os.times()
            peer_cpu = (end_children.children_user + end_children.children_system
                        - start_children.children_user - start_children.children_system) / SECONDS
        del usage

    ours_latency = statistics.median(latencies)
    theirs_latency = statistics.median(peer_latency)
    print(f"Receiver ({SECONDS} s Opus 32 kbit/s, file-backed ALSA device), peer aplay playing the decoded WAV")
    print(f"  idle CPU:                  {idle * 100:5.2f} % of one core")
    print(f"  idle RSS:                  {idle_rss:5.1f} MB before the first item  (target <= 60 MB);"
          f"  {after_rss:5.1f} MB idle after playing one")
    print(f"  playing Opus, CPU:         {playing * 100:5.2f} % of one core per second of audio  (target <= 5 %)"
          f";  aplay (WAV, no decoding) {peer_cpu * 100:5.2f} %")
    print(f"  peak RSS:                  {peak_rss:5.1f} MB  (target <= 80 MB);  output level {level} dBFS")
    print(f"  play-now to first sample:  {ours_latency * 1000:5.0f} ms median of 7  (target <= 300 ms);"
          f"  aplay start to first sample {theirs_latency * 1000:5.0f} ms  ratio {ours_latency / theirs_latency:.2f}")
    print(f"  hard start, late by:         {statistics.median(late) * 1000:5.0f} ms median, "
          f"{max(late) * 1000:.0f} ms worst of {len(late)}  (target < 1 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

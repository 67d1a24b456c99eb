"""`python -m benchmarks.recording [--minutes N]`: a long take through the real device
path while the main thread is kept busy, against `arecord` (ALSA's own recorder) taking
the same audio from the same device in the same run.

The device is ALSA's file plugin reading a raw s16le file (a private HOME/.asoundrc, as
in the tests). Its null slave runs faster than real time, so this is a stress test: the
whole take arrives as fast as the machine can move it. Printed: input overflows (the
target is 0), wall time, the recording's CPU time (the process's less its busy main
thread's: the recorder's threads and PortAudio's), and whether the recorded audio equals
the source.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SR = 48000

WORKER = r"""
import sys, threading, time, resource
import numpy as np
from pathlib import Path
from studio.audio.recorder import Recorder
seconds = float(sys.argv[2])
recorder = Recorder(Path(sys.argv[1]), disk_reserve=0)
busy_until = [0.0]
stop = threading.Event()
t0 = time.perf_counter()
recorder.start("benchmic", 48000, 1, max_seconds=seconds)
x = np.random.default_rng(0).standard_normal(1 << 20)
busy = 0
while recorder.running:          # the main thread is kept busy meanwhile
    np.fft.rfft(x); busy += 1
status = recorder.stop()
wall = time.perf_counter() - t0
usage = resource.getrusage(resource.RUSAGE_SELF)  # every thread, ended ones included
main = resource.getrusage(resource.RUSAGE_THREAD)  # the busy main thread alone
recording = (usage.ru_utime + usage.ru_stime) - (main.ru_utime + main.ru_stime)
print(status.frames, status.overflows, f"{wall:.3f}", f"{recording:.3f}", busy)
"""


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.recording")
    parser.add_argument("--minutes", type=float, default=60.0)
    args = parser.parse_args()
    arecord = shutil.which("arecord")
    work = Path(tempfile.mkdtemp(prefix="crs-bench-rec-"))
    try:
        seconds = args.minutes * 60
        frames = int(seconds * SR)
        rng = np.random.default_rng(5)
        source = work / "mic.raw"
        with open(source, "wb") as f:
            for start in range(0, frames, SR * 60):
                n = min(SR * 60, frames - start)
                f.write((rng.standard_normal(n) * 3000).astype("<i2").tobytes())
        home = work / "home"
        home.mkdir()
        (home / ".asoundrc").write_text(
            f'pcm.benchmic {{ type file  slave.pcm "null"  file "/dev/null"  infile "{source}"  format "raw" }}\n')
        env = dict(os.environ, HOME=str(home))
        print(f"\n== Recording {args.minutes:g} minutes at 48 kHz mono through PortAudio/ALSA, main thread busy")
        out = subprocess.run([sys.executable, "-c", WORKER, str(work / "takes"), str(seconds)], env=env,
                             capture_output=True, text=True, check=True)
        got_frames, overflows, wall, cpu, busy = out.stdout.split()
        take = next((work / "takes").glob("*/seg-0001.wav"))
        recorded = np.fromfile(take, dtype="<i2", offset=44)
        expected = np.fromfile(source, dtype="<i2", count=len(recorded))
        same = np.array_equal(recorded, expected)
        print(f"studio : {int(got_frames) / SR / 60:.1f} min recorded, overflows {overflows} (target 0), "
              f"wall {float(wall):.1f} s, recording CPU {float(cpu):.1f} s (main thread excluded), audio identical to source: {same}, "
              f"main-thread FFTs meanwhile: {busy}")
        if arecord:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run([arecord, "-q", "-D", "benchmic", "-f", "S16_LE", "-r", str(SR), "-c", "1",
                            "-s", str(frames), str(work / "arecord.wav")], env=env, check=True)
            wall_a = time.perf_counter() - t
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu_a = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            print(f"arecord: wall {wall_a:.1f} s, CPU {cpu_a:.1f} s (no fsync, no meters)")
            print(f"ratio studio/arecord: wall {float(wall) / wall_a:.2f}, CPU {float(cpu) / max(cpu_a, 1e-3):.2f}")
        else:
            print("arecord not installed (alsa-utils): no peer figure")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

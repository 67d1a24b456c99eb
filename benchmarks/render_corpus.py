"""`python -m benchmarks.render_corpus [--minutes 60] [--classes speech,noisy,...]`

Renders every class of the real-material corpus (benchmarks/corpus.py) three ways in
the same run, on the same file, and prints wall time, CPU time and the most threads
each used, with ffmpeg's ebur128 reading of every output:

- ours: the public path (library import, then `Renderer.render_clip`, Opus 32 kbps,
  -16 LUFS, -1 dBTP, the decoded check included); the import is timed apart
- ffmpeg two-pass: loudnorm measure pass, then loudnorm linear + libopus 32 kbps
- same-class peer: ffmpeg ebur128 measure pass, then volume + alimiter + libopus 32 kbps

The machine is shared (2 cores, other jobs running): compare the columns of one run,
not runs with each other. Also prints the import of a 60-minute AAC (M4A) file with
its peak RSS when --import-aac is given.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks import corpus
from benchmarks.reference import ebur128

BITRATE = "32k"


@dataclass
class Timing:
    wall: float
    cpu: float
    threads: int


class _ThreadWatch:
    """The most threads a process had, polled every 20 ms from /proc."""

    def __init__(self, pid: int) -> None:
        self.pid, self.most = pid, 1
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            try:
                self.most = max(self.most, len(os.listdir(f"/proc/{self.pid}/task")))
            except OSError:
                return

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.most


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _run_ffmpeg(args: list[str]) -> tuple[str, int]:
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    watch = _ThreadWatch(process.pid)
    _, err = process.communicate()
    threads = watch.stop()
    if process.returncode:
        raise RuntimeError(f"ffmpeg failed: {err[-500:]}")
    return err, threads


def ffmpeg_two_pass(ffmpeg: str, source: Path, out: Path) -> Timing:
    start, cpu = time.perf_counter(), _children_cpu()
    err, t1 = _run_ffmpeg([ffmpeg, "-hide_banner", "-nostats", "-i", str(source), "-af",
                           "loudnorm=I=-16:TP=-1:LRA=11:print_format=json", "-f", "null", "-"])
    m = json.loads(err[err.rindex("{") : err.rindex("}") + 1])
    af = (f"loudnorm=I=-16:TP=-1:LRA=11:measured_I={m['input_i']}:measured_TP={m['input_tp']}:"
          f"measured_LRA={m['input_lra']}:measured_thresh={m['input_thresh']}:offset={m['target_offset']}:linear=true")
    _, t2 = _run_ffmpeg([ffmpeg, "-hide_banner", "-nostats", "-y", "-i", str(source), "-af", af, "-ar", "48000",
                         "-ac", "1", "-c:a", "libopus", "-b:a", BITRATE, str(out)])
    return Timing(time.perf_counter() - start, _children_cpu() - cpu, max(t1, t2))


def ffmpeg_peer(ffmpeg: str, source: Path, out: Path) -> Timing:
    """Same class as ours: one measure pass, a gain, a limiter, the encoder."""
    start, cpu = time.perf_counter(), _children_cpu()
    err, t1 = _run_ffmpeg([ffmpeg, "-hide_banner", "-nostats", "-i", str(source), "-af", "ebur128=peak=true",
                           "-f", "null", "-"])
    summary = err[err.rindex("Summary:") :]
    integrated = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    gain = -16.0 - integrated
    # alimiter is a sample-peak limiter: 2.5 dB under -1 dBTP leaves room for inter-sample
    # peaks and the codec's overshoot.
    af = f"highpass=f=100,volume={gain:.2f}dB,alimiter=limit=0.708:level=false:attack=5:release=50"
    _, t2 = _run_ffmpeg([ffmpeg, "-hide_banner", "-nostats", "-y", "-i", str(source), "-af", af, "-ar", "48000",
                         "-ac", "1", "-c:a", "libopus", "-b:a", BITRATE, str(out)])
    return Timing(time.perf_counter() - start, _children_cpu() - cpu, max(t1, t2))


def ours(library, clip_id: int) -> tuple[Timing, Path]:
    from studio.audio.settings import OutputFormat
    from studio.rendering import Renderer

    watch = _ThreadWatch(os.getpid())
    start, cpu = time.perf_counter(), _self_cpu()
    result = Renderer(library).render_clip(clip_id, OutputFormat.OPUS)
    timing = Timing(time.perf_counter() - start, _self_cpu() - cpu, 0)
    timing.threads = watch.stop() - 1  # less the watcher itself
    return timing, result.media_path


def import_aac(ffmpeg: str, source: Path, work: Path, minutes: float) -> None:
    """A phone memo of `minutes`: AAC 64 kbps in M4A, imported in a fresh process. Peak
    RSS is the new process's VmHWM: ru_maxrss keeps, across exec, the high-water mark of
    the forked copy of this (large) benchmark process, which read 1.2 GB."""
    m4a = work / "memo.m4a"
    subprocess.run([ffmpeg, "-v", "error", "-y", "-stream_loop", "-1", "-i", str(source), "-t", str(minutes * 60),
                    "-c:a", "aac", "-b:a", "64k", str(m4a)], check=True)
    script = (
        "import sys,time,resource\nfrom pathlib import Path\nstart=time.perf_counter()\n"
        "from studio.paths import StudioPaths\nfrom studio.library import ClipLibrary\n"
        "from studio.storage.database import connect\n"
        f"paths=StudioPaths.at(Path({str(work / 'import-data')!r})).ensure()\n"
        "clip=ClipLibrary(paths, connect(paths.database)).import_file(Path(sys.argv[1])).clip\n"
        "hwm=[l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
        "print(f'{clip.duration_s/60:.1f} min AAC imported in {time.perf_counter()-start:.2f} s wall, '"
        "f'{resource.getrusage(resource.RUSAGE_SELF).ru_utime+resource.getrusage(resource.RUSAGE_SELF).ru_stime:.2f} s CPU, '"
        "f'{int(hwm)/1024:.0f} MB peak RSS (target <= 10 s, < 500 MB)')\n"
    )
    subprocess.run([sys.executable, "-c", script, str(m4a)], check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.render_corpus")
    parser.add_argument("--minutes", type=float, default=60.0, help="length of every corpus file")
    parser.add_argument("--classes", default=",".join(corpus.CLASSES))
    parser.add_argument("--import-aac", action="store_true", help="also time a 60-minute AAC import")
    args = parser.parse_args(argv)
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        print("ffmpeg is needed for the comparison", file=sys.stderr)
        return 1
    from studio.library import ClipLibrary
    from studio.paths import StudioPaths
    from studio.storage.database import connect

    work = Path(tempfile.mkdtemp(prefix="crs-corpus-bench-"))
    try:
        start = time.perf_counter()
        files = corpus.build(args.minutes, work / "corpus", tuple(args.classes.split(",")))
        print(f"corpus of {args.minutes:g}-minute files built in {time.perf_counter() - start:.1f} s: {', '.join(files)}")
        print(f"machine: {os.cpu_count()} cores, shared with other jobs: compare within a run; "
              f"load average {os.getloadavg()[0]:.2f}\n")
        paths = StudioPaths.at(work / "data").ensure()
        library = ClipLibrary(paths, connect(paths.database))
        header = f"{'class':<8}{'renderer':<17}{'wall s':>8}{'cpu s':>8}{'threads':>8}{'LUFS':>8}{'dBTP':>7}  vs ours"
        print(header)
        misses = 0
        for name, path in files.items():
            start = time.perf_counter()
            clip = library.import_file(path).clip
            t_import = time.perf_counter() - start
            t_ours, out_ours = ours(library, clip.id)
            t_two = ffmpeg_two_pass(ffmpeg, path, work / f"{name}-loudnorm.opus")
            t_peer = ffmpeg_peer(ffmpeg, path, work / f"{name}-peer.opus")
            rows = (("ours", t_ours, out_ours), ("ffmpeg two-pass", t_two, work / f"{name}-loudnorm.opus"),
                    ("same-class peer", t_peer, work / f"{name}-peer.opus"))
            for label, timing, out in rows:
                lufs, peak = ebur128(ffmpeg, out)
                ratio = "" if label == "ours" else f"  {t_ours.wall / timing.wall:.2f} x"
                if label == "ours":
                    ok = abs(lufs + 16.0) <= 0.5 and peak <= -1.0
                    misses += not ok
                    ratio = f"  (import {t_import:.1f} s){'' if ok else '  MISSED TARGET'}"
                print(f"{name:<8}{label:<17}{timing.wall:>8.2f}{timing.cpu:>8.2f}{timing.threads:>8}"
                      f"{lufs:>8.1f}{peak:>7.1f}{ratio}")
            print(f"{'':<8}targets: ours <= 0.3 x ffmpeg two-pass ({t_ours.wall / t_two.wall:.2f}), "
                  f"<= 1.0 x peer ({t_ours.wall / t_peer.wall:.2f}); load average {os.getloadavg()[0]:.2f}")
        if args.import_aac:
            print()
            import_aac(ffmpeg, files[next(iter(files))], work, 60.0)
        return 1 if misses else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

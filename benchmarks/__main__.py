"""`python -m benchmarks [--quick] [--minutes N]`: print the foundation's figures.

1. Full broadcast render of a speech-like file (decode, high-pass, loudness measure,
   normalise, true-peak limit, Opus 32 kbps encode, decoded check) vs ffmpeg doing the
   same job (two-pass loudnorm + libopus 32 kbps), same machine, same run.
2. Re-render with nothing changed (served from the cache).
3. Peak-pyramid build for a 2-hour 48 kHz file.
4. Loudness / true peak of our outputs by an independent meter (ffmpeg ebur128).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from benchmarks.reference import ebur128, ffmpeg_two_pass
from studio.audio import synthetic
from studio.audio.peaks import build_peaks
from studio.audio.settings import OutputFormat
from studio.library import ClipLibrary
from studio.paths import StudioPaths
from studio.rendering import Renderer
from studio.storage.database import connect

SR = 48000


def section(title: str) -> None:
    print(f"\n== {title}")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="10-minute render file, 20-minute pyramid file")
    parser.add_argument("--minutes", type=float, help="length of the render test file")
    args = parser.parse_args()
    minutes = args.minutes or (10.0 if args.quick else 60.0)
    pyramid_minutes = 20.0 if args.quick else 120.0
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        print("ffmpeg is needed for the comparison (run installers/linux/run-benchmarks.sh)", file=sys.stderr)
        return 1
    work = Path(tempfile.mkdtemp(prefix="crs-bench-"))
    try:
        section(f"Building a {minutes:g}-minute speech-like test file (48 kHz mono, 16-bit)")
        speech = synthetic.speech_like(minutes * 60, SR, seed=11)
        source = work / "speech.wav"
        sf.write(source, speech, SR, subtype="PCM_16")
        paths = StudioPaths.at(work / "data").ensure()
        library = ClipLibrary(paths, connect(paths.database))
        clip = library.import_file(source).clip
        renderer = Renderer(library)

        section("Full broadcast render: ours vs ffmpeg (two-pass loudnorm + libopus 32 kbps)")
        start = time.perf_counter()
        ours = renderer.render_clip(clip.id, OutputFormat.OPUS)
        t_ours = time.perf_counter() - start
        ref_out = work / "ffmpeg.opus"
        t_ffmpeg = ffmpeg_two_pass(ffmpeg, source, ref_out)
        audio_s = minutes * 60
        ours_i, ours_tp = ebur128(ffmpeg, ours.media_path)
        ref_i, ref_tp = ebur128(ffmpeg, ref_out)
        print(f"ours   : {t_ours:7.2f} s  real-time factor {t_ours / audio_s:.4f}  "
              f"({audio_s / t_ours:6.1f}x real time)  -> {ours_i:.1f} LUFS, {ours_tp:.1f} dBTP (ebur128)")
        print(f"ffmpeg : {t_ffmpeg:7.2f} s  real-time factor {t_ffmpeg / audio_s:.4f}  "
              f"({audio_s / t_ffmpeg:6.1f}x real time)  -> {ref_i:.1f} LUFS, {ref_tp:.1f} dBTP (ebur128)")
        print(f"ratio ours/ffmpeg: {t_ours / t_ffmpeg:.3f}  (target <= 0.3)")
        print(f"output size: ours {ours.media_path.stat().st_size / 1e6:.1f} MB, ffmpeg {ref_out.stat().st_size / 1e6:.1f} MB")

        section("Re-render with nothing changed (cache)")
        timings = []
        for _ in range(5):
            start = time.perf_counter()
            again = renderer.render_clip_to(clip.id, work / "again.opus")
            timings.append(time.perf_counter() - start)
        assert again.cached
        print(f"median {np.median(timings) * 1000:.1f} ms over 5 (target < 100 ms), including the copy to --out")

        section(f"Peak pyramid of a {pyramid_minutes:g}-minute 48 kHz file")
        long_path = work / "long.wav"
        reps = int(np.ceil(pyramid_minutes / minutes))
        with sf.SoundFile(long_path, "w", SR, 1, subtype="PCM_16") as handle:
            for _ in range(reps):
                handle.write(speech)
        del speech
        start = time.perf_counter()
        pyramid = build_peaks(long_path)
        t_pyr = time.perf_counter() - start
        print(f"{pyramid.frames / SR / 60:.0f} min: {t_pyr:.2f} s (decode + build, target < 2 s), "
              f"{len(pyramid.levels)} levels, {sum(level.nbytes for level in pyramid.levels) / 1e6:.1f} MB")

        section("Correctness by an independent meter (ffmpeg ebur128=peak=true), target -16 LUFS / -1 dBTP")
        signals = {
            "speech": synthetic.speech_like(60.0, SR, seed=5),
            "music": synthetic.music_like(60.0),
            "near-silence + spike": synthetic.near_silence_with_spike(60.0),
            "clipped input": synthetic.clipped(60.0),
        }
        print(f"{'signal':<22}{'format':<8}{'integrated':>12}{'true peak':>12}  verdict")
        failures = 0
        for name, samples in signals.items():
            path = work / f"{name.replace(' ', '_')}.wav"
            sf.write(path, samples, SR, subtype="PCM_16")
            cid = library.import_file(path).clip.id
            for fmt in (OutputFormat.OPUS, OutputFormat.MP3, OutputFormat.WAV):
                result = renderer.render_clip(cid, fmt)
                integrated, peak = ebur128(ffmpeg, result.media_path)
                ok = abs(integrated + 16.0) <= 0.5 and peak <= -1.0
                failures += not ok
                print(f"{name:<22}{fmt.value:<8}{integrated:>9.1f} LU{peak:>9.1f} dB  {'ok' if ok else 'MISSED'}")
        return 1 if failures else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

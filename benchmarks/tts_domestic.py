"""`python -m benchmarks.tts_domestic` (also printed by `python -m benchmarks.tts`): a
domestic-platform bulletin served from the speech cache (target <= 50 ms), against the
first, uncached request and against the espeak-ng command line reading the same text, in
the same run.

The provider is the loopback server that follows FPT.AI's published v5 contract
(tests/support/tts_providers.py: async URL ready after 0.5 s, a real MP3 from ffmpeg),
since the real service cannot be reached from here: the uncached figure is the contract's
polling plus decoding, not FPT.AI's own speed.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from studio.tts.engines import SpeechSettings
from studio.tts.normalizer import Normalizer
from studio.tts.providers import CloudEngine, adapter_for
from studio.tts.synthesis import SpeechCache, Synthesizer
from tests.support.tts_providers import ProviderServer

NOTICE = ("THÔNG BÁO\n\nỦy ban nhân dân xã thông báo lịch tiêm chủng mở rộng tháng 12/2026. "
          "Thời gian từ 7h30 ngày 5/12 đến hết ngày 7/12, tại Trạm y tế xã. "
          "Đề nghị các gia đình có trẻ dưới 5 tuổi đưa trẻ đến tiêm đúng lịch, mang theo sổ tiêm chủng. "
          "Mọi thắc mắc xin liên hệ số 0260 3821 115.")
RUNS = 7


def measure() -> dict[str, float]:
    espeak = shutil.which("espeak-ng")
    with ProviderServer("fpt") as server, tempfile.TemporaryDirectory(prefix="crs-bench-domestic-") as work:
        work_dir = Path(work)
        engine = CloudEngine(adapter_for("fpt"), lambda: server.key, server.url)
        synthesizer = Synthesizer(engine, SpeechCache(work_dir / "cache"), Normalizer())
        settings = SpeechSettings("fpt:banmai", 150)
        started = time.perf_counter()
        result = synthesizer.synthesize(NOTICE, settings, work_dir / "first.wav")
        first = time.perf_counter() - started
        cached = []
        for run in range(RUNS):
            started = time.perf_counter()
            synthesizer.synthesize(NOTICE, settings, work_dir / f"again{run}.wav")
            cached.append(time.perf_counter() - started)
        peer = []
        if espeak is not None:
            spoken = Normalizer().normalize(NOTICE).text
            for run in range(3):
                started = time.perf_counter()
                subprocess.run([espeak, "-v", "vi", "-s", "150", "-w", str(work_dir / f"peer{run}.wav")],
                               input=spoken.encode("utf-8"), check=True)
                peer.append(time.perf_counter() - started)
    return {"sentences": len(result.sentences), "speech_s": result.duration_s, "first_s": first,
            "cached_s": statistics.median(cached), "espeak_s": statistics.median(peer) if peer else float("nan")}


def report(figures: dict[str, float]) -> None:
    cached_ms = figures["cached_s"] * 1000
    print(f"Domestic platform (FPT.AI v5 contract on loopback), {figures['sentences']:.0f}-sentence notice "
          f"({figures['speech_s']:.1f} s of speech), cache median of {RUNS}")
    print(f"  first request (post, poll async URL, decode MP3): {figures['first_s']:6.2f} s")
    print(f"  again, from the speech cache:                     {cached_ms:6.1f} ms   (target <= 50 ms)")
    print(f"  espeak-ng command line, same text:                {figures['espeak_s'] * 1000:6.1f} ms   "
          f"ratio cache/espeak {figures['cached_s'] / figures['espeak_s']:.2f}")


def main() -> int:
    report(measure())
    return 0


if __name__ == "__main__":
    sys.exit(main())

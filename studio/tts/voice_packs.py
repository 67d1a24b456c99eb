"""Piper voice packs the officer installs from a USB stick, kept in the data folder.

A pack is a Piper model `NAME.onnx` with its `NAME.onnx.json` beside it (and often a
`MODEL_CARD`). `VoicePackStore.install` copies both into `voices/piper/NAME/` of the data
folder, has a worker process load the model and speak a calibration text
(`studio.tts.piper_engine.PiperEngine.check`), and records in `voice.json` what the About
box and the voice list show: sha256 of both files, name, language and region, licence and
attribution (from the options, else the MODEL_CARD, else the .onnx.json), and the voice's
natural speaking rate. Everything happens in a hidden folder beside the others and is
renamed into place only when all of it succeeded: a corrupt or truncated model, a bad
.onnx.json or a voice that speaks nothing leaves no trace. The studio never downloads a
model; `bundled_packs` finds those the Windows installer put beside the program.

Threading: the store's methods touch the disk (install also waits on a worker process);
call them off the UI thread. Installs are serialised per store by a lock; reading is safe
from any thread (files appear by rename).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from studio.errors import StorageError, VoicePackExists, VoicePackInvalid, VoicePackNotFound, VoicePackProblem
from studio.launch import frozen
from studio.storage.durable import atomic_write_bytes, fsync_dir
from studio.tts.piper_rate import calibrate, calibration_text

log = logging.getLogger(__name__)

RECORD = "voice.json"
ONNX_MAGIC = b"\x08"  # an ONNX ModelProto opens with field 1 (ir_version), a varint
MIN_MODEL_BYTES = 1024
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")

# check(onnx, config, text) -> {"sample_rate", "voiced_seconds": [at each CALIBRATION_SCALES], "peak"}, raising
# VoicePackInvalid for a model that does not load (PiperEngine.check).
Checker = Callable[[Path, Path, str], dict]


@dataclass(frozen=True)
class VoicePack:
    name: str
    language: str  # as the .onnx.json says, e.g. "vi_VN"
    language_name: str  # its own name for the language ("Tiếng Việt"), "" if unknown
    country: str  # "Vietnam", "United States"; "" if unknown
    quality: str  # Piper's x_low / low / medium / high
    sample_rate: int
    licence: str
    attribution: str
    sha256: str  # of the .onnx
    config_sha256: str
    natural_spm: float  # syllables per minute at length_scale 1
    scaled_fraction: float  # of a sentence's length, the part length_scale stretches (piper_rate)
    installed_at: float  # Unix time
    source: str  # the file it was installed from
    directory: Path

    @property
    def voice_id(self) -> str:
        return f"piper:{self.name}"

    @property
    def onnx(self) -> Path:
        return self.directory / f"{self.name}.onnx"

    @property
    def config(self) -> Path:
        return self.directory / f"{self.name}.onnx.json"

    def record(self) -> dict:
        data = asdict(self)
        data.pop("directory")
        return data


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_config(path: Path) -> dict:
    """The .onnx.json, checked for what Piper needs to load it."""
    if not path.is_file():
        raise VoicePackInvalid(path, VoicePackProblem.MISSING_FILE, "the .onnx.json must be beside the .onnx")
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise VoicePackInvalid(path, VoicePackProblem.BAD_CONFIG, f"not JSON: {exc}") from None
    if not isinstance(config, dict):
        raise VoicePackInvalid(path, VoicePackProblem.BAD_CONFIG, "not a JSON object")
    audio = config.get("audio")
    if not isinstance(audio, dict) or not isinstance(audio.get("sample_rate"), int) or audio["sample_rate"] <= 0:
        raise VoicePackInvalid(path, VoicePackProblem.BAD_CONFIG, "no audio.sample_rate")
    if not isinstance(config.get("phoneme_id_map"), dict) or not config["phoneme_id_map"]:
        raise VoicePackInvalid(path, VoicePackProblem.BAD_CONFIG, "no phoneme_id_map")
    if not isinstance(config.get("num_speakers", 1), int):
        raise VoicePackInvalid(path, VoicePackProblem.BAD_CONFIG, "num_speakers is not a number")
    if config.get("phoneme_type", "espeak") == "espeak" and not isinstance(config.get("espeak", {}).get("voice"), str):
        raise VoicePackInvalid(path, VoicePackProblem.BAD_CONFIG, "no espeak.voice")
    return config


def read_model_card(path: Path) -> tuple[str, str]:
    """(licence, dataset URL) from a Piper MODEL_CARD ("* License: CC BY 4.0", "* URL: ...")."""
    if not path.is_file():
        return "", ""
    text = path.read_text(encoding="utf-8", errors="replace")
    licence = re.search(r"^\s*[*-]?\s*Licen[cs]e:\s*(.+?)\s*$", text, re.MULTILINE | re.IGNORECASE)
    url = re.search(r"^\s*[*-]?\s*URL:\s*(\S+)", text, re.MULTILINE | re.IGNORECASE)
    return (licence.group(1) if licence else ""), (url.group(1) if url else "")


def _model_card_beside(onnx: Path, name: str) -> Path:
    for candidate in (onnx.with_name(f"{name}.MODEL_CARD"), onnx.with_name(f"{name}.md"),
                      onnx.with_name("MODEL_CARD")):
        if candidate.is_file():
            return candidate
    return onnx.with_name("MODEL_CARD")


def _copy_hashing(source: Path, target: Path) -> str:
    digest = hashlib.sha256()
    with open(source, "rb") as reader, open(target, "wb") as writer:
        for block in iter(lambda: reader.read(1 << 20), b""):
            digest.update(block)
            writer.write(block)
        writer.flush()
        os.fsync(writer.fileno())
    return digest.hexdigest()


class VoicePackStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory  # <data>/voices/piper
        self._lock = threading.Lock()

    def packs(self) -> list[VoicePack]:
        """The installed packs, by name (a folder without a readable record is skipped)."""
        found = []
        if not self.directory.is_dir():
            return found
        for folder in sorted(self.directory.iterdir()):
            if folder.name.startswith(".") or not (folder / RECORD).is_file():
                continue
            try:
                data = json.loads((folder / RECORD).read_text(encoding="utf-8"))
                data.setdefault("scaled_fraction", 1.0)
                found.append(VoicePack(**data, directory=folder))
            except (OSError, ValueError, TypeError) as exc:
                log.warning("voice pack %s skipped: unreadable %s (%s)", folder, RECORD, exc)
        return found

    def get(self, name: str) -> VoicePack:
        for pack in self.packs():
            if pack.name == name:
                return pack
        raise VoicePackNotFound(name)

    def install(self, onnx: Path, check: Checker, name: str | None = None, licence: str | None = None,
                attribution: str | None = None) -> VoicePack:
        onnx = Path(onnx)
        name = name or onnx.name.removesuffix(".onnx")
        if not _NAME.fullmatch(name):
            raise VoicePackInvalid(onnx, VoicePackProblem.BAD_NAME, f"{name!r} is not a plain file name")
        if not onnx.is_file():
            raise VoicePackInvalid(onnx, VoicePackProblem.MISSING_FILE, "no such file")
        config_path = onnx.with_name(onnx.name + ".json")
        config = read_config(config_path)
        with open(onnx, "rb") as file:
            head = file.read(MIN_MODEL_BYTES)
        if len(head) < MIN_MODEL_BYTES or not head.startswith(ONNX_MAGIC):
            raise VoicePackInvalid(onnx, VoicePackProblem.BAD_MODEL, "not an ONNX model (too short or wrong header)")
        card_licence, card_url = read_model_card(_model_card_beside(onnx, name))
        with self._lock:
            if (self.directory / name).exists():
                raise VoicePackExists(name)
            self.directory.mkdir(parents=True, exist_ok=True)
            staging = self.directory / f".install-{uuid.uuid4().hex}"
            staging.mkdir()
            try:
                digest = _copy_hashing(onnx, staging / f"{name}.onnx")
                config_digest = _copy_hashing(config_path, staging / f"{name}.onnx.json")
                language = config.get("language", {}) if isinstance(config.get("language"), dict) else {}
                code = str(language.get("code") or config.get("espeak", {}).get("voice") or "")
                text = calibration_text(code)
                heard = check(staging / f"{name}.onnx", staging / f"{name}.onnx.json", text)
                spoken = heard.get("voiced_seconds") or [0.0]
                if heard.get("peak", 0.0) < 0.01 or min(spoken) < 0.3:
                    raise VoicePackInvalid(onnx, VoicePackProblem.SILENT, "it loads but speaks no audio")
                natural_spm, fraction = calibrate(text, code, spoken)
                dataset = str(config.get("dataset") or name)
                licence = licence or card_licence or str(config.get("license") or config.get("licence") or "")
                attribution = attribution or (f"Piper voice {name}; data set {dataset}"
                                              + (f" ({card_url})" if card_url else "")
                                              + (f", {licence}" if licence else ""))
                pack = VoicePack(
                    name=name, language=code, language_name=str(language.get("name_native") or ""),
                    country=str(language.get("country_english") or ""),
                    quality=str(config.get("audio", {}).get("quality") or ""),
                    sample_rate=int(config["audio"]["sample_rate"]), licence=licence or "unknown",
                    attribution=attribution, sha256=digest, config_sha256=config_digest,
                    natural_spm=round(natural_spm, 1), scaled_fraction=round(fraction, 3),
                    installed_at=time.time(), source=str(onnx.resolve()), directory=self.directory / name)
                card = _model_card_beside(onnx, name)
                if card.is_file():
                    shutil.copyfile(card, staging / "MODEL_CARD")
                atomic_write_bytes(staging / RECORD,
                                   json.dumps(pack.record(), ensure_ascii=False, indent=1).encode("utf-8"))
                os.replace(staging, self.directory / name)
                fsync_dir(self.directory)  # the installed voice survives a power cut
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
        log.info("voice pack %s installed (%s, sha256 %s, %.0f syllables/min)", name, pack.language,
                 pack.sha256[:12], pack.natural_spm)
        return pack

    def remove(self, name: str) -> None:
        with self._lock:
            pack = self.get(name)
            trash = self.directory / f".remove-{uuid.uuid4().hex}"
            try:
                os.replace(pack.directory, trash)  # gone from the list at once, even if deleting is slow
            except OSError as exc:  # Windows: a running reader holds the model open
                raise StorageError(pack.directory, exc.strerror or str(exc)) from exc
            shutil.rmtree(trash, ignore_errors=True)
        log.info("voice pack %s removed", name)

    def clean_up(self) -> None:
        """Remove what an interrupted install or removal left (hidden folders)."""
        if self.directory.is_dir():
            for folder in self.directory.iterdir():
                if folder.name.startswith((".install-", ".remove-")):
                    shutil.rmtree(folder, ignore_errors=True)


def bundled_voices_dir() -> Path | None:
    """Where a frozen build carries the voices it was built with (installers/voices/ on
    the build machine, put in `voices/` of the bundle by the PyInstaller spec); None
    when not frozen."""
    if not frozen():
        return None
    return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "voices"


def bundled_packs(directory: Path) -> list[Path]:
    """The .onnx files a Windows installer put in `directory` (its `voices` folder),
    each verified against the SHA256SUMS written at build time; a file that does not
    match is left out (and logged)."""
    sums = directory / "SHA256SUMS"
    if not sums.is_file():
        return []
    found = []
    for line in sums.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) != 2 or not parts[1].lstrip("*").endswith(".onnx"):
            continue
        path = directory / parts[1].lstrip("*")
        if path.is_file() and sha256_of(path) == parts[0].lower():
            found.append(path)
        else:
            log.warning("bundled voice %s does not match its SHA256SUMS; left out", path)
    return found

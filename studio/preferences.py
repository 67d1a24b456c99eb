"""User preferences: typed values with their defaults in one place, stored as JSON values
(never widget indices) in the data folder, written atomically.

A missing file gives the defaults; a damaged one is set aside (renamed `.damaged`) and
the defaults are used, so a bad file never stops the studio from starting. Unknown keys
from a newer version are kept on save. Thread-safe: values are frozen.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import asdict, dataclass, fields, replace
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from studio.errors import InvalidPreference
from studio.storage.durable import atomic_write_bytes

if TYPE_CHECKING:
    from studio.audio.settings import RenderSettings

log = logging.getLogger(__name__)


class UiLanguage(str, Enum):
    VIETNAMESE = "vi"
    ENGLISH = "en"


TARGET_LUFS_RANGE = (-30.0, -10.0)
REPORT_HEADER_FIELDS = ("report_authority", "report_commune", "report_number", "report_place",
                        "report_signer_title", "report_signer")
REPORT_HEADER_LIMIT = 200  # characters of one header field


@dataclass(frozen=True)
class Preferences:
    ui_language: UiLanguage = UiLanguage.VIETNAMESE
    output_device: str = ""  # PortAudio device name; "" = the system default
    target_lufs: float = -16.0
    speech_high_pass: bool = True
    first_run_guide_seen: bool = False  # the window's "first steps" guide was dismissed
    archive_months: int = 12  # the as-run record is kept this long (studio.reports.archive)
    # the report header (studio.reports.document.Header); "" = the document's placeholder
    report_authority: str = ""  # the superior body, e.g. "UBND huyện Bù Gia Mập"
    report_commune: str = ""  # the issuing body, e.g. "UBND xã Đắk Ơ"
    report_number: str = ""  # number/symbol, e.g. "15/BC-UBND"
    report_place: str = ""  # the place of the date line, e.g. "Đắk Ơ"
    report_signer_title: str = ""  # e.g. "Chủ tịch"
    report_signer: str = ""  # the signer's name

    def validated(self) -> Preferences:
        low, high = TARGET_LUFS_RANGE
        if not (math.isfinite(self.target_lufs) and low <= self.target_lufs <= high):
            raise InvalidPreference("target_lufs", str(self.target_lufs))
        if not 1 <= self.archive_months <= 120:
            raise InvalidPreference("archive_months", str(self.archive_months))
        for name in REPORT_HEADER_FIELDS:
            value = getattr(self, name)
            if len(value) > REPORT_HEADER_LIMIT or any(ch in value for ch in "\r\n\t"):
                raise InvalidPreference(name, value[:40])
        return self

    def to_json(self) -> dict:
        data = asdict(self)
        data["ui_language"] = self.ui_language.value
        return data

    @classmethod
    def from_json(cls, data: dict) -> Preferences:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        prefs = cls()
        try:
            if "ui_language" in values:
                prefs = replace(prefs, ui_language=UiLanguage(values["ui_language"]))
            if "output_device" in values:
                prefs = replace(prefs, output_device=str(values["output_device"]))
            if "target_lufs" in values:
                prefs = replace(prefs, target_lufs=float(values["target_lufs"]))
            if "speech_high_pass" in values:
                prefs = replace(prefs, speech_high_pass=bool(values["speech_high_pass"]))
            if "first_run_guide_seen" in values:
                prefs = replace(prefs, first_run_guide_seen=bool(values["first_run_guide_seen"]))
            if "archive_months" in values:
                prefs = replace(prefs, archive_months=int(values["archive_months"]))
            for name in REPORT_HEADER_FIELDS:
                if name in values:
                    if not isinstance(values[name], str):
                        raise TypeError(f"{name} is not text")
                    prefs = replace(prefs, **{name: values[name].strip()})
        except (TypeError, ValueError) as exc:
            raise InvalidPreference("settings", str(exc)) from exc
        return prefs.validated()


def load_preferences(path: Path) -> Preferences:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Preferences()
    try:
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict):
            raise InvalidPreference("settings", "not a JSON object")
        return Preferences.from_json(data)
    except (ValueError, InvalidPreference) as exc:
        aside = path.with_name(path.name + ".damaged")
        path.replace(aside)
        log.warning("settings file %s is damaged (%s); moved to %s, using defaults", path, exc, aside)
        return Preferences()


def save_preferences(path: Path, prefs: Preferences) -> None:
    prefs.validated()
    data: dict = {}
    try:
        existing = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(existing, dict):
            data.update(existing)  # keep keys a newer version wrote
    except (OSError, ValueError):
        pass
    data.update(prefs.to_json())
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"))


def render_settings(prefs: Preferences) -> RenderSettings:
    """The broadcast render settings these preferences ask for."""
    from studio.audio.settings import RenderSettings

    return RenderSettings(target_lufs=prefs.target_lufs, highpass_hz=100.0 if prefs.speech_high_pass else None)

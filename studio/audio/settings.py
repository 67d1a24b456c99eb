"""Render settings and output formats: plain values, cheap to import (no numpy/scipy),
so a render served from the cache starts fast."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass
from pathlib import Path

from studio.errors import UnsupportedOutput

#: Bump when the mastering changes audibly, so cached renders are made again.
MASTERING_VERSION = 5


class OutputFormat(enum.Enum):
    OPUS = "opus"
    MP3 = "mp3"
    WAV = "wav"

    @property
    def lossy(self) -> bool:
        return self is not OutputFormat.WAV

    @classmethod
    def for_path(cls, path: Path) -> OutputFormat:
        suffix = Path(path).suffix.lower()
        mapping = {".opus": cls.OPUS, ".ogg": cls.OPUS, ".mp3": cls.MP3, ".wav": cls.WAV}
        if suffix not in mapping:
            raise UnsupportedOutput(Path(path))
        return mapping[suffix]


@dataclass(frozen=True)
class RenderSettings:
    target_lufs: float = -16.0
    true_peak_dbtp: float = -1.0
    highpass_hz: float | None = 100.0
    sample_rate: int = 48000
    opus_bitrate: int = 32000
    mp3_bitrate: int = 64000
    max_gain_db: float = 50.0

    def cache_fields(self) -> dict:
        return {"mastering_version": MASTERING_VERSION, **asdict(self)}

    def bitrate(self, fmt: OutputFormat) -> int:
        return self.mp3_bitrate if fmt is OutputFormat.MP3 else self.opus_bitrate

"""Where the studio keeps its files: one frozen value built once at start-up.

Nothing is computed at import time; `StudioPaths.default()` asks platformdirs, and
`StudioPaths.at(dir)` serves `--data-dir` (tests and portable installs). Thread-safe.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "CommuneRadioStudio"


@dataclass(frozen=True)
class StudioPaths:
    data_dir: Path
    log_dir: Path

    @classmethod
    def default(cls) -> StudioPaths:
        """The platform's data folder, or the one the user chose in the settings (kept in
        a small pointer file in the config folder, since the settings live in the data
        folder)."""
        import platformdirs

        chosen = read_chosen_data_dir()
        if chosen is not None:
            return cls.at(chosen)
        return cls(
            data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            log_dir=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
        )

    @classmethod
    def at(cls, data_dir: str | Path) -> StudioPaths:
        root = Path(data_dir).expanduser().resolve()
        return cls(data_dir=root, log_dir=root / "logs")

    @property
    def database(self) -> Path:
        return self.data_dir / "studio.db"

    @property
    def settings_file(self) -> Path:
        return self.data_dir / "settings.json"

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def recordings_dir(self) -> Path:
        return self.data_dir / "recordings"

    @property
    def peaks_dir(self) -> Path:
        return self.data_dir / "cache" / "peaks"

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    @property
    def speech_cache_dir(self) -> Path:
        return self.data_dir / "cache" / "speech"

    @property
    def voices_dir(self) -> Path:
        """Installed Piper voice packs, one folder each (studio/tts/voice_packs.py)."""
        return self.data_dir / "voices" / "piper"

    def ensure(self) -> StudioPaths:
        for d in (self.data_dir, self.log_dir, self.media_dir, self.peaks_dir):
            d.mkdir(parents=True, exist_ok=True)
        return self


def location_file() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "location.json"


def read_chosen_data_dir() -> Path | None:
    """The data folder chosen in the settings, or None (unset or unreadable)."""
    try:
        value = json.loads(location_file().read_text(encoding="utf-8")).get("data_dir")
    except (OSError, ValueError, AttributeError):
        return None
    return Path(value) if isinstance(value, str) and value else None


def choose_data_dir(data_dir: Path | None) -> None:
    """Remember `data_dir` for the next start (None: back to the platform default)."""
    from studio.storage.durable import atomic_write_bytes

    target = location_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = {"data_dir": str(data_dir) if data_dir else ""}
    atomic_write_bytes(target, json.dumps(payload).encode("utf-8"))

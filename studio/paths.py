"""Where the studio keeps its files: one frozen value built once at start-up.

Nothing is computed at import time; `StudioPaths.default()` asks platformdirs, and
`StudioPaths.at(dir)` serves `--data-dir` (tests and portable installs). Thread-safe.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

APP_NAME = "CommuneRadioStudio"


@dataclass(frozen=True)
class StudioPaths:
    data_dir: Path
    log_dir: Path

    @classmethod
    def default(cls) -> "StudioPaths":
        import platformdirs

        return cls(
            data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            log_dir=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
        )

    @classmethod
    def at(cls, data_dir: str | Path) -> "StudioPaths":
        root = Path(data_dir).expanduser().resolve()
        return cls(data_dir=root, log_dir=root / "logs")

    @property
    def database(self) -> Path:
        return self.data_dir / "studio.db"

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def peaks_dir(self) -> Path:
        return self.data_dir / "cache" / "peaks"

    def ensure(self) -> "StudioPaths":
        for d in (self.data_dir, self.log_dir, self.media_dir, self.peaks_dir):
            d.mkdir(parents=True, exist_ok=True)
        return self

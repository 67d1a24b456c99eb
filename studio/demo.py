"""Demo content for a fresh install: the sample bulletins in resources/demo/, read aloud
by espeak-ng (its Vietnamese voice) and imported as clips, so the studio opens with
something to listen to, edit and render. Used by `radio-studio seed-demo` (which the
run-studio scripts call with a local demo data folder); does nothing if the library
already has clips. Plain espeak-ng here: the text normaliser and the TTS engines belong
to the speech issue, which will replace this reading.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

from studio.library import ClipLibrary

log = logging.getLogger(__name__)

DEMO_DIR = Path(__file__).resolve().parent.parent / "resources" / "demo"


def seed_demo(library: ClipLibrary, espeak: str | None = None) -> list[int]:
    """Import the demo bulletins if the library is empty; returns the new clip ids."""
    if library.clips() or library.clips(trash=True):
        return []
    espeak = espeak or shutil.which("espeak-ng")
    if espeak is None:
        log.warning("espeak-ng not found: no demo clips")
        return []
    ids = []
    with tempfile.TemporaryDirectory(prefix="crs-demo-") as tmp:
        for text_file in sorted(DEMO_DIR.glob("*.txt")):
            text = text_file.read_text(encoding="utf-8")
            lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
            title = lines[0].capitalize()
            if len(title) <= 12 and len(lines) > 1:  # "THÔNG BÁO" alone says little
                title = f"{title}: {lines[1]}"
            wav = Path(tmp) / f"{text_file.stem}.wav"
            subprocess.run([espeak, "-v", "vi", "-s", "150", "-w", str(wav), "-f", str(text_file)],
                           check=True, capture_output=True, timeout=120)
            ids.append(library.import_file(wav, title=title).clip.id)
    log.info("demo content imported: clips %s", ids)
    return ids

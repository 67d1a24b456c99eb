"""Typed bulletins in, library clips out: read a text file, synthesise, import.

`read_text_file` accepts UTF-8 (with or without BOM), UTF-16 with BOM, and the 8-bit files
the old Vietnamese fonts leave behind (read byte for byte as Latin-1, which is what a
TCVN3 or VNI text looks like; the normaliser then detects and converts it).
`make_bulletin` synthesises a text and imports the speech as a clip that keeps its source
(text, engine, voice, settings), so it can be synthesised again. Blocking; worker thread.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from studio.errors import UnreadableText
from studio.languages import Language
from studio.library import ClipLibrary, ImportResult
from studio.tts.engines import SpeechSettings
from studio.tts.synthesis import SpeechSource, Synthesizer

MAX_TEXT_BYTES = 4 << 20


def read_text_file(path: Path) -> str:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableText(path, exc.strerror or str(exc)) from exc
    if len(data) > MAX_TEXT_BYTES:
        raise UnreadableText(path, f"larger than {MAX_TEXT_BYTES >> 20} MB")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data:
        raise UnreadableText(path, "binary file (a .doc or .docx must be saved as plain text first)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def make_bulletin(
    library: ClipLibrary,
    synthesizer: Synthesizer,
    text: str,
    settings: SpeechSettings,
    title: str | None = None,
    language: str = Language.VIETNAMESE.code,
    cancel: threading.Event | None = None,
    progress: Callable[[int, int], None] | None = None,
    convert_legacy: bool = True,
) -> ImportResult:
    settings = replace(settings, voice=synthesizer.voice_id(settings))  # the clip names its voice
    with tempfile.TemporaryDirectory(prefix="crs-bulletin-") as work:
        result = synthesizer.synthesize(text, settings, Path(work) / "speech.wav", cancel=cancel, progress=progress,
                                         convert_legacy=convert_legacy)
        source = SpeechSource(
            text=result.reading.source, engine=_engine_id(synthesizer, settings.voice), voice=settings.voice,
            rate=settings.rate, volume=settings.volume, region=synthesizer.normalizer.style.region.value,
            lexicon_version=synthesizer.normalizer.lexicon.version,
        )
        first_line = next((line.strip() for line in result.reading.source.splitlines() if line.strip()), "")
        name = title or (first_line[:60].capitalize() if first_line.isupper() else first_line[:60]) or "Bản tin"
        return library.import_file(Path(work) / "speech.wav", title=name, language=language,
                                   cancel=cancel, speech_json=source.to_json())


def _engine_id(synthesizer: Synthesizer, voice: str) -> str:
    """The engine that speaks `voice` (an engine set names the one it hands the voice to)."""
    engine_for = getattr(synthesizer.engine, "engine_for", None)
    return engine_for(voice).id if engine_for is not None else synthesizer.engine.id

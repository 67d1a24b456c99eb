"""The studio core's bundled resources, shipped as package data next to this module.

- `jingles/*.flac`: the studio's own chimes (made by installers/make_jingles.py for this
  project, 48 kHz mono; no third-party material, no licence beyond the project's).
- `tts/*.tsv`: the normaliser's built-in tables (abbreviations, units, pronunciations),
  WRITTEN<TAB>SPOKEN.
- `demo/*.txt`: the sample bulletins `radio-studio seed-demo` reads aloud.
- `fonts/DejaVuSans*.ttf`: the font embedded in report PDFs (every Vietnamese glyph;
  DejaVu's free licence in `fonts/LICENSE.txt`).

Everything is found with `importlib.resources`, never with a path computed from a
module's `__file__`, so the same lookups work from a checkout, an installed wheel and a
frozen build. `*_path()` gives a real file for readers that need one (soundfile): a
resource inside a zip is extracted once and kept until the process exits. No Qt here.
Read-only; any thread.
"""

from __future__ import annotations

import atexit
import contextlib
import threading
from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path

_extracted = contextlib.ExitStack()
_extract_lock = threading.Lock()
atexit.register(_extracted.close)


def real_path(resource: Traversable) -> Path:
    """A file-system path for `resource` (itself when the package is a plain folder)."""
    if isinstance(resource, Path):
        return resource
    with _extract_lock:
        return _extracted.enter_context(as_file(resource))


def _folder(package: str, name: str) -> Traversable:
    return files(package) / name


def _listing(package: str, name: str, suffix: str) -> list[Traversable]:
    folder = _folder(package, name)
    return sorted((entry for entry in folder.iterdir() if entry.is_file() and entry.name.endswith(suffix)),
                  key=lambda entry: entry.name)


def jingle_names() -> list[str]:
    """The names of the studio's jingles ("chuong-bao", ...), sorted."""
    return [entry.name.removesuffix(".flac") for entry in _listing(__name__, "jingles", ".flac")]


def jingle(name: str) -> Traversable:
    """The jingle `name` (FileNotFoundError if there is none)."""
    resource = _folder(__name__, "jingles") / f"{name}.flac"
    if "/" in name or "\\" in name or not resource.is_file():
        raise FileNotFoundError(f"no jingle named {name!r}")
    return resource


def jingle_path(name: str) -> Path:
    return real_path(jingle(name))


def tts_table(name: str) -> Traversable:
    """A built-in normaliser table: "abbreviations", "units", "lexicon", "document_types" or "document_issuers"."""
    resource = _folder(__name__, "tts") / f"{name}.tsv"
    if not resource.is_file():
        raise FileNotFoundError(f"no built-in TTS table {name!r}")
    return resource


def demo_text_files() -> list[Traversable]:
    """The demo bulletins (UTF-8 text), in file-name order."""
    return _listing(__name__, "demo", ".txt")


def font_path(name: str) -> Path:
    """A bundled font file ("DejaVuSans", "DejaVuSans-Bold") for the report PDFs."""
    resource = _folder(__name__, "fonts") / f"{name}.ttf"
    if not resource.is_file():
        raise FileNotFoundError(f"no bundled font {name!r}")
    return real_path(resource)

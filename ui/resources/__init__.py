"""The window's bundled resources, shipped as package data next to this module.

- `icons/*.svg`: the studio's icon set (drawn for the project; see icons/LICENSE.md).
- `i18n/studio_*.ts`: the window's translation catalogues (Qt Linguist source, refreshed
  from ui/ by lupdate); `i18n/qt_*.ts`: Qt's own strings (standard buttons, file and
  colour dialogs) that Qt ships no catalogue for, kept by hand; and `*.qm`, the
  compiled catalogues Qt loads: build output, never committed, made from the .ts during
  the wheel build (setup.py) and by installers/build_translations.py for a checkout.

- `guide/huong-dan-su-dung.md`: the Vietnamese user guide shown by Help, a build output
  copied from docs/huong-dan-su-dung.md (the one source) by setup.py's build_py and by
  installers/build_translations.py for a checkout; never committed.

Found with `importlib.resources` (studio.resources.real_path turns one into a file Qt
can open), never with a path from `__file__`. No Qt import here. Read-only; any thread.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

from studio.resources import real_path

__all__ = ["catalogue", "icon_file", "icon_names", "icons_licence", "real_path", "translation_sources", "user_guide"]

GUIDE = "huong-dan-su-dung.md"


def icon_names() -> set[str]:
    folder = files(__name__) / "icons"
    return {entry.name.removesuffix(".svg") for entry in folder.iterdir() if entry.name.endswith(".svg")}


def icon_file(name: str) -> Traversable:
    """The SVG of icon `name` (FileNotFoundError if there is none)."""
    resource = files(__name__) / "icons" / f"{name}.svg"
    if not resource.is_file():
        raise FileNotFoundError(f"no icon named {name!r}")
    return resource


def icons_licence() -> Traversable:
    return files(__name__) / "icons" / "LICENSE.md"


def catalogue(language: str, name: str = "studio") -> Traversable:
    """The compiled catalogue `<name>_<language>.qm` (may not exist: check is_file()):
    "studio" for the window's strings, "qt" for Qt's own that Qt ships no catalogue for."""
    return files(__name__) / "i18n" / f"{name}_{language}.qm"


def translation_sources() -> list[Traversable]:
    """The .ts catalogues, in file-name order."""
    folder = files(__name__) / "i18n"
    return sorted((entry for entry in folder.iterdir() if entry.name.endswith(".ts")), key=lambda e: e.name)


def user_guide() -> Traversable:
    """The Vietnamese user guide (Markdown; may not exist in an unbuilt checkout: check
    is_file())."""
    return files(__name__) / "guide" / GUIDE

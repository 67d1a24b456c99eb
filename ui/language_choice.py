"""The language choosers of the window, filled from the core's one `Language` enum (no
panel keeps its own list of codes). Each entry shows the language's Vietnamese name and
carries its code as item data. UI thread.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from studio.languages import Language, minority_languages


def fill(combo: QComboBox, languages: list[Language] | None = None) -> QComboBox:
    combo.clear()
    for language in languages if languages is not None else list(Language):
        combo.addItem(language.vietnamese_name, language.code)
    return combo


def language_combo(languages: list[Language] | None = None, parent=None) -> QComboBox:
    """A chooser of `languages` (all of them by default), the first one selected."""
    return fill(QComboBox(parent), languages)


def minority_names() -> list[str]:
    """The names offered for a programme's language version (Vietnamese is the main one)."""
    return [language.vietnamese_name for language in minority_languages()]


def code_for_name(name: str) -> str | None:
    return next((language.code for language in Language if language.vietnamese_name == name), None)

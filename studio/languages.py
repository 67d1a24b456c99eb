"""The languages the studio broadcasts in: one enum, the single source for every list.

Clips, zones, programme language versions and speech all carry a language as its code,
the `Language` value stored in the database ("vi", "bahnar", "sedang", "jarai": the codes
the studio has always written, so nothing stored changes meaning). Older or hand-typed
codes are accepted and read as the same language: the ISO 639-3 codes ("bdq", "sed",
"jra", used by an earlier clip list) and the Vietnamese names without marks ("ba-na",
"xo-dang", "gia-rai"). A code the studio does not know is kept as it is (a commune may
broadcast in a language added later) and shown as written.

Each language has its name in Vietnamese: proper names of languages are data, not UI
sentences, so the window and the user guide use these and nothing else. No Qt; any thread.
"""

from __future__ import annotations

from enum import Enum


class Language(Enum):
    VIETNAMESE = "vi"
    BAHNAR = "bahnar"
    SEDANG = "sedang"
    JARAI = "jarai"

    @property
    def code(self) -> str:
        return self.value

    @property
    def vietnamese_name(self) -> str:
        return _NAMES[self]

    @property
    def minority(self) -> bool:
        return self is not Language.VIETNAMESE


DEFAULT = Language.VIETNAMESE

_NAMES = {
    Language.VIETNAMESE: "Tiếng Việt",
    Language.BAHNAR: "Ba Na",
    Language.SEDANG: "Xơ Đăng",
    Language.JARAI: "Gia Rai",
}

# Other spellings read as the same language (stored by older versions, or typed on the CLI).
_ALIASES = {
    "vie": Language.VIETNAMESE, "vi-vn": Language.VIETNAMESE, "vn": Language.VIETNAMESE,
    "bdq": Language.BAHNAR, "ba-na": Language.BAHNAR, "bana": Language.BAHNAR,
    "sed": Language.SEDANG, "xo-dang": Language.SEDANG, "xodang": Language.SEDANG,
    "jra": Language.JARAI, "gia-rai": Language.JARAI, "giarai": Language.JARAI,
}


def language_of(code: str | None) -> Language | None:
    """The language a stored or typed code means, or None for a code the studio does not know."""
    if code is None:
        return None
    key = code.strip().lower().replace("_", "-")
    try:
        return Language(key)
    except ValueError:
        return _ALIASES.get(key)


def normalise(code: str | None) -> str:
    """The code to store for `code`: the enum's own code when the language is known
    (old spellings become the current code), else the code as typed; "vi" when empty."""
    if code is None or not code.strip():
        return DEFAULT.code
    language = language_of(code)
    return language.code if language is not None else code.strip()


def display_name(code: str) -> str:
    """The Vietnamese name of the language `code` means, or the code itself if unknown."""
    language = language_of(code)
    return language.vietnamese_name if language is not None else code


def order(code: str) -> tuple[int, str]:
    """Sort key: the enum's order (Vietnamese first), unknown codes after, by code."""
    language = language_of(code)
    return (list(Language).index(language), "") if language is not None else (len(Language), code)


def minority_languages() -> list[Language]:
    return [language for language in Language if language.minority]

"""Is a written word a Vietnamese syllable?

Vietnamese writes one syllable per word: an optional onset, a vowel nucleus of one to
three letters carrying at most one tone mark, and an optional coda. A word that fits tells
the normaliser that "THÔNG" in a heading is a word to lowercase, not an abbreviation to
spell, and tells the legacy-encoding detector that a conversion produced real words.
Pure; thread-safe.
"""

from __future__ import annotations

import re
import unicodedata

_V = "aăâeêioôơuưy"
_TONED = "".join(
    unicodedata.normalize("NFC", v + mark) for v in _V for mark in ("\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
)
_VOWELS = _V + _TONED

_SYLLABLE = re.compile(
    rf"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?[{_VOWELS}]{{1,3}}(?:ng|nh|ch|[cmnpt])?",
    re.IGNORECASE,
)
_TONED_SET = frozenset(_TONED + _TONED.upper())


def is_vietnamese_syllable(word: str) -> bool:
    if _SYLLABLE.fullmatch(word) is None:
        return False
    return sum(1 for c in word if c in _TONED_SET) <= 1

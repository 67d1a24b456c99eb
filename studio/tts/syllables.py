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


# The vowel groups (tone marks aside) a Vietnamese syllable can have, glides included:
# what a strict reading accepts. A legacy-font paste read as Latin-1 makes groups no
# Vietnamese word has ("thoâng", "tieâm", "vaéc"), which the loose pattern above lets by.
NUCLEI = (
    "a ă â e ê i o ô ơ u ư y "
    "ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi ua uâ uê ui uô uơ uy ưa ưi ươ ưu yê oo "
    "iêu oai oao oay oeo uây uôi uya uyê uyu ươi ươu yêu"
).split()
_TONE_FORMS = {v: v + "".join(unicodedata.normalize("NFC", v + m) for m in ("\u0301", "\u0300", "\u0309", "\u0303",
                                                                             "\u0323")) for v in _V}
_STRICT = re.compile(
    r"(?P<onset>ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    r"(?P<nucleus>" + "|".join("".join(f"[{_TONE_FORMS[v]}]" for v in n)
                               for n in sorted(NUCLEI, key=len, reverse=True)) + ")"
    r"(?P<coda>ng|nh|ch|[cmnpt])?",
    re.IGNORECASE,
)
_STOP_TONES = frozenset(unicodedata.normalize("NFC", v + m) for v in _V for m in ("\u0301", "\u0323"))
_STOP_TONES = _STOP_TONES | frozenset(c.upper() for c in _STOP_TONES)


def is_strict_syllable(word: str) -> bool:
    """A stricter test, for telling a legacy-font paste from Unicode: the vowel group must
    be one Vietnamese has, and a syllable ending in c, ch, p or t carries the sắc or nặng
    tone (the only two such syllables take)."""
    match = _STRICT.fullmatch(word)
    if match is None or sum(1 for c in word if c in _TONED_SET) > 1:
        return False
    if match.group("coda") and match.group("coda").lower() in ("c", "ch", "p", "t"):
        return any(c in _STOP_TONES for c in match.group("nucleus"))
    return True

"""Text typed with the old Vietnamese font encodings, turned into Unicode.

Government documents are still often typed in TCVN3 (ABC, the ".VnTime" fonts) or
VNI-Windows ("VNI-Times"). Pasted or opened as plain text, their letters arrive as
Latin-1 look-alikes: "th«ng b¸o" (TCVN3) or "thoâng baùo" (VNI) for "thông báo". TCVN3
is one byte per letter; VNI writes a base letter followed by a mark byte. `detect()`
decides whether a text is one of these by how many of its words become real Vietnamese
syllables after conversion (judged strictly: vowel groups Vietnamese has, the tones a stop
ending allows), so a heading of four or five words is told as surely as a page; the
caller shows the result and lets the user accept it.
Pure functions; thread-safe.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from enum import Enum

from studio.tts.syllables import is_strict_syllable


class LegacyEncoding(Enum):
    TCVN3 = "TCVN3"
    VNI = "VNI"


# TCVN3 (TCVN 5712:1993, VN3): code point -> letter. Capitals with tone marks do not
# exist in VN3 (a separate capital font reuses the lowercase codes).
_TCVN3 = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}
_TCVN3_TABLE = str.maketrans({chr(k): v for k, v in _TCVN3.items()})

# VNI-Windows: mark bytes that follow a base vowel. Tone marks (sắc, huyền, hỏi, ngã,
# nặng) and the vowel shapes (â/ê/ô with circumflex, ă with breve), lower and upper case.
_TONES = "\u0301\u0300\u0309\u0303\u0323"  # sắc huyền hỏi ngã nặng
_VNI_TONE = {"ù": 0, "ø": 1, "û": 2, "õ": 3, "ï": 4, "Ù": 0, "Ø": 1, "Û": 2, "Õ": 3, "Ï": 4}
# circumflex + tone (after a, e, o): â=â ấ=á ầ=à ẩ=å ẫ=ã ậ=ä
_VNI_CIRCUMFLEX = {"â": None, "á": 0, "à": 1, "å": 2, "ã": 3, "ä": 4,
                   "Â": None, "Á": 0, "À": 1, "Å": 2, "Ã": 3, "Ä": 4}
# breve + tone (after a): ă=ê ắ=é ằ=è ẳ=ú ẵ=ü ặ=ë
_VNI_BREVE = {"ê": None, "é": 0, "è": 1, "ú": 2, "ü": 3, "ë": 4,
              "Ê": None, "É": 0, "È": 1, "Ú": 2, "Ü": 3, "Ë": 4}
# single bytes that are whole letters: ơ=ô ư=ö đ=ñ, and the i/y forms.
_VNI_SINGLE = {"ô": "ơ", "ö": "ư", "ñ": "đ", "Ô": "Ơ", "Ö": "Ư", "Ñ": "Đ",
               "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ",
               "Í": "Í", "Ì": "Ì", "Æ": "Ỉ", "Ó": "Ĩ", "Ò": "Ị", "Î": "Ỵ"}

_VNI_PAIR = re.compile(
    r"([aeiouyAEIOUY])([ùøûõïÙØÛÕÏ])"  # base + tone
    r"|([aeoAEO])([âáàåãäÂÁÀÅÃÄ])"  # base + circumflex(+tone)
    r"|([aA])([êéèúüëÊÉÈÚÜË])"  # a + breve(+tone)
    r"|([ôöÔÖ])([ùøûõïÙØÛÕÏ])"  # ơ/ư + tone
    r"|([ôöñÔÖÑíìæóòîÍÌÆÓÒÎ])"  # whole letters
)


def _vni_pair(match: re.Match) -> str:
    base, tone_byte, cbase, cmark, bbase, bmark, hbase, htone, single = match.groups()
    if base is not None:
        return unicodedata.normalize("NFC", base + _TONES[_VNI_TONE[tone_byte]])
    if cbase is not None:
        tone = _VNI_CIRCUMFLEX[cmark]
        return unicodedata.normalize("NFC", cbase + "\u0302" + ("" if tone is None else _TONES[tone]))
    if bbase is not None:
        tone = _VNI_BREVE[bmark]
        return unicodedata.normalize("NFC", bbase + "\u0306" + ("" if tone is None else _TONES[tone]))
    if hbase is not None:
        return unicodedata.normalize("NFC", _VNI_SINGLE[hbase] + _TONES[_VNI_TONE[htone]])
    return _VNI_SINGLE[single]


_SENTENCE_START = re.compile(r"(^|[.!?]\s+|\n\s*)([^\W\d_])")


def from_tcvn3(text: str) -> str:
    """TCVN3 marks capitals by switching to a capital font, which a paste loses: when the
    result has no capital at all, sentence starts get theirs back."""
    converted = text.translate(_TCVN3_TABLE)
    if not any(c.isupper() for c in converted):
        converted = _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), converted)
    return converted


def from_vni(text: str) -> str:
    return _VNI_PAIR.sub(_vni_pair, text)


CONVERTERS = {LegacyEncoding.TCVN3: from_tcvn3, LegacyEncoding.VNI: from_vni}

# Characters of the Latin-1 upper half that a Unicode Vietnamese text never contains:
# their presence is what makes a legacy text worth testing at all.
_SUSPECT = re.compile(r"[\u00a1-\u00bf\u00c4-\u00c7\u00cb\u00ce-\u00d1\u00d6-\u00d8\u00db\u00dc\u00de\u00df"
                      r"\u00e4-\u00e7\u00eb\u00ee-\u00f1\u00f6-\u00f8\u00fb\u00fc\u00fe\u00ff]")
# VNI writes most of its mark bytes with letters Unicode Vietnamese has too (â, ù, é, ò),
# so a short VNI heading may hold no suspect at all; a vowel followed by a mark byte in a
# pair no Vietnamese word has ("oâ", "eá", "aù", "aé", "eä") is the other sign.
_VNI_HINT = re.compile(r"(?i:[aeo][âåä]|[ae][áàã]|a[êéèëüú]|[aeiouy][ùøûï]|[ôö][ùøûõï])")
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class LegacyDetection:
    encoding: LegacyEncoding
    converted: str
    words_before: float  # share of words that are Vietnamese syllables, as typed
    words_after: float  # ... after conversion
    changed_words: int


def syllable_share(text: str) -> tuple[float, int]:
    words = _WORD.findall(text)
    if not words:
        return 0.0, 0
    good = sum(1 for w in words if is_strict_syllable(w))
    return good / len(words), len(words)


_SAMPLE = 20_000  # characters judged; a long paste is converted whole but judged by its start


def detect(text: str) -> LegacyDetection | None:
    """The legacy encoding `text` is most likely typed in, with its conversion; None when
    it reads as Unicode Vietnamese already (or as neither)."""
    sample = text[:_SAMPLE]
    # A "²" or "°" in a long Unicode text is no sign; in a heading, one suspect is enough.
    if len(_SUSPECT.findall(sample)) < max(1.0, len(sample) / 200) and _VNI_HINT.search(sample) is None:
        return None
    before, _ = syllable_share(sample)
    best: LegacyDetection | None = None
    for encoding, convert in CONVERTERS.items():
        converted = convert(sample)
        if converted == sample:
            continue
        after, _ = syllable_share(converted)
        if after >= 0.8 and after >= before + 0.15 and (best is None or after > best.words_after):
            changed = sum(1 for a, b in zip(_WORD.findall(sample), _WORD.findall(converted)) if a != b)
            best = LegacyDetection(encoding, converted, before, after, changed)
    if best is not None and len(text) > len(sample):
        best = replace(best, converted=CONVERTERS[best.encoding](text))
    return best

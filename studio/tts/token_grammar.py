"""The token grammar of the normaliser: one compiled regular expression that finds, in one
pass, everything in a notice that is not a plain word.

Its named groups are the token kinds `Normalizer` reads (lex, url, bullet, time, drange,
date, monthyear, daymonth, doc, phone, num, slash, code, caps, cap, foreign, dash, paren,
sym).
A lookahead gate in front lets the regex engine skip plain lowercase words in one step,
and the digit-led alternatives sit behind one more lookahead; that is what keeps the
scan fast. Compiled patterns are cached per (units, lexicon); thread-safe.
"""

from __future__ import annotations

import re
from functools import lru_cache

from studio.tts.lexicon import trie_pattern

_UPPER_V = "ĐÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝĂĨŨƠƯ" + "".join(
    chr(c) for c in range(0x1EA0, 0x1EF9, 2)  # Ạ Ả Ấ ... Ỹ: capitals sit at even code points
)
U = "A-Z" + _UPPER_V
LOWER_V = "a-zđàáâãèéêìíòóôõùúýăĩũơư" + "".join(chr(c) for c in range(0x1EA1, 0x1EFA, 2))
# One code of a document symbol: capitals and digits, with at most one lowercase letter
# inside (QĐi, TTr, CTr, TTg, QyĐ).
_SEG = rf"[{U}][{U}0-9&]*(?:[a-zđ][{U}0-9&]*)?"
_NUM = r"(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+|\d+\.\d+(?!\.\d)|\d+)"


# Lowercase letters that start no token: the scan skips them in one step (see compile_tokens).
_PLAIN = "a-eg-ik-vxyđàáâãèéêìíòóôõùúýăĩũơư" + "".join(chr(c) for c in range(0x1EA1, 0x1EFA, 2))


@lru_cache(maxsize=8)
def compile_tokens(units_key: tuple[str, ...], lexicon_key: tuple[str, ...]) -> re.Pattern:
    units = trie_pattern(units_key)
    lexicon = trie_pattern(lexicon_key) if lexicon_key else "(?!)"
    # Entries that can start a token in lowercase: those written so, and the slash forms
    # ("Đ/c" is typed "đ/c" as often).
    lower_first = [k for k in lexicon_key if not k[:1].isupper() or "/" in k]
    lower_lexicon = trie_pattern(lower_first) if lower_first else "(?!)"
    # The gate: a token starts only at a digit, a capital, a symbol, or a word holding
    # f/j/w/z, a web address or a lowercase lexicon entry. Checking that first lets the
    # regex engine pass over plain lowercase words ten times faster than trying every
    # alternative at every character.
    gate = (rf"(?=[^\s{_PLAIN}.,;:!?'\"“”‘’«»%°²³…]"
            rf"|\b(?:[^\W\d_]*[fjwzFJWZ]|https?://|www\.|[\w.+-]+@\w|(?i:{lower_lexicon})(?!\w)))")
    parts = [
        rf"(?P<lex>(?<!\w)(?i:{lexicon})(?!\w))",
        r"(?P<url>\b(?:https?://|www\.)\S+[\w/]|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+)",
        r"(?P<bullet>(?m:^)[ \t]*(?:[-–•*+▪●○◦]|\d{1,2}[.)]|[IVXLC]{1,5}[.)])[ \t]+(?=\S))",
        r"(?P<time>(?<![\w.,/:])(?P<th>[01]?\d|2[0-4])(?:[hg](?P<tm>[0-5]\d)?|:(?P<tm2>[0-5]\d))(?:p|ph|')?"
        r"(?:[ \t]*[-–][ \t]*(?P<th2>[01]?\d|2[0-4])(?:[hg](?P<tm3>[0-5]\d)?|:(?P<tm4>[0-5]\d))(?:p|ph|')?)?"
        r"(?![\w:/]))",
        r"(?P<drange>(?<![\w/.,])(?P<dr1>[0-3]?\d)\s*[-–]\s*(?P<dr2>[0-3]?\d)/(?P<drm>[01]?\d)"
        r"(?:/(?P<dry>\d{4}))?(?![\d/]))",
        r"(?P<date>(?<![\w/.,])(?P<dd>[0-3]?\d)(?P<ds>[/.-])(?P<dm>[01]?\d)(?P=ds)(?P<dy>\d{4})(?![\d/.\-]\d))",
        r"(?P<monthyear>(?<![\w/.,])(?P<mym>[01]?\d)/(?P<myy>\d{4})(?![\d/]))",
        r"(?P<daymonth>(?<![\w/.,])(?P<dmd>[0-3]?\d)/(?P<dmm>[01]?\d)(?![\d/]))",
        # 15/QĐ-UBND, 123/2025/NĐ-CP, 125/UBND-VP; the Party's 18-NQ/TW, 05-HD/ĐU
        rf"(?P<doc>(?<![\w/])(?:\d+(?:/\d{{2,4}})?/{_SEG}(?:-{_SEG})*|\d+-{_SEG}/{_SEG}(?:[-/]{_SEG})*)(?![\w/]))",
        r"(?P<phone>(?<![\w+])(?:\+84[ .]?\d{2,3}|0\d{2,3})(?:[ .]?\d{3,4}){2}(?![\d.,]\d|\d)"
        r"|(?<![\w+])0\d{8,10}(?!\d)|(?<![\w+])1[89]00[ .]?\d{3,4}(?![\d.,]\d|\d))",
        rf"(?P<num>(?P<neg>(?<![\w.,)%])[-−])?(?P<n1>{_NUM})"
        rf"(?:[ \t]*[-–][ \t]*(?P<n2>{_NUM}))?(?:[ \t]?(?P<unit>{units})(?![^\W\d_]))?)",
        rf"(?P<slash>(?<=\S)/(?:(?P<sunit>{units})(?![^\W\d_])|(?=[^\W_])))",
        rf"(?P<code>(?<![\w/])(?=[{U}]{{2}}|[{U}][a-z][{U}]){_SEG}(?:[-/]{_SEG})+(?![\w/]))",
        rf"(?P<caps>(?<!\w)[{U}](?:[{U}0-9]|[&.\-/](?=[{U}]))+(?![\w])(?P<capsdot>\.(?=[ \t]+[{U}]))?)",
        rf"(?P<cap>(?<!\w)[{U}][{LOWER_V}]+(?![\w']))",
        r"(?P<foreign>(?<!\w)\w*[fjwzFJWZ]\w*)",
        r"(?P<dash>(?<=\s)[-–—](?=\s))",
        r"(?P<paren>[()\[\]{}])",
        r"(?P<sym>[^\w\s.,;:!?'\"“”‘’«»/%°²³\-–—…])",
    ]
    # The alternatives that start with a digit (or a sign) sit behind one lookahead, so a
    # capital letter skips them all at once, and the others are tried in order.
    names = [p[4:p.index(">")] for p in parts]
    numeric = {"time", "drange", "date", "monthyear", "daymonth", "doc", "phone", "num"}
    first = [p for p, n in zip(parts, names) if n in ("lex", "url", "bullet")]
    digits = [p for p, n in zip(parts, names) if n in numeric]
    rest = [p for p, n in zip(parts, names) if n not in numeric and n not in ("lex", "url", "bullet")]
    body = "|".join(first + [r"(?=[\d+\-−])(?:" + "|".join(digits) + ")"] + rest)
    return re.compile(gate + "(?:" + body + ")")

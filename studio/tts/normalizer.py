"""Vietnamese text normalisation: a typed notice becomes exactly the words to read.

One pass of one compiled regular expression (`token_grammar.py`) finds everything that is
not plain words (numbers, dates, times, phone numbers, units, money, document numbers,
abbreviations, capitals, symbols, names from the lexicon); text between matches is copied unchanged,
which keeps the pass fast (well over 1 MB/s). Each match is read by a small handler; what
cannot be read confidently (an unknown all-caps abbreviation, a foreign word, a stray
symbol, a web address) is reported as a `Flag` with its place in the source and in the
reading, so the window can highlight it. Data-driven: the tables are in `Lexicon`.
Pure functions over immutable values; thread-safe.
"""

from __future__ import annotations

import re
import unicodedata

from studio.tts import numbers as num
from studio.tts.legacy import detect
from studio.tts.lexicon import Lexicon
from studio.tts.numbers import NORTH, ReadingStyle
from studio.tts.reading import (
    DATE_LEAD,
    MEMO_LIMIT,
    ROMAN_CONTEXT,
    SYMBOL_WORDS,
    Flag,
    FlagKind,
    Reading,
)
from studio.tts.reading_rules import (
    SERVICE_LEAD,
    _day_month_pair,
    _is_short_service_number,
    _Pair,
    _previous_word,
    _reposition,
    _spell,
    _State,
    _tidy,
)
from studio.tts.syllables import is_vietnamese_syllable
from studio.tts.token_grammar import compile_tokens

__all__ = ["Flag", "FlagKind", "Normalizer", "Reading", "normalize"]


class Normalizer:
    """Reads Vietnamese text aloud in words. Build once per (lexicon, style); reuse."""

    def __init__(self, lexicon: Lexicon | None = None, style: ReadingStyle = NORTH) -> None:
        self.lexicon = lexicon or Lexicon.builtin()
        self.style = style
        self._units = dict(self.lexicon.units)
        self._pattern = compile_tokens(tuple(sorted(self._units)), tuple(sorted(self.lexicon.pronunciations)))
        self._caps_memo: dict[str, str] = {}  # decided capital tokens (never flagged ones)
        self._syllables: dict[str, bool] = {}  # capitalised words seen: Vietnamese or not
        self._handlers = {
            name: getattr(self, "_" + name)
            for name in ("lex", "url", "bullet", "time", "drange", "date", "monthyear", "daymonth", "doc",
                         "phone", "num", "slash", "code", "caps", "cap", "foreign", "dash", "paren", "sym")
        }

    # -- entry point --------------------------------------------------------------------
    def normalize(self, text: str, convert_legacy: bool = True) -> Reading:
        text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
        legacy = None
        if convert_legacy:
            found = detect(text)
            if found is not None:
                text, legacy = found.converted, found.encoding
        out: list[str] = []
        flags: list[Flag] = []
        state = _State(text, out, flags)
        last = 0
        handlers = self._handlers
        append = out.append
        for m in self._pattern.finditer(text):
            start = m.start()
            if start > last:
                append(text[last:start])
            handlers[m.lastgroup](m, state)
            last = m.end()
        append(text[last:])
        raw = "".join(out)
        spoken = _tidy(raw)
        if flags and len(spoken) != len(raw):
            flags = [_reposition(f, raw, spoken) for f in flags]
        return Reading(text, spoken, tuple(flags), legacy)

    # -- handlers: each appends words for one match ---------------------------------------
    @staticmethod
    def _emit(state: _State, words: str) -> None:
        state.out.append(words)

    def _flag(self, state: _State, m: re.Match, kind: FlagKind, words: str) -> None:
        start = state.position()
        self._emit(state, words)
        state.flags.append(Flag(kind, m.group(), m.start(), m.end(), start, start + len(words)))

    def _lex(self, m, state) -> None:
        self._emit(state, self.lexicon.pronounce(m.group()) or m.group())

    def _url(self, m, state) -> None:
        self._flag(state, m, FlagKind.ADDRESS, m.group())

    def _bullet(self, m, state) -> None:
        marker = m.group().strip().rstrip(".)")
        if marker.isdigit():
            self._emit(state, f"{num.cardinal(int(marker), self.style)}, ")
        elif (value := num.roman_value(marker)) is not None:
            self._emit(state, f"{num.cardinal(value, self.style)}, ")
        # a dash or bullet: the line break already makes the pause

    def _time(self, m, state) -> None:
        words = self._clock(int(m.group("th")), m.group("tm") or m.group("tm2"))
        if m.group("th2") is not None:  # 8h-16h, 7h30-11h30: a span of time
            words += " đến " + self._clock(int(m.group("th2")), m.group("tm3") or m.group("tm4"))
        self._emit(state, words)

    def _clock(self, hour: int, minute: str | None) -> str:
        words = f"{num.cardinal(hour, self.style)} giờ"
        if minute and int(minute):
            words += f" {num.cardinal(int(minute), self.style)} phút"
        return words

    def _date_words(self, state, day: int, month_: int, year: str | None, start: int) -> str | None:
        if not (1 <= day <= 31 and 1 <= month_ <= 12):
            return None
        words = f"{num.day_of_month(day, self.style)} tháng {num.month(month_, self.style)}"
        if year:
            words += f" năm {num.cardinal(int(year), self.style)}"
        return words if _previous_word(state.text, start) in DATE_LEAD else "ngày " + words

    def _drange(self, m, state) -> None:
        d1, d2, mo = int(m.group("dr1")), int(m.group("dr2")), int(m.group("drm"))
        tail = self._date_words(state, d2, mo, m.group("dry"), m.start())
        if tail is None or not 1 <= d1 <= 31:
            return self._plain_numbers(m, state)
        tail = tail.removeprefix("ngày ")
        head = num.day_of_month(d1, self.style)
        lead = "" if _previous_word(state.text, m.start()) in DATE_LEAD else "ngày "
        self._emit(state, f"{lead}{head} đến {tail}")

    def _date(self, m, state) -> None:
        words = self._date_words(state, int(m.group("dd")), int(m.group("dm")), m.group("dy"), m.start())
        if words is None:
            return self._plain_numbers(m, state)
        self._emit(state, words)

    def _monthyear(self, m, state) -> None:
        mo, year = int(m.group("mym")), int(m.group("myy"))
        if not 1 <= mo <= 12:
            return self._plain_numbers(m, state)
        lead = "" if _previous_word(state.text, m.start()) == "tháng" else "tháng "
        self._emit(state, f"{lead}{num.month(mo, self.style)} năm {num.cardinal(year, self.style)}")

    def _daymonth(self, m, state) -> None:
        words = self._date_words(state, int(m.group("dmd")), int(m.group("dmm")), None, m.start())
        if words is None:
            return self._plain_numbers(m, state)
        self._emit(state, words)

    def _plain_numbers(self, m, state) -> None:
        """A date-like match that is not a date (32/13): read its numbers one by one."""
        parts = re.split(r"(\d+)", m.group())
        self._emit(state, "".join(num.cardinal(int(p), self.style) if p.isdigit() else
                                  (" trên " if p == "/" else " đến " if p.strip() in "-–" else p) for p in parts))

    def _doc(self, m, state) -> None:
        """A document symbol by meaning: "15/QĐ-UBND" is "mười lăm, quyết định, uỷ ban nhân
        dân"; "123/2025/NĐ-CP" gives its year; the Party's "18-NQ/TW" reads the same way."""
        token = m.group()
        party = re.match(r"(\d+)-", token)
        if party is not None:
            number, codes, year = party.group(1), re.split(r"[-/]", token[party.end():]), None
        else:
            number, _, rest = token.partition("/")
            year = None
            if rest[:1].isdigit():
                year, _, rest = rest.partition("/")
            codes = rest.split("-")
        self._emit(state, num.cardinal(int(number), self.style))
        if year is not None:
            self._emit(state, ", năm " + num.cardinal(int(year), self.style))
        position = m.end() - len("-".join(codes))  # where the codes start in the source
        for k, code in enumerate(codes):
            self._emit(state, ", ")
            self._document_code(code, k == 0, position, state)
            position += len(code) + 1

    def _document_code(self, code: str, first: bool, source_start: int, state: _State) -> bool:
        """One code of a symbol by meaning; an unknown one is spelled and flagged. True if known."""
        lexicon = self.lexicon
        words = ((lexicon.document_types.get(code) if first else None) or lexicon.document_issuers.get(code)
                 or lexicon.abbreviations.get(code))
        numbered = re.fullmatch(r"(\D+)(\d+)", code) if words is None else None
        if numbered is not None and numbered.group(1) in lexicon.document_issuers:  # QH13: its 13th term
            words = (lexicon.document_issuers[numbered.group(1)] + (" khoá " if numbered.group(1) == "QH" else " ")
                     + num.cardinal(int(numbered.group(2)), self.style))
        if words is not None:
            self._emit(state, words)
            return True
        start = state.position()
        spelled = _spell(code)
        self._emit(state, spelled)
        state.flags.append(Flag(FlagKind.UNKNOWN_ABBREVIATION, code, source_start, source_start + len(code),
                                start, start + len(spelled)))
        return False

    def _code(self, m, state) -> None:
        """Codes joined by "-" or "/" without a number: "QĐ-UBND", "NĐ-CP", "KT-XH"."""
        token = m.group()
        lexicon = self.lexicon
        if token in lexicon.abbreviations:
            self._emit(state, lexicon.abbreviations[token])
            return
        codes = re.split(r"[-/]", token)
        first, rest = codes[0], codes[1:]
        if first in lexicon.document_types and all(c in lexicon.document_issuers or c in lexicon.abbreviations
                                                   for c in rest):
            position = m.start()
            for k, code in enumerate(codes):
                if k:
                    self._emit(state, ", ")
                self._document_code(code, k == 0, position, state)
                position += len(code) + 1
            return
        if any(c.islower() for c in token) or not all(c in lexicon.abbreviations for c in codes):
            self._caps_token(token, "", m.start(), state)
            return
        self._emit(state, " ".join(lexicon.abbreviations[c] for c in codes))

    def _phone(self, m, state) -> None:
        groups = re.findall(r"\+84|\d+", m.group())
        if len(groups) == 1 and len(groups[0]) >= 9:  # 0905123456: the usual 4-3-3 grouping
            g = groups[0]
            groups = [g[:4], g[4:7], g[7:]] if len(g) == 10 else [g[:4], g[4:8], g[8:]]
        words = ", ".join("cộng tám tư" if g == "+84" else num.digits(g) for g in groups)
        self._emit(state, words)

    def _num(self, m, state) -> None:
        n1, n2, unit = m.group("n1"), m.group("n2"), m.group("unit")
        previous = _previous_word(state.text, m.start())
        if (n2 is None and not unit and previous in SERVICE_LEAD
                and _is_short_service_number(n1, previous, state.text, m.end())):
            self._emit(state, num.digits(n1))
            return
        if (n2 is None and not unit and len(n1) == 2 and n1[0] == "0" and previous not in ("số", "mã", "phòng")
                and re.match(r"[ \t]+[a-zđà-ỹ]", state.text[m.end():m.end() + 3])):
            self._emit(state, num.cardinal(int(n1), self.style))  # "02 bản sao": a count written on two digits
            return
        pair = None
        if n2 is not None and not unit and n1.isdigit() and n2.isdigit() and 1 <= int(n1) <= 31 and 1 <= int(n2) <= 12:
            pair = _day_month_pair(previous, int(n1), int(n2), state.text, m.end())
            if pair in (_Pair.DATE, _Pair.DATE_UNSURE):  # "ngày 15-11", "trước 31-12": a date, not a range
                words = self._date_words(state, int(n1), int(n2), None, m.start())
                if pair is _Pair.DATE_UNSURE:
                    self._flag(state, m, FlagKind.DATE_OR_RANGE, words)
                else:
                    self._emit(state, words)
                return
        words = self._number(n1, previous)
        if m.group("neg"):
            words = "âm " + words
        if n2 is not None:
            words += " đến " + self._number(n2, previous)
        if unit:
            words += " " + self._units[unit]
        if pair is _Pair.RANGE_UNSURE:
            self._flag(state, m, FlagKind.DATE_OR_RANGE, words)
        else:
            self._emit(state, words)

    def _number(self, text: str, previous: str) -> str:
        if "," in text:  # Vietnamese decimal comma; dots inside are thousands separators
            integer, fraction = text.split(",")
            return num.decimal(integer.replace(".", ""), fraction, self.style)
        if "." in text and not re.fullmatch(r"\d{1,3}(?:\.\d{3})+", text):
            integer, fraction = text.split(".")
            return num.decimal(integer, fraction, self.style, point="chấm")
        plain = text.replace(".", "")
        if (len(plain) > 1 and plain[0] == "0" and "." not in text) or len(plain) > 15:
            return num.digits(plain)  # codes, ids and zero-led numbers are read digit by digit
        value = int(plain)
        if previous == "thứ":
            return num.ordinal(value, self.style)
        if previous == "tháng" and 1 <= value <= 12:
            return num.month(value, self.style)
        if previous == "ngày" and 1 <= value <= 10:
            return num.day_of_month(value, self.style)
        return num.cardinal(value, self.style)

    def _slash(self, m, state) -> None:
        unit = m.group("sunit")
        if unit:
            self._emit(state, " trên " + self._units[unit])
            return
        following = state.text[m.end():m.end() + 4]
        self._emit(state, " một " if following.startswith("lần") and not following[3:4].isalpha() else " trên ")

    def _caps(self, m, state) -> None:
        dot = m.group("capsdot")
        if dot is None:
            known = self._caps_memo.get(m.group())
            if known is not None:  # headings and abbreviations repeat: decided once
                state.out.append(known)
                return
            self._caps_token(m.group(), "", m.start(), state)
            return
        self._caps_token(m.group().removesuffix(dot), dot, m.start(), state)

    def _caps_token(self, token: str, dot: str, source_start: int, state: _State) -> None:
        known = self._caps_memo.get(token)
        if len(self._caps_memo) > MEMO_LIMIT:
            self._caps_memo.clear()
        if known is not None and not dot:  # headings and abbreviations repeat: decided once
            self._emit(state, known)
            return
        abbreviations = self.lexicon.abbreviations
        if dot and token + "." in abbreviations:
            self._emit(state, abbreviations[token + "."])
            return
        if token in abbreviations:
            self._caps_memo[token] = abbreviations[token]
            self._emit(state, abbreviations[token] + dot)
            return
        value = num.roman_value(token)
        if value is not None and _previous_word(state.text, source_start) in ROMAN_CONTEXT:
            self._emit(state, num.cardinal(value, self.style) + dot)
            return
        words = re.split(r"([&.\-/])", token)
        if all(is_vietnamese_syllable(w) for w in words[::2]):  # a heading in capitals
            self._caps_memo[token] = token.lower()
            self._emit(state, token.lower() + dot)
            return
        start = state.position()
        spelled = _spell(token)
        self._emit(state, spelled)
        state.flags.append(Flag(FlagKind.UNKNOWN_ABBREVIATION, token, source_start, source_start + len(token),
                                start, start + len(spelled)))
        self._emit(state, dot)

    def _cap(self, m, state) -> None:
        word = m.group()
        known = self._syllables.get(word)
        if known is None:
            if len(self._syllables) > MEMO_LIMIT:
                self._syllables.clear()
            known = self._syllables[word] = is_vietnamese_syllable(word)
        if known:
            state.out.append(word)
        else:
            self._flag(state, m, FlagKind.FOREIGN_WORD, word)

    def _foreign(self, m, state) -> None:
        self._flag(state, m, FlagKind.FOREIGN_WORD, m.group())

    def _dash(self, m, state) -> None:
        self._emit(state, ",")

    def _paren(self, m, state) -> None:
        self._emit(state, ", " if m.group() in "([{" else ",")

    def _sym(self, m, state) -> None:
        char = m.group()
        if char in SYMBOL_WORDS:
            self._emit(state, f" {SYMBOL_WORDS[char]} ")
        else:
            self._flag(state, m, FlagKind.SYMBOL, "")


def normalize(text: str, lexicon: Lexicon | None = None, style: ReadingStyle = NORTH) -> Reading:
    return Normalizer(lexicon, style).normalize(text)

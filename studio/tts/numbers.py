"""Numbers read the way a Vietnamese announcer says them.

Cardinals by the Vietnamese rules (mốt after mươi, lăm after mười/mươi, tư or bốn after
mươi, linh or lẻ for a missing ten, không trăm inside a larger number, nghìn or ngàn,
triệu, tỷ), decimals with "phẩy", digit-by-digit strings, ordinals after "thứ", Roman
numerals, days of the month ("mùng" for 1-10) and months ("tháng tư"). The few words that
differ between the Northern and Southern reading style come from `ReadingStyle`.
Pure functions; thread-safe.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


class Region(Enum):
    NORTH = "north"
    SOUTH = "south"


@dataclass(frozen=True)
class ReadingStyle:
    region: Region
    thousand: str  # nghìn / ngàn
    missing_ten: str  # linh / lẻ  (105: một trăm linh năm)
    four_after_tens: str  # tư / bốn  (24: hai mươi tư)


STYLES = {
    Region.NORTH: ReadingStyle(Region.NORTH, "nghìn", "linh", "tư"),
    Region.SOUTH: ReadingStyle(Region.SOUTH, "ngàn", "lẻ", "bốn"),
}
NORTH = STYLES[Region.NORTH]


def _hundreds(n: int, style: ReadingStyle, inner: bool, out: list[str]) -> None:
    """Append the words for 0 < n < 1000. `inner`: a higher group was said before, so
    the hundreds are said even when zero ("một nghìn không trăm linh năm")."""
    h, rest = divmod(n, 100)
    t, u = divmod(rest, 10)
    if h or inner:
        out.append(DIGITS[h])
        out.append("trăm")
    if t == 0:
        if u:
            if h or inner:
                out.append(style.missing_ten)
            out.append(DIGITS[u])
    elif t == 1:
        out.append("mười")
        if u:
            out.append("lăm" if u == 5 else DIGITS[u])
    else:
        out.append(DIGITS[t])
        out.append("mươi")
        if u == 1:
            out.append("mốt")
        elif u == 4:
            out.append(style.four_after_tens)
        elif u == 5:
            out.append("lăm")
        elif u:
            out.append(DIGITS[u])


def _below_billion(n: int, style: ReadingStyle, inner: bool, out: list[str]) -> None:
    millions, rest = divmod(n, 1_000_000)
    thousands, units = divmod(rest, 1000)
    for value, unit in ((millions, "triệu"), (thousands, style.thousand), (units, "")):
        if value:
            _hundreds(value, style, inner, out)
            if unit:
                out.append(unit)
            inner = True


@lru_cache(maxsize=4096)
def cardinal(n: int, style: ReadingStyle = NORTH) -> str:
    """2026 -> "hai nghìn không trăm hai mươi sáu"; -5 -> "âm năm"."""
    if n == 0:
        return "không"
    if n < 0:
        return "âm " + cardinal(-n, style)
    out: list[str] = []
    _cardinal(n, style, out)
    return " ".join(out)


def _cardinal(n: int, style: ReadingStyle, out: list[str]) -> None:
    if n >= 1_000_000_000:
        high, low = divmod(n, 1_000_000_000)
        _cardinal(high, style, out)
        out.append("tỷ")
        if low:
            _below_billion(low, style, True, out)
    else:
        _below_billion(n, style, False, out)


def digits(text: str) -> str:
    """"0905" -> "không chín không năm" (phone numbers, codes, leading zeros)."""
    return " ".join(DIGITS[ord(c) - 48] for c in text if "0" <= c <= "9")


def fraction_digits(text: str, style: ReadingStyle = NORTH) -> str:
    """The part after the decimal comma: leading zeros one by one, then the rest as a
    number when short ("0,03" -> không phẩy không ba; "3,25" -> ba phẩy hai mươi lăm)."""
    stripped = text.lstrip("0")
    words = ["không"] * (len(text) - len(stripped))
    if stripped:
        words.append(cardinal(int(stripped), style) if len(stripped) <= 3 else digits(stripped))
    return " ".join(words)


def decimal(integer: str, fraction: str, style: ReadingStyle = NORTH, point: str = "phẩy") -> str:
    return f"{cardinal(int(integer), style)} {point} {fraction_digits(fraction, style)}"


def ordinal(n: int, style: ReadingStyle = NORTH) -> str:
    """The number after "thứ": thứ nhất, thứ hai, thứ tư, thứ năm..."""
    if n == 1:
        return "nhất"
    if n == 4:
        return "tư"
    return cardinal(n, style)


def day_of_month(n: int, style: ReadingStyle = NORTH) -> str:
    """Days 1-10 take "mùng" (mùng hai tháng mười hai)."""
    return f"mùng {cardinal(n, style)}" if 1 <= n <= 10 else cardinal(n, style)


def month(n: int, style: ReadingStyle = NORTH) -> str:
    """The number after "tháng": tháng tư, never tháng bốn."""
    return "tư" if n == 4 else cardinal(n, style)


_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def roman_value(text: str) -> int | None:
    """The value of a well-formed Roman numeral (I..MMMCMXCIX), else None."""
    if not text or any(c not in _ROMAN for c in text):
        return None
    total = 0
    for i, c in enumerate(text):
        value = _ROMAN[c]
        if i + 1 < len(text) and _ROMAN[text[i + 1]] > value:
            total -= value
        else:
            total += value
    return total if 0 < total < 4000 and to_roman(total) == text else None


def to_roman(n: int) -> str:
    out = []
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)

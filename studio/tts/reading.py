"""What the normaliser returns (`Reading`, its `Flag`s) and the tables its handlers read by.

Split out of `studio.tts.normalizer` (which re-exports the public names); pure values.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from studio.tts.legacy import LegacyEncoding


class FlagKind(Enum):
    UNKNOWN_ABBREVIATION = "unknown abbreviation"  # spelled letter by letter
    FOREIGN_WORD = "foreign word"  # left as written; the voice may misread it
    SYMBOL = "symbol"  # not read
    ADDRESS = "web or e-mail address"  # left as written
    DATE_OR_RANGE = "date or range"  # "5-6" read one way; it may mean the other


@dataclass(frozen=True)
class Flag:
    kind: FlagKind
    token: str
    source_start: int
    source_end: int
    spoken_start: int
    spoken_end: int


@dataclass(frozen=True)
class Reading:
    source: str  # the text read (after a legacy conversion, if any)
    text: str  # what will be spoken
    flags: tuple[Flag, ...]
    legacy: LegacyEncoding | None = None


LETTER_NAMES = {
    "A": "a", "Ă": "á", "Â": "ớ", "B": "bê", "C": "xê", "D": "dê", "Đ": "đê", "E": "e", "Ê": "ê",
    "F": "ép", "G": "giê", "H": "hát", "I": "i", "J": "gi", "K": "ca", "L": "lờ", "M": "mờ",
    "N": "nờ", "O": "o", "Ô": "ô", "Ơ": "ơ", "P": "pê", "Q": "quy", "R": "rờ", "S": "ét",
    "T": "tê", "U": "u", "Ư": "ư", "V": "vê", "W": "vê kép", "X": "ích", "Y": "i", "Z": "dét",
    "&": "và", "-": "gạch", "/": "trên", ".": "chấm",
}
# Words after which a Roman numeral is a number (Chương II, Thế kỷ XXI, Quý IV).
ROMAN_CONTEXT = frozenset(
    "chương phần mục khóa khoá kỳ kì quý đợt lần hội nghị đại hội thế kỷ kỉ tập số loại hạng nhóm khu".split()
)
SYMBOL_WORDS = {"&": "và", "+": "cộng", "=": "bằng", "@": "a còng", "≥": "lớn hơn hoặc bằng",
                "≤": "nhỏ hơn hoặc bằng", ">": "lớn hơn", "<": "nhỏ hơn", "±": "cộng trừ", "×": "nhân"}
PHONE_WORDS = ("điện thoại", "đt", "sđt", "hotline", "đường dây nóng", "gọi", "gọi số", "số máy", "liên hệ số")
# "ngày 5" is "ngày mùng năm"; after these words a bare date needs no "ngày" in front.
DATE_LEAD = frozenset("ngày hôm và đến tới hoặc từ sáng trưa chiều tối đêm mùng các".split())
MEMO_LIMIT = 50_000  # words remembered per normaliser (decisions about capitals)

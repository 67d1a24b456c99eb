"""The normaliser's small rules that need no handler state: the scan state, the word before a
match, whether "D-M" is a date or a range, short service numbers, spelling, and tidying
the spaces handlers leave. Split out of `studio.tts.normalizer`; pure functions.
"""

from __future__ import annotations

import re
from enum import Enum

from studio.tts import numbers as num
from studio.tts.reading import LETTER_NAMES, Flag


class _State:
    __slots__ = ("text", "out", "flags", "_measured", "_length")

    def __init__(self, text: str, out: list[str], flags: list[Flag]) -> None:
        self.text = text
        self.out = out
        self.flags = flags
        self._measured = 0  # out[:_measured] holds _length characters
        self._length = 0

    def position(self) -> int:
        """Length of the reading so far (measured only when a flag needs it)."""
        out = self.out
        for i in range(self._measured, len(out)):
            self._length += len(out[i])
        self._measured = len(out)
        return self._length


def _previous_word(text: str, start: int) -> str:
    """The word just before `start` (only blanks between), case-folded; "" if none."""
    end = start
    while end > 0 and text[end - 1] in " \t":
        end -= 1
    begin = end
    while begin > 0 and begin > end - 24 and (text[begin - 1].isalnum() or text[begin - 1] == "_"):
        begin -= 1
    return text[begin:end].casefold()


# Before "31-12" these make a day and a month of it; a range of counts ("trước 5-7 ngày",
# "sau 2-3 giờ") is told by the word that follows.
DEADLINE_WORDS = frozenset("ngày trước sau hạn hết đến tới từ mùng hôm".split())
COUNTED = frozenset("ngày đêm giờ tiếng phút tuần tháng năm lần buổi đợt người hộ khẩu cháu trẻ em".split())


class _Pair(Enum):
    DATE = "date"
    DATE_UNSURE = "date, perhaps a range"
    RANGE = "range"
    RANGE_UNSURE = "range, perhaps a date"


# After these, "8-9" is a range of values however it ends ("cấp 8-9", "khoảng 5-7").
RANGE_LEAD = frozenset("cấp khoảng chừng tầm độ cao dài rộng sâu nặng tăng giảm lên xuống thêm mức tuổi lớp".split())


def _day_month_pair(previous: str, day: int, month_: int, text: str, end: int) -> _Pair:
    """Is "D-M" after `previous` a date? After "ngày", always; a first number larger than
    the second cannot be a range ("31-12"); a count after it makes a range ("5-7 ngày");
    after a deadline word it is a date, but not surely ("từ 5-6"); at the end of a clause
    with nothing to tell, a range, not surely."""
    if previous == "ngày":
        return _Pair.DATE
    following = re.match(r"[ \t]*([^\W\d_]+)", text[end:end + 16])
    if following is not None and following.group(1).casefold() in COUNTED:
        return _Pair.RANGE
    if day > month_:
        return _Pair.DATE
    if previous in DEADLINE_WORDS:
        return _Pair.DATE_UNSURE
    if following is None and previous not in RANGE_LEAD:
        return _Pair.RANGE_UNSURE
    return _Pair.RANGE


# The emergency lines (111 to 115 and their neighbours) read digit by digit after these.
SERVICE_LEAD = frozenset("gọi số hệ hoặc và đến nóng hotline tổng đài".split())


def _is_short_service_number(digits_: str, previous: str, text: str, end: int) -> bool:
    if previous == "gọi" and len(digits_) <= 5:
        return True
    if previous not in SERVICE_LEAD or len(digits_) not in (3, 4) or not digits_.startswith("11"):
        return False
    # "gọi 114", "liên hệ 112 hoặc 114" — but "và 112 hộ" is a count
    following = re.match(r"[ \t]*([^\W\d_]+)", text[end:end + 16])
    return following is None or following.group(1).casefold() not in COUNTED | {"hộ", "khẩu", "người"}


def _spell(code: str) -> str:
    return " ".join(LETTER_NAMES.get(c, num.DIGITS[int(c)] if c.isdigit() else c.lower()) for c in code)


# Every alternative starts at a blank or a comma/semicolon/colon; the lookahead gate lets
# the scan skip everything else in one step.
_SPACES = re.compile(
    r"(?=[ \t,;:])(?:(?P<many>[ \t]{2,})|(?P<before>[ \t]+(?=[,.;:!?]))|(?P<comma>,(?=[ \t]*[,.;:!?]))"
    r"|(?P<after>[,;:](?=[^\W\d_])))"
)
_TIDY = {"many": lambda m: " ", "before": lambda m: "", "comma": lambda m: "", "after": lambda m: m.group() + " "}


def _tidy(text: str) -> str:
    """Collapse the doubled spaces and commas that handlers leave at their edges."""
    return _SPACES.sub(lambda m: _TIDY[m.lastgroup](m), text)


def _reposition(flag: Flag, raw: str, tidy: str) -> Flag:
    """Map a flag's span in the untidied reading onto the tidied one (rarely needed)."""
    start = _map_offset(raw, tidy, flag.spoken_start)
    end = max(start, _map_offset(raw, tidy, flag.spoken_end))
    return Flag(flag.kind, flag.token, flag.source_start, flag.source_end, start, end)


def _map_offset(raw: str, tidy: str, offset: int) -> int:
    return len(_tidy(raw[:offset]))

"""Numbers as the officer reads them: the window's locale (Vietnamese: decimal comma,
"0,4 phút", "536,9 MB"; English: "0.4"), never Python's own "0.4".

Every panel formats a number with a fraction through these, never with an f-string's
`:.1f`. The locale is the default one `ui/app.py` sets before the window is built. Any
thread (QLocale is reentrant), no widgets.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QLocale


def number(value: float, decimals: int = 1) -> str:
    """`value` with `decimals` digits after the locale's decimal separator ("−∞" for -inf)."""
    if math.isinf(value):
        return "−∞" if value < 0 else "∞"
    return QLocale().toString(float(value), "f", decimals)


def signed(value: float, decimals: int = 1) -> str:
    """Like `number`, with "+" before a positive value (a clock offset, a gain)."""
    text = number(value, decimals)
    return "+" + text if value >= 0 else text


def compact(value: float, decimals: int = 2) -> str:
    """At most `decimals` digits, without trailing zeros ("12", "12,5", "0,65"): a pause,
    minutes in a warning."""
    text = number(value, decimals)
    point = QLocale().decimalPoint()
    return text.rstrip("0").removesuffix(point) if point in text else text


def megabytes(size_bytes: float) -> str:
    return f"{number(size_bytes / 1e6)} MB"


def gigabytes(size_bytes: float) -> str:
    return f"{number(size_bytes / 1e9)} GB"

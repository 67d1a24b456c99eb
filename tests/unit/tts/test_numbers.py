"""Vietnamese number reading: the rules an announcer follows, Northern and Southern."""

import pytest

from studio.tts.numbers import (
    STYLES,
    Region,
    cardinal,
    day_of_month,
    decimal,
    digits,
    month,
    ordinal,
    roman_value,
    to_roman,
)

SOUTH = STYLES[Region.SOUTH]


@pytest.mark.parametrize("n, words", [
    (0, "không"), (1, "một"), (5, "năm"), (10, "mười"), (11, "mười một"), (14, "mười bốn"),
    (15, "mười lăm"), (20, "hai mươi"), (21, "hai mươi mốt"), (24, "hai mươi tư"), (25, "hai mươi lăm"),
    (31, "ba mươi mốt"), (55, "năm mươi lăm"), (100, "một trăm"), (101, "một trăm linh một"),
    (105, "một trăm linh năm"), (110, "một trăm mười"), (111, "một trăm mười một"),
    (115, "một trăm mười lăm"), (121, "một trăm hai mươi mốt"), (1000, "một nghìn"),
    (1001, "một nghìn không trăm linh một"), (1010, "một nghìn không trăm mười"),
    (1500, "một nghìn năm trăm"), (2026, "hai nghìn không trăm hai mươi sáu"),
    (4512, "bốn nghìn năm trăm mười hai"), (10000, "mười nghìn"), (50000, "năm mươi nghìn"),
    (100000, "một trăm nghìn"), (1_000_000, "một triệu"), (1_050_000, "một triệu không trăm năm mươi nghìn"),
    (1_000_005, "một triệu không trăm linh năm"), (1_500_000, "một triệu năm trăm nghìn"),
    (2_000_000_000, "hai tỷ"), (1_000_000_000_000, "một nghìn tỷ"),
    (3_200_000_000, "ba tỷ hai trăm triệu"), (-5, "âm năm"),
])
def test_cardinal_north(n, words):
    assert cardinal(n) == words


@pytest.mark.parametrize("n, words", [
    (24, "hai mươi bốn"), (105, "một trăm lẻ năm"), (1500, "một ngàn năm trăm"),
    (2026, "hai ngàn không trăm hai mươi sáu"), (34, "ba mươi bốn"), (21, "hai mươi mốt"),
])
def test_cardinal_south(n, words):
    assert cardinal(n, SOUTH) == words


def test_digits_fractions_ordinals_days_months():
    assert digits("0905") == "không chín không năm"
    assert decimal("3", "5") == "ba phẩy năm"
    assert decimal("0", "03") == "không phẩy không ba"
    assert decimal("112", "8") == "một trăm mười hai phẩy tám"
    assert decimal("2", "75") == "hai phẩy bảy mươi lăm"
    assert [ordinal(n) for n in (1, 2, 4, 5)] == ["nhất", "hai", "tư", "năm"]
    assert day_of_month(2) == "mùng hai" and day_of_month(10) == "mùng mười" and day_of_month(11) == "mười một"
    assert month(4) == "tư" and month(12) == "mười hai"


@pytest.mark.parametrize("text, value", [("I", 1), ("IV", 4), ("IX", 9), ("XIV", 14), ("XXI", 21),
                                         ("MCMXCIX", 1999), ("IIII", None), ("VX", None), ("ABC", None), ("", None)])
def test_roman(text, value):
    assert roman_value(text) == value
    if value:
        assert to_roman(value) == text

"""Legacy Vietnamese font encodings (TCVN3, VNI-Windows) detected and converted."""

from pathlib import Path

from studio.tts.legacy import LegacyEncoding, detect, from_tcvn3, from_vni
from studio.tts.normalizer import Normalizer

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "samples"
UNICODE = "Thông báo về việc tạm dừng cấp nước sinh hoạt do sửa chữa đường ống chính."


def test_tcvn3_paste_from_an_old_document():
    pasted = "th«ng b¸o vÒ viÖc t¹m dõng cÊp n­íc sinh ho¹t do söa ch÷a ®­êng èng chÝnh."
    found = detect(pasted)
    assert found is not None and found.encoding is LegacyEncoding.TCVN3
    assert found.converted == UNICODE  # capitals a paste lost come back at sentence starts
    assert found.words_after == 1.0 and found.changed_words >= 10


def test_vni_windows_text():
    typed = "Thoâng baùo veà vieäc taïm döøng caáp nöôùc sinh hoaït do söûa chöõa ñöôøng oáng chính."
    found = detect(typed)
    assert found is not None and found.encoding is LegacyEncoding.VNI
    assert found.converted == UNICODE
    assert from_vni("Ñaø Naüng, Vieät Nam, ngöôøi, Nguyeãn, hoïc, Quaûng Trò") == \
        "Đà Nẵng, Việt Nam, người, Nguyễn, học, Quảng Trị"


def test_unicode_text_is_left_alone():
    assert detect(UNICODE) is None
    assert detect("Diện tích 120 m², nhiệt độ 25°C, giá 5.000đ — mọi thứ đều ổn.") is None
    assert detect("Café à la française, déjà vu") is None  # French: Latin-1 but no better as TCVN3


def test_tcvn3_keeps_existing_capitals_and_uppercase_letters():
    assert from_tcvn3("Hµ Néi") == "Hà Nội"
    assert from_tcvn3("ABC-123 xyz") == "ABC-123 xyz"  # plain ASCII passes through unchanged
    assert from_tcvn3("¡¢£¤¥¦§") == "ĂÂÊÔƠƯĐ"


def test_sample_file_reads_correctly():
    sample = SAMPLES / "06-tcvn3-dan-tu-van-ban-cu.txt"
    if not sample.exists():  # the shared samples sit beside the repository on the dev machine
        sample_text = "th«ng b¸o vÒ viÖc t¹m dõng cÊp n­íc sinh ho¹t. ®Ò nghÞ c¸c hé d©n chñ ®éng tr÷ n­íc."
    else:
        sample_text = sample.read_text(encoding="utf-8")
    reading = Normalizer().normalize(sample_text)
    assert reading.legacy is LegacyEncoding.TCVN3
    assert reading.text.startswith("Thông báo về việc tạm dừng cấp nước sinh hoạt.")
    assert "®" not in reading.text and "¸" not in reading.text

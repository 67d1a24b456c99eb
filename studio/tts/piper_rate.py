"""The speed of a Piper voice: syllables per minute to Piper's `length_scale`.

A Piper (VITS) voice stretches every phoneme's predicted duration by `length_scale`, so
its speaking rate is inversely proportional to it. Each voice has its own natural rate,
measured once when it is installed (`VoicePack.natural_spm`: a calibration text spoken
at length_scale 1, voiced span only, syllables counted), and

    length_scale = natural_spm / wanted_spm

gives the wanted rate (tests/e2e/test_piper.py measures 120 and 180). The `readings`
work turns the studio's speed setting into syllables per minute for every engine; this
is the Piper end of it. Pure; thread-safe.
"""

from __future__ import annotations

import re

MIN_SCALE = 0.4  # faster than 2.5x its natural rate, a voice garbles
MAX_SCALE = 2.5
DEFAULT_NATURAL_SPM = 200.0  # when a pack was installed without a measurement

# Spoken at install time to measure the natural rate: a bulletin-style text per language.
CALIBRATION = {
    "vi": ("Ủy ban nhân dân xã thông báo: trạm y tế sẽ tiêm vắc xin cho trẻ em dưới năm tuổi "
           "vào sáng thứ hai tuần sau, đề nghị các gia đình đưa con em đến đúng giờ."),
    "en": ("The commune health station will vaccinate children under five on Monday morning; "
           "families are asked to bring their children on time and to carry their health books."),
}

_VOWEL_GROUPS = re.compile(r"[aeiouy]+")


def calibration_text(language: str) -> str:
    """The calibration text for a language code such as "vi_VN" (English otherwise)."""
    return CALIBRATION.get(language.lower()[:2], CALIBRATION["en"])


def count_syllables(text: str, language: str) -> int:
    """Vietnamese writes one syllable per word; other languages are counted by vowel
    groups (a rough English rule, with a silent final -e), which is all calibration needs."""
    words = re.findall(r"\w+", text)
    if language.lower().startswith("vi"):
        return len(words)
    total = 0
    for word in words:
        word = word.lower()
        groups = len(_VOWEL_GROUPS.findall(word))
        if word.endswith("e") and not word.endswith(("le", "ee")) and groups > 1:
            groups -= 1
        total += max(1, groups)
    return total


def natural_rate(text: str, language: str, voiced_seconds: float) -> float:
    """Syllables per minute of `text` spoken in `voiced_seconds`."""
    if voiced_seconds <= 0:
        return DEFAULT_NATURAL_SPM
    return count_syllables(text, language) * 60.0 / voiced_seconds


def length_scale(syllables_per_minute: float, natural_spm: float = DEFAULT_NATURAL_SPM) -> float:
    """Piper's length_scale that makes a voice of `natural_spm` read at the wanted rate."""
    if syllables_per_minute <= 0:
        return 1.0
    return max(MIN_SCALE, min(MAX_SCALE, natural_spm / syllables_per_minute))

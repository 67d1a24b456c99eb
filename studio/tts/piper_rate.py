"""The speed of a Piper voice: syllables per minute to Piper's `length_scale`.

A Piper (VITS) voice stretches each phoneme's predicted duration by `length_scale`, but
a sentence does not get longer in proportion: measured on en_US-joe-medium, doubling
length_scale makes a sentence 1.73 times as long (part of it, the pauses and the edges,
stays). So each voice is measured once when it is installed, by speaking a calibration
text at length_scale 1 and 2 (`CALIBRATION_SCALES`; voiced span only, syllables
counted): its natural rate `natural_spm` and the fraction `f` of its length that
length_scale stretches. A sentence then lasts d(s) = d(1) * ((1 - f) + f * s), and

    length_scale = (natural_spm / wanted_spm - (1 - f)) / f

gives the wanted rate (tests/e2e/test_piper.py measures 120 and 180). The `readings`
work turns the studio's speed setting into syllables per minute for every engine; this
is the Piper end of it. Pure; thread-safe.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

MIN_SCALE = 0.3  # beyond these a voice garbles or drawls past use
MAX_SCALE = 4.0
CALIBRATION_SCALES = (1.0, 2.0)
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


def calibrate(text: str, language: str, voiced_seconds: Sequence[float]) -> tuple[float, float]:
    """(natural_spm, f) from `text` spoken at each of CALIBRATION_SCALES."""
    natural = natural_rate(text, language, voiced_seconds[0])
    if len(voiced_seconds) < 2 or voiced_seconds[0] <= 0:
        return natural, 1.0
    (s1, s2), (d1, d2) = CALIBRATION_SCALES[:2], voiced_seconds[:2]
    fraction = (d2 / d1 - 1) / (s2 - s1)
    return natural, max(0.2, min(1.0, fraction))


def length_scale(syllables_per_minute: float, natural_spm: float = DEFAULT_NATURAL_SPM,
                 scaled_fraction: float = 1.0) -> float:
    """Piper's length_scale that makes a voice of `natural_spm` (and stretchable fraction
    `scaled_fraction`) read at the wanted syllables per minute."""
    if syllables_per_minute <= 0:
        return 1.0
    ratio = natural_spm / syllables_per_minute
    scale = (ratio - (1 - scaled_fraction)) / scaled_fraction
    return max(MIN_SCALE, min(MAX_SCALE, scale))

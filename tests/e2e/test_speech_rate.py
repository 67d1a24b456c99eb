"""The speed setting means what it says (issue 17): "120 âm tiết/phút" reads 120 syllables
a minute, measured on the clip the studio made, through real espeak-ng (its command line
and pyttsx3 driving libespeak-ng); and the length shown before synthesis is the clip's."""

from __future__ import annotations

import json

import pytest

from studio.tts.engines import EspeakNgEngine, Pyttsx3Engine, SpeechSettings
from studio.tts.normalizer import Normalizer
from studio.tts.speech_rate import RateCalibrator, count_syllables, read_wav16, speech_span
from studio.tts.synthesis import SpeechCache, Synthesizer, estimate_seconds, split_sentences
from tests.support.tools import require_tool

# Not the calibration passage: a notice of its own, with numbers, a date and an abbreviation.
NOTICE = ("Thông báo về việc tiêm chủng mở rộng tháng 12/2026. "
          "Trạm Y tế xã tổ chức tiêm vắc xin sởi, rubella cho trẻ từ 18 tháng tuổi vào ngày 15/12, "
          "từ 7h30 đến 11h00 tại hội trường thôn 3. "
          "Đề nghị các gia đình mang theo sổ tiêm chủng và thẻ BHYT của trẻ.")


@pytest.fixture(scope="module")
def espeak() -> str:
    return require_tool("espeak-ng")


def measured_rate(result) -> float:
    """Syllables of the normalised text per minute of speech: the clip without its leading
    and trailing silence, and without the pauses the studio put between sentences."""
    audio, rate = read_wav16(result.path)
    spoken = speech_span(audio, rate) - sum(s.pause_after for s in result.sentences[:-1])
    return count_syllables(result.reading.text) / spoken * 60


@pytest.mark.parametrize(("engine_class", "voice"), [(EspeakNgEngine, "vi"), (Pyttsx3Engine, "")])
def test_120_and_180_syllables_a_minute_are_what_the_clip_reads(espeak, tmp_path, engine_class, voice):
    synthesizer = Synthesizer(engine_class(), SpeechCache(tmp_path / "cache"), Normalizer())
    for target in (120, 180):
        result = synthesizer.synthesize(NOTICE, SpeechSettings(voice, target), tmp_path / f"{target}.wav")
        assert len(result.sentences) == 3
        assert measured_rate(result) == pytest.approx(target, rel=0.10), target
        # the length shown before synthesis, from the text alone, is the made clip's
        estimate = estimate_seconds(split_sentences(Normalizer().normalize(NOTICE).text), target)
        assert estimate == pytest.approx(result.duration_s, rel=0.10), target


def test_a_southern_voice_is_calibrated_on_its_own_and_the_calibration_is_stored(espeak, tmp_path):
    store = tmp_path / "cache" / "rate-calibration.json"
    engine = EspeakNgEngine()
    synthesizer = Synthesizer(engine, SpeechCache(tmp_path / "cache"), Normalizer())
    result = synthesizer.synthesize(NOTICE, SpeechSettings("vi-vn-x-south", 150), tmp_path / "s.wav")
    assert measured_rate(result) == pytest.approx(150, rel=0.10)
    stored = json.loads(store.read_text(encoding="utf-8"))
    assert any(key.endswith("|vi-vn-x-south") for key in stored)
    # a new synthesiser reads the stored calibration instead of measuring again
    again = RateCalibrator(store)
    assert again.stored(engine, "vi-vn-x-south") is not None
    assert again.stored(engine, "vi") is None


def test_a_faster_setting_makes_a_shorter_clip_and_a_new_cache_entry(espeak, tmp_path):
    synthesizer = Synthesizer(EspeakNgEngine(), SpeechCache(tmp_path / "cache"), Normalizer())
    slow = synthesizer.synthesize(NOTICE, SpeechSettings("vi", 120), tmp_path / "slow.wav")
    fast = synthesizer.synthesize(NOTICE, SpeechSettings("vi", 240), tmp_path / "fast.wav")
    assert fast.cached_sentences == 0
    assert fast.duration_s < slow.duration_s * 0.75

"""The intelligibility meter (issue 17) on a small subset, so it cannot rot: real espeak-ng,
the real recogniser (faster-whisper with the Whisper base packages of the `bench` extra),
and the meter's own scoring. Also: an espeak-ng tuning keeps the syllables/min contract."""

from __future__ import annotations

import importlib.util

import pytest

from benchmarks import intelligibility as meter
from benchmarks import whisper_model
from studio.tts.engines import EspeakNgEngine, SpeechSettings
from studio.tts.espeak_tuning import EspeakTuning
from studio.tts.normalizer import Normalizer
from studio.tts.synthesis import SpeechCache, Synthesizer
from tests.e2e.test_speech_rate import NOTICE, measured_rate
from tests.support.tools import require_tool


def test_numbers_are_compared_as_the_normaliser_reads_them():
    normalizer = Normalizer()
    assert meter.words("Hạn nộp: ngày 31/10!", normalizer) == meter.words(
        "hạn nộp ngày ba mươi mốt tháng mười", normalizer)
    assert meter.edit_distance("a b c d".split(), "a x c".split()) == 2  # one substitution, one deletion
    assert meter.edit_distance([], "a b".split()) == 2


def test_the_sentence_set_is_real_bulletin_text():
    sentences = meter.load_sentences()
    assert len(sentences) >= 30
    assert len(set(sentences)) == len(sentences)


@pytest.fixture(scope="module")
def listener(tmp_path_factory):
    if importlib.util.find_spec("faster_whisper") is None:
        pytest.skip("faster-whisper is not installed (pip install -e '.[bench]'; setup-env.sh test installs it)")
    return whisper_model.load(tmp_path_factory.mktemp("whisper"))


def test_the_recogniser_understands_the_vietnamese_voice_better_than_an_english_one(listener, tmp_path):
    require_tool("espeak-ng")
    sentences = meter.load_sentences()[:3]
    normalizer = Normalizer()
    scores = {}
    for voice in ("vi", "en-us"):
        config = meter.Config(voice, meter.espeak(), voice, 180)
        work = tmp_path / voice
        work.mkdir()
        scores[voice] = meter.score(config, sentences, listener, work, normalizer)
    vi, en = scores["vi"], scores["en-us"]
    assert vi.words == en.words > 30
    assert vi.seconds > 5
    assert vi.wer < 0.9, vi.wer  # espeak-ng's vi is poor (about 60 %), but it is heard as Vietnamese
    assert vi.wer < en.wer, (vi.wer, en.wer)


def test_a_tuned_espeak_voice_still_reads_at_the_syllables_a_minute_set(tmp_path):
    require_tool("espeak-ng")
    tuning = EspeakTuning(variant="f3", pitch=40, extra_gap=3)
    engine = EspeakNgEngine(tuning=tuning)
    assert engine.rate_control.parameter != EspeakNgEngine().rate_control.parameter  # calibrated on its own
    result = Synthesizer(engine, SpeechCache(tmp_path / "cache"), Normalizer()).synthesize(
        NOTICE, SpeechSettings("vi", 180), tmp_path / "tuned.wav")
    assert measured_rate(result) == pytest.approx(180, rel=0.10)

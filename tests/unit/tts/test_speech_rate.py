"""The speed setting's arithmetic: syllables counted from a reading, a calibration mapped
both ways (a proportional parameter like espeak-ng's, an inverse one like Piper's
length_scale), old words/min values converted, calibrations stored and reread."""

import json

import numpy as np
import pytest

from studio.tts.engines import ESPEAK_RATE_CONTROL, SpeechSettings, espeak_speed
from studio.tts.speech_rate import (
    LEGACY_SYLLABLES_PER_WPM,
    RateCalibration,
    RateCalibrator,
    count_syllables,
    speech_span,
    syllables_from_legacy_wpm,
)
from studio.tts.synthesis import EDGE_KEEP, SpeechCache, SpeechSource, estimate_seconds, split_sentences


def test_syllables_are_the_words_of_the_reading():
    assert count_syllables("Ủy ban nhân dân xã, thông báo: ngày mười lăm.") == 10
    assert count_syllables(" , - . ") == 0


def test_speech_span_leaves_out_the_edge_silence():
    rate = 8000
    audio = np.zeros(rate * 3, dtype=np.int16)
    audio[rate // 2: rate * 2] = 3000  # 1.5 s of sound between 0.5 s and 1 s of silence
    assert speech_span(audio, rate) == pytest.approx(1.5, abs=1e-3)
    assert speech_span(np.zeros(100, dtype=np.int16), rate) == 0.0


def test_a_proportional_parameter_is_interpolated_and_extrapolated():
    calibration = RateCalibration(((80.0, 127.0), (150.0, 230.0), (240.0, 382.0)))
    assert calibration.native_for(230) == pytest.approx(150)
    assert 80 < calibration.native_for(180) < 150
    assert calibration.native_for(100) < 80  # below the slowest probe: along the first segment
    assert calibration.native_for(450) > 240


def test_an_inverse_parameter_like_length_scale_works_the_same():
    calibration = RateCalibration(((1.3, 150.0), (1.0, 195.0), (0.8, 244.0)))
    assert calibration.native_for(195) == pytest.approx(1.0)
    assert calibration.native_for(120) > 1.3 and calibration.native_for(280) < 0.8
    assert calibration.native_for(170) == pytest.approx(1.0 * (195 / 170), rel=0.03)


def test_a_calibration_needs_two_usable_points():
    with pytest.raises(ValueError):
        RateCalibration(((80.0, 127.0), (0.0, 10.0)))


def test_espeak_slows_below_its_minimum_speed_with_a_word_gap():
    assert espeak_speed(150) == (150, 0)
    assert espeak_speed(80) == (80, 0)
    speeds = [espeak_speed(v) for v in (70, 60, 50, 40)]
    assert all(s == 80 for s, _ in speeds)
    gaps = [g for _, g in speeds]
    assert gaps == sorted(gaps) and gaps[0] >= 1
    # the nominal table maps 120 syllables/min under espeak's own floor of 80
    assert ESPEAK_RATE_CONTROL.native(120) < 80 < ESPEAK_RATE_CONTROL.native(180)


def test_an_old_words_per_minute_value_is_converted():
    old = json.dumps({"text": "Thông báo", "engine": "pyttsx3", "voice": "aav/vi", "rate": 150, "volume": 1.0,
                      "region": "north", "lexicon_version": "x"})
    source = SpeechSource.from_json(old)
    assert source.rate == round(150 * LEGACY_SYLLABLES_PER_WPM) == syllables_from_legacy_wpm(150) == 214
    assert source.rate_unit == "syllables/min"
    # written again and reread, it is not converted twice
    assert SpeechSource.from_json(source.to_json()).rate == 214


def test_the_cache_key_changes_with_the_engine_parameter():
    a = SpeechCache.key("e", SpeechSettings("v", 180, native_rate=113.0), "v", "1", "x")
    b = SpeechCache.key("e", SpeechSettings("v", 180, native_rate=118.0), "v", "1", "x")
    assert a != b


def test_the_estimate_adds_pauses_and_edges():
    sentences = split_sentences("Một hai ba bốn năm sáu. Bảy tám chín mười.\n\nMười một mười hai.")
    seconds = estimate_seconds(sentences, 120)
    syllables = 6 + 4 + 4
    pauses = sum(s.pause_after for s in sentences[:-1])
    assert seconds == pytest.approx(syllables / 2 + pauses + 2 * EDGE_KEEP * 3)
    assert estimate_seconds([], 120) == 0.0


class _CountingEngine:
    """An engine whose clips last exactly syllables / (parameter * 2) minutes."""

    id = "counting"
    rate_control = ESPEAK_RATE_CONTROL

    def __init__(self):
        self.calls = 0

    def synthesize(self, sentences, settings, out_dir, cancel=None, progress=None):
        import wave

        self.calls += 1
        paths = []
        for i, sentence in enumerate(sentences):
            seconds = count_syllables(sentence) * 60 / (settings.native_rate * 2)
            path = out_dir / f"{i}.wav"
            with wave.open(str(path), "wb") as wav:
                wav.setnchannels(1)
                wav.setsampwidth(2)
                wav.setframerate(8000)
                wav.writeframes(np.full(int(seconds * 8000), 4000, dtype="<i2").tobytes())
            paths.append(path)
        return paths


def test_calibration_is_measured_once_and_stored(tmp_path):
    engine = _CountingEngine()
    store = tmp_path / "rates.json"
    calibration = RateCalibrator(store).calibration(engine, "v1")
    assert calibration.native_for(180) == pytest.approx(90, rel=0.01)
    probes = engine.calls
    assert probes == len(ESPEAK_RATE_CONTROL.probes)
    again = RateCalibrator(store)
    assert again.calibration(engine, "v1").native_for(180) == pytest.approx(90, rel=0.01)
    assert engine.calls == probes  # read from the store, not measured again
    again.calibration(engine, "v2")
    assert engine.calls == 2 * probes  # another voice is measured on its own


def test_a_damaged_store_is_measured_again(tmp_path):
    store = tmp_path / "rates.json"
    store.write_text("{not json", encoding="utf-8")
    engine = _CountingEngine()
    assert RateCalibrator(store).calibration(engine, "v").native_for(100) == pytest.approx(50, rel=0.01)
    assert json.loads(store.read_text(encoding="utf-8"))

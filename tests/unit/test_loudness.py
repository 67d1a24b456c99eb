import numpy as np
import pyloudnorm
import pytest
import soxr

from studio.audio import loudness, synthetic


def test_matches_reference_meter_on_speech_and_music():
    for signal in (synthetic.speech_like(20.0), synthetic.music_like(10.0)):
        ours = loudness.integrated_loudness(signal, 48000)
        reference = pyloudnorm.Meter(48000).integrated_loudness(signal.astype(np.float64))
        # pyloudnorm's K-filter deviates from the ITU coefficients by a few hundredths.
        assert ours == pytest.approx(reference, abs=0.1)


def test_997hz_sine_at_minus_20_dbfs_reads_minus_20_lufs_per_bs1770():
    # BS.1770: a 0 dBFS 997 Hz sine in one channel reads -3.01 LKFS.
    sine = synthetic.sine(10.0, 997.0, amplitude=10 ** (-20 / 20))
    assert loudness.integrated_loudness(sine, 48000) == pytest.approx(-23.01, abs=0.05)


def test_independent_of_sample_rate():
    x = synthetic.speech_like(15.0)
    at48 = loudness.integrated_loudness(x, 48000)
    for rate in (44100, 22050, 16000):
        y = soxr.resample(x, 48000, rate)
        assert loudness.integrated_loudness(y, rate) == pytest.approx(at48, abs=0.15)


def test_silence_has_no_loudness_instead_of_minus_infinity():
    assert loudness.integrated_loudness(np.zeros(48000 * 3, np.float32), 48000) is None
    assert loudness.integrated_loudness(np.full(48000, 1e-6, np.float32), 48000) is None


def test_streaming_meter_equals_one_shot_and_sums_channels():
    x = synthetic.speech_like(10.0)
    stereo = np.stack((x, 0.5 * x), axis=1)
    meter = loudness.LoudnessMeter(48000, 2)
    for start in range(0, len(stereo), 12345):
        meter.feed(stereo[start : start + 12345])
    one_shot = loudness.integrated_loudness(stereo, 48000)
    assert meter.loudness() == pytest.approx(one_shot, abs=1e-3)
    # Two channels add energy: louder than the left channel alone.
    assert one_shot > loudness.integrated_loudness(x, 48000) + 0.5

"""The codec probe predicts, from a few short excerpts through the real libopus, how much
quieter the full encode will be; the true-peak sweep finds what block-wise oversampling finds."""

import numpy as np
import pytest
import scipy.signal as ss

from studio.audio import codec_probe, synthetic, true_peak
from studio.audio.encode import decode_mono, encode
from studio.audio.loudness import integrated_loudness, measure_mono
from studio.audio.settings import OutputFormat


def _bright_noise_speech(seconds: float) -> np.ndarray:
    # Speech-like bursts under pink-ish noise: the content where libopus loses most.
    rng = np.random.default_rng(11)
    speech = synthetic.speech_like(seconds)
    noise = ss.lfilter([1.0], [1.0, -0.95], rng.standard_normal(len(speech))).astype(np.float32)
    noise *= np.float32(0.3 * np.abs(speech).max() / np.abs(noise).max())
    mix = speech + noise
    return (mix * np.float32(0.5 / np.abs(mix).max())).astype(np.float32)


@pytest.mark.parametrize("make", [synthetic.speech_like, _bright_noise_speech])
def test_excerpts_predict_the_full_encodes_loudness_loss(tmp_path, make):
    x = make(90.0)
    x *= np.float32(0.7 / np.abs(x).max())
    measured = measure_mono(x, 48000)
    predicted = codec_probe.loudness_loss_lu(
        x, len(x), 48000, measured.energies, measured.segment_samples, OutputFormat.OPUS, 32000
    )
    target = tmp_path / "full.opus"
    encode(x, 48000, target, OutputFormat.OPUS, 32000)
    decoded, _ = decode_mono(target)
    actual = integrated_loudness(x, 48000) - integrated_loudness(decoded, 48000)
    assert predicted is not None
    assert predicted == pytest.approx(actual, abs=0.15)


def test_a_short_programme_is_not_probed():
    x = synthetic.speech_like(20.0)
    measured = measure_mono(x, 48000)
    assert codec_probe.loudness_loss_lu(
        x, len(x), 48000, measured.energies, measured.segment_samples, OutputFormat.OPUS, 32000
    ) is None


def test_excerpts_are_the_loudest_stretch_of_each_span():
    energies = np.ones(300)
    energies[40:70] = 50.0  # loud in the first third
    energies[250:280] = 80.0  # and in the last
    starts = codec_probe.excerpt_starts(energies, 4800, 30 * 4800, 3)
    assert len(starts) == 3
    assert starts[0] == 40 * 4800 and starts[2] == 250 * 4800
    assert all(a < b for a, b in zip(starts, starts[1:]))


@pytest.mark.parametrize("level", [0.05, 0.5, 0.99])
def test_whole_signal_sweep_equals_oversampling_every_block(level):
    rng = np.random.default_rng(3)
    x = (ss.lfilter([1], [1, -0.6], rng.standard_normal(700_000)) * level / 3).astype(np.float32)
    every = true_peak.oversampled_block_peaks(x, 4096, np.arange(-(-len(x) // 4096))).max()
    assert true_peak.dense_true_peak(x) == pytest.approx(float(every), rel=1e-5)
    assert true_peak.true_peak(x) == pytest.approx(float(every), rel=1e-5)
    assert true_peak.true_peak(x, block=256, floor=0.01) == pytest.approx(max(0.01, float(every)), rel=1e-5)


def test_sweeping_every_block_equals_gathering_rows():
    rng = np.random.default_rng(8)
    x = (ss.lfilter([1], [1, -0.7], rng.standard_normal(600_001)) * 0.2).astype(np.float32)
    blocks = np.arange(-(-len(x) // 240))
    rows = true_peak._oversampled_batch(x, 240, blocks)
    swept = true_peak.dense_block_peaks(x, 240)
    assert len(swept) == len(rows)
    assert np.allclose(swept, rows, rtol=1e-5, atol=1e-7)
    assert np.allclose(true_peak.oversampled_block_peaks(x, 240, blocks[::2]), rows[::2], rtol=1e-5, atol=1e-7)


def test_the_probe_counts_the_blocks_coded_over_a_threshold():
    x = synthetic.music_like(90.0)
    x *= np.float32(0.9 / np.abs(x).max())
    measured = measure_mono(x, 48000)
    args = (x, len(x), 48000, measured.energies, measured.segment_samples, OutputFormat.OPUS, 32000)
    everything, nothing = codec_probe.probe(*args, threshold=1e-6), codec_probe.probe(*args, threshold=4.0)
    assert everything.blocks > 1000 and everything.over_blocks == everything.blocks
    assert nothing.over_blocks == 0 and nothing.loss_lu == pytest.approx(everything.loss_lu)

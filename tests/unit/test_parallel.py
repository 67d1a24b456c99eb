import numpy as np
import scipy.signal as ss

from studio.audio import loudness, parallel, synthetic, true_peak


def test_parallel_filtering_matches_serial():
    x = synthetic.speech_like(60.0)
    for sos in (loudness.k_weighting_sos(48000), ss.butter(2, 100, "highpass", fs=48000, output="sos")):
        sos = sos.astype(np.float32)
        serial = ss.sosfilt(sos, x).astype(np.float32)
        split = parallel.sosfilt(sos, x, preroll=24000)
        # Only float32 rounding differs (below -75 dB); the loudness is the same.
        assert np.abs(split - serial).max() < 2e-4
        e_split = loudness.segment_energies(split, 4800)
        e_serial = loudness.segment_energies(serial, 4800)
        assert abs(loudness.gated_loudness(e_split, 4800) - loudness.gated_loudness(e_serial, 4800)) < 1e-3


def test_parallel_oversampling_matches_one_batch():
    x = synthetic.music_like(30.0)
    blocks = np.arange(0, len(x) // 240, 3)
    together = true_peak._oversampled_batch(x, 240, blocks)
    # FFT convolution rounds a little differently with where a batch starts (float32).
    assert np.allclose(true_peak.oversampled_block_peaks(x, 240, blocks), together, rtol=1e-5, atol=1e-7)


def test_a_task_that_maps_again_does_not_deadlock():
    # Every worker busy with a task that itself maps: the inner maps run in place.
    def outer(i):
        return sum(parallel.map_in_parallel(lambda j: i * j, range(8)))

    assert parallel.map_in_parallel(outer, range(parallel.workers() * 3)) == [28 * i for i in range(parallel.workers() * 3)]


def test_filtering_in_place_matches_serial():
    x = synthetic.speech_like(60.0)
    sos = ss.butter(2, 100, "highpass", fs=48000, output="sos").astype(np.float32)
    serial = ss.sosfilt(sos, x).astype(np.float32)
    buffer = x.copy()
    result = parallel.sosfilt(sos, buffer, preroll=24000, out=buffer)
    # Each chunk's pre-roll was read before the chunk before it was overwritten.
    assert result is buffer
    assert np.abs(buffer - serial).max() < 2e-4


def test_block_and_segment_energies_agree():
    x = synthetic.speech_like(45.0)
    measured = loudness.measure_mono(x, 48000, block=240)
    serial = ss.sosfilt(loudness.k_weighting_sos(48000).astype(np.float32), x).astype(np.float32)
    assert np.allclose(measured.energies, loudness.segment_energies(serial, 4800), rtol=1e-3, atol=1e-6)
    # 20 blocks of 5 ms make a 100 ms segment.
    per_segment = measured.block_energies[: len(measured.energies) * 20].reshape(-1, 20).sum(axis=1)
    assert np.allclose(per_segment, measured.energies, rtol=1e-9)

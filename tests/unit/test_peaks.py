import numpy as np

from studio.audio import synthetic
from studio.audio.peaks import PeakBuilder, PeakPyramid


def test_columns_match_brute_force_min_max_at_every_zoom(tmp_path):
    x = synthetic.speech_like(30.0)
    builder = PeakBuilder()
    for start in range(0, len(x), 100_000):
        builder.feed(x[start : start + 100_000])
    pyramid = builder.finish()
    pyramid.save(tmp_path / "p.peaks")
    loaded = PeakPyramid.load(tmp_path / "p.peaks")
    assert loaded.frames == len(x) and len(loaded.levels) == len(pyramid.levels) > 3
    for width, (a, b) in [(800, (0, len(x))), (800, (48000, 96000)), (300, (1_000_000, 1_020_000))]:
        cols = loaded.columns(a, b, width)
        level = loaded.level_for((b - a) / width)
        bucket = loaded.bucket_frames(level)
        assert bucket <= max(pyramid.base_bucket, (b - a) / width)  # never coarser than a pixel
        edges = a + (np.arange(width + 1) * (b - a)) // width
        for i in range(width):
            first = edges[i] // bucket
            stop = max(edges[i + 1] // bucket, first + 1)
            segment = x[first * bucket : stop * bucket]
            assert abs(cols[i, 0] - segment.min()) < 1e-4 and abs(cols[i, 1] - segment.max()) < 1e-4


def test_stereo_is_folded_into_one_outline():
    left = np.full(1024, 0.5, np.float32)
    right = np.full(1024, -0.25, np.float32)
    builder = PeakBuilder()
    builder.feed(np.stack((left, right), axis=1))
    base = builder.finish().levels[0]
    assert base[0, 0] == round(-0.25 * 32767) and base[0, 1] == round(0.5 * 32767)


def test_16_bit_files_give_the_same_pyramid_as_floats(tmp_path):
    import soundfile as sf

    from studio.audio.peaks import build_peaks

    x = synthetic.speech_like(20.0)
    sf.write(tmp_path / "a.wav", x, 48000, subtype="PCM_16")
    sf.write(tmp_path / "a.flac", x, 48000, subtype="PCM_24")
    from_int = build_peaks(tmp_path / "a.wav")
    from_float = build_peaks(tmp_path / "a.flac")
    assert from_int.frames == from_float.frames == len(x)
    for a, b in zip(from_int.levels, from_float.levels):
        assert np.abs(a.astype(int) - b.astype(int)).max() <= 2

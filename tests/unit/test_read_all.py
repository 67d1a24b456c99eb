"""read_all reads a long file in two halves on two cores; what it returns is what one
pass of libsndfile reads, and it ends where the first half's audio ends."""

import numpy as np
import soundfile as sf

from studio.audio import analysis


def _long_wav(path, channels):
    frames = analysis.PARALLEL_READ_FRAMES + 12_345
    rng = np.random.default_rng(7)
    pcm = rng.integers(-32768, 32767, size=(frames, channels), dtype=np.int16)
    sf.write(path, pcm, 48000, subtype="PCM_16")
    return pcm


def test_a_long_file_reads_the_same_as_one_pass(tmp_path):
    for channels in (1, 2):
        path = tmp_path / f"long{channels}.wav"
        _long_wav(path, channels)
        data, rate = analysis.read_all(path)
        reference, _ = sf.read(path, dtype="float32", always_2d=True)
        assert rate == 48000 and data.shape == reference.shape
        assert np.array_equal(data, reference)


def test_a_first_half_that_ends_early_ends_the_audio_there(tmp_path, monkeypatch):
    # libsndfile takes a WAV's length from the file's size, so a cut file reads whole
    # halves; a decoder that stops early in the first half must not leave a gap of
    # unread frames in the middle.
    path = tmp_path / "long.wav"
    pcm = _long_wav(path, 1)
    half = len(pcm) // 2
    real = analysis._read_span

    def short_first(path, data, start, stop):
        return real(path, data, start, stop - 1000) if start == 0 else real(path, data, start, stop)

    monkeypatch.setattr(analysis, "_read_span", short_first)
    data, _ = analysis.read_all(path)
    assert len(data) == half - 1000
    assert np.array_equal(data[:, 0], pcm[: half - 1000, 0] / np.float32(32768))

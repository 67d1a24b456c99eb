"""read_all reads a long file in two halves on two cores; what it returns is what one
pass of libsndfile reads, also when the file ends before its header says."""

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


def test_a_long_file_cut_short_returns_the_frames_it_has(tmp_path):
    # libsndfile takes the length from the file's size, not the header: both halves
    # are read from what is there.
    path = tmp_path / "cut.wav"
    pcm = _long_wav(path, 1)
    keep = len(pcm) - 7_000  # still long enough to be read in two halves
    with open(path, "r+b") as handle:
        handle.truncate(44 + keep * 2)
    data, _ = analysis.read_all(path)
    assert len(data) == keep
    assert np.array_equal(data[:, 0], pcm[:keep, 0] / np.float32(32768))

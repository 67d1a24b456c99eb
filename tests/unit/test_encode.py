import threading

import numpy as np
import pytest
import soundfile as sf

from studio.audio import synthetic
from studio.audio.encode import decode_mono, encode
from studio.audio.loudness import integrated_loudness
from studio.audio.settings import OutputFormat
from studio.audio.true_peak import to_db, true_peak
from studio.errors import Cancelled, UnsupportedOutput


@pytest.mark.parametrize("fmt", [OutputFormat.OPUS, OutputFormat.MP3])
def test_decoded_while_encoding_equals_decoding_the_file(tmp_path, fmt):
    x = synthetic.speech_like(25.0) * np.float32(1.4)  # peaks just under full scale, like a render
    target = tmp_path / f"out.{fmt.value}"
    chunks: list[np.ndarray] = []
    encode(x, 48000, target, fmt, 32000, on_decoded=chunks.append)
    live = np.concatenate(chunks)
    from_file, rate = decode_mono(target)
    assert rate == 48000 and live.dtype == np.float32
    assert len(chunks) >= 2  # handed over while encoding, not at the end only
    # Same audio, in [-1, 1] whatever sample format the decoder produced.
    assert 0.3 < np.abs(live).max() <= 1.5
    assert abs(len(live) - len(from_file)) < 4096  # codec delay / padding only
    # What the render check relies on: the same loudness and true peak.
    assert integrated_loudness(live, 48000) == pytest.approx(integrated_loudness(from_file, 48000), abs=0.05)
    assert to_db(true_peak(live)) == pytest.approx(to_db(true_peak(from_file)), abs=0.1)


def test_wav_is_16_bit_48k_mono_and_written_atomically(tmp_path):
    target = tmp_path / "out.wav"
    target.write_bytes(b"old")
    encode(synthetic.sine(2.0, 440), 48000, target, OutputFormat.WAV, 0)
    info = sf.info(target)
    assert (info.samplerate, info.channels, info.subtype) == (48000, 1, "PCM_16")
    assert [p.name for p in tmp_path.iterdir()] == ["out.wav"]


def test_cancel_leaves_no_output(tmp_path):
    import threading

    cancel = threading.Event()
    cancel.set()
    target = tmp_path / "out.opus"
    with pytest.raises(Cancelled):
        encode(synthetic.sine(30.0, 440), 48000, target, OutputFormat.OPUS, 32000, cancel, on_decoded=lambda c: None)
    assert list(tmp_path.iterdir()) == []


def test_unknown_extension_is_refused():
    with pytest.raises(UnsupportedOutput):
        OutputFormat.for_path("bulletin.aac")


def _frame_rms(x: np.ndarray, width: int = 960) -> np.ndarray:
    usable = len(x) // width * width
    return np.sqrt((x[:usable].reshape(-1, width) ** 2).mean(axis=1))


def test_opus_seam_is_in_the_quietest_place_near_the_middle():
    from studio.audio import encode as enc

    x = synthetic.speech_like(200.0, seed=4)
    assert enc.opus_seam(x[: 48000 * 60]) is None  # short: one encoder
    x[int(48000 * 101.5) : int(48000 * 102.1)] = 0.0  # a pause at 51 %
    x[int(48000 * 84.0) : int(48000 * 86.0)] = 0.0  # a longer one at 43 %: too far from the middle
    seam = enc.opus_seam(x)
    assert seam % 960 == 0
    assert 48000 * 101.5 <= seam <= 48000 * 102.1


def test_two_encoder_opus_joins_without_a_mark(tmp_path, monkeypatch):
    import subprocess

    from studio.audio import encode as enc
    from tests.support.tools import require_tool

    x = synthetic.speech_like(150.0, seed=8) * np.float32(1.2)
    seam = enc.opus_seam(x)
    assert seam is not None
    split_path = tmp_path / "split.opus"
    encode(x, 48000, split_path, OutputFormat.OPUS, 32000)
    monkeypatch.setattr(enc, "SPLIT_MIN_FRAMES", 10**12)
    single_path = tmp_path / "single.opus"
    encode(x, 48000, single_path, OutputFormat.OPUS, 32000)

    split, _ = decode_mono(split_path)
    single, _ = decode_mono(single_path)
    assert len(split) == len(single) == len(x)  # timestamps continuous, end trimmed
    # Coding error around the seam no worse than one encoder's at the same place.
    k = seam // 960
    near = slice(k - 25, k + 100)
    split_err = _frame_rms(split - x)[near]
    single_err = _frame_rms(single - x)[near]
    assert split_err.mean() <= 1.25 * single_err.mean() + 1e-4
    assert split_err.max() <= 2.0 * single_err.max() + 1e-3
    assert integrated_loudness(split, 48000) == pytest.approx(integrated_loudness(single, 48000), abs=0.05)
    # An independent decoder reads the joined stream without complaint.
    ffmpeg = require_tool("ffmpeg")
    result = subprocess.run([ffmpeg, "-v", "error", "-i", str(split_path), "-f", "null", "-"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == ""


def test_a_failing_encoder_thread_leaves_no_output(tmp_path, monkeypatch):
    from studio.audio import encode as enc

    real = enc._opus_part

    def broken(samples, rate, bitrate, offset, first, last, cancel, emit, live=None):
        if offset > 0:
            raise RuntimeError("encoder died")
        real(samples, rate, bitrate, offset, first, last, cancel, emit, live)

    monkeypatch.setattr(enc, "_opus_part", broken)
    target = tmp_path / "out.opus"
    with pytest.raises(RuntimeError, match="encoder died"):
        encode(synthetic.speech_like(150.0, seed=1), 48000, target, OutputFormat.OPUS, 32000)
    assert list(tmp_path.iterdir()) == []


def test_each_opus_part_decoded_on_its_thread_measures_like_the_file(tmp_path):
    # A programme long enough for two encoders: each decodes its own packets (the second
    # primed on its pre-roll); together they must read as the written file does.
    x = synthetic.speech_like(150.0, seed=2) * np.float32(1.4)
    parts: list[list[np.ndarray]] = []
    threads: list[str] = []

    def consumer(_start):
        chunks: list[np.ndarray] = []
        parts.append(chunks)

        def feed(chunk):
            threads.append(threading.current_thread().name)
            chunks.append(chunk)
        return feed

    target = tmp_path / "two.opus"
    encode(x, 48000, target, OutputFormat.OPUS, 32000, decoded_part=consumer)
    assert len(parts) == 2 and all(parts)
    assert set(threads) == {"opus-0", "opus-1"}
    joined = np.concatenate([np.concatenate(p) for p in parts])
    from_file, _ = decode_mono(target)
    assert abs(len(joined) - len(from_file)) < 4096
    assert integrated_loudness(joined, 48000) == pytest.approx(integrated_loudness(from_file, 48000), abs=0.02)
    assert to_db(true_peak(joined)) == pytest.approx(to_db(true_peak(from_file)), abs=0.05)

import numpy as np
import pytest
import soundfile as sf

from studio.audio import synthetic
from studio.audio.encode import decode_mono, encode
from studio.audio.loudness import integrated_loudness
from studio.audio.true_peak import to_db, true_peak
from studio.audio.settings import OutputFormat
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

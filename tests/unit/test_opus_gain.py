"""The Ogg Opus output gain: when a try takes it, and that the decoders the project uses
(libsndfile on the receivers, FFmpeg in the studio and its meter) apply what is written."""

import struct

import av
import numpy as np
import pytest
import soundfile as sf

from studio.audio.encode import encode
from studio.audio.opus_gain import MAX_OUTPUT_GAIN_DB, output_gain_db, set_output_gain
from studio.audio.settings import OutputFormat
from tests.support.cli import ebur128

SR = 48000


def test_a_try_too_loud_is_turned_down_by_what_it_missed():
    assert output_gain_db(-1.05, 0.04, -1.15, 0.3) == pytest.approx(-1.05, abs=1 / 512)
    assert output_gain_db(-1.05, 0.04, -1.15, 0.3) * 256 == round(-1.05 * 256)  # Q7.8, as the header holds it


def test_within_tolerance_or_too_far_off_it_is_left_alone():
    assert output_gain_db(0.3, -3.0, -1.15, 0.3) == 0.0
    assert output_gain_db(-0.29, -3.0, -1.15, 0.3) == 0.0
    assert output_gain_db(-(MAX_OUTPUT_GAIN_DB + 0.01), -3.0, -1.15, 0.3) == 0.0  # the master is far off


def test_a_try_too_quiet_is_turned_up_only_while_its_peaks_stay_under():
    assert output_gain_db(0.5, -2.0, -1.15, 0.3) == pytest.approx(0.5, abs=1 / 512)
    assert output_gain_db(0.5, -1.4, -1.15, 0.3) == 0.0  # -0.9 dBTP turned up
    assert output_gain_db(0.5, -2.0, -1.15, 0.3, most_up_db=0.4) == 0.0  # past the render's gain cap


def tone_file(tmp_path):
    samples = (0.3 * np.sin(2 * np.pi * 440 * np.arange(3 * SR) / SR)).astype(np.float32)
    path = tmp_path / "tone.opus"
    encode(samples, SR, path, OutputFormat.OPUS, 32000, None)
    return path


def rms_db(samples: np.ndarray) -> float:
    middle = samples[SR : 2 * SR]
    return 20 * np.log10(np.sqrt(np.mean(middle.astype(np.float64) ** 2)))


def test_every_decoder_applies_the_gain_written(tmp_path):
    path = tone_file(tmp_path)
    coded = path.read_bytes()
    before_sf = rms_db(sf.read(path, dtype="float32")[0])
    before_lufs, before_peak = ebur128(path)
    set_output_gain(path, -6.25)
    # The page checksum is right: libsndfile (libogg) and FFmpeg refuse a page whose CRC is not.
    assert rms_db(sf.read(path, dtype="float32")[0]) == pytest.approx(before_sf - 6.25, abs=0.01)
    with av.open(str(path)) as container:
        decoded = np.concatenate([f.to_ndarray()[0] for f in container.decode(audio=0)])
    assert rms_db(decoded) == pytest.approx(before_sf - 6.25, abs=0.01)
    lufs, peak = ebur128(path)
    assert lufs == pytest.approx(before_lufs - 6.25, abs=0.1)
    assert peak == pytest.approx(before_peak - 6.25, abs=0.1)
    data = path.read_bytes()
    head = data.index(b"OpusHead")
    assert struct.unpack_from("<h", data, head + 16)[0] == -1600  # -6.25 dB in Q7.8
    set_output_gain(path, 0.0)  # and back: byte for byte as it was coded (the checksum too)
    assert path.read_bytes() == coded


def test_what_is_not_an_opus_file_is_refused_untouched(tmp_path):
    wav = tmp_path / "x.wav"
    sf.write(wav, np.zeros(4800, np.float32), SR)
    original = wav.read_bytes()
    with pytest.raises(ValueError, match="x.wav: not an Ogg file"):
        set_output_gain(wav, -1.0)
    assert wav.read_bytes() == original
    vorbis = tmp_path / "x.ogg"
    sf.write(vorbis, np.zeros(4800, np.float32), SR, format="OGG", subtype="VORBIS")
    original = vorbis.read_bytes()
    with pytest.raises(ValueError, match="not an Opus identification header"):
        set_output_gain(vorbis, -1.0)
    assert vorbis.read_bytes() == original
    opus = tone_file(tmp_path)
    original = opus.read_bytes()
    with pytest.raises(ValueError, match="does not fit"):
        set_output_gain(opus, 200.0)
    assert opus.read_bytes() == original

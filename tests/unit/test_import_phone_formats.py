"""Importing what officers receive from phones, Zalo and videos (decoded through PyAV),
each made by FFmpeg in the test; cut-short and mislabelled copies are refused cleanly."""

from pathlib import Path

import numpy as np
import pytest

from studio.audio import analysis, synthetic
from studio.audio.loudness import integrated_loudness
from studio.errors import CorruptAudio, MislabeledAudio, TruncatedAudio
from studio.storage.media_store import sha256_file
from tests.support import media
from tests.support.tools import write_audio

SECONDS = 6.0


@pytest.fixture
def source(tmp_path) -> Path:
    return write_audio(tmp_path / "source.wav", synthetic.speech_like(SECONDS, sr=48000), 48000, subtype="PCM_16")


def _make(name: str, source: Path) -> Path:
    out = source.with_name(name)
    if name == "call.amr":
        return media.amr_nb(source, out)
    if name == "clip.mp4":
        return media.ffmpeg(source, out, "-c:a", "aac", "-b:a", "64k", video=True)
    return media.ffmpeg(source, out, *media.FFMPEG_FORMATS[name])


NAMES = sorted(media.FFMPEG_FORMATS) + ["call.amr", "clip.mp4"]


def _state(library):
    rows = library.conn.execute("SELECT count(*) FROM clips").fetchone()[0]
    return rows, sorted(p for p in library.paths.media_dir.rglob("*") if p.is_file())


@pytest.mark.parametrize("name", NAMES)
def test_phone_formats_import_with_the_original_kept_byte_for_byte(library, source, name):
    path = _make(name, source)
    result = library.import_file(path)
    clip = result.clip
    assert not result.duplicate
    assert result.picture_dropped is (name == "clip.mp4")
    assert clip.duration_s == pytest.approx(SECONDS, abs=0.1)
    assert clip.sample_rate == (8000 if name == "call.amr" else 48000)
    assert sha256_file(library.source_path(clip)) == sha256_file(path) == clip.source_sha256
    decoded, rate = analysis.read_all(library.source_path(clip))
    assert rate == clip.sample_rate and len(decoded) == clip.frames
    assert clip.loudness_lufs == pytest.approx(integrated_loudness(decoded, rate), abs=0.01)
    assert clip.loudness_lufs == pytest.approx(-20.0, abs=2.5)  # the speech survived the codec
    library.peaks_path(clip.source_sha256).unlink()
    assert library.peaks(clip.id).frames == clip.frames  # rebuilt from the original


@pytest.mark.parametrize("name", NAMES)
def test_cut_short_copies_are_refused_and_leave_nothing_behind(library, source, name):
    path = media.cut(_make(name, source))
    before = _state(library)
    with pytest.raises((TruncatedAudio, CorruptAudio)) as info:
        library.import_file(path)
    assert info.value.path == path and str(path) in info.value.describe() and info.value.reason
    assert _state(library) == before
    assert not list((library.paths.media_dir / "incoming").glob("*"))


@pytest.mark.parametrize("name,label", [("voice.webm", "memo.m4a"), ("memo.m4a", "memo.wav"),
                                        ("zalo.aac", "zalo.mp3"), ("call.amr", "call.m4a")])
def test_a_mislabelled_file_is_refused(library, source, name, label):
    path = _make(name, source).rename(source.with_name("x-" + label))
    with pytest.raises(MislabeledAudio, match=rf"named '{Path(label).suffix}'"):
        library.import_file(path)
    assert _state(library)[0] == 0


def test_an_mp4_without_its_index_says_so(library, source):
    path = _make("memo.m4a", source)
    data = path.read_bytes()
    moov = data.rfind(b"moov") - 4
    path.write_bytes(data[:moov])  # the phone stopped before writing the index
    with pytest.raises(TruncatedAudio, match="no index"):
        library.import_file(path)


def test_preview_seek_is_exact_to_the_frame(tmp_path):
    # A tone: on noise-like content AAC's noise substitution draws fresh noise after a seek.
    tone = write_audio(tmp_path / "tone.wav", 0.3 * synthetic.sine(6.0, 330), 48000, subtype="PCM_16")
    path = _make("memo-faststart.m4a", tone)
    whole, rate = analysis.read_all(path)
    with analysis.open_audio(path) as handle:
        start = int(3.3 * rate)
        handle.seek(start)
        part = handle.read(rate, dtype="float32", always_2d=True)
    assert np.allclose(part, whole[start : start + rate], atol=1e-4)


def test_new_extensions_are_offered_to_the_file_dialog_and_drops():
    from studio.audio.formats import EXTENSIONS

    for ext in (".m4a", ".aac", ".mp4", ".webm", ".amr", ".3gp", ".wma", ".aiff", ".mka"):
        assert ext in EXTENSIONS

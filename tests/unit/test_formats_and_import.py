"""Importing real files of every supported kind, and refusing bad ones cleanly."""

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from studio.audio import synthetic
from studio.audio.loudness import integrated_loudness
from studio.errors import (
    AudioTooLarge,
    CorruptAudio,
    EmptyAudio,
    MislabeledAudio,
    TruncatedAudio,
    UnsupportedAudio,
)
from studio.library import ClipLibrary, ImportLimits
from studio.storage.media_store import sha256_file
from tests.support.tools import write_audio

FORMATS = [
    ("a.wav", {"subtype": "PCM_16"}, 44100, 2),
    ("b.flac", {}, 22050, 1),
    ("c.ogg", {"format": "OGG", "subtype": "VORBIS"}, 48000, 2),
    ("d.opus", {"format": "OGG", "subtype": "OPUS"}, 48000, 1),
    ("e.mp3", {"format": "MP3", "subtype": "MPEG_LAYER_III"}, 32000, 1),
]


def _state(library: ClipLibrary) -> tuple[int, list[Path]]:
    rows = library.conn.execute("SELECT count(*) FROM clips").fetchone()[0]
    blobs = sorted(p for p in library.paths.media_dir.rglob("*") if p.is_file())
    return rows, blobs


@pytest.mark.parametrize("name,kwargs,sr,channels", FORMATS)
def test_import_keeps_the_original_and_records_its_measurements(library, tmp_path, name, kwargs, sr, channels):
    mono = synthetic.speech_like(6.0, sr=sr)
    data = np.stack([mono] * channels, axis=1) if channels == 2 else mono
    path = write_audio(tmp_path / name, data, sr, **kwargs)
    result = library.import_file(path)
    clip = result.clip
    assert not result.duplicate
    assert (clip.sample_rate, clip.channels) == (sr, channels)
    assert clip.duration_s == pytest.approx(6.0, abs=0.1)
    decoded, rate = sf.read(path, dtype="float32", always_2d=True)
    assert clip.loudness_lufs == pytest.approx(integrated_loudness(decoded, rate), abs=0.01)
    assert clip.loudness_lufs == pytest.approx(-20.0 + (3.0 if channels == 2 else 0.0), abs=1.5)
    assert clip.true_peak_dbtp >= clip.sample_peak_dbfs
    stored = library.source_path(clip)
    assert sha256_file(stored) == sha256_file(path) == clip.source_sha256  # byte for byte
    pyramid = library.peaks(clip.id)
    assert pyramid.frames == clip.frames


def test_same_audio_twice_is_recognised(library, speech_wav):
    first = library.import_file(speech_wav)
    again = library.import_file(speech_wav)
    assert again.duplicate and again.clip.id == first.clip.id


def _truncated_wav(tmp_path):
    path = write_audio(tmp_path / "cut.wav", synthetic.speech_like(3.0), subtype="PCM_16")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _truncated_ogg(tmp_path):
    path = write_audio(tmp_path / "cut.ogg", synthetic.speech_like(5.0), format="OGG", subtype="VORBIS")
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.6)])
    return path


def _truncated_flac(tmp_path):
    path = write_audio(tmp_path / "cut.flac", synthetic.speech_like(5.0))
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.5)])
    return path


def _unfinished_wav(tmp_path):
    path = write_audio(tmp_path / "rec.wav", synthetic.speech_like(2.0), subtype="PCM_16")
    data = bytearray(path.read_bytes())
    pos = data.find(b"data")
    data[pos + 4 : pos + 8] = b"\x00\x00\x00\x00"  # a recorder killed before finishing the header
    path.write_bytes(bytes(data))
    return path


def _corrupt_flac(tmp_path):
    path = write_audio(tmp_path / "bad.flac", synthetic.speech_like(5.0))
    data = bytearray(path.read_bytes())
    for i in range(len(data) // 3, len(data) - 10, 97):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    return path


def _bytes(name: str, data: bytes):
    def make(d: Path) -> Path:
        (d / name).write_bytes(data)
        return d / name

    return make


BAD_FILES = {
    "empty": (_bytes("empty.wav", b""), EmptyAudio),
    "text": (_bytes("note.wav", "THÔNG BÁO tiêm chủng".encode()), UnsupportedAudio),
    "pdf": (_bytes("doc.mp3", b"%PDF-1.4\n" + b"0" * 500), UnsupportedAudio),
    "mislabeled": (lambda d: write_audio(d / "song.mp3", synthetic.sine(1.0, 440), format="WAV"), MislabeledAudio),
    "wrong-extension": (lambda d: write_audio(d / "x.flac", synthetic.sine(1.0, 440), format="WAV"), MislabeledAudio),
    "no-frames": (lambda d: write_audio(d / "zero.wav", np.zeros(0, np.float32)), EmptyAudio),
    "truncated-wav": (_truncated_wav, TruncatedAudio),
    "truncated-ogg": (_truncated_ogg, TruncatedAudio),
    "truncated-flac": (_truncated_flac, (TruncatedAudio, CorruptAudio)),
    "unfinished-wav": (_unfinished_wav, TruncatedAudio),
    "corrupt-flac": (_corrupt_flac, (CorruptAudio, TruncatedAudio)),
    "missing": (lambda d: d / "nowhere.wav", UnsupportedAudio),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_get_a_typed_error_and_leave_nothing_behind(library, tmp_path, case):
    make, error = BAD_FILES[case]
    path = make(tmp_path)
    before = _state(library)
    with pytest.raises(error) as info:
        library.import_file(path)
    assert info.value.path == path and info.value.reason
    assert str(path) in info.value.describe()
    assert _state(library) == before
    assert not list((library.paths.media_dir / "incoming").glob("*"))


def test_enormous_files_are_refused_by_size_and_by_duration(library, tmp_path):
    path = write_audio(tmp_path / "long.wav", synthetic.sine(20.0, 440), subtype="PCM_16")
    small = ClipLibrary(library.paths, library.conn, ImportLimits(max_bytes=100_000))
    with pytest.raises(AudioTooLarge, match="import limit"):
        small.import_file(path)
    short = ClipLibrary(library.paths, library.conn, ImportLimits(max_seconds=10.0))
    with pytest.raises(AudioTooLarge, match="h import limit"):
        short.import_file(path)
    assert _state(library)[0] == 0


def test_silent_file_is_imported_with_no_loudness(library, tmp_path):
    path = write_audio(tmp_path / "quiet.wav", np.zeros(48000, np.float32), subtype="PCM_16")
    clip = library.import_file(path).clip
    assert clip.loudness_lufs is None and clip.true_peak_dbtp is None


def test_mp3_content_is_sniffed_behind_an_id3_tag(tmp_path):
    from studio.audio.formats import Container, sniff

    path = write_audio(tmp_path / "t.mp3", synthetic.sine(1.0, 440), format="MP3", subtype="MPEG_LAYER_III")
    raw = path.read_bytes()
    tagged = b"ID3\x04\x00\x00\x00\x00\x00\x0a" + b"\x00" * 10 + raw
    path.write_bytes(tagged)
    assert sniff(path, tagged[:4096]) is Container.MP3
    assert sf.info(path).frames > 0

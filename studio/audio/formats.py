"""What an audio file really is: container sniffing, label checks, integrity checks.

`inspect(path)` reads the first bytes and, for WAV, FLAC and Ogg, the structures that
tell whether the file is complete, and raises a typed error naming the file and the
reason. It never trusts the extension alone: a file whose content disagrees with its
name is refused as mislabeled. Pure functions; safe from any thread.
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass
from pathlib import Path

from studio.audio import stream_checks
from studio.errors import (
    AudioTooLarge,
    EmptyAudio,
    MislabeledAudio,
    TruncatedAudio,
    UnsupportedAudio,
)


class Container(enum.Enum):
    WAV = "wav"
    RF64 = "rf64"
    AIFF = "aiff"
    FLAC = "flac"
    OGG_VORBIS = "ogg-vorbis"
    OGG_OPUS = "ogg-opus"
    MP3 = "mp3"
    # Decoded through PyAV (studio/audio/av_source.py): what phones, Zalo and videos give.
    MP4 = "mp4"  # ISO media: .m4a voice memos, .mp4/.mov videos, .3gp call recordings
    ADTS = "aac"  # raw AAC with ADTS headers (.aac)
    MATROSKA = "matroska"  # WebM / Matroska (.webm, .mka, .mkv)
    AMR = "amr"  # AMR-NB / AMR-WB storage format (.amr)
    ASF = "asf"  # Windows Media (.wma, .wmv)


# Read by libsndfile (faster on these: no per-packet Python step); the rest by PyAV.
SNDFILE_CONTAINERS = frozenset({
    Container.WAV, Container.RF64, Container.AIFF, Container.FLAC,
    Container.OGG_VORBIS, Container.OGG_OPUS, Container.MP3,
})


EXTENSIONS: dict[str, frozenset[Container]] = {
    ".wav": frozenset({Container.WAV, Container.RF64}),
    ".wave": frozenset({Container.WAV, Container.RF64}),
    ".rf64": frozenset({Container.RF64}),
    ".aif": frozenset({Container.AIFF}),
    ".aiff": frozenset({Container.AIFF}),
    ".flac": frozenset({Container.FLAC}),
    ".ogg": frozenset({Container.OGG_VORBIS, Container.OGG_OPUS}),
    ".oga": frozenset({Container.OGG_VORBIS, Container.OGG_OPUS}),
    ".opus": frozenset({Container.OGG_OPUS}),
    ".mp3": frozenset({Container.MP3}),
    ".m4a": frozenset({Container.MP4}),
    ".m4b": frozenset({Container.MP4}),
    ".mp4": frozenset({Container.MP4}),
    ".m4v": frozenset({Container.MP4}),
    ".mov": frozenset({Container.MP4}),
    ".3gp": frozenset({Container.MP4, Container.AMR}),
    ".3gpp": frozenset({Container.MP4, Container.AMR}),
    ".3g2": frozenset({Container.MP4}),
    # Android recorders (Zalo among them) often name AAC in an MP4 box ".aac".
    ".aac": frozenset({Container.ADTS, Container.MP4}),
    ".adts": frozenset({Container.ADTS}),
    ".webm": frozenset({Container.MATROSKA}),
    ".weba": frozenset({Container.MATROSKA}),
    ".mka": frozenset({Container.MATROSKA}),
    ".mkv": frozenset({Container.MATROSKA}),
    ".amr": frozenset({Container.AMR}),
    ".wma": frozenset({Container.ASF}),
    ".wmv": frozenset({Container.ASF}),
    ".asf": frozenset({Container.ASF}),
}

# Readable names for content we refuse, so the error says what the file looks like.
_OTHER_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive or Office document"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)


@dataclass(frozen=True)
class Inspection:
    container: Container
    size_bytes: int
    expected_frames: int | None = None  # announced by the header, where the format says it


def _sniff_ogg(head: bytes) -> Container | None:
    if b"OpusHead" in head[:200]:
        return Container.OGG_OPUS
    if b"\x01vorbis" in head[:200]:
        return Container.OGG_VORBIS
    return None


def _mp3_frame_sync(data: bytes, offset: int) -> bool:
    return (
        len(data) >= offset + 4
        and data[offset] == 0xFF
        and (data[offset + 1] & 0xE0) == 0xE0
        and (data[offset + 1] >> 1) & 0x3 != 0  # layer 0 is reserved
        and (data[offset + 2] >> 4) not in (0x0, 0xF)  # bitrate index
        and (data[offset + 2] >> 2) & 0x3 != 0x3  # sample-rate index
    )


def sniff(path: Path, head: bytes) -> Container | None:
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return Container.WAV
    if head[:4] == b"RF64" and head[8:12] == b"WAVE":
        return Container.RF64
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return Container.AIFF
    if head[:4] == b"fLaC":
        return Container.FLAC
    if head[:4] == b"OggS":
        return _sniff_ogg(head)
    if head[:3] == b"ID3" and len(head) >= 10:
        size = (head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9]
        with open(path, "rb") as handle:
            handle.seek(10 + size)
            after = handle.read(8)
        if _mp3_frame_sync(after, 0):
            return Container.MP3
        return Container.ADTS if stream_checks.adts_sync(after, 0) else None
    if _mp3_frame_sync(head, 0):
        return Container.MP3
    kind = stream_checks.sniff(head)
    return Container(kind) if kind else None


def _describe_other(head: bytes) -> str:
    for magic, name in _OTHER_MAGIC:
        if head.startswith(magic):
            return f"not audio: looks like {name}"
    if head[:4] == b"OggS":
        return "Ogg file with a codec other than Vorbis or Opus"
    try:
        head[:256].decode("utf-8")
        return "not audio: looks like text"
    except UnicodeDecodeError:
        return "not a recognised audio format (WAV, FLAC, Ogg, MP3, AAC/M4A, WebM, AMR, WMA)"


def _check_wav_complete(path: Path, size: int) -> None:
    with open(path, "rb") as handle:
        handle.seek(12)
        while True:
            header = handle.read(8)
            if len(header) < 8:
                raise TruncatedAudio(path, "WAV file ends before its audio data")
            chunk_id, chunk_size = header[:4], struct.unpack("<I", header[4:])[0]
            if chunk_id == b"data":
                available = size - handle.tell()
                if chunk_size == 0 and available > 0:
                    raise TruncatedAudio(path, "WAV header was never finished (unfinished recording?)")
                if chunk_size > available:
                    raise TruncatedAudio(
                        path, f"WAV header announces {chunk_size} bytes of audio, file holds {available}"
                    )
                return
            handle.seek(chunk_size + (chunk_size & 1), 1)


def _check_flac_complete(path: Path) -> int | None:
    """Total samples announced by STREAMINFO (None if unknown)."""
    with open(path, "rb") as handle:
        handle.seek(4)
        block = handle.read(4 + 34)
    if len(block) < 38:
        raise TruncatedAudio(path, "FLAC file ends inside its header")
    info = block[4:]
    total = ((info[13] & 0x0F) << 32) | struct.unpack(">I", info[14:18])[0]
    return total or None


def _check_ogg_complete(path: Path, size: int) -> None:
    with open(path, "rb") as handle:
        handle.seek(max(0, size - 65536 - 282))
        tail = handle.read()
    pos = tail.rfind(b"OggS")
    if pos < 0 or len(tail) - pos < 27:
        raise TruncatedAudio(path, "Ogg stream ends inside a page")
    header_type = tail[pos + 5]
    n_segments = tail[pos + 26]
    table = tail[pos + 27 : pos + 27 + n_segments]
    page_size = 27 + n_segments + sum(table)
    if len(table) < n_segments or pos + page_size > len(tail):
        raise TruncatedAudio(path, "Ogg stream ends inside its last page")
    if not header_type & 0x04:
        raise TruncatedAudio(path, "Ogg stream has no end-of-stream page")


def inspect(path: Path, max_bytes: int) -> Inspection:
    """Identify `path`; raise a typed error if it cannot be imported as it is."""
    path = Path(path)
    if not path.is_file():
        raise UnsupportedAudio(path, "no such file")
    size = path.stat().st_size
    if size == 0:
        raise EmptyAudio(path, "file is empty (0 bytes)")
    if size > max_bytes:
        raise AudioTooLarge(path, f"{size} bytes, more than the {max_bytes}-byte import limit")
    with open(path, "rb") as handle:
        head = handle.read(4096)
    container = sniff(path, head)
    if container is None:
        raise UnsupportedAudio(path, _describe_other(head))
    suffix = path.suffix.lower()
    if suffix and container not in EXTENSIONS.get(suffix, frozenset()):
        raise MislabeledAudio(
            path, f"named '{suffix}' but the content is {container.value.upper()}"
        )
    if container is Container.WAV:
        _check_wav_complete(path, size)
    elif container in (Container.OGG_OPUS, Container.OGG_VORBIS):
        _check_ogg_complete(path, size)
    elif container is Container.FLAC:
        return Inspection(container, size, _check_flac_complete(path))
    elif container not in SNDFILE_CONTAINERS:
        stream_checks.check_complete(path, container.value, size)
    return Inspection(container, size)

"""Sniffing and completeness checks for the containers decoded through PyAV.

What phones and messaging apps send: ISO media (.m4a/.mp4/.3gp), raw AAC with ADTS
headers, WebM/Matroska, AMR and Windows Media. `sniff` names the container from the
first bytes (as a `formats.Container` value); `check_complete` walks the structure that
tells whether the file was written to the end (MP4 boxes, ADTS and AMR frames) and raises
`TruncatedAudio` or `CorruptAudio` naming the file and the reason. Matroska and ASF are
checked after decoding, against the duration their header announces (analysis.py).
"""

from __future__ import annotations

import mmap
import struct
from pathlib import Path

from studio.errors import CorruptAudio, TruncatedAudio

_ASF_GUID = bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c")
_EBML = b"\x1aE\xdf\xa3"
# Bytes after the table-of-contents byte of one AMR frame, by frame type (15 = no data).
_AMR_NB_SIZES = (12, 13, 15, 17, 19, 20, 26, 31, 5, -1, -1, -1, -1, -1, -1, 0)
_AMR_WB_SIZES = (17, 23, 32, 36, 40, 46, 50, 58, 60, 5, -1, -1, -1, -1, 0, 0)


def adts_sync(data: bytes, offset: int) -> bool:
    """An ADTS header at `offset`: 12-bit sync, layer 0, a valid sampling-rate index."""
    return (
        len(data) >= offset + 7
        and data[offset] == 0xFF
        and (data[offset + 1] & 0xF6) == 0xF0
        and ((data[offset + 2] >> 2) & 0x0F) < 13
    )


def _adts_length(data, offset: int) -> int:
    return ((data[offset + 3] & 0x03) << 11) | (data[offset + 4] << 3) | (data[offset + 5] >> 5)


def sniff(head: bytes) -> str | None:
    if head[4:8] == b"ftyp":
        return "mp4"
    if head[:4] == _EBML:
        return "matroska"
    if head.startswith(b"#!AMR"):
        return "amr"
    if head[:16] == _ASF_GUID:
        return "asf"
    if adts_sync(head, 0):
        length = _adts_length(head, 0)
        if length >= 7 and (len(head) < length + 7 or adts_sync(head, length)):
            return "aac"
    return None


def check_complete(path: Path, kind: str, size: int) -> None:
    if kind == "mp4":
        _check_mp4(path, size)
    elif kind == "aac":
        _walk(path, size, _adts_frames, "AAC (ADTS)")
    elif kind == "amr":
        _walk(path, size, _amr_frames, "AMR")


def _check_mp4(path: Path, size: int) -> None:
    """Top-level boxes must tile the file, and the index ('moov') must be there: a phone
    that stops recording before it writes the index leaves audio nothing can play."""
    seen: set[bytes] = set()
    with open(path, "rb") as handle:
        offset = 0
        while offset < size:
            handle.seek(offset)
            header = handle.read(16)
            if len(header) < 8:
                raise TruncatedAudio(path, f"MP4 file ends inside a box header at byte {offset}")
            box_size, box_type = struct.unpack(">I", header[:4])[0], header[4:8]
            if box_size == 1:
                if len(header) < 16:
                    raise TruncatedAudio(path, f"MP4 file ends inside a box header at byte {offset}")
                box_size = struct.unpack(">Q", header[8:16])[0]
            elif box_size == 0:
                box_size = size - offset
            if box_size < 8:
                raise CorruptAudio(path, f"MP4 box at byte {offset} has an impossible size ({box_size})")
            name = box_type.decode("latin-1")
            if offset + box_size > size:
                raise TruncatedAudio(
                    path, f"MP4 file ends inside its '{name}' box ({size - offset} of {box_size} bytes)"
                )
            seen.add(box_type)
            offset += box_size
    if b"moov" not in seen:
        raise TruncatedAudio(path, "MP4 file has no index ('moov' box): the recording was never finished")


def _adts_frames(data, offset: int, size: int):
    while offset < size:
        if not adts_sync(data, offset):
            if size - offset < 7:
                raise TruncatedAudio(None, f"file ends inside an ADTS header at byte {offset}")
            raise CorruptAudio(None, f"ADTS frame sync lost at byte {offset}")
        length = _adts_length(data, offset)
        if length < 7:
            raise CorruptAudio(None, f"ADTS frame at byte {offset} has an impossible length ({length})")
        if offset + length > size:
            raise TruncatedAudio(None, f"file ends inside the ADTS frame at byte {offset}")
        offset += length


def _amr_frames(data, offset: int, size: int):
    wide = data[:9] == b"#!AMR-WB\n"
    if not wide and data[:6] != b"#!AMR\n":
        raise CorruptAudio(None, "AMR header is neither '#!AMR' nor '#!AMR-WB' (multichannel AMR is not read)")
    sizes = _AMR_WB_SIZES if wide else _AMR_NB_SIZES
    offset += 9 if wide else 6
    while offset < size:
        toc = data[offset]
        length = sizes[(toc >> 3) & 0x0F]
        if length < 0 or toc & 0x83:
            raise CorruptAudio(None, f"AMR frame at byte {offset} has an invalid header")
        if offset + 1 + length > size:
            raise TruncatedAudio(None, f"file ends inside the AMR frame at byte {offset}")
        offset += 1 + length


def _walk(path: Path, size: int, walker, name: str) -> None:
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        start = 0
        if name.startswith("AAC") and data[:3] == b"ID3" and size >= 10:
            start = 10 + ((data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9])
        try:
            walker(data, start, size)
        except (TruncatedAudio, CorruptAudio) as exc:
            raise type(exc)(path, f"{name}: {exc.reason}") from None

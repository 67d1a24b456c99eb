"""Packets coded again are put into the written Ogg Opus file page by page: the file
decodes, by FFmpeg and by libsndfile (which checks every page's checksum), exactly as one
muxed again from the same packets, and pages away from the changes keep their bytes.
Real libopus, FFmpeg and libsndfile."""

import os
import shutil
import struct

import numpy as np
import pytest
import soundfile as sf

from studio.audio import limiter, synthetic
from studio.audio.decoded_check import opus_extradata
from studio.audio.encode import decode_mono, encode, write_opus_packets
from studio.audio.ogg_pages import ogg_crc, replace_packets, seal
from studio.audio.opus_repair import over_spots, repair_peaks
from studio.audio.settings import OutputFormat
from studio.audio.true_peak import dense_true_peak


def _reference_crc(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
        crc &= 0xFFFFFFFF
    return crc


def _pages(data: bytes) -> list[bytes]:
    pages, pos = [], 0
    while pos < len(data):
        body = pos + 27 + data[pos + 26]
        end = body + sum(data[pos + 27 : body])
        pages.append(data[pos:end])
        pos = end
    return pages


def _page(
    packets: list[bytes], sequence: int, flags: int = 0, granule: int = 0, open_end: bytes = b"",
) -> bytes:
    """A sealed page of whole `packets`, and `open_end`: the start of one that runs on."""
    lacing = b"".join(b"\xff" * (len(p) // 255) + bytes((len(p) % 255,)) for p in packets)
    lacing += b"\xff" * (len(open_end) // 255)
    head = b"OggS\0" + bytes((flags,)) + struct.pack("<qII", granule, 7, sequence) + b"\0" * 4
    return bytes(seal(bytearray(head + bytes((len(lacing),)) + lacing + b"".join(packets) + open_end)))


def _packets_on(page: bytes) -> list[bytes]:
    body = 27 + page[26]
    packets, start, size = [], body, 0
    for lace in page[27:body]:
        size += lace
        if lace < 255:
            packets.append(page[start : start + size])
            start, size = start + size, 0
    return packets


@pytest.fixture(scope="module")
def coded(tmp_path_factory):
    """An encoded programme, and its packets after the spots over a ceiling were coded again."""
    work = tmp_path_factory.mktemp("ogg")
    x = synthetic.music_like(40.0)
    master = limiter.limit(x, 48000, -2.6, gain_db=20 * np.log10(0.9 / np.abs(x).max())).audio.copy()
    first = work / "first.opus"
    packets: list = []
    encode(master, 48000, first, OutputFormat.OPUS, 32000, packets_out=packets)
    decoded, _ = decode_mono(first)
    threshold = dense_true_peak(decoded) * 10 ** (-0.4 / 20)
    spots, _rest = over_spots(decoded, 0, threshold)
    original = list(packets)
    assert repair_peaks(master, 48000, 32000, packets, opus_extradata(first), spots, threshold) is not None
    assert 0 < sum(a != b for a, b in zip(original, packets)) < len(packets) // 3
    return first, original, packets


def test_checksum_is_oggs():
    rng = np.random.default_rng(3)
    for size in (0, 1, 7, 255, 4096):
        data = rng.integers(0, 256, size, dtype=np.uint8).tobytes()
        assert ogg_crc(data) == _reference_crc(data)


def test_checksum_of_a_page_ffmpeg_wrote(coded):
    first, _original, _packets = coded
    for page in _pages(first.read_bytes())[:3]:
        zeroed = page[:22] + b"\0\0\0\0" + page[26:]
        assert ogg_crc(zeroed) == int.from_bytes(page[22:26], "little")


def test_replaced_packets_decode_as_a_full_mux(coded, tmp_path):
    first, _original, packets = coded
    patched = tmp_path / "patched.opus"
    shutil.copy(first, patched)
    assert replace_packets(patched, [p[0] for p in packets])
    muxed = tmp_path / "muxed.opus"
    write_opus_packets(packets, 48000, 32000, muxed)

    a, _ = decode_mono(patched)
    b, _ = decode_mono(muxed)
    assert len(a) == len(b) and np.array_equal(a, b)
    # libsndfile drops a page whose checksum is wrong: the lengths would differ.
    c, rate = sf.read(patched, dtype="float32")
    d, _ = sf.read(muxed, dtype="float32")
    assert rate == 48000 and len(c) == len(d) and np.allclose(c, d, atol=1e-6)

    before, after = _pages(first.read_bytes()), _pages(patched.read_bytes())
    assert len(before) == len(after)
    differing = sum(x != y for x, y in zip(before, after))
    assert 0 < differing < len(before) // 2
    assert before[:2] == after[:2]  # the headers, output gain and all


def test_nothing_changed_leaves_the_file_as_it_was(coded, tmp_path):
    first, original, _packets = coded
    copy = tmp_path / "same.opus"
    shutil.copy(first, copy)
    stamp = os.stat(copy).st_mtime_ns
    assert replace_packets(copy, [p[0] for p in original])
    assert copy.read_bytes() == first.read_bytes() and os.stat(copy).st_mtime_ns == stamp


def test_what_cannot_be_done_page_by_page_changes_nothing(coded, tmp_path):
    first, original, _packets = coded
    payloads = [p[0] for p in original]
    copy = tmp_path / "copy.opus"
    shutil.copy(first, copy)
    assert not replace_packets(copy, payloads[:-1])  # one packet short
    assert not replace_packets(copy, payloads + [payloads[-1]])  # one too many
    big = list(payloads)
    big[100] = bytes(70_000)  # would need 275 segments on its page
    assert not replace_packets(copy, big)
    assert copy.read_bytes() == first.read_bytes()
    wav = tmp_path / "a.wav"
    sf.write(wav, np.zeros(4800, np.float32), 48000)
    assert not replace_packets(wav, payloads)
    cut = tmp_path / "cut.opus"
    cut.write_bytes(first.read_bytes()[:-100])
    assert not replace_packets(cut, payloads)


def test_hand_built_pages_keep_their_headers_and_lace_every_size(tmp_path):
    # Sizes at the lacing's edges: 255 and 510 need a closing 0 lace, 254 does not.
    old = [b"\x01", b"a" * 254, b"b" * 255, b"c" * 510, b"d" * 80]
    pages = [_page([b"OpusHead" + bytes(11)], 0, flags=0x02), _page([b"OpusTags" + bytes(8)], 1),
             _page(old[:4], 2, granule=960 * 4), _page(old[4:], 3, flags=0x04, granule=960 * 5)]
    path = tmp_path / "hand.opus"
    path.write_bytes(b"".join(pages))
    new = [b"x" * 255, b"y", b"z" * 510, b"w" * 254, old[4]]
    assert replace_packets(path, new)
    after = _pages(path.read_bytes())
    assert len(after) == 4 and after[:2] == pages[:2] and after[3] == pages[3]
    rebuilt = after[2]
    assert rebuilt[:22] == pages[2][:22]  # flags, granule position, serial, sequence
    assert ogg_crc(rebuilt[:22] + b"\0" * 4 + rebuilt[26:]) == int.from_bytes(rebuilt[22:26], "little")
    assert rebuilt[27 : 27 + rebuilt[26]] == b"\xff\x00" + b"\x01" + b"\xff\xff\x00" + b"\xfe"
    assert _packets_on(rebuilt) == new[:4]


def test_pages_that_cannot_be_rebuilt_alone_are_refused(tmp_path):
    head = [_page([b"OpusHead" + bytes(11)], 0, flags=0x02), _page([b"OpusTags" + bytes(8)], 1)]
    across = head + [_page([b"a" * 10], 2, open_end=b"b" * 255), _page([b"c"], 3, flags=0x01 | 0x04)]
    mixed = [_page([b"OpusHead" + bytes(11), b"OpusTags", b"a" * 10], 0, flags=0x02)]
    other = head + [_page([b"a" * 10], 2)]
    other[2] = other[2][:14] + struct.pack("<I", 8) + other[2][18:]  # a second logical stream
    for name, pages, payloads in (("across", across, [b"a" * 10, b"b" * 255 + b"c"]),
                                  ("mixed", mixed, [b"e" * 10]), ("other", other, [b"e" * 10])):
        path = tmp_path / f"{name}.opus"
        path.write_bytes(b"".join(pages))
        assert not replace_packets(path, payloads), name
        assert path.read_bytes() == b"".join(pages), name

"""The live wire format (crs_protocol.live) and the libopus binding (crs_protocol.opus):
frames round-trip sealed (the Opus packet is not in them in the clear), any changed byte or
another key fails to open them, a sealed session key opens
only with the receiver's own key, and Opus carries a tone through with FEC and PLC."""

from __future__ import annotations

import numpy as np
import pytest
from crs_protocol.live import (
    FRAME_SAMPLES,
    MAX_FRAME,
    new_session,
    open_frame,
    open_key,
    pack_frame,
    parse_frame,
    seal_key,
)
from crs_protocol.opus import Decoder, Encoder
from crs_protocol.signing import b64
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey


def test_a_frame_round_trips_sealed_and_any_change_fails_to_open():
    session, key = new_session()
    data = pack_frame(session, key, 12345, b"opus-payload")
    assert b"opus-payload" not in data  # a listener without the key hears nothing
    frame = parse_frame(data)
    assert (frame.session_id, frame.seq) == (session, 12345)
    assert open_frame(frame, key) == b"opus-payload"
    assert open_frame(frame, new_session()[1]) is None
    for at in range(len(data)):
        changed = bytearray(data)
        changed[at] ^= 0x01
        parsed = parse_frame(bytes(changed))
        assert parsed is None or open_frame(parsed, key) is None, at
    # the same packet under another sequence number is another ciphertext (a fresh nonce)
    assert pack_frame(session, key, 12346, b"opus-payload")[28:] != data[28:]
    assert parse_frame(b"CRL2") is None and parse_frame(b"CRL1" + data[4:]) is None
    assert parse_frame(pack_frame(session, key, 1, b"x" * (MAX_FRAME + 1))) is None


def test_the_session_key_opens_only_with_the_receivers_key():
    receiver, other = PrivateKey.generate(), PrivateKey.generate()
    _session, key = new_session()
    sealed = seal_key(key, b64(bytes(receiver.public_key)))
    assert key not in sealed.encode() and open_key(sealed, receiver) == key
    with pytest.raises(CryptoError):
        open_key(sealed, other)
    assert seal_key(key, b64(bytes(receiver.public_key))) != sealed  # an ephemeral key each time


def test_opus_carries_a_tone_and_conceals_a_lost_frame():
    n = np.arange(FRAME_SAMPLES * 50)
    tone = np.round(8000 * np.sin(2 * np.pi * 400 * n / 48000)).astype("<i2")
    encoder, decoder = Encoder(), Decoder()
    packets = [encoder.encode(tone[i * FRAME_SAMPLES:(i + 1) * FRAME_SAMPLES].tobytes()) for i in range(50)]
    assert all(20 < len(p) < 400 for p in packets)
    out = [decoder.decode(p) for p in packets[:30]]
    out.append(decoder.decode(packets[31], fec=True))  # frame 30 lost: from 31's FEC data
    out += [decoder.decode(p) for p in packets[31:40]] + [decoder.decode(None)]  # 40 lost: concealed
    pcm = np.frombuffer(b"".join(out), dtype="<i2").astype(float)
    assert len(pcm) == 41 * FRAME_SAMPLES
    recovered = pcm[30 * FRAME_SAMPLES:31 * FRAME_SAMPLES]
    assert np.sqrt(np.mean(recovered ** 2)) > 0.5 * 8000 / np.sqrt(2)  # not a hole
    spectrum = np.abs(np.fft.rfft(pcm[FRAME_SAMPLES * 10:]))
    assert abs(np.argmax(spectrum) * 48000 / len(pcm[FRAME_SAMPLES * 10:]) - 400) < 10
    with pytest.raises(ValueError):
        encoder.encode(b"\x00" * 100)
    encoder.close()
    decoder.close()

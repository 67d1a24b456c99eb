"""crs_protocol.signing: a signature verifies only for the exact request it was made for."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from crs_protocol import (
    H_COUNTER,
    H_KEY,
    H_RECEIVER,
    H_SIGNATURE,
    H_SIGNING,
    H_TIME,
    ErrorCode,
    SignatureProblem,
    b64,
    canonical,
    sign_headers,
    verify,
)
from nacl.signing import SigningKey

NOW = datetime(2026, 12, 1, 5, 45, tzinfo=UTC)
BODY = b'{"volume": 70}'
PATH = "/v1/volume"


@pytest.fixture
def key() -> SigningKey:
    return SigningKey.generate()


def headers(key: SigningKey, method: str = "PUT", path: str = PATH, body: bytes = BODY,
            counter: int = 12345, receiver: str = "rx1") -> dict[str, str]:
    return sign_headers(key, method, path, body, counter, receiver, NOW)


def refusal(*args) -> ErrorCode:
    with pytest.raises(SignatureProblem) as caught:
        verify(*args)
    return caught.value.code


def test_a_good_signature_verifies_and_says_who_signed(key):
    signed = verify(headers(key), "PUT", PATH, BODY, "rx1")
    assert signed.counter == 12345
    assert signed.studio_time == NOW
    assert signed.key == headers(key)[H_KEY]
    # the method is compared case-insensitively: the signer upper-cases it
    assert verify(headers(key, method="put"), "PUT", PATH, BODY, "rx1").counter == 12345


def test_a_tampered_body_is_refused(key):
    assert refusal(headers(key), "PUT", PATH, b'{"volume": 100}', "rx1") == ErrorCode.BAD_SIGNATURE
    assert refusal(headers(key), "PUT", PATH, BODY + b" ", "rx1") == ErrorCode.BAD_SIGNATURE


def test_another_key_cannot_sign_for_this_one(key):
    forged = headers(SigningKey.generate())
    forged[H_KEY] = headers(key)[H_KEY]  # claims to be the paired studio
    assert refusal(forged, "PUT", PATH, BODY, "rx1") == ErrorCode.BAD_SIGNATURE


def test_wrong_path_query_or_method_is_refused(key):
    assert refusal(headers(key), "PUT", "/v1/manifest", BODY, "rx1") == ErrorCode.BAD_SIGNATURE
    assert refusal(headers(key), "POST", PATH, BODY, "rx1") == ErrorCode.BAD_SIGNATURE
    log = headers(key, method="GET", path="/v1/playlog?after=12", body=b"")
    assert verify(log, "GET", "/v1/playlog?after=12", b"", "rx1").counter == 12345
    assert refusal(log, "GET", "/v1/playlog?after=0", b"", "rx1") == ErrorCode.BAD_SIGNATURE


def test_every_signed_field_counts(key):
    for name, value in ((H_COUNTER, "12346"), (H_TIME, "2026-12-01T05:45:00.124+00:00")):
        changed = dict(headers(key), **{name: value})
        assert refusal(changed, "PUT", PATH, BODY, "rx1") == ErrorCode.BAD_SIGNATURE, name


def test_signed_for_another_receiver(key):
    assert refusal(headers(key, receiver="rx2"), "PUT", PATH, BODY, "rx1") == ErrorCode.WRONG_RECEIVER
    # rewriting the receiver header does not help: the id is signed too
    moved = dict(headers(key, receiver="rx2"), **{H_RECEIVER: "rx1"})
    assert refusal(moved, "PUT", PATH, BODY, "rx1") == ErrorCode.BAD_SIGNATURE


@pytest.mark.parametrize("missing", [H_KEY, H_COUNTER, H_TIME, H_SIGNATURE])
def test_a_missing_header_is_unsigned(key, missing):
    partial = {k: v for k, v in headers(key).items() if k != missing}
    assert refusal(partial, "PUT", PATH, BODY, "rx1") == ErrorCode.UNSIGNED


@pytest.mark.parametrize("counter", ["0", "-1", str(2**63), "12a", ""])
def test_counters_out_of_range_or_not_numbers(key, counter):
    assert refusal(dict(headers(key), **{H_COUNTER: counter}), "PUT", PATH, BODY, "rx1") == ErrorCode.BAD_SIGNATURE


def test_garbage_key_or_signature_is_refused_not_a_crash(key):
    for name, value in ((H_KEY, "not base64 !"), (H_KEY, "AAAA"), (H_SIGNATURE, "%%%"), (H_SIGNATURE, "")):
        assert refusal(dict(headers(key), **{name: value}), "PUT", PATH, BODY, "rx1") == ErrorCode.BAD_SIGNATURE


def test_a_time_that_is_no_time_still_verifies_without_one(key):
    # the time is signed, but only reported: a studio with a broken clock is not refused
    message = canonical("PUT", PATH, hashlib.sha256(BODY).hexdigest(), 7, "whenever", "rx1")
    hand = dict(headers(key), **{H_COUNTER: "7", H_TIME: "whenever", H_SIGNATURE: b64(key.sign(message).signature)})
    del hand[H_SIGNING]  # a version 1 message
    signed = verify(hand, "PUT", PATH, BODY, "rx1")
    assert signed.counter == 7 and signed.studio_time is None


def test_version_2_signs_the_headers_a_receiver_acts_on(key):
    sent = {"Content-Type": "application/offset+octet-stream", "Upload-Offset": "0", "Upload-Length": "10"}
    signed = sign_headers(key, "PATCH", PATH, BODY, 9, "rx1", NOW, sent)
    assert verify({**sent, **signed}, "PATCH", PATH, BODY, "rx1").version == 2
    for name, value in (("Upload-Length", "99"), ("Upload-Offset", "5"), ("Content-Type", "text/plain")):
        assert refusal({**sent, name: value, **signed}, "PATCH", PATH, BODY, "rx1") == ErrorCode.BAD_SIGNATURE
    added = {**sent, "Content-Encoding": "deflate", **signed}  # a header the studio did not send
    assert refusal(added, "PATCH", PATH, BODY, "rx1") == ErrorCode.BAD_SIGNATURE
    downgraded = {k: v for k, v in {**sent, **signed}.items() if k != H_SIGNING}  # read as version 1
    assert refusal(downgraded, "PATCH", PATH, BODY, "rx1") == ErrorCode.BAD_SIGNATURE
    v1 = sign_headers(key, "PATCH", PATH, BODY, 9, "rx1", NOW, version=1)
    assert verify({**sent, **v1}, "PATCH", PATH, BODY, "rx1").version == 1  # still accepted in transition

"""The studio's key file: a key written by an earlier studio (with `cryptography`, PKCS#8
PEM) is read to the same key, a new key round-trips, and a damaged file is a clear error,
never a new key silently (which would unpair every receiver)."""

from __future__ import annotations

from pathlib import Path

import pytest
from crs_protocol import unb64

from studio.errors import UnreadableKey
from studio.fleet.keys import StudioKey

# Written by cryptography's Ed25519PrivateKey.from_private_bytes(bytes(range(32))) with
# PrivateFormat.PKCS8 / NoEncryption, as studios before PyNaCl saved their key.
EARLIER_PEM = (b"-----BEGIN PRIVATE KEY-----\n"
               b"MC4CAQAwBQYDK2VwBCIEIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f\n"
               b"-----END PRIVATE KEY-----\n")
EARLIER_PUBLIC = "A6EHv_POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg"
EARLIER_SIGNATURE = ("-IpN95Az0H0fmumEjL_uMbYIurnAMO9r5bf4xD57WFsGfKb2NDYYBmQFW3PbAAawwrNDCIO11oiNeq_uz42xAg")


def test_a_key_written_by_an_earlier_studio_is_the_same_key(tmp_path: Path) -> None:
    (tmp_path / "studio-ed25519.pem").write_bytes(EARLIER_PEM)
    key = StudioKey(tmp_path)
    assert key.public_text == EARLIER_PUBLIC
    # the same signature bytes cryptography made for this message: receivers paired with it still verify
    assert key.private.sign(b"CRS1\nGET\n/v1/status").signature == unb64(EARLIER_SIGNATURE)


def test_a_new_key_is_saved_private_and_read_back(tmp_path: Path) -> None:
    first = StudioKey(tmp_path)
    path = tmp_path / "studio-ed25519.pem"
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----\n")
    assert StudioKey(tmp_path).public_text == first.public_text


@pytest.mark.parametrize("content, reason", [
    (b"", "not an unencrypted PKCS#8 PEM"),
    (EARLIER_PEM[:60], "not an unencrypted PKCS#8 PEM"),
    (EARLIER_PEM.replace(b"MC4C", b"M!4C"), "not base64"),
    (b"-----BEGIN PRIVATE KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n"
     b"-----END PRIVATE KEY-----\n", "not an Ed25519 key"),
])
def test_a_damaged_key_file_is_a_clear_error_and_is_kept(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "studio-ed25519.pem"
    path.write_bytes(content)
    with pytest.raises(UnreadableKey) as raised:
        StudioKey(tmp_path)
    assert reason in str(raised.value) and str(path) in str(raised.value)
    assert path.read_bytes() == content  # never replaced by a new key

"""With a man in the middle (issue 15, item 6), through a real receiver process: the studio
signs every header the receiver acts on (signed-message version 2), so an `Upload-Length`
changed in transit is refused and cannot poison the upload; version 1 requests are still
accepted during the transition, and counted in the status."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime

import pytest
import requests
from crs_protocol import sign_headers

from studio.errors import ReceiverError
from studio.fleet.client import ReceiverClient
from studio.fleet.keys import StudioKey
from tests.support.receiver import Receiver


class ManInTheMiddle(requests.Session):
    """Changes the first PATCH's `Upload-Length` on its way, as a proxy on the link could."""

    def __init__(self) -> None:
        super().__init__()
        self.changed = 0

    def request(self, method, url, **kwargs):
        headers = dict(kwargs.get("headers") or {})
        if method == "PATCH" and not self.changed:
            headers["Upload-Length"] = str(int(headers["Upload-Length"]) * 4)
            self.changed += 1
        kwargs["headers"] = headers
        return super().request(method, url, **kwargs)


def test_an_upload_length_changed_in_transit_is_refused_and_poisons_nothing(tmp_path):
    receiver = Receiver(tmp_path / "rx").start()
    try:
        key = StudioKey(tmp_path / "keys")
        client = ReceiverClient(receiver.url, key)
        client.pair(receiver.code, "UBND xã")
        media = tmp_path / "bulletin.bin"
        media.write_bytes(os.urandom(200_000))
        sha = hashlib.sha256(media.read_bytes()).hexdigest()
        tampered = ReceiverClient(receiver.url, key, client.receiver_id, session=ManInTheMiddle())
        with pytest.raises(ReceiverError) as refused:
            tampered.upload(media, chunk=64_000)
        assert (refused.value.status, refused.value.code) == (401, "bad-signature")
        assert client.held(sha) == (0, False)  # nothing written under the false length
        client.upload(media, chunk=64_000)  # the real upload goes through
        assert client.held(sha) == (200_000, True)
        assert client.status()["v1_signed"] == 0
    finally:
        receiver.kill()


def test_version_1_is_still_accepted_during_the_transition(tmp_path):
    receiver = Receiver(tmp_path / "rx").start()
    try:
        key = StudioKey(tmp_path / "keys")
        client = ReceiverClient(receiver.url, key)
        client.pair(receiver.code, "UBND xã")
        assert requests.get(f"{receiver.url}/v1/pair", timeout=10).json()["signing"] == [1, 2]
        body = json.dumps({"volume": 35}).encode()
        old = sign_headers(key.private, "PUT", "/v1/volume", body, key.next_counter(), client.receiver_id,
                           datetime.now(UTC), version=1)
        assert requests.put(f"{receiver.url}/v1/volume", data=body, headers=old, timeout=10).status_code == 200
        status = client.status()
        assert (status["volume"], status["v1_signed"]) == (35, 1)
    finally:
        receiver.kill()


def test_an_upload_poisoned_before_signed_headers_starts_again(tmp_path):
    """A receiver holding the start of an upload under a false length (changed in transit by
    a version 1 request) took it with 409 length-mismatch for ever; the studio now starts that
    upload again from 0 with its true length, which the receiver accepts."""
    receiver = Receiver(tmp_path / "rx").start()
    try:
        client = ReceiverClient(receiver.url, StudioKey(tmp_path / "keys"))
        client.pair(receiver.code, "UBND xã")
        media = tmp_path / "bulletin.bin"
        media.write_bytes(os.urandom(150_000))
        sha = hashlib.sha256(media.read_bytes()).hexdigest()
        (receiver.folder / "partial" / f"{sha}.part").write_bytes(media.read_bytes()[:50_000])
        (receiver.folder / "partial" / f"{sha}.len").write_text(str(4 * 150_000))
        client.upload(media, chunk=64_000)
        assert client.held(sha) == (150_000, True)
    finally:
        receiver.kill()

"""The reference receiver as a real process on loopback HTTP: pairing, signed requests and
every refusal the protocol documents, resumable uploads, manifests, and playback through
the real PortAudio to the file-backed ALSA device (what it played is compared sample by
sample)."""

from __future__ import annotations

import hashlib
import json
import socket
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
import requests
import soundfile as sf
from crs_protocol import sign_headers

from studio.errors import ReceiverError
from studio.fleet.client import ReceiverClient
from studio.fleet.keys import StudioKey
from tests.support.receiver import Receiver


@pytest.fixture
def receiver(tmp_path):
    r = Receiver(tmp_path / "receiver").start()
    yield r
    r.kill()


@pytest.fixture
def studio_key(tmp_path):
    return StudioKey(tmp_path / "studio-keys")


def tone_file(path: Path, seconds: float = 1.5, freq: float = 440.0) -> tuple[Path, str, np.ndarray]:
    samples = (0.3 * np.sin(2 * np.pi * freq * np.arange(int(48000 * seconds)) / 48000)).astype(np.float32)
    sf.write(path, samples, 48000, subtype="FLOAT")
    return path, hashlib.sha256(path.read_bytes()).hexdigest(), samples


def paired(receiver, studio_key) -> ReceiverClient:
    client = ReceiverClient(receiver.url, studio_key)
    client.pair(receiver.code, "UBND xã Đăk Ui")
    return client


def raw(method: str, url: str, **kwargs) -> requests.Response:
    return requests.request(method, url, timeout=10, **kwargs)


def test_pairing_signing_and_refusals(receiver, studio_key, tmp_path):
    other = ReceiverClient(receiver.url, StudioKey(tmp_path / "intruder"))
    with pytest.raises(ReceiverError) as wrong:
        other.pair("00000000" if receiver.code != "00000000" else "11111111", "kẻ lạ")
    assert wrong.value.status == 403 and wrong.value.code == "wrong-code"
    client = paired(receiver, studio_key)
    status = client.status()
    assert status["receiver_id"] == client.receiver_id
    assert abs(status["clock_offset_s"]) < 5  # both clocks are this machine's

    # a studio whose clock is 3 hours wrong is not locked out; the offset shows it
    skewed = sign_headers(studio_key.private, "GET", "/v1/status", b"", studio_key.next_counter(),
                          client.receiver_id, datetime.now(UTC) - timedelta(hours=3))
    late = raw("GET", receiver.url + "/v1/status", headers=skewed)
    assert late.status_code == 200 and late.json()["clock_offset_s"] == pytest.approx(3 * 3600, abs=5)
    with pytest.raises(ReceiverError) as again:
        other.pair(receiver.code, "kẻ lạ")
    assert again.value.code == "already-paired"

    # unsigned, wrong key, body changed after signing, replay, wrong receiver
    assert raw("GET", receiver.url + "/v1/status").status_code == 401
    other.receiver_id = client.receiver_id
    with pytest.raises(ReceiverError) as unknown:
        other.status()
    assert unknown.value.status == 401 and unknown.value.code == "unknown-key"
    body = json.dumps({"volume": 30}).encode()
    headers = sign_headers(studio_key.private, "PUT", "/v1/volume", body, studio_key.next_counter(),
                           client.receiver_id, datetime.now(UTC))
    tampered = raw("PUT", receiver.url + "/v1/volume", data=json.dumps({"volume": 100}).encode(), headers=headers)
    assert tampered.status_code == 401 and tampered.json()["error"] == "bad-signature"
    first = raw("PUT", receiver.url + "/v1/volume", data=body, headers=headers)
    assert first.status_code == 200
    replayed = raw("PUT", receiver.url + "/v1/volume", data=body, headers=headers)
    assert replayed.status_code == 409 and replayed.json()["error"] == "replay"
    elsewhere = sign_headers(studio_key.private, "GET", "/v1/status", b"", studio_key.next_counter(), "another",
                             datetime.now(UTC))
    assert raw("GET", receiver.url + "/v1/status", headers=elsewhere).json()["error"] == "wrong-receiver"
    assert client.status()["volume"] == 30

    # malformed and deeply nested JSON, huge bodies and headers, bad media names
    with pytest.raises(ReceiverError) as nested:
        client._request("PUT", "/v1/manifest", b"[" * 5000 + b"]" * 5000)
    assert nested.value.status == 400
    with pytest.raises(ReceiverError) as broken:
        client._request("PUT", "/v1/manifest", b"{not json")
    assert broken.value.status == 400
    with pytest.raises(ReceiverError) as big:
        client._request("PUT", "/v1/manifest", b" " * (3 << 20))
    assert big.value.status == 413
    assert raw("GET", receiver.url + "/v1/status", headers={"X-Junk": "x" * 20000}).status_code in (400, 431)
    for name in ("../../etc/passwd", "ABC", "g" * 64, "a" * 63):
        with pytest.raises(ReceiverError) as bad_name:
            client.held(name)
        assert bad_name.value.status in (400, 404)
    assert client.status()["receiver_id"]  # still serving

    # every refusal is in the receiver's security log, and it still plays what the studio signed
    logged = (receiver.folder / "logs" / "security.log").read_text(encoding="utf-8")
    for code in ("wrong-code", "bad-signature", "replay", "unknown-key", "wrong-receiver", "too-large"):
        assert code in logged, code
    path, sha, _ = tone_file(tmp_path / "sau-tan-cong.wav", 0.5)
    client.upload(path, sha)
    client.play_now([sha])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not client.playlog():
        time.sleep(0.05)
    assert [e["outcome"] for e in client.playlog()] == ["played"]


def test_upload_resume_limits_and_hash_check(receiver, studio_key, tmp_path):
    client = paired(receiver, studio_key)
    path, sha, _ = tone_file(tmp_path / "tone.wav", 3.0)
    size = path.stat().st_size
    data = path.read_bytes()
    # a first chunk, then the connection "drops": HEAD tells how much is held, the rest follows
    client._request("PATCH", f"/v1/media/{sha}", data[:100_000], {
        "Content-Type": "application/offset+octet-stream", "Upload-Offset": "0", "Upload-Length": str(size)})
    assert client.held(sha) == (100_000, False)
    with pytest.raises(ReceiverError) as gap:
        client._request("PATCH", f"/v1/media/{sha}", data[200_000:300_000], {
            "Content-Type": "application/offset+octet-stream", "Upload-Offset": "200000"})
    assert gap.value.status == 409
    assert client.upload(path, sha, chunk=150_000) == size - 100_000  # only what was missing
    assert client.held(sha) == (size, True)
    assert client.upload(path, sha) == 0

    # more than declared, more than the quota, and bytes that do not match their name
    other_path, other_sha, _ = tone_file(tmp_path / "other.wav", 1.0, 660.0)
    other = other_path.read_bytes()
    with pytest.raises(ReceiverError) as longer:
        client._request("PATCH", f"/v1/media/{other_sha}", other + b"extra", {
            "Content-Type": "application/offset+octet-stream", "Upload-Offset": "0", "Upload-Length": str(len(other))})
    assert longer.value.status == 413
    with pytest.raises(ReceiverError) as quota:
        client._request("PATCH", f"/v1/media/{'c' * 64}", b"x", {
            "Content-Type": "application/offset+octet-stream", "Upload-Offset": "0", "Upload-Length": str(1 << 30)})
    assert quota.value.status == 413 and quota.value.code == "quota"
    lie = "d" * 64
    with pytest.raises(ReceiverError) as mismatch:
        client._request("PATCH", f"/v1/media/{lie}", other, {
            "Content-Type": "application/offset+octet-stream", "Upload-Offset": "0", "Upload-Length": str(len(other))})
    assert mismatch.value.status == 422 and mismatch.value.code == "hash-mismatch"
    assert client.held(lie) == (0, False)
    assert not (receiver.folder / "media" / lie).exists()


def test_manifests_and_playback_through_the_device(receiver, studio_key, tmp_path):
    client = paired(receiver, studio_key)
    path, sha, samples = tone_file(tmp_path / "ban-tin.wav", 1.5)
    missing = "e" * 64
    start = datetime.now(UTC) + timedelta(seconds=1.5)
    manifest = {"version": 5, "receiver_id": client.receiver_id, "volume": 100,
                "items": [{"id": "sang-1", "start": start.isoformat(), "media": [sha], "duration_s": 1.5,
                           "start_mode": "hard"}]}
    with pytest.raises(ReceiverError) as absent:
        client.put_manifest(manifest)
    assert absent.value.status == 424
    client.upload(path, sha)
    with pytest.raises(ReceiverError) as invalid:
        client.put_manifest({**manifest, "items": [{"id": "x", "start": "hôm nay", "media": [sha]}]})
    assert invalid.value.status == 422
    assert client.put_manifest(manifest) == {"manifest_version": 5}
    with pytest.raises(ReceiverError) as rollback:
        client.put_manifest({**manifest, "version": 4})
    assert rollback.value.code == "stale-manifest"
    with pytest.raises(ReceiverError):
        client.put_manifest({**manifest, "version": 6, "items": [{**manifest["items"][0], "media": [missing]}]})

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not client.playlog():
        time.sleep(0.1)
    (entry,) = client.playlog()
    assert entry["item"] == "sang-1" and entry["outcome"] == "played"
    started = datetime.fromisoformat(entry["started"])
    assert started >= start  # never early; how late on an idle machine: python -m benchmarks.receiver
    assert entry["level_dbfs"] == pytest.approx(20 * np.log10(0.3 / np.sqrt(2)), abs=0.5)
    written = receiver.sound.played()
    lead = int(np.flatnonzero(written)[0])  # the tone's first sample is 0.0: the second is the first non-zero
    np.testing.assert_allclose(written[lead:lead + len(samples) - 1], samples[1:], atol=1e-6)
    assert client.playlog(after=entry["seq"]) == []
    assert client.status()["manifest_version"] == 5


def test_clients_that_connect_and_send_nothing_do_not_block_it(receiver, studio_key):
    client = paired(receiver, studio_key)
    idle = [socket.create_connection(("127.0.0.1", receiver.port)) for _ in range(200)]
    half = [socket.create_connection(("127.0.0.1", receiver.port)) for _ in range(50)]
    for sock in half:
        sock.sendall(b"GET /v1/status HTTP/1.1\r\nHost: x\r\nX-CRS-Key: ")  # and never finish
    try:
        # a server that waited on any of them would not answer within the client's timeout
        assert client.status()["receiver_id"] == client.receiver_id
    finally:
        for sock in idle + half:
            sock.close()

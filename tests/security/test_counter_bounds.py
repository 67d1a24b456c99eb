"""Replays and counters (issue 15, item 7), through real receiver processes: a counter that
jumps too far is refused with its reason instead of locking the studio out for good; a
refused counter says why; the counter floor survives reset-pairing and re-pairing with the
same key, so a request captured before cannot be replayed."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import requests
from crs_protocol import MAX_JUMP, REPLAY_WINDOW, TAG_BITS, sign_headers

from studio.fleet.client import ReceiverClient
from studio.fleet.keys import StudioKey
from tests.support.receiver import Receiver


def send(receiver: Receiver, client: ReceiverClient, method: str, path: str, body: bytes = b"",
         counter: int | None = None, headers: dict[str, str] | None = None) -> tuple[requests.Response, dict]:
    signed = headers or sign_headers(client.key.private, method, path, body,
                                     counter if counter is not None else client.key.next_counter(),
                                     client.receiver_id, datetime.now(UTC))
    answer = requests.request(method, receiver.url + path, data=body, headers=signed, timeout=10,
                              allow_redirects=False)
    return answer, (answer.json() if answer.content else {})


def test_a_counter_jump_is_refused_with_its_reason_and_locks_nobody_out(tmp_path):
    receiver = Receiver(tmp_path / "rx").start()
    try:
        client = ReceiverClient(receiver.url, StudioKey(tmp_path / "keys"))
        client.pair(receiver.code, "UBND xã")
        near_the_end = client.key.next_counter() + MAX_JUMP + (1 << 40)
        answer, body = send(receiver, client, "GET", "/v1/status", counter=near_the_end)
        assert (answer.status_code, body["error"]) == (409, "counter-ahead")
        assert "studio's clock" in body["message"]
        assert client.status()["receiver_id"] == client.receiver_id  # the studio still gets in
        # a refused counter says why: seen, or older than the window
        headers = sign_headers(client.key.private, "GET", "/v1/status", b"", client.key.next_counter(),
                               client.receiver_id, datetime.now(UTC))
        assert send(receiver, client, "GET", "/v1/status", headers=headers)[0].status_code == 200
        answer, body = send(receiver, client, "GET", "/v1/status", headers=headers)
        assert (answer.status_code, body["error"]) == (409, "replay") and "already seen" in body["message"]
        old = client.key.next_counter() - 2 * REPLAY_WINDOW
        answer, body = send(receiver, client, "GET", "/v1/status", counter=old)
        assert (answer.status_code, body["error"]) == (409, "replay") and "older than the replay window" in \
            body["message"]
    finally:
        receiver.kill()


def test_a_pairing_counter_far_after_its_own_time_is_refused(tmp_path):
    receiver = Receiver(tmp_path / "rx").start()
    try:
        client = ReceiverClient(receiver.url, StudioKey(tmp_path / "keys"))
        client.identify()
        body = json.dumps({"code": receiver.code, "studio": "UBND xã"}).encode()
        ahead = ((int(datetime.now(UTC).timestamp() * 1e6) + 30 * 86400 * 10**6) << TAG_BITS) | 7
        answer, refusal = send(receiver, client, "POST", "/v1/pair", body, counter=ahead)
        assert (answer.status_code, refusal["error"]) == (409, "counter-ahead")
        client.pair(receiver.code, "UBND xã")  # the code still works for a sound request
        assert client.status()["receiver_id"] == client.receiver_id
    finally:
        receiver.kill()


def test_a_request_captured_before_re_pairing_the_same_studio_is_not_replayed(tmp_path):
    receiver = Receiver(tmp_path / "rx").start()
    try:
        client = ReceiverClient(receiver.url, StudioKey(tmp_path / "keys"))
        client.pair(receiver.code, "UBND xã")
        body = json.dumps({"volume": 55}).encode()
        captured = sign_headers(client.key.private, "PUT", "/v1/volume", body, client.key.next_counter(),
                                client.receiver_id, datetime.now(UTC))
        assert send(receiver, client, "PUT", "/v1/volume", body, headers=captured)[0].status_code == 200
        receiver.terminate()
        subprocess.run([sys.executable, "-m", "crs_receiver", "reset-pairing", "--data-dir", str(receiver.folder)],
                       check=True, capture_output=True, timeout=60)
        receiver.start()
        client.pair(receiver.code, "UBND xã")  # the same studio, the same key
        client.set_volume(20)
        answer, refusal = send(receiver, client, "PUT", "/v1/volume", body, headers=captured)
        assert (answer.status_code, refusal["error"]) == (409, "replay")
        assert client.status()["volume"] == 20
    finally:
        receiver.kill()


def test_a_damaged_counter_file_refuses_what_was_captured_before(tmp_path):
    """Every copy of replay.json cut: "refuse until a fresh high counter", never "accept
    anything". The studio here paired and sent a request with counters an hour old (its
    clock was behind), which a listener captured."""
    receiver = Receiver(tmp_path / "rx").start()
    try:
        client = ReceiverClient(receiver.url, StudioKey(tmp_path / "keys"))
        client.identify()
        hour_ago = datetime.now(UTC) - timedelta(hours=1)
        base = int(hour_ago.timestamp() * 1e6) << TAG_BITS
        body = json.dumps({"code": receiver.code, "studio": "UBND xã"}).encode()
        pairing = sign_headers(client.key.private, "POST", "/v1/pair", body, base, client.receiver_id, hour_ago)
        assert requests.post(receiver.url + "/v1/pair", data=body, headers=pairing, timeout=10).status_code == 200
        volume = json.dumps({"volume": 60}).encode()
        captured = sign_headers(client.key.private, "PUT", "/v1/volume", volume, base + (1 << 20),
                                client.receiver_id, hour_ago)
        assert send(receiver, client, "PUT", "/v1/volume", volume, headers=captured)[0].status_code == 200
        receiver.terminate()
        for name in ("replay.json", "replay.json.bak"):
            (receiver.folder / name).write_text('{"' + client.key.public_text + '": {"high": 1')
        receiver.start()
        answer, refusal = send(receiver, client, "PUT", "/v1/volume", volume, headers=captured)
        assert (answer.status_code, refusal["error"]) == (409, "replay")
        assert client.set_volume(25)["volume"] == 25  # the studio's fresh counters pass
    finally:
        receiver.kill()

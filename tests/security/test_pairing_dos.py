"""Without any key: pairing. Before, five wrong guesses each time the 60 s lockout ended kept
the receiver unpairable for everyone (the lockout, and the new code each one brought, were
global), and the code was written to the receiver's log file. Now each source has its own
guesses and lockout, wrong guesses never replace the code, and the code is only printed on
the console."""

from __future__ import annotations

import json

import requests

from studio.fleet.client import ReceiverClient
from studio.fleet.keys import StudioKey
from tests.security.hostile import request, signed
from tests.support.receiver import Receiver


def guess(port: int, key: StudioKey, receiver_id: str, code: str, source: str) -> tuple[int, dict]:
    body = json.dumps({"code": code, "studio": "kẻ lạ"}).encode()
    return request(port, "POST", "/v1/pair", signed(key, "POST", "/v1/pair", body, receiver_id,
                                                    {"Content-Type": "application/json"}), body, source=source)


def test_wrong_guesses_from_elsewhere_do_not_stop_the_studio_pairing(tmp_path):
    receiver = Receiver(tmp_path / "rx").start()
    try:
        receiver_id = requests.get(f"{receiver.url}/v1/pair", timeout=5).json()["receiver_id"]
        attacker = StudioKey(tmp_path / "attacker")
        wrong = "12345678" if receiver.code != "12345678" else "87654321"
        for source in ("127.0.0.2", "127.0.0.3"):  # two sources, each until it is locked
            answers = [guess(receiver.port, attacker, receiver_id, wrong, source)[1]["error"] for _ in range(7)]
            assert answers == ["wrong-code"] * 5 + ["pairing-locked"] * 2, answers
        status, body = guess(receiver.port, attacker, receiver_id, receiver.code, "127.0.0.2")
        assert (status, body["error"]) == (429, "pairing-locked")  # even the right code, from a locked source
        assert body["retry_after_s"] > 0
        # the person at the device reads the code printed at start, and the studio pairs with it
        studio = ReceiverClient(receiver.url, StudioKey(tmp_path / "studio"))
        assert studio.pair(receiver.code, "UBND xã")["paired"] is True
        assert studio.status()["receiver_id"] == receiver_id
    finally:
        receiver.kill()


def test_the_pairing_code_is_never_written_to_a_file(tmp_path):
    receiver = Receiver(tmp_path / "rx").start()
    try:
        assert len(receiver.code) == 8  # printed on the console
        requests.get(f"{receiver.url}/v1/status", timeout=5)
        logs = list((tmp_path / "rx").rglob("*.log*"))
        assert logs
        for path in (tmp_path / "rx").rglob("*"):
            if path.is_file():
                assert receiver.code.encode() not in path.read_bytes(), path
    finally:
        receiver.kill()

"""Without any key: memory. Before, bodies up to 16 MiB were buffered before the signature was
checked and never timed out (48 connections held 832 MB), and `Content-Encoding: deflate`
bodies were inflated first. Now what can be checked before a body is read is checked first,
compressed bodies are refused, slow bodies time out, and at most two large bodies are
buffered at once."""

from __future__ import annotations

import time
import zlib

from tests.security.hostile import (
    connect,
    head,
    paired,
    request,
    response,
    rss_mb,
    signed,
    wait_for,
)

SHA = "ab" * 32
PATCH = f"/v1/media/{SHA}"
BIG = 16 << 20


def test_a_request_that_cannot_be_the_studio_is_answered_before_its_body(tmp_path):
    receiver, client = paired(tmp_path)
    try:
        stale = signed(client.key, "PATCH", PATCH, b"", client.receiver_id)
        assert request(receiver.port, "PATCH", PATCH, stale, b"", source="127.0.0.1")[0] != 409  # now seen
        cases = {
            "unsigned": {},
            "wrong-receiver": {**signed(client.key, "PATCH", PATCH, b"", "someone-else")},
            "unknown-key": {**signed(type(client.key)(tmp_path / "stranger"), "PATCH", PATCH, b"", client.receiver_id)},
            "replay": stale,
        }
        for code, headers in cases.items():
            with connect(receiver.port) as sock:
                # 16 MiB declared, not one byte of it sent: the answer comes anyway, at once
                sock.sendall(head("PATCH", PATCH, {**headers, "Content-Length": str(BIG),
                                                   "Content-Type": "application/offset+octet-stream",
                                                   "Upload-Offset": "0", "Upload-Length": str(BIG)}))
                status, body = response(sock, "PATCH")
            assert body.get("error") == code, (code, status, body)
        assert client.status()["receiver_id"] == client.receiver_id
    finally:
        receiver.kill()


def test_compressed_bodies_are_refused_not_inflated(tmp_path):
    receiver, client = paired(tmp_path)
    try:
        bomb = zlib.compress(b"\0" * (256 << 20), 9)  # 256 MB once inflated, 250 kB on the wire
        headers = signed(client.key, "POST", "/v1/commands/play-now", bomb, client.receiver_id)
        status, body = request(receiver.port, "POST", "/v1/commands/play-now",
                               {**headers, "Content-Encoding": "deflate"}, bomb, source="127.0.0.1")
        assert (status, body.get("error")) == (415, "content-encoding")
        small = zlib.compress(b'{"media": []}')
        headers = signed(client.key, "POST", "/v1/commands/stop", small, client.receiver_id)
        status, body = request(receiver.port, "POST", "/v1/commands/stop", {**headers, "Content-Encoding": "gzip"},
                               small, source="127.0.0.1")
        assert (status, body.get("error")) == (415, "content-encoding")
        assert rss_mb(receiver.process.pid) < 150
    finally:
        receiver.kill()


def test_many_large_bodies_hold_bounded_memory_and_slow_ones_time_out(tmp_path):
    receiver, client = paired(tmp_path, env={"CRS_RECEIVER_TIMEOUTS": "stall=3,slot=3"})
    try:
        before = rss_mb(receiver.process.pid)
        held = []
        for n in range(40):  # each looks like the studio's (its public key, a fresh counter) until checked
            sock = connect(receiver.port, source=f"127.0.0.{2 + n % 2}")
            headers = signed(client.key, "PATCH", PATCH, b"not these bytes", client.receiver_id)
            sock.sendall(head("PATCH", PATCH, {**headers, "Content-Length": str(BIG),
                                               "Content-Type": "application/offset+octet-stream",
                                               "Upload-Offset": "0", "Upload-Length": str(BIG)}))
            sock.setblocking(False)
            sent, chunk = 0, b"\x55" * (1 << 20)
            try:
                while sent < 4 << 20:  # 4 MiB of each body, as fast as the receiver takes it
                    sent += sock.send(chunk)
            except BlockingIOError:
                pass
            held.append(sock)
        time.sleep(1.0)
        grown = rss_mb(receiver.process.pid) - before
        assert grown < 60, f"{grown:.0f} MB more for 40 unauthenticated bodies"
        # the two read ones stall and time out (408), the others waited for a slot (503)
        answers = []
        for sock in held:
            sock.settimeout(15)
            try:
                answers.append(response(sock, "PATCH")[1].get("error"))
            except (TimeoutError, OSError):
                answers.append("closed")
            sock.close()
        assert answers.count("timeout") >= 1 and answers.count("busy") >= 30, answers
        assert wait_for(lambda: client.status()["receiver_id"] == client.receiver_id, 10)
    finally:
        receiver.kill()

"""The studio against a receiver that lies (issue 15, item 14): a loopback HTTP server that
answers what the protocol does not allow. Each lie is a `ReceiverError("bad-answer")` or
`ReceiverUnreachable` within the timeouts, never a hang, a crash of the caller or gigabytes
held: what a caller already records for a refusal, it records for a lie."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from studio.errors import ReceiverError, ReceiverUnreachable
from studio.fleet.client import MAX_ANSWER_BYTES, ReceiverClient
from studio.fleet.keys import StudioKey


class Liar(BaseHTTPRequestHandler):
    """Answers every request with the lie named in the server's `lie` attribute."""

    protocol_version = "HTTP/1.1"
    sent = 0  # body bytes written for the last lie, to check the studio stopped reading

    def log_message(self, *_args) -> None:
        pass

    def _answer(self, status: int, body: bytes, headers: dict | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _any(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        lie = self.server.lie
        if lie == "status-list":
            self._answer(200, b"[]")
        elif lie == "version-text":
            self._answer(200, json.dumps({"receiver_id": "rx", "manifest_version": "abc"}).encode())
        elif lie == "offset-text":
            self._answer(200, b"", {"Upload-Offset": "lots"})
        elif lie == "offset-stuck":
            self._answer(204, b"", {"Upload-Offset": "0", "X-CRS-Complete": "0"})
        elif lie == "redirect":
            self._answer(307, b"", {"Location": "http://127.0.0.1:9/v1/status"})
        elif lie == "huge":  # a gigabyte without a length: stop when the studio hangs up
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            block = b"7" * (64 << 10)
            try:
                for _ in range(1 << 14):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(block), block))
                    type(self).sent += len(block)
            except OSError:
                pass
        elif lie == "drip":  # headers at once, then a byte every 0.4 s, under the read timeout each
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            try:
                for _ in range(1000):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.4)
            except OSError:
                pass

    do_GET = do_PUT = do_POST = do_PATCH = do_HEAD = _any


@pytest.fixture
def liar():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Liar)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def client_for(server, tmp_path, timeout=(2.0, 2.0)) -> ReceiverClient:
    return ReceiverClient(f"http://127.0.0.1:{server.server_address[1]}", StudioKey(tmp_path / "keys"), "rx",
                          timeout=timeout)


@pytest.mark.parametrize("lie, call", [
    ("status-list", lambda c, f: c.status()),
    ("version-text", lambda c, f: c.status()),
    ("offset-text", lambda c, f: c.held("ab" * 32)),
    ("redirect", lambda c, f: c.status()),
    ("status-list", lambda c, f: c.playlog()),
])
def test_a_malformed_answer_is_a_bad_answer(liar, tmp_path, lie, call):
    liar.lie = lie
    with pytest.raises(ReceiverError) as raised:
        call(client_for(liar, tmp_path), tmp_path)
    assert raised.value.code == "bad-answer"


def test_a_receiver_that_never_takes_the_bytes_does_not_loop(liar, tmp_path):
    liar.lie = "offset-stuck"
    media = tmp_path / "m.opus"
    media.write_bytes(b"x" * 300_000)
    started = time.monotonic()
    with pytest.raises(ReceiverError) as raised:
        client_for(liar, tmp_path).upload(media, chunk=100_000)
    assert raised.value.code == "bad-answer" and "PATCH at 0" in raised.value.message
    assert time.monotonic() - started < 5  # one PATCH, not thousands


def test_a_huge_answer_is_cut_at_the_bound(liar, tmp_path):
    liar.lie = "huge"
    Liar.sent = 0
    with pytest.raises(ReceiverError) as raised:
        client_for(liar, tmp_path).status()
    assert raised.value.code == "bad-answer"
    time.sleep(0.5)
    assert Liar.sent < 64 * MAX_ANSWER_BYTES  # the studio hung up: not a gigabyte read


def test_a_dripping_answer_meets_the_overall_deadline(liar, tmp_path):
    liar.lie = "drip"
    started = time.monotonic()
    with pytest.raises(ReceiverUnreachable):
        client_for(liar, tmp_path, timeout=(2.0, 2.0)).status()
    assert time.monotonic() - started < 6  # each byte came within the read timeout; the whole did not

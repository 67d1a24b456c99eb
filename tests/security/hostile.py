"""Hostile clients for the security tests: raw HTTP/1.1 over sockets bound to other loopback
addresses (127.0.0.2, 127.0.0.3, ...), so that the receiver sees them as distinct sources
while the studio talks from 127.0.0.1. Linux routes all of 127/8 to the loopback."""

from __future__ import annotations

import http.client
import json
import socket
import time
from datetime import UTC, datetime
from pathlib import Path

from crs_protocol import sign_headers

from studio.fleet.keys import StudioKey


def connect(port: int, source: str = "127.0.0.2", timeout: float = 5.0) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    sock.bind((source, 0))
    sock.connect(("127.0.0.1", port))
    return sock


def head(method: str, path: str, headers: dict[str, str] | None = None) -> bytes:
    """A request's head (request line and headers), ready to send."""
    lines = [f"{method} {path} HTTP/1.1", "Host: receiver"] + [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def response(sock: socket.socket, method: str = "GET") -> tuple[int, dict]:
    """Read one response from `sock`: (status, JSON body or {})."""
    answer = http.client.HTTPResponse(sock, method=method)
    answer.begin()
    body = answer.read()
    try:
        return answer.status, json.loads(body) if body else {}
    except ValueError:
        return answer.status, {}


def request(port: int, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b"",
            source: str = "127.0.0.2", timeout: float = 5.0) -> tuple[int, dict]:
    with connect(port, source, timeout) as sock:
        sent = dict(headers or {})
        if body or method in ("POST", "PUT", "PATCH"):
            sent.setdefault("Content-Length", str(len(body)))
        sock.sendall(head(method, path, sent) + body)
        return response(sock, method)


def signed(key: StudioKey, method: str, path: str, body: bytes, receiver_id: str,
           headers: dict[str, str] | None = None) -> dict[str, str]:
    """The signing headers, with `headers` (sent with them) signed too (version 2)."""
    return {**(headers or {}), **sign_headers(key.private, method, path, body, key.next_counter(), receiver_id,
                                              datetime.now(UTC), headers)}


def closed_within(sock: socket.socket, seconds: float) -> bool:
    """True when the receiver closes `sock` (EOF or reset) within `seconds`."""
    sock.settimeout(0.2)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if sock.recv(65536) == b"":
                return True
        except TimeoutError:
            continue
        except OSError:
            return True
    return False


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wait_for(predicate, timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def paired(folder: Path, env: dict[str, str] | None = None, command: list[str] | None = None):
    """A started receiver (tests/support/receiver.py) paired with a new studio key:
    (receiver, its ReceiverClient). The caller kills the receiver."""
    from studio.fleet.client import ReceiverClient
    from tests.support.receiver import Receiver

    receiver = Receiver(folder / "rx", env=env, command=command).start()
    client = ReceiverClient(receiver.url, StudioKey(folder / "keys"))
    client.pair(receiver.code, "UBND xã")
    return receiver, client

"""`python -m benchmarks.receiver_flood`: the reference receiver against hostile clients.

1. RSS with 200 connections holding unauthenticated bodies: each from one of seven loopback
   sources (127.0.0.2-8), a PATCH declaring 16 MiB with the studio's public key and a fresh
   counter (so it passes every check made before a body is read) but no valid signature,
   sending as much of its body as the receiver takes. Target <= 100 MB.
2. Status p99 while 16 MiB chunks are written: the studio uploads a 128 MiB file in 16 MiB
   PATCHes while another thread asks for `/v1/status` every 10 ms on a keep-alive connection,
   with requests signed beforehand (the studio's own fsync of each counter is not the
   receiver's cost). Target <= 100 ms. The same, idle, for comparison.

The receiver runs as `python -m crs_receiver serve` with a null ALSA device (nothing plays).
"""

from __future__ import annotations

import hashlib
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

BIG = 16 << 20
CONNECTIONS = 200


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def hold_bodies(port: int, key, receiver_id: str) -> list[socket.socket]:
    from crs_protocol import sign_headers

    sha = "cd" * 32
    held = []
    for n in range(CONNECTIONS):
        sock = socket.socket()
        sock.bind((f"127.0.0.{2 + n % 7}", 0))
        sock.connect(("127.0.0.1", port))
        headers = sign_headers(key.private, "PATCH", f"/v1/media/{sha}", b"forged", key.next_counter(), receiver_id,
                               datetime.now(UTC))
        lines = [f"PATCH /v1/media/{sha} HTTP/1.1", "Host: rx", f"Content-Length: {BIG}",
                 "Content-Type: application/offset+octet-stream", "Upload-Offset: 0", f"Upload-Length: {BIG}",
                 *(f"{k}: {v}" for k, v in headers.items())]
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        sock.setblocking(False)
        chunk, sent = b"\x5a" * (1 << 20), 0
        try:
            while sent < BIG:
                sent += sock.send(chunk)
        except BlockingIOError:
            pass
        held.append(sock)
    return held


def presigned_status(folder: Path, receiver_id: str, count: int) -> list[dict[str, str]]:
    """`count` signed status requests made now: the studio's own cost (it saves each counter
    with an fsync) is kept out of what is measured of the receiver."""
    from crs_protocol import make_counter, sign_headers

    from studio.fleet.keys import StudioKey

    key = StudioKey(folder)  # the same key, another signer tag: no counter collides with the uploader's
    last, made = 0, []
    for _ in range(count):
        counter, last = make_counter(last, time.time_ns() // 1000, key._tag)
        made.append(sign_headers(key.private, "GET", "/v1/status", b"", counter, receiver_id, datetime.now(UTC)))
    return made


def timed_status(port: int, signed: list[dict[str, str]], until: threading.Event | None = None) -> list[float]:
    """Status requests on one keep-alive connection, one every 10 ms, until `until` is set (or
    all were sent); the time each took, in seconds."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies = []
    for headers in signed:
        if until is not None and until.is_set():
            break
        started = time.perf_counter()
        connection.request("GET", "/v1/status", headers=headers)
        answer = connection.getresponse()
        answer.read()
        latencies.append(time.perf_counter() - started)
        assert answer.status == 200, answer.status
        time.sleep(0.01)
    connection.close()
    return latencies


def status_during_uploads(client, port: int, work: Path) -> tuple[list[float], list[float], int]:
    """(status latencies idle, while 16 MiB chunks are written, MiB uploaded)."""
    big = work / "big.bin"
    big.write_bytes(os.urandom(8 * BIG))
    sha = hashlib.sha256(big.read_bytes()).hexdigest()
    signed = presigned_status(work / "keys", client.receiver_id, 3000)
    idle = timed_status(port, signed[:110])[10:]  # after ten to warm up
    done = threading.Event()

    def upload() -> None:
        try:
            client.upload(big, sha, chunk=BIG)
        finally:
            done.set()

    worker = threading.Thread(target=upload)
    worker.start()
    during = timed_status(port, signed[110:], done)
    worker.join()
    return idle, during, client.held(sha)[0]


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def main() -> int:
    from crs_receiver import wait_until_listening

    from studio.fleet.client import ReceiverClient
    from studio.fleet.keys import StudioKey

    with tempfile.TemporaryDirectory(prefix="crs-bench-flood-") as folder:
        work = Path(folder)
        home = work / "home"
        home.mkdir()
        (home / ".asoundrc").write_text('pcm.!default { type null }\n')
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        process = subprocess.Popen([sys.executable, "-m", "crs_receiver", "serve", "--data-dir", str(work / "rx"),
                                    "--host", "127.0.0.1", "--port", str(port)], env=dict(os.environ, HOME=str(home)),
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            code = wait_until_listening(process)
            client = ReceiverClient(f"http://127.0.0.1:{port}", StudioKey(work / "keys"))
            client.pair(code, "benchmark")
            client.status()
            idle = rss_mb(process.pid)
            held = hold_bodies(port, client.key, client.receiver_id)
            time.sleep(2.0)
            flooded, peak = rss_mb(process.pid), rss_mb(process.pid, "VmHWM")
            alive = client.status()["receiver_id"] == client.receiver_id
            for sock in held:
                sock.close()
            time.sleep(1.0)
            idle_latencies, latencies, held_bytes = status_during_uploads(client, port, work)
        finally:
            process.terminate()
            process.wait(10)
    print(f"Receiver against hostile clients ({datetime.now(UTC):%Y-%m-%d})")
    print(f"  RSS idle:                              {idle:6.1f} MB")
    print(f"  RSS, {CONNECTIONS} connections holding bodies:   {flooded:6.1f} MB now, {peak:6.1f} MB peak"
          f"  (target <= 100 MB); the studio {'still' if alive else 'NOT'} answered")
    print(f"  status, idle:                           p50 {statistics.median(idle_latencies) * 1000:5.1f} ms,"
          f" p99 {p99(idle_latencies) * 1000:5.1f} ms of {len(idle_latencies)}")
    print(f"  status while 16 MiB chunks are written: p50 {statistics.median(latencies) * 1000:5.1f} ms,"
          f" p99 {p99(latencies) * 1000:5.1f} ms, worst {max(latencies) * 1000:5.1f} ms of {len(latencies)}"
          f"  (target p99 <= 100 ms); {held_bytes >> 20} MiB uploaded")
    return 0


if __name__ == "__main__":
    sys.exit(main())

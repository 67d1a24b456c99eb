"""`python -m benchmarks.receiver_hash [--gib N]`: the receiver's answers while the final
SHA-256 of a large upload runs (issue 15, item 12).

The receiver is given an upload of N GiB (default 1) whose bytes are all there but the last
MiB (written straight into its `partial/` folder, as a long upload would have left them);
the studio then sends that last MiB, and the receiver hashes the whole file before making
it playable. Meanwhile another connection asks for `/v1/status` and a third posts
`/v1/playlog/ack` (which writes state under the store's lock) every 10 ms, with requests
signed beforehand. Targets: status p99 <= 100 ms; a write under the lock is not held up for
the length of the hash (it was: the hash ran under that lock, ~0.7 s per GiB).

The receiver runs as `python -m crs_receiver serve` with a null ALSA device (nothing plays).
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
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

from benchmarks.receiver_flood import p99, presigned_status

MIB = 1 << 20


def presigned_acks(folder: Path, receiver_id: str, count: int) -> list[tuple[bytes, dict[str, str]]]:
    from crs_protocol import make_counter, sign_headers

    from studio.fleet.keys import StudioKey

    key = StudioKey(folder)
    last, made = 0, []
    for n in range(count):
        body = json.dumps({"seq": n}).encode()
        counter, last = make_counter(last, time.time_ns() // 1000, key._tag)
        made.append((body, {**sign_headers(key.private, "POST", "/v1/playlog/ack", body, counter, receiver_id,
                                           datetime.now(UTC)), "Content-Length": str(len(body))}))
    return made


def timed(port: int, method: str, path: str, requests: list[tuple[bytes, dict[str, str]]],
          until: threading.Event) -> list[float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    latencies = []
    for body, headers in requests:
        if until.is_set():
            break
        started = time.perf_counter()
        connection.request(method, path, body=body or None, headers=headers)
        answer = connection.getresponse()
        answer.read()
        latencies.append(time.perf_counter() - started)
        assert answer.status == 200, (path, answer.status)
        time.sleep(0.01)
    connection.close()
    return latencies


def big_partial(folder: Path, size: int) -> tuple[str, bytes]:
    """Write all but the last MiB of `size` random bytes as an upload in progress; returns
    (sha256 of the whole, the last MiB)."""
    digest = hashlib.sha256()
    partial = folder / "partial"
    with open(partial / "pending.part", "wb") as handle:
        left = size - MIB
        while left:
            block = os.urandom(min(64 * MIB, left))
            digest.update(block)
            handle.write(block)
            left -= len(block)
        handle.flush()
        os.fsync(handle.fileno())  # as a real upload leaves it: each chunk was fsynced
    tail = os.urandom(MIB)
    digest.update(tail)
    sha = digest.hexdigest()
    (partial / "pending.part").rename(partial / f"{sha}.part")
    (partial / f"{sha}.len").write_text(str(size))
    return sha, tail


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.receiver_hash")
    parser.add_argument("--gib", type=float, default=1.0)
    args = parser.parse_args(argv)
    size = int(args.gib * 1024) * MIB

    from crs_receiver import wait_until_listening

    from studio.fleet.client import ReceiverClient
    from studio.fleet.keys import StudioKey

    with tempfile.TemporaryDirectory(prefix="crs-bench-hash-") as folder:
        work = Path(folder)
        home = work / "home"
        home.mkdir()
        (home / ".asoundrc").write_text('pcm.!default { type null }\n')
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        process = subprocess.Popen([sys.executable, "-m", "crs_receiver", "serve", "--data-dir", str(work / "rx"),
                                    "--host", "127.0.0.1", "--port", str(port), "--quota-mb", str(2 * size // MIB)],
                                   env=dict(os.environ, HOME=str(home)), stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, text=True)
        try:
            code = wait_until_listening(process)
            client = ReceiverClient(f"http://127.0.0.1:{port}", StudioKey(work / "keys"))
            client.pair(code, "benchmark")
            sha, tail = big_partial(work / "rx", size)
            time.sleep(2.0)  # let the disk settle after writing the file
            statuses = [(b"", h) for h in presigned_status(work / "keys", client.receiver_id, 4000)]
            acks = presigned_acks(work / "keys", client.receiver_id, 4000)
            done = threading.Event()
            results: dict[str, list[float]] = {}
            watchers = [threading.Thread(target=lambda: results.__setitem__(
                            "status", timed(port, "GET", "/v1/status", statuses, done))),
                        threading.Thread(target=lambda: results.__setitem__(
                            "ack", timed(port, "POST", "/v1/playlog/ack", acks, done)))]
            for watcher in watchers:
                watcher.start()
            started = time.perf_counter()
            response, _ = client._request("PATCH", f"/v1/media/{sha}", tail, {
                "Content-Type": "application/offset+octet-stream", "Tus-Resumable": "1.0.0",
                "Upload-Offset": str(size - MIB), "Upload-Length": str(size)})
            hashed_s = time.perf_counter() - started
            done.set()
            for watcher in watchers:
                watcher.join()
            complete = response.headers.get("X-CRS-Complete") == "1"
        finally:
            process.terminate()
            process.wait(10)
    print(f"Receiver while a {size / (1 << 30):g} GiB upload is verified ({datetime.now(UTC):%Y-%m-%d})")
    print(f"  last PATCH (append 1 MiB + SHA-256 of the whole): {hashed_s:5.2f} s, complete: {complete}")
    for name, what in (("status", "GET /v1/status"), ("ack", "POST /v1/playlog/ack (a write under the lock)")):
        values = results[name]
        print(f"  {what}: p50 {statistics.median(values) * 1000:5.1f} ms, p99 {p99(values) * 1000:5.1f} ms,"
              f" worst {max(values) * 1000:6.1f} ms of {len(values)}  (target p99 <= 100 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

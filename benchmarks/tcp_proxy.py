"""A loopback TCP proxy that counts the bytes each way and, when asked, makes the line bad:
latency per burst, a bandwidth limit (both ways), connections cut after a random number of
bytes from the server (the download side of an MQTT receiver), a byte flipped now and then;
with `faults_upstream`, cuts and flips hit what the client sends instead (an HTTP push).

`benchmarks.broker` puts one between the studio and the broker to count the uplink on the
wire; the MQTT fault tests put one between a receiver and the broker, the delivery fault
test between the studio and a receiver. Faults can be changed
while it runs (plain attributes). Threads: one per direction per connection (daemons).
"""

from __future__ import annotations

import random
import socket
import threading
import time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TcpProxy:
    def __init__(self, target_port: int, target_host: str = "127.0.0.1", latency: float = 0.0,
                 rate: float | None = None, cut: float = 0.0, cut_after=(50_000, 400_000), flip: float = 0.0,
                 seed: int = 1, faults_upstream: bool = False, flip_past: int = 2000) -> None:
        self.target = (target_host, target_port)
        self.latency, self.rate, self.cut, self.cut_after, self.flip = latency, rate, cut, cut_after, flip
        self.faults_upstream, self.flip_past = faults_upstream, flip_past  # flips only past the headers
        self.rng = random.Random(seed)
        self.port = free_port()
        self.up = self.down = 0  # bytes client -> server, server -> client
        self.cuts = self.flips = self.connections = 0
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self.server = socket.create_server(("127.0.0.1", self.port))
        self.running = True
        threading.Thread(target=self._accept, daemon=True, name="tcp-proxy").start()

    def _accept(self) -> None:
        while self.running:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self.connections += 1
                self._open += [client, upstream]
            limit = self.rng.randint(*self.cut_after) if self.rng.random() < self.cut else None
            up, down = (limit, None) if self.faults_upstream else (None, limit)
            threading.Thread(target=self._pipe, args=(client, upstream, True, up), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, False, down), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, upstream: bool, limit: int | None) -> None:
        passed, last = 0, 0.0
        try:
            while True:
                data = source.recv(16384)
                if not data:
                    break
                if self.latency and time.monotonic() - last > 0.1:  # a new burst: one trip's delay
                    time.sleep(self.latency)
                last = time.monotonic()
                faulted = upstream == self.faults_upstream
                if faulted and self.flip and len(data) > 2 * self.flip_past and self.rng.random() < self.flip:
                    index = self.rng.randrange(self.flip_past, len(data))
                    data = data[:index] + bytes([data[index] ^ 0x40]) + data[index + 1:]
                    self.flips += 1
                if limit is not None and passed + len(data) > limit:
                    self.cuts += 1
                    break
                sink.sendall(data)
                passed += len(data)
                with self._lock:
                    if upstream:
                        self.up += len(data)
                    else:
                        self.down += len(data)
                if self.rate:
                    time.sleep(len(data) / self.rate)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.close()
                except OSError:
                    pass

    def cut_all(self) -> None:
        """Cut every open connection now (the 4G link drops)."""
        with self._lock:
            socks, self._open = self._open, []
        for sock in socks:
            try:
                sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            except OSError:
                pass

    def close(self) -> None:
        self.running = False
        self.server.close()
        self.cut_all()

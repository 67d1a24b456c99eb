"""Loopback servers that follow the published contracts of the domestic speech platforms
(FPT.AI v5, Viettel AI, Zalo AI; see studio/tts/providers/*.py for the documentation each
follows), since the real services cannot be reached from the test machines.

Each server checks the provider's auth header, answers its documented success body (FPT.AI
and Zalo: a JSON with an audio URL that answers 404 until `ready_delay` has passed;
Viettel: the audio itself), and can be told to fail as the real ones do: `rate_limit_next`
429s with Retry-After, `fail_next` 500s, `quota` (credit used up; `quota_after` N requests),
`stall` (answer after
that many seconds). The audio is a real MP3 made by ffmpeg's libmp3lame, its length
proportional to the text, so decoding and lengths can be checked. Runs its own threads.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from tests.support.tools import require_tool

SECONDS_PER_CHAR = 0.04
MP3_RATE = 22050
_MP3_CACHE: dict[float, bytes] = {}
_MP3_LOCK = threading.Lock()


def mp3_of(seconds: float) -> bytes:
    """A real MP3 (a 440 Hz tone, mono, 22.05 kHz) of about `seconds`, made by ffmpeg."""
    seconds = round(max(0.2, seconds), 1)
    with _MP3_LOCK:
        if seconds not in _MP3_CACHE:
            ffmpeg = require_tool("ffmpeg")
            _MP3_CACHE[seconds] = subprocess.run(
                [ffmpeg, "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
                 f"sine=frequency=440:sample_rate={MP3_RATE}:duration={seconds}", "-ac", "1",
                 "-codec:a", "libmp3lame", "-b:a", "64k", "-f", "mp3", "-"],
                capture_output=True, check=True).stdout
        return _MP3_CACHE[seconds]


@dataclass
class Request:
    method: str
    path: str
    headers: dict
    body: bytes


@dataclass
class ProviderServer:
    kind: str  # "fpt" | "viettel" | "zalo"
    key: str = "good-key"
    port: int = 0
    ready_delay: float = 0.5
    rate_limit_next: int = 0
    fail_next: int = 0
    quota: bool = False
    quota_after: int = -1  # >= 0: the quota runs out after that many successful requests
    stall: float = 0.0
    requests: list[Request] = field(default_factory=list)
    _ready: dict[str, tuple[float, bytes]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def synth_requests(self) -> list[Request]:
        return [r for r in self.requests if r.method == "POST"]

    def start(self) -> ProviderServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server API)
                server._handle(self, "GET")

            def do_POST(self) -> None:  # noqa: N802
                server._handle(self, "POST")

        self._httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> ProviderServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- the contracts

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        path = urlparse(handler.path).path
        with self._lock:
            self.requests.append(Request(method, path, {k.lower(): v for k, v in handler.headers.items()}, body))
        if self.stall:
            time.sleep(self.stall)
        if method == "GET" and path.startswith("/audio/"):
            return self._audio(handler, path)
        with self._lock:
            if self.rate_limit_next > 0:
                self.rate_limit_next -= 1
                return _send(handler, 429, {"message": "API rate limit exceeded"}, {"Retry-After": "0.2"})
            if self.fail_next > 0:
                self.fail_next -= 1
                return _send(handler, 500, {"message": "An unexpected error occurred"})
            if self.quota_after == 0:
                self.quota = True
            elif self.quota_after > 0:
                self.quota_after -= 1
        getattr(self, f"_{self.kind}")(handler, path, body)

    def _audio(self, handler, path: str) -> None:
        ready_at, audio = self._ready.get(path, (0.0, b""))
        if not audio:
            return _send(handler, 404, b"no such file")
        if time.monotonic() < ready_at:
            return _send(handler, 404, b"<Error><Code>NoSuchKey</Code></Error>", {"Content-Type": "application/xml"})
        _send(handler, 200, audio, {"Content-Type": "audio/mpeg"})

    def _publish(self, text: str) -> str:
        path = f"/audio/{uuid.uuid4().hex}.mp3"
        self._ready[path] = (time.monotonic() + self.ready_delay, mp3_of(len(text) * SECONDS_PER_CHAR))
        return self.url + path

    def _fpt(self, handler, path: str, body: bytes) -> None:
        if path != "/hmi/tts/v5":
            return _send(handler, 404, {"message": "no Route matched with those values"})
        if self.key not in (handler.headers.get("api-key"), handler.headers.get("api_key")):
            return _send(handler, 401, {"message": "Invalid authentication credentials"})
        text = body.decode("utf-8")
        if self.quota:
            return _send(handler, 200, {"error": 1, "message": "Quota exceeded: out of characters"})
        if not 3 <= len(text) <= 5000:
            return _send(handler, 200, {"error": 1, "message": "Text must be 3 to 5000 characters"})
        if not -3 <= int(handler.headers.get("speed", "0")) <= 3:
            return _send(handler, 200, {"error": 1, "message": "speed out of range"})
        _send(handler, 200, {"async": self._publish(text), "error": 0, "request_id": uuid.uuid4().hex,
                             "message": "The content will be returned after a few seconds under the async link."})

    def _viettel(self, handler, path: str, body: bytes) -> None:
        if path != "/voice/api/tts/v1/rest/syn":
            return _send(handler, 404, {"code": 404, "message": "not found"})
        if handler.headers.get("token") != self.key:
            return _send(handler, 401, {"code": 401, "message": "token invalid"})
        request = json.loads(body)
        if self.quota:
            return _send(handler, 400, {"code": 400, "message": "Quota exceeded"})
        if not 0.7 <= float(request["speed"]) <= 1.3 or request.get("tts_return_option") != 3:
            return _send(handler, 400, {"code": 400, "message": "bad parameters"})
        _send(handler, 200, mp3_of(len(request["text"]) * SECONDS_PER_CHAR), {"Content-Type": "audio/mpeg"})

    def _zalo(self, handler, path: str, body: bytes) -> None:
        if path != "/v1/tts/synthesize":
            return _send(handler, 404, {"error_code": 404, "error_message": "not found"})
        if handler.headers.get("apikey") != self.key:
            return _send(handler, 401, {"error_code": 401, "error_message": "Invalid api key"})
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}
        if self.quota:
            return _send(handler, 200, {"error_code": -5, "error_message": "Quota exceeded", "data": None})
        if len(form.get("input", "")) > 2000 or form.get("speaker_id") not in ("1", "2", "3", "4"):
            return _send(handler, 200, {"error_code": -1, "error_message": "Invalid parameters", "data": None})
        _send(handler, 200, {"data": {"url": self._publish(form["input"])}, "error_code": 0,
                             "error_message": "Successful."})


def _send(handler: BaseHTTPRequestHandler, status: int, body, headers: dict | None = None) -> None:
    payload = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
    handler.send_response(status)
    kind = "application/json" if not isinstance(body, bytes) else "application/octet-stream"
    for name, value in {"Content-Type": kind, **(headers or {})}.items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(payload)))
    handler.end_headers()
    try:
        handler.wfile.write(payload)
    except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
        pass


def free_port() -> int:
    """A loopback port nothing listens on (for the offline tests)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]

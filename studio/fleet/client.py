"""The studio's side of protocol v1: a signed HTTP client for one receiver.

Every call has a timeout; errors come back as `ReceiverError(status, code)` or
`ReceiverUnreachable`. Uploads are resumable (tus 1.0 core): ask the receiver how much it
holds, then PATCH the rest in chunks. Blocking; one client per worker thread.

A receiver is not trusted to answer well: redirects are never followed (they would carry
signed headers elsewhere), an answer's body is read to a size bound and an overall
deadline (a receiver that drips one byte every 20 s, or sends a gigabyte, is cut off), and
what the studio acts on is checked for its type and range. Such an answer is a
`ReceiverError` with the code `bad-answer`, so every caller that handles a refusal
handles a lie the same way: recorded on that receiver, retried later.
"""

from __future__ import annotations

import hashlib
import json
import time
from datetime import UTC, datetime
from pathlib import Path

import requests
from crs_protocol import sign_headers

from studio.errors import ReceiverError, ReceiverUnreachable
from studio.fleet.keys import StudioKey

CHUNK = 1 << 20
TIMEOUT = (5.0, 30.0)  # connect, read
MAX_ANSWER_BYTES = 256 << 10  # status, refusals, command answers
MAX_PLAYLOG_BYTES = 8 << 20  # a page of at most 1,000 entries
BAD_ANSWER = "bad-answer"


class ReceiverClient:
    def __init__(self, address: str, key: StudioKey, receiver_id: str = "", session: requests.Session | None = None,
                 timeout=TIMEOUT) -> None:
        self.address = address.rstrip("/")
        self.key = key
        self.receiver_id = receiver_id
        self.session = session or requests.Session()
        self.timeout = timeout

    def _lie(self, status: int, what: str) -> ReceiverError:
        return ReceiverError(self.receiver_id or self.address, status, BAD_ANSWER, what)

    def _request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None,
                 signed: bool = True, limit: int = MAX_ANSWER_BYTES) -> tuple[requests.Response, bytes]:
        """The response and its body, read to `limit` bytes within the read timeout overall."""
        all_headers = {"Accept-Encoding": "identity", **(headers or {})}  # no gzip bomb to inflate
        if signed:
            all_headers.update(sign_headers(self.key.private, method, path, body, self.key.next_counter(),
                                            self.receiver_id, datetime.now(UTC), all_headers))
        try:
            response = self.session.request(method, self.address + path, data=body, headers=all_headers,
                                            timeout=self.timeout, allow_redirects=False, stream=True)
            try:
                content = self._read(response, limit)
            finally:
                response.close()
        except requests.RequestException as exc:
            raise ReceiverUnreachable(self.receiver_id or self.address, self.address, str(exc)) from exc
        if 300 <= response.status_code < 400:
            raise self._lie(response.status_code, "answered with a redirect, which is never followed")
        if response.status_code >= 400:
            try:
                data = json.loads(content)
                code, message = str(data.get("error", "error"))[:64], str(data.get("message", ""))[:300]
            except (ValueError, AttributeError):
                code, message = "error", content[:200].decode("utf-8", "replace")
            raise ReceiverError(self.receiver_id or self.address, response.status_code, code, message)
        return response, content

    def _read(self, response: requests.Response, limit: int) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise self._lie(response.status_code, f"an answer of {declared} bytes (at most {limit})")
        if response.headers.get("Content-Encoding", "identity").lower() != "identity":
            raise self._lie(response.status_code, "a compressed answer, which was not asked for")
        deadline = time.monotonic() + _read_timeout(self.timeout)
        content = bytearray()
        while block := response.raw.read1(64 << 10, decode_content=False):  # what one recv gave
            content += block
            if len(content) > limit:
                raise self._lie(response.status_code, f"an answer longer than {limit} bytes")
            if time.monotonic() > deadline:
                raise ReceiverUnreachable(self.receiver_id or self.address, self.address,
                                          "the answer came too slowly")
        return bytes(content)

    def _json(self, method: str, path: str, value=None, limit: int = MAX_ANSWER_BYTES, signed: bool = True) -> dict:
        body = b"" if value is None else json.dumps(value, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"} if value is not None else {}
        response, content = self._request(method, path, body, headers, signed=signed, limit=limit)
        try:
            data = json.loads(content)
        except ValueError:
            raise self._lie(response.status_code, "an answer that is not JSON") from None
        if not isinstance(data, dict):
            raise self._lie(response.status_code, "an answer that is not a JSON object")
        return data

    # -- calls ------------------------------------------------------------------------------------
    def pair(self, code: str, studio_name: str) -> dict:
        """Pair with the code the receiver shows; afterwards it trusts this studio's key only."""
        self.identify()
        return self._json("POST", "/v1/pair", {"code": code, "studio": studio_name})

    def identify(self) -> str:
        """Ask the receiver who it is (unsigned) and sign for that id from now on."""
        receiver_id = self._json("GET", "/v1/pair", signed=False).get("receiver_id")
        if not isinstance(receiver_id, str) or not 0 < len(receiver_id) <= 64:
            raise self._lie(200, "no receiver id")
        self.receiver_id = receiver_id
        return receiver_id

    def status(self) -> dict:
        status = self._json("GET", "/v1/status")
        for field, kinds in STATUS_FIELDS.items():
            value = status.get(field)
            if value is not None and (not isinstance(value, kinds) or isinstance(value, bool)):
                raise self._lie(200, f"status field {field} is {type(value).__name__}")
        if status.get("volume") is not None and not 0 <= status["volume"] <= 100:
            raise self._lie(200, "status volume out of 0-100")
        return status

    def held(self, sha: str, size: int | None = None) -> tuple[int, bool]:
        response, _ = self._request("HEAD", f"/v1/media/{sha}")
        offset = _offset(response, size)
        if offset is None:
            raise self._lie(response.status_code, f"Upload-Offset {response.headers.get('Upload-Offset')!r}")
        return offset, response.headers.get("X-CRS-Complete") == "1"

    def upload(self, path: Path, sha: str | None = None, chunk: int = CHUNK, progress=None) -> int:
        """Send what the receiver does not hold yet; returns the bytes sent."""
        path = Path(path)
        size = path.stat().st_size
        sha = sha or _sha256(path)
        offset, complete = self.held(sha, size)
        sent, restarted = 0, False
        with open(path, "rb") as handle:
            while not complete and offset < size:
                handle.seek(offset)
                data = handle.read(chunk)
                try:
                    response, _ = self._request("PATCH", f"/v1/media/{sha}", data, {
                        "Content-Type": "application/offset+octet-stream", "Tus-Resumable": "1.0.0",
                        "Upload-Offset": str(offset), "Upload-Length": str(size)})
                except ReceiverError as exc:
                    # the receiver holds a start declared with another length (changed in transit
                    # before signed headers): from 0 with the true length, once
                    if exc.code != "length-mismatch" or offset == 0 or restarted:
                        raise
                    offset, restarted = 0, True
                    continue
                after = _offset(response, size)
                if after is None or after <= offset:  # a receiver that never takes the bytes loops forever
                    raise self._lie(response.status_code, f"PATCH at {offset} answered Upload-Offset "
                                                          f"{response.headers.get('Upload-Offset')!r}")
                offset = after
                complete = response.headers.get("X-CRS-Complete") == "1"
                sent += len(data)
                if progress is not None:
                    progress(offset, size)
        return sent

    def send_whole(self, path: Path, sha: str, limit: int = 4 * CHUNK) -> None:
        """A small file in one PATCH from offset 0, without asking first: one round trip
        instead of two (an emergency over 3G). A receiver holding all of it answers
        `complete`; one holding part of it, `offset-mismatch`, and the resumable upload
        takes over. Larger files go the resumable way at once."""
        path = Path(path)
        if path.stat().st_size > limit:
            self.upload(path, sha)
            return
        data = path.read_bytes()
        try:
            self._request("PATCH", f"/v1/media/{sha}", data, {
                "Content-Type": "application/offset+octet-stream", "Tus-Resumable": "1.0.0",
                "Upload-Offset": "0", "Upload-Length": str(len(data))})
        except ReceiverError as exc:
            if exc.code == "complete":
                return
            if exc.code != "offset-mismatch":
                raise
            self.upload(path, sha)

    def put_manifest(self, manifest: dict) -> dict:
        return self._json("PUT", "/v1/manifest", manifest)

    def playlog(self, after: int = 0) -> list[dict]:
        entries = self._json("GET", f"/v1/playlog?after={after}", limit=MAX_PLAYLOG_BYTES).get("entries")
        if not isinstance(entries, list) or not all(isinstance(e, dict) and type(e.get("seq")) is int
                                                    for e in entries):
            raise self._lie(200, "play log entries are not a list of entries with a seq")
        return entries

    def play_now(self, media: list[str], volume: int | None = None, item_id: str | None = None,
                 valid_until: str | None = None) -> dict:
        """Play at once. With `item_id` a repeat is answered `already` instead of replayed;
        with `valid_until` (ISO 8601 with offset) a receiver refuses it (`expired`) once
        that has passed by its clock. Receivers older than these fields ignore them."""
        body: dict = {"media": media, "volume": volume}
        if item_id is not None:
            body["id"] = item_id
        if valid_until is not None:
            body["valid_until"] = valid_until
        return self._json("POST", "/v1/commands/play-now", body)

    def stop(self) -> dict:
        return self._json("POST", "/v1/commands/stop", {})

    def live_info(self) -> dict:
        """The receiver's live public key, UDP port, open session and refusals (docs/protocol.md, Live)."""
        return self._json("GET", "/v1/live")

    def live_start(self, body: dict) -> dict:
        return self._json("POST", "/v1/commands/live-start", body)

    def live_end(self, session: str) -> dict:
        return self._json("POST", "/v1/commands/live-end", {"session": session})

    def set_volume(self, volume: int) -> dict:
        return self._json("PUT", "/v1/volume", {"volume": volume})


# What the studio acts on in a status answer, and the types it accepts (None is "unknown").
STATUS_FIELDS = {"receiver_id": str, "manifest_version": int, "volume": int, "free_bytes": int, "used_bytes": int,
                 "playlog_seq": int, "clock_offset_s": (int, float), "now_playing": dict, "last_error": str}


def _offset(response: requests.Response, size: int | None) -> int | None:
    text = response.headers.get("Upload-Offset", "0")
    if not text.isdigit():
        return None
    offset = int(text)
    return offset if size is None or offset <= size else None


def _read_timeout(timeout) -> float:
    return float(timeout[1] if isinstance(timeout, tuple) else timeout)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()

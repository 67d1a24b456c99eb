"""The studio's side of protocol v1: a signed HTTP client for one receiver.

Every call has a timeout; errors come back as `ReceiverError(status, code)` or
`ReceiverUnreachable`. Uploads are resumable (tus 1.0 core): ask the receiver how much it
holds, then PATCH the rest in chunks. Blocking; one client per worker thread.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import requests
from crs_protocol import sign_headers

from studio.errors import ReceiverError, ReceiverUnreachable
from studio.fleet.keys import StudioKey

CHUNK = 1 << 20
TIMEOUT = (5.0, 30.0)  # connect, read


class ReceiverClient:
    def __init__(self, address: str, key: StudioKey, receiver_id: str = "", session: requests.Session | None = None,
                 timeout=TIMEOUT) -> None:
        self.address = address.rstrip("/")
        self.key = key
        self.receiver_id = receiver_id
        self.session = session or requests.Session()
        self.timeout = timeout

    def _request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None,
                 signed: bool = True) -> requests.Response:
        all_headers = dict(headers or {})
        if signed:
            all_headers.update(sign_headers(self.key.private, method, path, body, self.key.next_counter(),
                                            self.receiver_id, datetime.now(UTC)))
        try:
            response = self.session.request(method, self.address + path, data=body, headers=all_headers,
                                            timeout=self.timeout)
        except requests.RequestException as exc:
            raise ReceiverUnreachable(self.receiver_id or self.address, self.address, str(exc)) from exc
        if response.status_code >= 400:
            try:
                data = response.json()
                code, message = data.get("error", "error"), data.get("message", "")
            except ValueError:
                code, message = "error", response.text[:200]
            raise ReceiverError(self.receiver_id or self.address, response.status_code, code, message)
        return response

    def _json(self, method: str, path: str, value=None) -> dict:
        body = b"" if value is None else json.dumps(value, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"} if value is not None else {}
        return self._request(method, path, body, headers).json()

    # -- calls ------------------------------------------------------------------------------------
    def pair(self, code: str, studio_name: str) -> dict:
        """Pair with the code the receiver shows; afterwards it trusts this studio's key only."""
        self.receiver_id = self._request("GET", "/v1/pair", signed=False).json()["receiver_id"]
        return self._json("POST", "/v1/pair", {"code": code, "studio": studio_name})

    def status(self) -> dict:
        return self._json("GET", "/v1/status")

    def held(self, sha: str) -> tuple[int, bool]:
        response = self._request("HEAD", f"/v1/media/{sha}")
        return int(response.headers.get("Upload-Offset", "0")), response.headers.get("X-CRS-Complete") == "1"

    def upload(self, path: Path, sha: str | None = None, chunk: int = CHUNK, progress=None) -> int:
        """Send what the receiver does not hold yet; returns the bytes sent."""
        path = Path(path)
        size = path.stat().st_size
        sha = sha or _sha256(path)
        offset, complete = self.held(sha)
        sent = 0
        with open(path, "rb") as handle:
            while not complete and offset < size:
                handle.seek(offset)
                data = handle.read(chunk)
                response = self._request("PATCH", f"/v1/media/{sha}", data, {
                    "Content-Type": "application/offset+octet-stream", "Tus-Resumable": "1.0.0",
                    "Upload-Offset": str(offset), "Upload-Length": str(size)})
                offset = int(response.headers["Upload-Offset"])
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
        return self._json("GET", f"/v1/playlog?after={after}")["entries"]

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

    def set_volume(self, volume: int) -> dict:
        return self._json("PUT", "/v1/volume", {"volume": volume})


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()

"""The MQTT implementation of `ReceiverTransport`: one receiver at `mqtt://HOST:PORT/RID`.

The same calls as the HTTP `ReceiverClient`, through the process's shared `BrokerLink`:
requests are signed v1 envelopes on `crs/v1/rx/RID/req` answered on `.../resp` (a
timeout is `ReceiverUnreachable`, a refusal `ReceiverError` with the protocol's code, a
malformed answer `ReceiverError` `bad-answer`, exactly as over HTTP). What differs is
store-and-forward: `status` is the receiver's retained status (its last will says when it
went offline), `upload` puts the file on the broker once (`mqtt_media`) instead of into
the receiver, and `put_manifest` publishes the signed manifest retained, which the
receiver takes whenever it is online; the delivery engine counts it delivered when the
receiver's status reports that version with no media missing (`mqtt_delivery`). A
receiver connects with a clean session, so a request published while it is offline is
dropped by the broker: the same emergency is published again at most every `RESEND_S`
while it waits, and at once when the receiver's status comes back online after an offline
one. A play-now carries an MQTT message expiry at its valid-until, so no broker (one that
queues, for a client with a persistent session) hands it on after it may no longer start.

Blocking; any thread (the link is shared and thread-safe).
"""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

from studio.errors import BrokerUnavailable, ReceiverError, ReceiverUnreachable, StudioError
from studio.fleet.broker_account import account_for, parse_broker_address
from studio.fleet.client import BAD_ANSWER, STATUS_FIELDS, TIMEOUT
from studio.fleet.keys import StudioKey
from studio.fleet.mqtt_link import PREFIX, STATUS_STALE_S, Answer, BrokerLink, envelope, links
from studio.fleet.mqtt_media import BrokerMedia

PAIR_WAIT_S = 60.0  # an unpaired receiver retries its broker login with backoff
PAIR_RESEND_S = 5.0
RESEND_S = 60.0  # an unanswered play-now is published again at most this often
OFFLINE_WAIT_S = 1.0  # how long to wait for an answer from a receiver whose last will said offline


def link_for(address: str, key: StudioKey) -> BrokerLink:
    """The process's link to the broker of `address` (mqtt://HOST:PORT[/RID])."""
    return links().get(account_for(key.folder.parent, parse_broker_address(address)), key)


class MqttReceiverClient:
    def __init__(self, address: str, key: StudioKey, receiver_id: str = "", timeout=TIMEOUT,
                 conn: sqlite3.Connection | None = None) -> None:
        self.address = address.rstrip("/")
        self.where = parse_broker_address(self.address, need_receiver=True)
        self.key = key
        self.receiver_id = self.where.receiver_id
        self.timeout = timeout
        self.conn = conn
        try:
            self.link = link_for(self.address, key)
        except StudioError as exc:
            raise ReceiverUnreachable(self.receiver_id, self.address, exc.describe()) from exc

    @property
    def read_timeout(self) -> float:
        return float(self.timeout[1] if isinstance(self.timeout, tuple) else self.timeout)

    def _unreachable(self, reason: str) -> ReceiverUnreachable:
        return ReceiverUnreachable(self.receiver_id, self.address, reason)

    def _lie(self, status: int, what: str) -> ReceiverError:
        return ReceiverError(self.receiver_id, status, BAD_ANSWER, what)

    def _checked(self, answer: Answer | None, waited: float) -> dict:
        if answer is None:
            raise self._unreachable(f"no answer through the broker within {waited:.0f} s")
        body = answer.body
        if answer.status >= 400:
            if isinstance(body, dict):
                code, message = str(body.get("error", "error"))[:64], str(body.get("message", ""))[:300]
            else:
                code, message = "error", str(body)[:200]
            raise ReceiverError(self.receiver_id, answer.status, code, message)
        if not isinstance(body, dict):
            raise self._lie(answer.status, "an answer that is not a JSON object")
        return body

    def _call(self, method: str, path: str, value=None, kind: str = "rx", wait: float | None = None) -> dict:
        body = b"" if value is None else json.dumps(value, ensure_ascii=False).encode()
        wait = self.read_timeout if wait is None else wait
        try:
            request_id = self.link.send_request(self.receiver_id, method, path, body, kind=kind,
                                                timeout=max(wait, 5.0))
        except BrokerUnavailable as exc:
            raise self._unreachable(exc.describe()) from exc
        return self._checked(self.link.answer(request_id, wait), wait)

    def _wait_for_answer(self) -> float:
        """A receiver whose last will said offline will not answer now: do not wait long."""
        seen = self.link._statuses.get(self.receiver_id)
        if seen is not None and seen.status.get("online") is False:
            return min(self.read_timeout, OFFLINE_WAIT_S)
        return self.read_timeout

    # -- calls ------------------------------------------------------------------------------------
    def pair(self, value: dict) -> dict:
        """The signed `POST /v1/pair` with this body (mqtt_pairing.py: a proof of the code, never
        the code) on crs/v1/pair/RID/req; the receiver must be logged in with its pairing
        account (`BrokerAdmin.create_pairing_account`) to hear it. It may log in only after
        the account exists (it retries with backoff), and a request published before it
        subscribed is lost: sent again every `PAIR_RESEND_S` until one is answered."""
        body = json.dumps(value, ensure_ascii=False).encode()
        deadline = time.monotonic() + max(self.read_timeout, PAIR_WAIT_S)
        sent: list[str] = []
        try:
            while time.monotonic() < deadline:
                sent.append(self.link.send_request(self.receiver_id, "POST", "/v1/pair", body, kind="pair"))
                resend = time.monotonic() + PAIR_RESEND_S
                while time.monotonic() < min(resend, deadline):
                    for request_id in sent:
                        answer = self.link.answer(request_id, 0.0, forget=False)
                        if answer is not None:
                            return self._checked(answer, 0)
                    time.sleep(0.1)
        except BrokerUnavailable as exc:
            raise self._unreachable(exc.describe()) from exc
        finally:
            for request_id in sent:
                self.link.forget(request_id)
        raise self._unreachable(f"no pairing answer through the broker within {PAIR_WAIT_S:.0f} s")

    def identify(self) -> str:
        return self.receiver_id

    def status(self) -> dict:
        """The receiver's retained status; ReceiverUnreachable if its last will says offline,
        if it published none, or if the newest is older than `STATUS_STALE_S`."""
        try:
            seen = self.link.status_of(self.receiver_id, min(self.read_timeout, 3.0))
        except BrokerUnavailable as exc:
            raise self._unreachable(exc.describe()) from exc
        if seen is None:
            raise self._unreachable("it has published no status on the broker")
        status = seen.status
        if status.get("online") is False:
            raise self._unreachable("offline (its last will on the broker)")
        if time.monotonic() - seen.at > STATUS_STALE_S:
            raise self._unreachable(f"no status on the broker for {STATUS_STALE_S:.0f} s")
        for field, kinds in STATUS_FIELDS.items():
            value = status.get(field)
            if value is not None and (not isinstance(value, kinds) or isinstance(value, bool)):
                raise self._lie(200, f"status field {field} is {type(value).__name__}")
        if status.get("volume") is not None and not 0 <= status["volume"] <= 100:
            raise self._lie(200, "status volume out of 0-100")
        missing = status.get("media_missing", [])
        if not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
            raise self._lie(200, "status media_missing is not a list of sha256")
        return status

    def known_status(self) -> dict | None:
        """The status if the receiver is online and its status is sound, else None."""
        try:
            return self.status()
        except (ReceiverUnreachable, ReceiverError):
            return None

    def held(self, sha: str, size: int | None = None) -> tuple[int, bool]:
        """Through a broker, what counts is whether the broker holds the file for it."""
        on = self._media().on_broker(sha)
        return (size or 0) if on else 0, on

    def _media(self) -> BrokerMedia:
        return BrokerMedia(self.link, self.conn)

    def upload(self, path: Path, sha: str | None = None, chunk: int = 0, progress=None) -> int:
        """Put the file on the broker unless it holds it already (once per broker, not per
        receiver); returns the bytes sent."""
        from studio.fleet.client import _sha256

        sha = sha or _sha256(Path(path))
        try:
            return self._media().ensure(Path(path), sha, progress)
        except BrokerUnavailable as exc:
            raise self._unreachable(exc.describe()) from exc

    def send_whole(self, path: Path, sha: str, limit: int = 0) -> None:
        self.upload(path, sha)

    def put_manifest(self, manifest: dict) -> dict:
        """Publish the signed manifest retained: the receiver's desired state."""
        body = json.dumps(manifest, ensure_ascii=False).encode()
        _, payload = envelope(self.key, self.receiver_id, "PUT", "/v1/manifest", body)
        try:
            self.link.publish(f"{PREFIX}/rx/{self.receiver_id}/manifest", payload, retain=True,
                              timeout=max(self.read_timeout, 5.0))
        except BrokerUnavailable as exc:
            raise self._unreachable(exc.describe()) from exc
        return {"manifest_version": manifest.get("version"), "published": True}

    def playlog(self, after: int = 0) -> list[dict]:
        entries = self._call("GET", f"/v1/playlog?after={after}").get("entries")
        if not isinstance(entries, list) or not all(isinstance(e, dict) and type(e.get("seq")) is int
                                                    for e in entries):
            raise self._lie(200, "play log entries are not a list of entries with a seq")
        return entries

    def play_now(self, media: list[str], volume: int | None = None, item_id: str | None = None,
                 valid_until: str | None = None) -> dict:
        body: dict = {"media": media, "volume": volume}
        if item_id is not None:
            body["id"] = item_id
        if valid_until is not None:
            body["valid_until"] = valid_until
        expiry = None
        if valid_until is not None:
            left = (datetime.fromisoformat(valid_until) - datetime.now(UTC)).total_seconds()
            if left <= 0:
                raise ReceiverError(self.receiver_id, 410, "expired", f"valid until {valid_until}, which has passed")
            expiry = max(1, int(left))
        wait = self._wait_for_answer()
        name = (self.receiver_id, item_id or "")
        outstanding = self.link.outstanding.get(name) if item_id else None
        if outstanding is not None and time.monotonic() - outstanding[1] < RESEND_S \
                and not self._came_back(outstanding[1]):
            request_id = outstanding[0]  # it may still answer it: wait for its answer again
        else:
            payload = json.dumps(body, ensure_ascii=False).encode()
            try:
                request_id = self.link.send_request(self.receiver_id, "POST", "/v1/commands/play-now", payload,
                                                    timeout=5.0, expiry_s=expiry)
            except BrokerUnavailable as exc:
                raise self._unreachable(exc.describe()) from exc
            if item_id:
                self.link.outstanding[name] = (request_id, time.monotonic())
        answer = self.link.answer(request_id, wait, forget=False)
        if answer is not None:
            self.link.forget(request_id)
            self.link.outstanding.pop(name, None)
        return self._checked(answer, wait)

    def _came_back(self, sent_at: float) -> bool:
        """The receiver's status turned online again since `sent_at`: a receiver connects
        with a clean session, so what was sent while it was away is gone."""
        return self.link.came_back(self.receiver_id, sent_at)

    def stop(self) -> dict:
        return self._call("POST", "/v1/commands/stop", {})

    def set_volume(self, volume: int) -> dict:
        return self._call("PUT", "/v1/volume", {"volume": volume})

    # -- live (docs/protocol.md, "Live over MQTT"; the frames: BrokerLink.publish_frame) ------------
    def live_info(self) -> dict:
        return self._call("GET", "/v1/live")

    def live_start(self, body: dict) -> dict:
        return self._call("POST", "/v1/commands/live-start", body)

    def live_end(self, session: str) -> dict:
        return self._call("POST", "/v1/commands/live-end", {"session": session})

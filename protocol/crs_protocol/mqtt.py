"""Transport 2 of protocol v1: MQTT 5 through a broker (docs/protocol.md, "Transport 2: MQTT").

The same signed requests as over HTTP, wrapped in a JSON envelope; this module holds what
both sides must agree on: the topic names under `PREFIX`, the envelope's shape, the media
chunking and the broker's access rules (`receiver_acls`,
`pairing_acls`), which the studio installs in the broker and the docs give for a province's
own broker (the pairing proofs are in pair_proof.py). Pure functions and constants: safe from any thread.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from dataclasses import dataclass

PREFIX = "crs/v1"
CHUNK_SIZE = 256 << 10
MAX_ENVELOPE_BYTES = 24 << 20  # a 16 MiB body in base64 and its headers
# the MQTT 5 Maximum Packet Size a receiver sets at CONNECT: the broker (not trusted) may send
# it nothing larger. The largest message a receiver is sent is a manifest envelope (2 MiB in
# base64, ~2.7 MiB) or a 256 KiB media chunk; a PATCH over MQTT is thus limited to ~2.9 MiB
MAX_PACKET_BYTES = 4 << 20
MAX_QUEUED_IN = 32  # messages a receiver holds before handling them: memory <= 32 x 4 MiB
STATUS_EVERY_S = 60.0

# the broker's ACL types (Mosquitto dynamic security; docs/broker.md maps them to EMQX)
SUBSCRIBE, RECEIVE, SEND = "subscribePattern", "publishClientReceive", "publishClientSend"


def rx_topic(receiver_id: str, leaf: str) -> str:
    """crs/v1/rx/RID/<leaf>: req, resp, manifest, status, playlog, playlog-ack."""
    return f"{PREFIX}/rx/{receiver_id}/{leaf}"


def pair_topic(receiver_id: str, leaf: str) -> str:
    """crs/v1/pair/RID/<leaf>: req, resp."""
    return f"{PREFIX}/pair/{receiver_id}/{leaf}"


def media_topic(sha: str, leaf: str | int) -> str:
    """crs/v1/media/SHA/meta, or crs/v1/media/SHA/N for chunk N (0-based)."""
    return f"{PREFIX}/media/{sha}/{leaf}"


def live_topic(session: str) -> str:
    """crs/v1/live/SESSION (32 hex): the frames of one live session, QoS 0, published once
    by the studio for every receiver of it (docs/protocol.md, "Live over MQTT")."""
    return f"{PREFIX}/live/{session}"


def chunk_count(size: int, chunk_size: int = CHUNK_SIZE) -> int:
    return max(1, -(-size // chunk_size))


def media_meta(sha: str, size: int, chunk_size: int = CHUNK_SIZE) -> dict:
    return {"sha256": sha, "size": size, "chunk_size": chunk_size, "chunks": chunk_count(size, chunk_size)}


class EnvelopeProblem(ValueError):
    """An envelope that is not the documented JSON (the receiver answers `malformed`)."""


@dataclass(frozen=True)
class Envelope:
    """One signed v1 request as it travels over MQTT."""

    id: str
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def to_bytes(self) -> bytes:
        return json.dumps({"id": self.id, "method": self.method, "path": self.path, "headers": self.headers,
                           "body": base64.b64encode(self.body).decode()}).encode()

    @classmethod
    def make(cls, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> Envelope:
        return cls(uuid.uuid4().hex, method.upper(), path, dict(headers), bytes(body))

    @classmethod
    def parse(cls, payload: bytes) -> Envelope:
        if len(payload) > MAX_ENVELOPE_BYTES:
            raise EnvelopeProblem(f"an envelope is at most {MAX_ENVELOPE_BYTES} bytes")
        try:
            data = json.loads(bytes(payload).decode("utf-8"))
            headers = data["headers"]
            if not (isinstance(data, dict) and isinstance(data["id"], str) and 0 < len(data["id"]) <= 64
                    and isinstance(data["method"], str) and isinstance(data["path"], str)
                    and data["path"].startswith("/v1/") and isinstance(headers, dict)
                    and all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items())):
                raise EnvelopeProblem("expected {id, method, path, headers, body}")
            body = base64.b64decode(data.get("body") or "", validate=True)
        except (ValueError, KeyError, TypeError, UnicodeDecodeError, binascii.Error) as exc:
            if isinstance(exc, EnvelopeProblem):
                raise
            raise EnvelopeProblem(f"not an envelope: {exc}") from None
        return cls(data["id"], data["method"].upper(), data["path"], headers, body)


def response(request_id: str, status: int, body: dict) -> bytes:
    """The answer to an envelope, on its response topic."""
    return json.dumps({"id": request_id, "status": status, "body": body}).encode()


def pairing_acls(receiver_id: str) -> list[tuple[str, str]]:
    """What a receiver's account may do before pairing: read its pairing requests, answer them."""
    return [(SUBSCRIBE, pair_topic(receiver_id, "req")), (RECEIVE, pair_topic(receiver_id, "req")),
            (SEND, pair_topic(receiver_id, "resp"))]


def receiver_acls(receiver_id: str) -> list[tuple[str, str]]:
    """What a paired receiver's account may do: read its requests, manifest, play-log
    acknowledgement, all media and live frames; write its answers, status and play log.
    Nothing else (reading a live session's frames is hearing it; only a session key, sealed
    to one receiver, lets anyone make them)."""
    readable = [rx_topic(receiver_id, leaf) for leaf in ("req", "manifest", "playlog-ack")]
    readable += [f"{PREFIX}/media/#", live_topic("+")]
    acls = [(kind, topic) for topic in readable for kind in (SUBSCRIBE, RECEIVE)]
    acls += [(SEND, rx_topic(receiver_id, leaf)) for leaf in ("resp", "status", "playlog")]
    return acls

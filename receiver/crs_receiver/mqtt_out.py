"""What the receiver publishes to the studio through the broker, sealed (crs_protocol.rx_seal):
its status (and last will), play-log batches and answers carry a MAC keyed by the secret
derived at pairing (kept in `broker.json` beside the broker secret, 0600), so a broker can
forge none of them. A receiver paired without one (over HTTP, or before sealing existed)
publishes them unsealed, as before.

Pure functions of the store's state: the asyncio loop.
"""

from __future__ import annotations

import json

from crs_protocol.mqtt import response as envelope_response
from crs_protocol.rx_seal import seal
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties


def mac_key(store) -> str | None:
    return (store._broker or {}).get("mac")


def sealed(store, topic: str, value: dict) -> bytes:
    return seal(mac_key(store), topic, value)


def answer_payload(store, topic: str, request_id: str, answer) -> bytes:
    body = answer.body if answer.body is not None else {}
    payload = json.loads(envelope_response(request_id, answer.status, body))
    if answer.headers:
        payload["headers"] = answer.headers
    return sealed(store, topic, payload)


def correlation_properties(message) -> Properties:
    """The answer's properties: the request's correlation data."""
    props = Properties(PacketTypes.PUBLISH)
    correlation = getattr(message.properties, "CorrelationData", None) if message.properties else None
    if correlation:
        props.CorrelationData = correlation
    return props

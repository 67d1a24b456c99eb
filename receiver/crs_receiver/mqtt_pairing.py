"""Pairing through the broker (docs/protocol.md, "Transport 2: MQTT"): an unpaired receiver
logs in with a password derived from the code on its console and answers signed
`POST /v1/pair` requests on `crs/v1/pair/RID/req` with the same `Requests` (same code,
same lockout) as over HTTP; a pairing through a broker must carry the broker secret the
receiver logs in with from then on.

Threads: the link's asyncio loop (mqtt_link.py).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import aiomqtt
from crs_protocol import ErrorCode
from crs_protocol.mqtt import Envelope, EnvelopeProblem, pair_topic

from crs_receiver.broker_address import NotGranted, granted
from crs_receiver.handlers import Answer

if TYPE_CHECKING:
    from crs_receiver.mqtt_link import MqttLink

log = logging.getLogger("crs_receiver.mqtt_link")


async def answer_pairing(link: MqttLink, client: aiomqtt.Client) -> None:
    """Answer pairing requests until paired, or until the code changes (then return)."""
    request_topic = pair_topic(link.rid, "req")
    if not granted(await client.subscribe(request_topic, qos=1)):
        raise NotGranted(f"the broker refused the subscription to {request_topic}")
    messages = client.messages.__aiter__()
    pairing = link.requests.pairing
    while True:
        left = pairing.expires - pairing.clock()
        if left <= 0:
            return  # the next connection uses the new code's password
        try:
            message = await asyncio.wait_for(messages.__anext__(), left)
        except TimeoutError:
            return
        if message.topic.value != request_topic:
            continue
        call, answer, request_id = None, None, ""
        try:
            envelope = Envelope.parse(message.payload)
            request_id = envelope.id
            call = link._call(envelope)
            if call.method != "POST" or call.route != "/v1/pair":
                answer = Answer(404, {"error": ErrorCode.HTTP, "message": "only pairing here"}, code=ErrorCode.HTTP)
            else:
                answer = await link.requests.dispatch(call)
        except EnvelopeProblem as exc:
            answer = Answer(400, {"error": ErrorCode.MALFORMED, "message": str(exc)}, code=ErrorCode.MALFORMED)
        if not answer.ok:
            link._refused(call, answer, request_topic)
        await link._answer(client, pair_topic(link.rid, "resp"), message, request_id, answer)
        if answer.ok:
            log.warning("paired through the broker: reconnecting with the broker secret")
            return


"""The receiver's MQTT transport (issue 16; docs/protocol.md, "Transport 2: MQTT"): the
receiver connects out to a broker, so that a studio behind NAT reaches a receiver behind
carrier NAT. Every message it acts on is a v1 signed request in an envelope, run through
the same `Requests` as over HTTP (same signature gate, same counters, same security log):
the broker can delay, drop or replay, never make the loudspeaker say what the studio did
not sign.

- Unpaired: username = receiver id, password from the id alone (pair_proof.py: the code
  never travels); answers `crs/v1/pair/RID/req` (a proof of the code, pair_body.py), then
  stores the studio's key and the broker secret derived from the code, and reconnects with it.
- Paired: subscribes to its `req` (answered on `resp` with the correlation data), its
  retained `manifest` and `playlog-ack`; a retained envelope already applied (same
  counter) is "already have", silently; a manifest whose media is missing waits while
  media_fetch.py reads the media's retained chunks, then is applied.
- A live session started through the broker: its frames come on `crs/v1/live/SESSION`
  while it is open (mqtt_live.py), into the same checks as UDP frames.
- Publishes its status (retained; a last will says `{"online": false}`) at connect, at
  every change and every minute, and its play log from the last acked entry on.
- Broker down or refusing: playback goes on from what the receiver holds; the link retries
  with a growing, jittered delay, logging once when it fails and once when it is back.
- TLS (mqtts): the broker's certificate is checked against the CA (system or --broker-ca);
  a certificate that changes from the one seen before is reported (security log, status).

Threads: the asyncio loop (paho's socket runs on it through aiomqtt); disk work goes to
the default executor through `Requests` and the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import random
import ssl
import time

import aiomqtt
from crs_protocol import H_COUNTER, ErrorCode, SignatureProblem, verify
from crs_protocol.mqtt import (
    MAX_PACKET_BYTES,
    MAX_QUEUED_IN,
    STATUS_EVERY_S,
    Envelope,
    EnvelopeProblem,
    rx_topic,
)
from crs_protocol.pair_proof import pairing_account_password
from multidict import CIMultiDict
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from crs_receiver.broker_address import BrokerAddress, NotGranted, granted, source
from crs_receiver.broker_certificate import check_certificate
from crs_receiver.handlers import Answer, Call, Requests
from crs_receiver.media_fetch import MediaFetch
from crs_receiver.mqtt_live import FrameQueue, LiveTopic
from crs_receiver.mqtt_out import answer_payload, correlation_properties, sealed
from crs_receiver.mqtt_pairing import answer_pairing
from crs_receiver.mqtt_playlog import PlaylogPusher
from crs_receiver.security_log import clean

log = logging.getLogger(__name__)

FIRST_DELAY_S = 1.0
MAX_DELAY_S = 60.0
MAX_PAIRING_DELAY_S = 10.0
KEEPALIVE_S = 30
REQUEST_TASKS = 4


class MqttLink:
    """One receiver's broker connection, for as long as the receiver runs."""

    def __init__(self, requests: Requests, address: BrokerAddress) -> None:
        self.requests, self.store, self.address = requests, requests.store, address
        self.rid = self.store.receiver_id
        self.online = False
        self.fetch: MediaFetch | None = None
        self.live: LiveTopic | None = None  # this connection's live subscription (mqtt_live.py)
        self.pending: Envelope | None = None  # the desired manifest, waiting for its media
        self.pending_missing: list[str] = []
        self.certificate: dict | None = None  # a changed broker certificate, for the status
        self.manifest_refused: dict | None = None  # the desired manifest, refused (for the status)
        self._client: aiomqtt.Client | None = None
        self._changed = asyncio.Event()
        self._tasks: set[asyncio.Task] = set()
        self._slots = asyncio.Semaphore(REQUEST_TASKS)
        requests.changed.append(lambda _name: self._changed.set())

    # -- connecting -------------------------------------------------------------------------------
    def _credentials(self) -> tuple[str, bool] | None:
        """(password, paired) for the next connection; None when paired without a broker
        secret (paired over HTTP: nothing to connect with)."""
        if self.store.trusted_key() is not None:
            secret = self.store.broker_secret()
            return (secret, True) if secret else None
        pairing = self.requests.pairing
        if pairing.clock() > pairing.expires:
            pairing.renew()
        return pairing_account_password(self.rid), False

    def _tls_context(self) -> ssl.SSLContext | None:
        if not self.address.tls:
            return None
        return ssl.create_default_context(cafile=self.address.ca_file)

    @staticmethod
    def _connect_properties() -> Properties:
        props = Properties(PacketTypes.CONNECT)
        props.MaximumPacketSize = MAX_PACKET_BYTES  # the broker sends nothing larger (it is not trusted)
        return props

    def _will(self) -> aiomqtt.Will:
        topic = rx_topic(self.rid, "status")
        return aiomqtt.Will(topic, sealed(self.store, topic, self._offline()), qos=1, retain=True)

    def _offline(self) -> dict:
        return {"receiver_id": self.rid, "online": False, "transport": "mqtt"}

    async def run(self) -> None:
        """Connect, serve, reconnect, until cancelled."""
        delay, failing, waiting_logged = FIRST_DELAY_S, False, False
        while True:
            credentials = self._credentials()
            if credentials is None:
                if not waiting_logged:
                    log.warning("paired over HTTP, without a broker secret: the MQTT link stays off "
                                "(pair through the broker, or reset-pairing)")
                    waiting_logged = True
                await asyncio.sleep(30)
                continue
            password, paired = credentials
            try:
                async with aiomqtt.Client(
                        self.address.host, self.address.port, username=self.rid, password=password,
                        identifier=f"crs-rx-{self.rid}", protocol=aiomqtt.ProtocolVersion.V5,
                        will=self._will() if paired else None, keepalive=KEEPALIVE_S, timeout=20,
                        tls_context=self._tls_context(), clean_start=True, properties=self._connect_properties(),
                        max_queued_incoming_messages=MAX_QUEUED_IN,
                        queue_type=functools.partial(FrameQueue, self)) as client:
                    if failing:
                        log.warning("broker %s reachable again", self.address)
                    failing, delay = False, FIRST_DELAY_S
                    log.info("connected to broker %s (%s)", self.address, "paired" if paired else "pairing")
                    self._client = client
                    if paired:
                        await check_certificate(self, client)
                        await self._serve(client)
                    else:
                        await self._pair(client)
                    continue  # paired, or the code changed: connect again at once
            except (aiomqtt.MqttError, NotGranted, OSError) as exc:
                if not failing:
                    log.warning("broker %s: %s; playback goes on, retrying", self.address, clean(exc, 200))
                    failing = True
            finally:
                self.online, self._client, self.fetch, self.live = False, None, None, None
                self.requests.live_topic = None
                for task in list(self._tasks):
                    task.cancel()
            limit = MAX_DELAY_S if self.store.trusted_key() is not None else MAX_PAIRING_DELAY_S
            await asyncio.sleep(min(delay, limit) * random.uniform(0.8, 1.2))
            delay = min(delay * 2, limit)

    async def _subscribe(self, topic: str) -> None:
        if self._client is None:
            return
        if not granted(await self._client.subscribe(topic, qos=1)):
            raise NotGranted(f"the broker refused the subscription to {topic}")

    async def _unsubscribe(self, topic: str) -> None:
        if self._client is not None:
            await self._client.unsubscribe(topic)

    def _call(self, envelope: Envelope) -> Call:
        headers = CIMultiDict(envelope.headers)
        return Call(envelope.method, envelope.path, headers, envelope.body, source(headers), "mqtt")

    async def _answer(self, client: aiomqtt.Client, topic: str, message, request_id: str, answer: Answer) -> None:
        await client.publish(topic, answer_payload(self.store, topic, request_id, answer), qos=1,
                             properties=correlation_properties(message))

    def _refused(self, call: Call | None, answer: Answer, topic: str) -> None:
        if call is None:
            self.requests.refused("mqtt", "?", topic, answer, "mqtt")
        else:
            self.requests.refused(call.source, call.method, call.path, answer, "mqtt")
        self._changed.set()

    # -- pairing (mqtt_pairing.py) ----------------------------------------------------------------
    async def _pair(self, client: aiomqtt.Client) -> None:
        await answer_pairing(self, client)

    # -- paired -----------------------------------------------------------------------------------
    async def _serve(self, client: aiomqtt.Client) -> None:
        self.fetch = MediaFetch(self.store, self._subscribe, self._unsubscribe, self._media_arrived,
                                self._media_corrupt)
        self.live = self.requests.live_topic = LiveTopic(self.requests, self._subscribe, self._unsubscribe)
        for leaf in ("req", "manifest", "playlog-ack"):
            await self._subscribe(rx_topic(self.rid, leaf))
        await self.live.reconcile()  # a session open before a reconnection: heard again
        self.online = True
        await self._publish_status(client)
        background = [asyncio.create_task(self._status_loop(client)), asyncio.create_task(self._playlog_loop(client))]
        for task in background:
            task.add_done_callback(functools.partial(self._ended, client))
        try:
            async for message in client.messages:
                topic = message.topic.value
                if topic == rx_topic(self.rid, "req"):
                    self._spawn(self._request(client, message))
                elif topic in (rx_topic(self.rid, "manifest"), rx_topic(self.rid, "playlog-ack")):
                    await self._retained(client, topic, message.payload)
                elif topic.startswith("crs/v1/media/"):
                    await self.fetch.feed(topic, message.payload)
        finally:
            for task in background:
                task.cancel()
            if asyncio.current_task().cancelling():
                with contextlib.suppress(Exception):  # a clean stop says so (the will is for a crash)
                    await asyncio.wait_for(client.publish(rx_topic(self.rid, "status"), sealed(
                        self.store, rx_topic(self.rid, "status"), self._offline()), qos=1, retain=True), 2)

    def _spawn(self, coroutine) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(functools.partial(self._ended, self._client))

    def _ended(self, client: aiomqtt.Client | None, task: asyncio.Task) -> None:
        """A background task that failed is logged and ends this connection (the link
        connects again and starts afresh), instead of dying silently."""
        if task.cancelled() or task.exception() is None:
            return
        log.error("broker link: %s failed; reconnecting", task.get_coro().__name__, exc_info=task.exception())
        if client is not None and client is self._client:
            client._client.disconnect()  # the message loop ends with an MqttError: run() reconnects

    async def _request(self, client: aiomqtt.Client, message) -> None:
        async with self._slots:
            call, request_id = None, ""
            try:
                envelope = Envelope.parse(message.payload)
                request_id = envelope.id
                call = self._call(envelope)
                answer = await self.requests.dispatch(call)
            except EnvelopeProblem as exc:
                answer = Answer(400, {"error": ErrorCode.MALFORMED, "message": str(exc)}, code=ErrorCode.MALFORMED)
            if answer.code == ErrorCode.MISSING_MEDIA and self.fetch is not None:
                # a signed play-now of a file not here yet: it is on the broker (the studio put it
                # there first); fetch it, so that the studio's next try plays
                await self.fetch.want(list((answer.body or {}).get("missing", [])))
            if not answer.ok:
                self._refused(call, answer, rx_topic(self.rid, "req"))
            await self._answer(client, rx_topic(self.rid, "resp"), message, request_id, answer)

    async def _retained(self, client: aiomqtt.Client, topic: str, payload: bytes) -> None:
        """The desired manifest or the play-log acknowledgement, as the broker keeps it."""
        if not payload:
            return  # cleared
        try:
            envelope = Envelope.parse(payload)
        except EnvelopeProblem as exc:
            self._refused(None, Answer(400, code=ErrorCode.MALFORMED), f"{topic} ({clean(exc, 60)})")
            return
        try:
            counter = int(envelope.headers.get(H_COUNTER, ""))
        except ValueError:
            counter = None
        if counter is not None and self.store.applied(topic) == counter:
            log.debug("%s: the retained copy already applied", topic)
            return
        call = self._call(envelope)
        if topic.endswith("/manifest"):
            await self._manifest(call, envelope, topic, counter)
            return
        answer = await self.requests.dispatch(call)
        if answer.ok and counter is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.store.set_applied, topic, counter)
        elif not answer.ok:
            self._refused(call, answer, topic)
        self._changed.set()

    async def _manifest(self, call: Call, envelope: Envelope, topic: str, counter: int | None) -> None:
        """Authenticated once, when first seen (its counter taken and the fact kept: its
        media may take longer than the replay window to arrive, and the retained copy comes
        again after a restart), then installed when every file it names is here."""
        loop = asyncio.get_running_loop()
        if call.method != "PUT" or call.route != "/v1/manifest":
            self._refused(call, Answer(404, code=ErrorCode.HTTP), topic)
            return
        if counter is None or self.store.accepted(topic) != counter or not self._signed_by_studio(call):
            refusal = await self.requests.authenticate(call)
            if refusal is not None:
                self._refused(call, refusal, topic)
                return
            await loop.run_in_executor(None, self.store.set_accepted, topic, counter)
        _manifest, problem = self.requests.manifest_problem(call.body)
        if problem is not None and problem.code == ErrorCode.MISSING_MEDIA:
            self.pending, self.pending_missing = envelope, list(problem.body["missing"])
            self._changed.set()
            await self.fetch.want(self.pending_missing)
            return
        self.pending, self.pending_missing = None, []
        if problem is not None and problem.code != ErrorCode.STALE_MANIFEST:
            self._manifest_refused(call, problem, topic)
            return
        # a stale one is a version this receiver already has (e.g. over HTTP): applied, silently
        if problem is None:
            answer = await self.requests.put_manifest(call)
            if not answer.ok:
                self._manifest_refused(call, answer, topic)
                return
        self.manifest_refused = None
        await loop.run_in_executor(None, self.store.set_applied, topic, counter)
        self._changed.set()

    def _manifest_refused(self, call: Call, answer: Answer, topic: str) -> None:
        """A signed manifest this receiver will not take: said in the status, so the studio
        fails that delivery with the reason instead of waiting for it."""
        with contextlib.suppress(ValueError, AttributeError):
            body = answer.body if isinstance(answer.body, dict) else {}
            self.manifest_refused = {"version": json.loads(call.body).get("version"), "code": str(answer.code),
                                     "message": clean(str(body.get("message", "")), 200)}
        self._refused(call, answer, topic)

    def _signed_by_studio(self, call: Call) -> bool:
        """The signature verifies and the key is the paired one (the counter aside)."""
        try:
            signed = verify(call.headers, call.method, call.path, call.body, self.rid)
        except SignatureProblem:
            return False
        return signed.key == self.store.trusted_key()

    async def _media_arrived(self, sha: str) -> None:
        self._changed.set()
        if self.pending is not None and all(self.store.has_media(s) for s in self.pending_missing):
            pending, self.pending = self.pending, None
            await self._retained(self._client, rx_topic(self.rid, "manifest"), pending.to_bytes())

    def _media_corrupt(self, sha: str, why: str) -> None:
        self.requests.security.event(str(self.address), "media %s from the broker discarded: %s", sha[:16],
                                     clean(why, 120))
        self._changed.set()

    async def status_body(self) -> dict:
        body = await self.requests.status_body()
        missing = sorted(s for s in self.pending_missing if not self.store.has_media(s))
        body.update({"online": True, "transport": "mqtt", "media_missing": missing,
                     "media_corrupt": sorted(self.fetch.corrupt) if self.fetch else [],
                     "media_stalled": sorted(self.fetch.stalled) if self.fetch else [],
                     "manifest_refused": self.manifest_refused})
        if self.certificate:
            body["broker_certificate"] = self.certificate
        return body

    def _status_key(self) -> tuple:
        playing = self.requests.engine.status() or {}
        manifest = self.store.manifest() or {}
        return (manifest.get("version"), playing.get("item"), self.requests.engine.volume(),
                self.requests.engine.last_error, self.requests.refusals["count"], self.store._seq,
                tuple(self.pending_missing), tuple(sorted(self.fetch.corrupt)) if self.fetch else (),
                tuple(sorted(self.fetch.stalled)) if self.fetch else (),
                bool(self.certificate), json.dumps(self.manifest_refused))

    async def _publish_status(self, client: aiomqtt.Client) -> None:
        topic = rx_topic(self.rid, "status")
        await client.publish(topic, sealed(self.store, topic, await self.status_body()), qos=1, retain=True)

    async def _status_loop(self, client: aiomqtt.Client) -> None:
        last_key, last_sent = self._status_key(), time.monotonic()
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), 1.0)
            self._changed.clear()
            await self.live.reconcile()  # a session that ended: its topic let go
            if self.fetch is not None and await self.fetch.retry_due() and self.pending is not None:
                pending, self.pending = self.pending, None
                await self._retained(client, rx_topic(self.rid, "manifest"), pending.to_bytes())
            key = self._status_key()
            if key != last_key or time.monotonic() - last_sent >= STATUS_EVERY_S:
                await self._publish_status(client)
                last_key, last_sent = key, time.monotonic()

    async def _playlog_loop(self, client: aiomqtt.Client) -> None:
        """Entries after the last one the studio acknowledged, oldest first (mqtt_playlog.py)."""
        topic = rx_topic(self.rid, "playlog")
        await PlaylogPusher(self.store, lambda body: client.publish(topic, sealed(self.store, topic, json.loads(body)),
                                                                     qos=1)).run()

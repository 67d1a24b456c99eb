"""Many simulated receivers in one process, each a real MQTT 5 client (aiomqtt) of a broker.

For the broker benchmark (`python -m benchmarks.broker`) and the studio's MQTT tests: a
`SimReceiver` does what the receiver's MQTT side does, minus the loudspeaker. It logs in
with its own account (username = its id), leaves a retained last will `{"online": false}`,
checks every envelope it acts on exactly as a receiver (crs_protocol.verify for the
signature, the trusted studio key, accept_counter for replays), applies a retained signed
manifest, fetches the media it names from the retained chunks, checks their SHA-256 before
the manifest counts as installed, answers play-now / status requests on the response topic
with the correlation data, publishes its status retained (manifest version, media missing)
and its play log after the acknowledged seq.

All receivers run on one asyncio loop in a thread of their own (`Fleet`); the caller's
thread only starts, stops and reads counters.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
import time
from dataclasses import dataclass, field

import aiomqtt
from crs_protocol import SignatureProblem, accept_counter, verify
from crs_protocol.counters import CounterState
from crs_protocol.manifest import manifest_media
from crs_protocol.mqtt import Envelope, EnvelopeProblem, media_topic, response, rx_topic
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties


@dataclass
class SimState:
    manifest_version: int = 0
    manifest_counter: int = 0
    media: dict[str, bytes] = field(default_factory=dict)  # complete, checked files
    wanted: set[str] = field(default_factory=set)
    played: list[tuple[str, float]] = field(default_factory=list)  # (item, monotonic)
    refused: int = 0
    bytes_in: int = 0
    playlog: list[dict] = field(default_factory=list)
    acked: int = 0


class SimReceiver:
    def __init__(self, receiver_id: str, password: str, studio_key: str, host: str, port: int) -> None:
        self.receiver_id, self.password, self.studio_key = receiver_id, password, studio_key
        self.host, self.port = host, port
        self.state = SimState()
        self.counters = CounterState()
        self.pending: dict | None = None  # a manifest waiting for its media
        self.chunks: dict[str, dict] = {}  # sha -> {"meta": dict | None, "parts": {n: bytes}}
        self.online = False
        self.killed = False

    def _checked(self, payload: bytes) -> Envelope | None:
        """The envelope if it is signed by the studio with a fresh counter (or the
        manifest already applied); None (counted as refused) otherwise."""
        try:
            request = Envelope.parse(payload)
            signed = verify(request.headers, request.method, request.path, request.body, self.receiver_id)
        except (EnvelopeProblem, SignatureProblem):
            self.state.refused += 1
            return None
        if signed.key != self.studio_key:
            self.state.refused += 1
            return None
        if request.path == "/v1/manifest" and signed.counter == self.state.manifest_counter:
            return None  # the retained copy it already applied: "already have", silently
        fresh = accept_counter(self.counters, signed.counter)
        if fresh is None:
            self.state.refused += 1
            return None
        self.counters = fresh
        if request.path == "/v1/manifest":
            self.state.manifest_counter = signed.counter
        return request

    def status_body(self) -> dict:
        return {"receiver_id": self.receiver_id, "online": True, "transport": "mqtt",
                "manifest_version": self.state.manifest_version or None, "playlog_seq": len(self.state.playlog),
                "media_missing": sorted(self.state.wanted - set(self.state.media)), "volume": 80}

    async def publish_status(self, client: aiomqtt.Client) -> None:
        await client.publish(rx_topic(self.receiver_id, "status"), json.dumps(self.status_body()), qos=1,
                             retain=True)

    async def run(self, stop: asyncio.Event, ready: asyncio.Event | None = None) -> None:
        will = aiomqtt.Will(rx_topic(self.receiver_id, "status"), json.dumps({"online": False}), qos=1, retain=True)
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = 7 * 24 * 3600
        async with aiomqtt.Client(self.host, self.port, username=self.receiver_id, password=self.password,
                                  identifier=self.receiver_id, protocol=aiomqtt.ProtocolVersion.V5,
                                  clean_start=False, properties=properties, will=will, keepalive=30,
                                  timeout=30) as client:
            for leaf in ("req", "manifest", "playlog-ack"):
                await client.subscribe(rx_topic(self.receiver_id, leaf), qos=1)
            self.online = True
            await self.publish_status(client)
            await self._publish_playlog(client)
            if ready is not None:
                ready.set()
            messages = asyncio.ensure_future(self._messages(client))
            await stop.wait()
            messages.cancel()
            self.online = False
            if self.killed:  # the line dies: no DISCONNECT, so the broker sends the last will
                client._client._sock_close()
                raise aiomqtt.MqttError("killed")

    async def _messages(self, client: aiomqtt.Client) -> None:
        async for message in client.messages:
            topic = message.topic.value
            payload = bytes(message.payload or b"")
            self.state.bytes_in += len(payload)
            if topic.startswith("crs/v1/media/"):
                await self._chunk(client, topic, payload)
            elif topic.endswith("/manifest") and payload:
                await self._manifest(client, payload)
            elif topic.endswith("/req"):
                await self._request(client, message, payload)
            elif topic.endswith("/playlog-ack") and payload:
                request = self._checked(payload)
                if request is not None:
                    self.state.acked = max(self.state.acked, int(json.loads(request.body)["seq"]))

    async def _manifest(self, client: aiomqtt.Client, payload: bytes) -> None:
        request = self._checked(payload)
        if request is None:
            return
        manifest = json.loads(request.body)
        if manifest.get("version", 0) <= self.state.manifest_version:
            return
        media = manifest_media(manifest)
        self.pending = manifest
        self.state.wanted = media
        for sha in media - set(self.state.media):
            self.chunks.setdefault(sha, {"meta": None, "parts": {}})
            await client.subscribe(media_topic(sha, "#"), qos=1)
        await self._install_if_complete(client)

    async def _chunk(self, client: aiomqtt.Client, topic: str, payload: bytes) -> None:
        sha, leaf = topic.split("/")[3], topic.split("/")[4]
        entry = self.chunks.get(sha)
        if entry is None or not payload:
            return
        if leaf == "meta":
            entry["meta"] = json.loads(payload)
        else:
            entry["parts"][int(leaf)] = payload
        meta = entry["meta"]
        if meta is not None and len(entry["parts"]) >= meta["chunks"]:
            data = b"".join(entry["parts"][i] for i in range(meta["chunks"]))
            if hashlib.sha256(data).hexdigest() == sha:  # real hashing: nothing unchecked plays
                self.state.media[sha] = data
                del self.chunks[sha]
                await client.unsubscribe(media_topic(sha, "#"))
                await self._install_if_complete(client)
            else:  # corrupt: discard and fetch again
                entry["parts"].clear()
                await client.unsubscribe(media_topic(sha, "#"))
                await client.subscribe(media_topic(sha, "#"), qos=1)

    async def _install_if_complete(self, client: aiomqtt.Client) -> None:
        if self.pending is not None and self.state.wanted <= set(self.state.media):
            self.state.manifest_version = self.pending["version"]
            self.pending = None
        await self.publish_status(client)

    async def _request(self, client: aiomqtt.Client, message, payload: bytes) -> None:
        request = self._checked(payload)
        if request is None:
            return
        if request.path == "/v1/commands/play-now":
            body = json.loads(request.body)
            self.state.played.append((body.get("id") or "", time.monotonic()))
            answer, status = {"item": body.get("id"), "already": False}, 200
        elif request.path == "/v1/status":
            answer, status = self.status_body(), 200
        else:
            answer, status = {"error": "not-found", "message": request.path}, 404
        properties = message.properties
        topic = getattr(properties, "ResponseTopic", None) or rx_topic(self.receiver_id, "resp")
        out = Properties(PacketTypes.PUBLISH)
        correlation = getattr(properties, "CorrelationData", None)
        if correlation:
            out.CorrelationData = correlation
        await client.publish(topic, response(request.id, status, answer), qos=1, properties=out)

    async def _publish_playlog(self, client: aiomqtt.Client) -> None:
        entries = [e for e in self.state.playlog if e["seq"] > self.state.acked]
        if entries:
            await client.publish(rx_topic(self.receiver_id, "playlog"), json.dumps({"entries": entries}), qos=1)


class Fleet:
    """Simulated receivers on one asyncio loop in a background thread."""

    def __init__(self, receivers: list[SimReceiver], connect_every_s: float = 0.002) -> None:
        self.receivers = receivers
        self.connect_every_s = connect_every_s
        self.loop = asyncio.new_event_loop()
        self._stops: dict[str, asyncio.Event] = {}
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True, name="sim-fleet")
        self._thread.start()

    def start(self, receivers: list[SimReceiver] | None = None, timeout: float = 120.0) -> None:
        """Connect these receivers (all by default); returns once all are subscribed."""
        asyncio.run_coroutine_threadsafe(self._start(receivers or self.receivers), self.loop).result(timeout)

    async def _start(self, receivers: list[SimReceiver]) -> None:
        readies = []
        for receiver in receivers:
            stop, ready = asyncio.Event(), asyncio.Event()
            self._stops[receiver.receiver_id] = stop
            asyncio.ensure_future(self._keep(receiver, stop, ready))
            readies.append(ready.wait())
            await asyncio.sleep(self.connect_every_s)  # a login storm helps nobody
        await asyncio.gather(*readies)

    async def _keep(self, receiver: SimReceiver, stop: asyncio.Event, ready: asyncio.Event) -> None:
        receiver.killed = False
        while not stop.is_set():
            try:
                await receiver.run(stop, ready)
            except aiomqtt.MqttError:
                receiver.online = False
                if not stop.is_set():
                    await asyncio.sleep(0.5)
            except Exception:
                if not stop.is_set():
                    await asyncio.sleep(0.5)

    def stop(self, receivers: list[SimReceiver] | None = None) -> None:
        """Disconnect cleanly (no last will: a clean DISCONNECT)."""
        def set_all() -> None:
            for receiver in receivers or self.receivers:
                stop = self._stops.pop(receiver.receiver_id, None)
                if stop is not None:
                    stop.set()
        self.loop.call_soon_threadsafe(set_all)

    def kill(self, receivers: list[SimReceiver] | None = None) -> None:
        """Cut their connections without a DISCONNECT (a power cut, a dead 4G link)."""
        for receiver in receivers or self.receivers:
            receiver.killed = True
        self.stop(receivers)

    def close(self) -> None:
        self.stop()
        time.sleep(0.3)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)

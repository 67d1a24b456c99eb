"""The studio's one MQTT 5 connection to a broker (paho-mqtt), shared by every thread.

Protocol v1 through a broker (docs/protocol.md, "Transport 2: MQTT"): a request is the same
signed v1 request wrapped in an envelope `{"id", "method", "path", "headers", "body"
(base64)}` published QoS 1 to `crs/v1/rx/RID/req` with the MQTT 5 response topic and
correlation data; the receiver answers `{"id", "status", "body"}` on `.../resp`. The link
subscribes to every receiver's answers and retained status (`crs/v1/rx/+/status`, whose
last will says `{"online": false}`), and keeps the newest status of each in memory.

The link of the process that runs the delivery engine (`claim_session()`: the window, `deliver`,
the demo) owns the studio's persistent session: a fixed client id per studio key,
clean_start False and a week's session expiry, and the subscription to
`crs/v1/rx/+/playlog`, so QoS 1 play-log messages published while the studio was off are
queued by the broker and arrive when it comes back. Each one is stored (idempotently by
receiver and seq) before the link acknowledges it (manual PUBACK: one that failed to store
is handed again by the broker at the next session), and the signed retained
`crs/v1/rx/RID/playlog-ack` says up to where: a receiver republishes what follows. Other
processes (a CLI command beside the window) use a clean session of their own.

Threads: paho's network thread runs the callbacks (answers, statuses, play-log writes on a
database connection of its own); any thread may call `request`, `publish`, `status_of`.
`links()` gives the process's one link per broker, created on first use.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import paho.mqtt.client as mqtt
from crs_protocol import key_id, sign_headers
from crs_protocol.mqtt import PREFIX, Envelope
from crs_protocol.rx_seal import unsealed
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from studio.errors import BrokerUnavailable
from studio.fleet.broker_account import BrokerAccount, broker_name
from studio.fleet.keys import StudioKey
from studio.fleet.receiver_seals import seal_key

log = logging.getLogger(__name__)

SESSION_EXPIRY_S = 7 * 24 * 3600
KEEPALIVE_S = 30
CONNECT_WAIT_S = 5.0
STATUS_STALE_S = 180.0  # a receiver publishes its status every 60 s: three missed is offline
MAX_ANSWER_BYTES = 8 << 20


@dataclass(frozen=True)
class Answer:
    status: int
    body: object


@dataclass(frozen=True)
class SeenStatus:
    status: dict
    at: float  # time.monotonic() when it arrived


def envelope(key: StudioKey, receiver_id: str, method: str, path: str, body: bytes) -> tuple[str, bytes]:
    """A signed v1 request as an MQTT envelope (crs_protocol.mqtt): its id and its bytes."""
    headers = sign_headers(key.private, method, path, body, key.next_counter(), receiver_id, datetime.now(UTC))
    request = Envelope.make(method, path, headers, body)
    return request.id, request.to_bytes()


class BrokerLink:
    def __init__(self, account: BrokerAccount, key: StudioKey, data_dir: Path, persistent: bool) -> None:
        self.account, self.key, self.data_dir, self.persistent = account, key, Path(data_dir), persistent
        stem = f"crs-studio-{key_id(key.public_text)[:16]}"
        self.client_id = stem if persistent else f"{stem}-{secrets.token_hex(4)}"
        self._lock = threading.Condition()
        self._connected = False
        self._reason = "not connected yet"
        self._subscribing: int | None = None  # the mid of the SUBACK that makes the link connected
        self._answers: dict[str, Answer] = {}
        self._expected: set[str] = set()
        self._statuses: dict[str, SeenStatus] = {}
        self._back_at: dict[str, float] = {}  # when each receiver's status last turned online
        self._retained: dict[str, bytes | None] = {}
        self._probing: set[str] = set()
        self.outstanding: dict[tuple[str, str], tuple[str, float]] = {}  # (rid, item) -> (id, sent)
        self._was_connected = False
        self._state_lost = False  # the broker came back without our session: it lost what it held
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=self.client_id,
                             protocol=mqtt.MQTTv5)
        client.username_pw_set(account.username, account.password)
        if account.tls:
            client.tls_set(ca_certs=account.ca_file)
        client.max_inflight_messages_set(32)
        client.manual_ack_set(True)  # a play log is acknowledged only once it is committed
        client.reconnect_delay_set(1, 30)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_subscribe = self._on_subscribe
        client.on_message = self._on_message
        self.client = client
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = SESSION_EXPIRY_S if persistent else 0
        client.connect_async(account.host, account.port, KEEPALIVE_S, clean_start=not persistent,
                             properties=properties)
        client.loop_start()

    @property
    def broker(self) -> str:
        return broker_name(self.account)

    # -- connection -------------------------------------------------------------------------------
    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            with self._lock:
                self._reason = f"the broker refused the login: {reason_code}"
            log.warning("broker %s refused the studio: %s", self.broker, reason_code)
            return
        topics = [(f"{PREFIX}/rx/+/resp", 1), (f"{PREFIX}/rx/+/status", 1), (f"{PREFIX}/pair/+/resp", 1)]
        if self.persistent:
            topics.append((f"{PREFIX}/rx/+/playlog", 1))
        with self._lock:
            _rc, self._subscribing = client.subscribe(topics)
            for topic in self._probing:
                client.subscribe(topic, 1)
            if self.persistent and self._was_connected and not flags.session_present:
                self._state_lost = True  # restarted from an old or no store (kill -9 before its autosave)
                log.warning("broker %s came back without the studio's session: what it held is republished",
                            self.broker)
            self._was_connected = True  # connected only once subscribed (_on_subscribe)
        log.info("connected to broker %s as %s (session present: %s)", self.broker, self.client_id,
                 flags.session_present)

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties) -> None:
        """Connected once the broker has the subscriptions: nothing sent from then on is missed."""
        with self._lock:
            if mid == self._subscribing:
                self._connected = True
                self._lock.notify_all()

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        with self._lock:
            was, self._connected = self._connected, False
            self._reason = f"disconnected: {reason_code}"
        if was:
            log.warning("lost the broker %s: %s", self.broker, reason_code)

    def wait_connected(self, timeout: float = CONNECT_WAIT_S) -> None:
        with self._lock:
            if not self._lock.wait_for(lambda: self._connected, timeout):
                raise BrokerUnavailable(self.broker, self._reason)

    @property
    def connected(self) -> bool:
        return self._connected

    def take_state_lost(self) -> bool:
        """True once after the broker came back without the studio's persistent session
        (it may have lost retained media and manifests it had acknowledged)."""
        with self._lock:
            lost, self._state_lost = self._state_lost, False
            return lost

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    # -- publishing --------------------------------------------------------------------------------
    def publish(self, topic: str, payload: bytes, retain: bool = False, timeout: float = 30.0,
                properties: Properties | None = None, wait: bool = True) -> mqtt.MQTTMessageInfo:
        """Publish QoS 1; with `wait`, return once the broker has acknowledged it."""
        self.wait_connected(min(timeout, CONNECT_WAIT_S))
        info = self.client.publish(topic, payload, qos=1, retain=retain, properties=properties)
        if wait:
            self.wait_published(info, timeout)
        return info

    def publish_frame(self, topic: str, payload: bytes) -> bool:
        """Publish QoS 0, not retained, without waiting (a live frame: one late is one lost);
        False when it could not even be queued (not connected)."""
        return self.client.publish(topic, payload, qos=0).rc == mqtt.MQTT_ERR_SUCCESS

    def wait_published(self, info: mqtt.MQTTMessageInfo, timeout: float) -> None:
        try:
            info.wait_for_publish(timeout)
        except (RuntimeError, ValueError) as exc:  # queue full, or not connected any more
            raise BrokerUnavailable(self.broker, str(exc)) from exc
        if not info.is_published():
            raise BrokerUnavailable(self.broker, f"no acknowledgement within {timeout:.0f} s")

    def send_request(self, receiver_id: str, method: str, path: str, body: bytes = b"",
                     kind: str = "rx", timeout: float = 10.0, expiry_s: int | None = None) -> str:
        """Publish a signed request to a receiver's `req` topic; returns its id (see `answer`)."""
        request_id, payload = envelope(self.key, receiver_id, method, path, body)
        properties = Properties(PacketTypes.PUBLISH)
        properties.ResponseTopic = f"{PREFIX}/{kind}/{receiver_id}/resp"
        properties.CorrelationData = request_id.encode()
        if expiry_s is not None:  # the broker drops it, queued for an offline receiver, after this
            properties.MessageExpiryInterval = expiry_s
        with self._lock:
            self._expected.add(request_id)
        self.publish(f"{PREFIX}/{kind}/{receiver_id}/req", payload, properties=properties, timeout=timeout)
        return request_id

    def answer(self, request_id: str, timeout: float, forget: bool = True) -> Answer | None:
        """The receiver's answer to a request, waited for at most `timeout` seconds."""
        with self._lock:
            self._lock.wait_for(lambda: request_id in self._answers, timeout)
            found = self._answers.get(request_id)
            if found is not None or forget:
                self._answers.pop(request_id, None)
                if forget:
                    self._expected.discard(request_id)
            return found

    def forget(self, request_id: str) -> None:
        with self._lock:
            self._expected.discard(request_id)
            self._answers.pop(request_id, None)

    # -- what receivers said -----------------------------------------------------------------------
    def status_of(self, receiver_id: str, timeout: float) -> SeenStatus | None:
        """The newest status the receiver published (retained), waiting for a first one."""
        self.wait_connected(min(timeout, CONNECT_WAIT_S))
        with self._lock:
            self._lock.wait_for(lambda: receiver_id in self._statuses, timeout)
            return self._statuses.get(receiver_id)

    def retained(self, topic: str, timeout: float) -> bytes | None:
        """The retained payload of `topic` (None if the broker holds none within `timeout`)."""
        self.wait_connected(min(timeout, CONNECT_WAIT_S))
        with self._lock:
            self._retained.pop(topic, None)
            self._probing.add(topic)
        self.client.subscribe(topic, 1)
        try:
            with self._lock:
                self._lock.wait_for(lambda: topic in self._retained, timeout)
                return self._retained.pop(topic, None)
        finally:
            with self._lock:
                self._probing.discard(topic)
            self.client.unsubscribe(topic)

    def _on_message(self, client, userdata, message: mqtt.MQTTMessage) -> None:
        """Acknowledge each message (manual acks) once handled; a play log whose entries could
        not be stored stays unacknowledged, so the broker hands it again at the next session."""
        parts = message.topic.split("/")
        done = True
        try:
            if message.topic in self._probing:
                with self._lock:
                    self._retained[message.topic] = bytes(message.payload) if message.retain else None
                    self._lock.notify_all()
                return
            if len(parts) != 5 or parts[:2] != ["crs", "v1"] or parts[2] not in ("rx", "pair"):
                return
            kind, receiver_id, what = parts[2], parts[3], parts[4]
            payload = message.payload
            if kind == "rx" and payload and what in ("resp", "status", "playlog"):
                payload = self._unsealed(receiver_id, message.topic, payload)
                if payload is None:
                    return
            if what == "resp":
                self._take_answer(payload)
            elif what == "status" and kind == "rx":
                self._take_status(receiver_id, payload)
            elif what == "playlog" and kind == "rx":
                done = False
                self._take_playlog(receiver_id, payload)
                done = True
        except Exception:  # one bad message never stops the link
            log.exception("message on %s could not be handled", message.topic)
        finally:
            if done:
                client.ack(message.mid, message.qos)

    def _unsealed(self, receiver_id: str, topic: str, payload: bytes) -> bytes | None:
        """A receiver paired through the broker seals what it publishes (crs_protocol.rx_seal):
        the message without its MAC, or None (refused and logged) if the MAC is not right."""
        key = seal_key(self.data_dir, receiver_id)
        if key is None or len(payload) > MAX_ANSWER_BYTES:
            return payload  # paired over HTTP or before sealing: as it comes
        value = unsealed(key, topic, json.loads(payload))
        if value is None:
            log.warning("refused a message on %s: not sealed by receiver %s (forged on the broker?)", topic,
                        receiver_id)
            return None
        return json.dumps(value).encode()

    def _take_answer(self, payload: bytes) -> None:
        if len(payload) > MAX_ANSWER_BYTES:
            return
        data = json.loads(payload)
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            return
        status = data.get("status")
        with self._lock:
            if data["id"] in self._expected:
                self._answers[data["id"]] = Answer(status if type(status) is int else 502, data.get("body"))
                self._lock.notify_all()

    def _take_status(self, receiver_id: str, payload: bytes) -> None:
        if not payload:  # a retained status cleared
            return
        data = json.loads(payload)
        if isinstance(data, dict):
            with self._lock:
                now, before = time.monotonic(), self._statuses.get(receiver_id)
                if data.get("online") is True and (before is None or before.status.get("online") is False):
                    self._back_at[receiver_id] = now  # online again (or first seen so)
                self._statuses[receiver_id] = SeenStatus(data, now)
                self._lock.notify_all()

    def came_back(self, receiver_id: str, since: float) -> bool:
        """Whether the receiver's status turned from offline to online after `since`
        (time.monotonic()): what was published to it meanwhile did not reach it."""
        with self._lock:
            return self._back_at.get(receiver_id, 0.0) > since

    def _take_playlog(self, receiver_id: str, payload: bytes) -> None:
        """Store the entries before paho acknowledges the message, then ack the seq retained."""
        from studio.fleet.mqtt_playlog import store_pushed_playlog
        from studio.storage.database import connect

        conn = connect(self.data_dir / "studio.db")  # a play log a minute: a connection each is cheap
        try:
            acked = store_pushed_playlog(conn, receiver_id, payload)
        finally:
            conn.close()
        if acked is not None:
            self.ack_playlog(receiver_id, acked)

    def ack_playlog(self, receiver_id: str, seq: int) -> None:
        body = json.dumps({"seq": seq}).encode()
        _, payload = envelope(self.key, receiver_id, "POST", "/v1/playlog/ack", body)
        self.publish(f"{PREFIX}/rx/{receiver_id}/playlog-ack", payload, retain=True, wait=False)


class Links:
    """The process's links, one per broker (and studio key)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._links: dict[tuple[str, str], BrokerLink] = {}
        self._owner = False

    def claim_session(self) -> None:
        """This process runs the delivery engine: its links own the persistent session."""
        with self._lock:
            if self._owner:
                return
            self._owner = True
            old, self._links = self._links, {}
        for link in old.values():
            link.close()

    def get(self, account: BrokerAccount, key: StudioKey) -> BrokerLink:
        data_dir = key.folder.parent  # StudioPaths.keys_dir is <data>/keys
        name = (broker_name(account), key.public_text)
        with self._lock:
            link = self._links.get(name)
            if link is None or link.account != account:
                if link is not None:
                    link.close()
                link = BrokerLink(account, key, data_dir, self._owner)
                self._links[name] = link
            return link

    def close(self) -> None:
        with self._lock:
            old, self._links = self._links, {}
        for link in old.values():
            link.close()


_LINKS = Links()


def links() -> Links:
    return _LINKS

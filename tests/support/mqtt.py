"""A plain MQTT 5 client for tests (paho-mqtt, blocking calls with deadlines): connect with
some account, subscribe and learn whether the broker granted it, publish and learn the
broker's answer (PUBACK reason), collect what arrives. What a test uses to play the studio,
a forger, or a curious receiver against the real broker. paho's thread fills `messages`;
everything else runs on the test's thread.
"""

from __future__ import annotations

import queue
import threading
import time
import uuid

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

TIMEOUT_S = 10.0


class Probe:
    def __init__(self, host: str, port: int, username: str, password: str, client_id: str | None = None) -> None:
        self.messages: queue.Queue = queue.Queue()
        self._connected = threading.Event()
        self._acks: dict[int, tuple[threading.Event, list]] = {}
        self._lock = threading.Lock()
        self.connect_reason = None
        c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id or f"probe-{uuid.uuid4().hex[:10]}",
                        protocol=mqtt.MQTTv5)
        c.username_pw_set(username, password)
        c.on_connect = self._on_connect
        c.on_subscribe = self._on_ack
        c.on_publish = self._on_publish
        c.on_message = lambda _c, _u, m: self.messages.put(m)
        self.client = c
        c.connect(host, port, keepalive=30)
        c.loop_start()
        self._connected.wait(TIMEOUT_S)

    @property
    def connected(self) -> bool:
        return self.connect_reason is not None and not self.connect_reason.is_failure

    def _on_connect(self, _c, _u, _flags, reason, _props) -> None:
        self.connect_reason = reason
        self._connected.set()

    def _register(self, mid: int) -> tuple[threading.Event, list]:
        with self._lock:
            return self._acks.setdefault(mid, (threading.Event(), []))

    def _on_ack(self, _c, _u, mid, reason_codes, _props) -> None:
        event, found = self._register(mid)
        found.append(reason_codes)
        event.set()

    def _on_publish(self, _c, _u, mid, reason_code, _props) -> None:
        event, found = self._register(mid)
        found.append(reason_code)
        event.set()

    def subscribe(self, topic: str, qos: int = 1) -> bool:
        """True if the broker granted the subscription."""
        _rc, mid = self.client.subscribe(topic, qos=qos)
        event, found = self._register(mid)
        assert event.wait(TIMEOUT_S), f"no SUBACK for {topic}"
        return not any(code.is_failure for code in found[0])

    def publish(self, topic: str, payload: bytes | str, retain: bool = False, qos: int = 1,
                response_topic: str | None = None, correlation: bytes | None = None):
        """The broker's PUBACK reason code (QoS 1)."""
        props = None
        if response_topic or correlation:
            props = Properties(PacketTypes.PUBLISH)
            if response_topic:
                props.ResponseTopic = response_topic
            if correlation:
                props.CorrelationData = correlation
        info = self.client.publish(topic, payload, qos=qos, retain=retain, properties=props)
        event, found = self._register(info.mid)
        assert event.wait(TIMEOUT_S), f"no PUBACK for {topic}"
        return found[0]

    def next_message(self, timeout: float = TIMEOUT_S, topic: str | None = None):
        """The next message (on `topic`, others skipped), or None after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                message = self.messages.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return None
            if topic is None or message.topic == topic:
                return message

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

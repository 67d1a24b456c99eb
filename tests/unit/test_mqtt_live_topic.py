"""The receiver's live subscription through a broker (crs_receiver.mqtt_live), with fake
subscribe/unsubscribe calls in place of the broker: a start subscribes before the session
opens, a refused subscription raises for the start and ends an open session on reconcile,
the subscription is let go when the session ends or is replaced by one over UDP, and
concurrent reconciles never leave two topics subscribed. FrameQueue hands live frames over
at once and queues everything else within its bound."""

from __future__ import annotations

import asyncio
import threading
from types import SimpleNamespace

import pytest
from crs_protocol.mqtt import live_topic
from crs_receiver.broker_address import NotGranted
from crs_receiver.mqtt_live import FrameQueue, LiveTopic


class FakeLive:
    def __init__(self) -> None:
        self.session = None
        self.ended_with: list[str] = []
        self.frames: list[tuple[bytes, str]] = []

    def open(self, session_id: bytes, via: str = "mqtt") -> None:
        self.session = SimpleNamespace(id=session_id, via=via, ended=threading.Event())

    def end(self, session_id: bytes, outcome: str = "played") -> bool:
        self.ended_with.append(outcome)
        self.session.ended.set()
        return True

    def datagram(self, data: bytes, via: str = "udp") -> None:
        self.frames.append((data, via))


class FakeBroker:
    def __init__(self, refuse: bool = False) -> None:
        self.subscribed: set[str] = set()
        self.refuse = refuse

    async def subscribe(self, topic: str) -> None:
        await asyncio.sleep(0.001)  # an answer from the broker: other tasks run meanwhile
        if self.refuse:
            raise NotGranted(f"the broker refused the subscription to {topic}")
        self.subscribed.add(topic)

    async def unsubscribe(self, topic: str) -> None:
        await asyncio.sleep(0.001)
        self.subscribed.discard(topic)


def topic_of(live: FakeLive, refuse: bool = False) -> tuple[LiveTopic, FakeBroker]:
    broker = FakeBroker(refuse)
    requests = SimpleNamespace(live_now=lambda: live)
    return LiveTopic(requests, broker.subscribe, broker.unsubscribe), broker


def test_a_session_is_heard_while_open_and_let_go_when_it_ends():
    live = FakeLive()
    topic, broker = topic_of(live)

    async def run() -> None:
        await topic.hear(b"\x01" * 16)
        assert broker.subscribed == {live_topic("01" * 16)}
        live.open(b"\x01" * 16)
        await topic.reconcile()  # the open session: nothing changes
        assert broker.subscribed == {live_topic("01" * 16)}
        topic.feed(live_topic("01" * 16), b"frame")
        topic.feed(live_topic("02" * 16), b"another session's frame")
        live.session.ended.set()  # a time-out
        await topic.reconcile()
        assert broker.subscribed == set() and topic.topic is None

    asyncio.run(run())
    assert live.frames == [(b"frame", "mqtt")]


def test_a_session_over_udp_replacing_one_over_the_broker_lets_its_topic_go():
    live = FakeLive()
    topic, broker = topic_of(live)

    async def run() -> None:
        await topic.hear(b"\x01" * 16)
        live.open(b"\x01" * 16)
        live.open(b"\x02" * 16, via="udp")
        await topic.reconcile()

    asyncio.run(run())
    assert broker.subscribed == set()


def test_a_refused_subscription_refuses_the_start_and_ends_an_open_session():
    live = FakeLive()
    topic, _broker = topic_of(live, refuse=True)

    async def run() -> None:
        with pytest.raises(NotGranted):
            await topic.hear(b"\x01" * 16)
        live.open(b"\x01" * 16)  # open, as after a reconnection to a broker that refuses now
        await topic.reconcile()

    asyncio.run(run())
    assert live.ended_with == ["failed"] and topic.topic is None


def test_a_start_racing_a_reconcile_never_leaves_a_topic_subscribed_untracked():
    live = FakeLive()
    topic, broker = topic_of(live)

    async def run() -> None:
        for n in range(1, 6):
            live.open(bytes([n]) * 16)
            await topic.reconcile()
            # the next session's start and the one-second reconcile (still seeing session n) at once
            await asyncio.gather(topic.hear(bytes([n + 1]) * 16), topic.reconcile())
            assert broker.subscribed == {topic.topic}  # one topic, the one it will let go of later
            live.open(bytes([n + 1]) * 16)
            await topic.reconcile()
            assert broker.subscribed == {live_topic(bytes([n + 1]).hex() * 16)}

    asyncio.run(run())


def test_frame_queue_hands_frames_over_and_bounds_the_rest():
    live = FakeLive()
    topic, _broker = topic_of(live)
    topic.topic = live_topic("01" * 16)
    link = SimpleNamespace(live=topic)
    message = lambda name, payload: SimpleNamespace(topic=SimpleNamespace(value=name), payload=payload)  # noqa: E731

    queue = FrameQueue(link, maxsize=2)
    for _ in range(100):  # 2 s of frames, more than the queue holds
        queue.put_nowait(message(live_topic("01" * 16), b"f"))
    queue.put_nowait(message("crs/v1/rx/r/req", b"request"))
    queue.put_nowait(message("crs/v1/media/ab/0", b"chunk"))
    with pytest.raises(asyncio.QueueFull):  # aiomqtt drops (and logs) past the bound, as before
        queue.put_nowait(message("crs/v1/rx/r/req", b"one too many"))
    assert len(live.frames) == 100 and queue.qsize() == 2
    assert queue.get_nowait().payload == b"request"

"""A live broadcast from the studio's microphone to the receivers of chosen zones
(docs/protocol.md, "Live").

One session: a random id and key. Each receiver gets the key sealed to its own live public
key in a signed `live-start` (v1 trust model), then 20 ms Opus frames (in-band FEC) over UDP,
each with its sequence number and sealed under the key (ChaCha20-Poly1305: no one else can make or hear it). A receiver behind a broker (an
`mqtt://` address) gets the same requests as envelopes and the same frames on the session's
live topic, published once per frame for all of them (docs/protocol.md, "Live over MQTT").
Frames are paced by the monotonic
clock (a microphone that delivers faster, like ALSA's file device, is dropped down to real
time; the drops are counted), so a receiver's jitter buffer sees real time whatever the input.

Threads: the PortAudio callback (capture.py); "live-encoder" takes blocks, encodes, signs and
sends them to every receiver that is on the air; "live-writer" writes what was said to a WAV
for the library; one "live-<name>" thread per receiver starts the session there, reads its
status every `status_s` (on the air, dropped, unreachable), starts it again when the receiver
lost it (a restart, a time-out) and ends it there at the end. None shares state with another
receiver's thread; the encoder reads each target's UDP address and broker link, single
attributes.
"""

from __future__ import annotations

import logging
import math
import queue
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from crs_protocol import ErrorCode
from crs_protocol.live import FRAME_MS, new_session, pack_frame, seal_key, session_text
from crs_protocol.mqtt import live_topic

from studio.errors import ReceiverError, ReceiverUnreachable, StudioError
from studio.fleet.keys import StudioKey
from studio.fleet.transport import ReceiverTransport, transport_for, via_broker
from studio.live.capture import MicCapture

if TYPE_CHECKING:
    from studio.fleet.mqtt_link import BrokerLink

log = logging.getLogger(__name__)

BACKLOG_BLOCKS = 5  # queued input beyond this (100 ms) is dropped: live, not late
DROPPED_AFTER_S = 1.0  # a receiver without a valid frame for this long is shown as dropped
READY_WAIT_S = 1.5  # the first frame waits this long at most for every receiver's start answer
DRAIN_S = 0.15  # after the last frame, before live-end: the receivers' jitter buffers play out
BROKER_DRAIN_S = 0.4  # (a receiver behind a broker buffers 240 ms)
BROKER_STATUS_S = 2.0  # a receiver behind a broker is asked its status this often at most (4G uplink)
SCHEMES = ("http", "https", "mqtt", "mqtts")
STOP_WAIT_S = 15.0  # every receiver's thread ends in parallel: drain + live-end through a broker (5 + 5 s)


class TargetState(Enum):
    STARTING = "starting"
    ON_AIR = "on-air"
    DROPPED = "dropped"
    UNREACHABLE = "unreachable"
    REFUSED = "refused"
    UNSUPPORTED = "unsupported"
    ENDED = "ended"


@dataclass
class LiveTarget:
    """One receiver of the session and what its thread last saw."""

    receiver: int
    name: str
    receiver_id: str
    address: str
    state: TargetState = TargetState.STARTING
    detail: str | None = None
    udp: tuple[str, int] | None = None
    broker: BrokerLink | None = None  # the link its frames go through (a receiver behind NAT)
    rules_refreshed: bool = False  # its broker rules were brought up to date once this session
    carried: bool = False  # it was on the air at some point
    live_key: str | None = None  # pinned at pairing (None: paired before, pinned at its first session)
    played_frames: int = 0


class LiveBroadcast:
    def __init__(self, key: StudioKey, targets: list[LiveTarget], device: str | int | None, by: str,
                 zones: list[str], recording: Path | None = None, seconds: float | None = None,
                 silence_s: float | None = None, status_s: float = 0.5, capture=None) -> None:
        self.key, self.targets, self.by, self.zones = key, targets, by, list(zones)
        self.recording, self.seconds, self.silence_s, self.status_s = recording, seconds, silence_s, status_s
        self.session_id, self.session_key = new_session()
        self.session = session_text(self.session_id)
        # anything with MicCapture's `blocks`, `overflows`, `start()`, `stop()` (benchmarks.live paces one)
        self.capture = capture if capture is not None else MicCapture(device)
        self.stop_event = threading.Event()
        self.finished = threading.Event()  # --seconds of audio were sent
        self.frames_sent = 0
        self.dropped_blocks = 0
        self.level_dbfs = -120.0
        self.started_at = 0.0
        self.tap: Callable[[bytes], None] | None = None  # sees each frame sent (tests)
        self._record: queue.Queue = queue.Queue(maxsize=500)
        self._threads: list[threading.Thread] = []
        self._first_tries = 0
        self._count = threading.Lock()
        self.ready = threading.Event()  # every receiver answered its start (or failed): on the air

    # -- control --------------------------------------------------------------------------------
    def start(self) -> None:
        """Open the microphone (AudioDeviceError) and start every thread."""
        self.capture.start()
        self.started_at = time.monotonic()
        workers = [threading.Thread(target=self._encode, name="live-encoder", daemon=True)]
        if self.recording is not None:
            workers.append(threading.Thread(target=self._write, name="live-writer", daemon=True))
        for target in self.targets:
            if urlsplit(target.address).scheme not in SCHEMES:
                target.state, target.detail = TargetState.UNSUPPORTED, "not an http or mqtt address"
                continue
            workers.append(threading.Thread(target=self._follow, args=(target,), name=f"live-{target.name}",
                                            daemon=True))
        self._threads = workers
        self._followed = len(workers) - (2 if self.recording is not None else 1)
        if not self._followed:
            self.ready.set()
        for worker in workers:
            worker.start()
        log.warning("live session %s by %s on %s: %d receivers", self.session, self.by, ", ".join(self.zones),
                    len(self.targets))

    def stop(self) -> None:
        """End the session everywhere (each receiver's thread sends `live-end`) and wait."""
        self.stop_event.set()
        self.capture.stop()
        deadline = time.monotonic() + STOP_WAIT_S
        for worker in self._threads:
            worker.join(timeout=max(0.1, deadline - time.monotonic()))

    @property
    def elapsed_s(self) -> float:
        return self.frames_sent * FRAME_MS / 1000.0

    def on_air(self) -> list[LiveTarget]:
        return [t for t in self.targets if t.state is TargetState.ON_AIR]

    # -- the encoder thread ----------------------------------------------------------------------
    def _encode(self) -> None:
        import numpy as np
        from crs_protocol.opus import Encoder

        encoder = Encoder()
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        topic = live_topic(self.session)
        t0, seq, frame_s = None, 0, FRAME_MS / 1000.0
        self.ready.wait(READY_WAIT_S)  # what is said before the receivers are ready would be lost
        while not self.capture.blocks.empty():
            self.capture.blocks.get_nowait()
        try:
            while not self.stop_event.is_set():
                try:
                    block = self.capture.blocks.get(timeout=0.2)
                except queue.Empty:
                    continue
                while self.capture.blocks.qsize() > BACKLOG_BLOCKS:
                    self.capture.blocks.get_nowait()
                    self.dropped_blocks += 1
                now = time.monotonic()
                if t0 is None or now - (t0 + seq * frame_s) > 0.5:  # the first block, or after a stall
                    t0 = now - seq * frame_s  # (the receivers resync on the later frames)
                due = t0 + seq * frame_s
                if due > now and self.stop_event.wait(due - now):
                    break
                frame = pack_frame(self.session_id, self.session_key, seq, encoder.encode(block.tobytes()))
                links = {}
                for target in self.targets:
                    address, link = target.udp, target.broker
                    if address is not None:
                        try:
                            sock.sendto(frame, address)
                        except OSError:
                            pass  # its thread sees the receiver drop
                    elif link is not None:
                        links[id(link)] = link
                for link in links.values():  # once per broker, whatever the number of its receivers
                    link.publish_frame(topic, frame)
                if self.tap is not None:
                    self.tap(frame)
                peak = int(np.abs(block.astype(np.int32)).max())
                self.level_dbfs = round(20 * math.log10(peak / 32768.0), 1) if peak else -120.0
                if self.recording is not None:
                    try:
                        self._record.put_nowait(block)
                    except queue.Full:
                        self.dropped_blocks += 1
                seq += 1
                self.frames_sent = seq
                if self.seconds is not None and seq * frame_s >= self.seconds:
                    self.finished.set()
                    break
        finally:
            encoder.close()
            sock.close()
            self._record.put(None)

    def _write(self) -> None:
        import soundfile as sf

        with sf.SoundFile(self.recording, "w", samplerate=48000, channels=1, subtype="PCM_16") as out:
            while True:
                block = self._record.get()
                if block is None:
                    return
                out.write(block)

    # -- one thread per receiver -----------------------------------------------------------------
    def _follow(self, target: LiveTarget) -> None:
        broker = via_broker(target.address)
        every = max(self.status_s, BROKER_STATUS_S) if broker else self.status_s
        client: ReceiverTransport | None = None
        tried = gave_up = False
        while not self.stop_event.is_set() and not self.finished.is_set():
            try:
                if client is None:
                    client = transport_for(target.address, self.key, target.receiver_id,
                                           timeout=(1.0, 5.0 if broker else 2.0))
                if not self._sending(target):
                    self._start_on(client, target)
                else:
                    self._check(client, target)
            except ReceiverUnreachable as exc:
                self._off(target, TargetState.UNREACHABLE, exc.reason)
            except ReceiverError as exc:
                self._off(target, TargetState.REFUSED, f"{exc.code}: {exc.message}")
                if exc.code == ErrorCode.NOT_GRANTED:
                    if target.rules_refreshed:  # still refused: a broker the studio cannot change
                        gave_up = True
                        break
                    self._refresh_rules(target)
            except (KeyError, TypeError, ValueError, OSError) as exc:
                self._off(target, TargetState.REFUSED, f"bad live answer: {exc}")
            if not tried:
                tried = True
                with self._count:
                    self._first_tries += 1
                    if self._first_tries == self._followed:
                        self.ready.set()
            if self.stop_event.wait(every):
                break
        if self._sending(target):
            time.sleep(BROKER_DRAIN_S if target.broker is not None else DRAIN_S)
        if client is not None and (self._sending(target) or target.carried):
            try:
                client.live_end(self.session)
            except (ReceiverUnreachable, ReceiverError) as exc:
                log.info("live-end not confirmed by %s: %s", target.name, exc)
        target.udp = target.broker = None
        if target.state is not TargetState.UNSUPPORTED and not gave_up:
            self._set(target, TargetState.ENDED, None)

    @staticmethod
    def _sending(target: LiveTarget) -> bool:
        return target.udp is not None or target.broker is not None

    def _off(self, target: LiveTarget, state: TargetState, detail: str) -> None:
        self._set(target, state, detail)
        target.udp = target.broker = None

    def _refresh_rules(self, target: LiveTarget) -> None:
        """A receiver paired before live existed may not read the live topic: give its broker
        account the rule (the studio is the broker's admin), and start it again next round."""
        from studio.fleet.broker_account import parse_broker_address
        from studio.fleet.mqtt_pairing import broker_admin

        target.rules_refreshed = True
        try:
            with broker_admin(self.key, parse_broker_address(target.address, need_receiver=True)) as admin:
                admin.refresh_receiver_rules(target.receiver_id)
        except (StudioError, OSError) as exc:
            log.warning("live: the broker rules of %s were not refreshed: %s", target.name, exc)

    def _start_on(self, client: ReceiverTransport, target: LiveTarget) -> None:
        info = client.live_info()
        public = str(info["public_key"])
        if target.live_key is None:  # paired before keys were pinned: this one is (sessions.finish)
            target.live_key = public
        elif public != target.live_key:  # someone answering in its place: the session key stays ours
            raise ReceiverError(target.receiver_id, 0, "live-key-changed",
                                "its live key is not the one it gave at pairing; pair it again if it was replaced")
        body = {"session": self.session, "key": seal_key(self.session_key, public),
                "by": self.by, "zones": self.zones}
        if self.silence_s is not None:
            body["silence_s"] = self.silence_s
        answer = client.live_start(body)
        if via_broker(target.address):
            target.broker = client.link
        else:
            target.udp = (socket.gethostbyname(urlsplit(target.address).hostname or ""), int(answer["port"]))
        self._set(target, TargetState.STARTING, None)

    def _check(self, client: ReceiverTransport, target: LiveTarget) -> None:
        current = client.live_info().get("session")
        if not isinstance(current, dict) or current.get("session") != self.session:
            # it lost the session (restart, time-out): started again next round
            self._off(target, TargetState.DROPPED, "session lost")
            return
        target.played_frames = int(current.get("played", 0))
        if float(current.get("since_valid_s", 0)) > DROPPED_AFTER_S:
            self._set(target, TargetState.DROPPED, "no frames")
        else:
            target.carried = True
            self._set(target, TargetState.ON_AIR, None)

    @staticmethod
    def _set(target: LiveTarget, state: TargetState, detail: str | None) -> None:
        if target.state is not state:
            log.info("live: %s %s%s", target.name, state.value, f" ({detail})" if detail else "")
        target.state, target.detail = state, detail

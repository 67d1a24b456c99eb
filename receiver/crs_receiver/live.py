"""Live broadcast on the receiver: the session a signed `live-start` opened, the UDP socket
its frames arrive on, the jitter buffer and the output (docs/protocol.md, "Live").

A frame is taken only if it names the open session, it opens under the session key (ChaCha20-Poly1305),
its sequence number was not seen and lies in the window (not more than `WINDOW` behind the
newest, not more than `AHEAD` ahead of it). Everything else is counted (`refused`) and never
touches the output; the first refusal of each kind in a session is logged once.

While a session is on the air the playback engine starts nothing but an emergency (and cuts
the scheduled item that plays: it resumes after, from where the clock says). An emergency
takes the output: the live output closes, the emergency plays, live comes back after it.
The session ends with `live-end`, or when no valid frame came for `silence_s` (5 s unless
`CRS_RECEIVER_LIVE_TIMEOUT_S` or the start command says otherwise); either way the play log
gets one entry (who, zones, start, end, outcome, level).

Threads: frames arrive on the asyncio loop (`datagram`: parse, open, window, into the jitter
buffer under a short lock); the "receiver-live" thread paces playout by the monotonic clock
(a frame every 20 ms, `TARGET_MS` behind the studio's timeline, `BROKER_TARGET_MS` when the
session was started through a broker), decodes (FEC from the next frame, else
PLC, for a missing one) and writes blocks to a blocking PortAudio stream, which a sound card
paces too; the engine's scheduler calls `on_air` and `yield_output`.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from crs_protocol.live import FRAME_MS, FRAME_SAMPLES, RATE, open_frame, open_key, parse_frame, session_text
from crs_protocol.signing import b64
from nacl.public import PrivateKey

from crs_receiver.memory import load_playback_modules
from crs_receiver.volume import scheduled_volume

log = logging.getLogger(__name__)

KEY_FILE = "live.key"
TARGET_MS = 80  # jitter buffer: playout this far behind the studio's timeline (frames over UDP)
BROKER_TARGET_MS = 240  # frames through a broker (TCP over 4G: a lost segment stalls them all a while)
WINDOW = 64  # frames behind the newest still accepted (late but not yet played)
AHEAD = 250  # frames (5 s) ahead of the newest still accepted
RESYNC_FRAMES = 25  # buffered this far past the target (500 ms): drop to the target again
CONCEAL_FRAMES = 5  # missing frames concealed (FEC/PLC); after that, silence until frames come
LATE_S = 0.06  # playout this far behind its clock skips frames (a burst would stay as latency)
DEFAULT_SILENCE_S = 5.0


def live_private_key(root) -> PrivateKey:
    """The receiver's X25519 key for sealed session keys, made once and kept (0600)."""
    path = root / KEY_FILE
    try:
        return PrivateKey(path.read_bytes())
    except (FileNotFoundError, ValueError, TypeError):
        key = PrivateKey.generate()
        temp = path.with_suffix(".tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(bytes(key))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
        return key


@dataclass
class Session:
    id: bytes
    key: bytes
    by: str
    zones: list[str]
    silence_s: float
    started: datetime
    via: str = "udp"  # "mqtt": started through a broker, frames on its live topic (mqtt_live.py)
    opened: float = field(default_factory=time.monotonic)
    last_valid: float = 0.0
    newest: int = -1
    # When frame 0 left the studio, as this receiver can tell: the earliest of (arrival - seq x 20 ms)
    # over the frames taken. Frames leave the studio for every receiver at once, so playing frame n
    # at origin + n x 20 ms + TARGET_MS lines the receivers up (to the difference of their network
    # paths), whenever each of them got round to starting its output.
    origin: float | None = None
    frames: dict[int, bytes] = field(default_factory=dict)
    seen: set[int] = field(default_factory=set)
    ended: threading.Event = field(default_factory=threading.Event)
    outcome: str = "played"
    accepted: int = 0
    played_frames: int = 0
    concealed: int = 0
    skipped: int = 0
    sum_squares: float = 0.0
    samples: int = 0

    @property
    def target_ms(self) -> int:
        return BROKER_TARGET_MS if self.via == "mqtt" else TARGET_MS


class _Datagrams(asyncio.DatagramProtocol):
    def __init__(self, live: LiveReceiver) -> None:
        self.live = live

    def datagram_received(self, data: bytes, addr) -> None:
        self.live.datagram(data)


class LiveReceiver:
    """The live side of one receiver (one session at a time; a new one replaces it)."""

    def __init__(self, store, engine, security=None) -> None:
        self.store, self.engine, self.security = store, engine, security
        load_playback_modules()  # (made in the executor) a session must not wait for them
        self.private = live_private_key(store.root)
        self.public = b64(bytes(self.private.public_key))
        self.silence_s = float(os.environ.get("CRS_RECEIVER_LIVE_TIMEOUT_S", DEFAULT_SILENCE_S))
        self.port = 0
        self.session: Session | None = None
        self.refused = {"forged": 0, "replayed": 0, "out-of-window": 0, "unknown-session": 0, "malformed": 0}
        self._logged: set[str] = set()
        self._lock = threading.Lock()
        self._transport = None
        self._yield = threading.Event()  # set by the engine: an emergency takes the output
        self._output_lock = threading.Lock()  # held while a block is written; the engine closes under it
        self._output: _Output | None = None
        self._thread: threading.Thread | None = None
        engine.live = self

    async def open_socket(self) -> int:
        """The UDP port frames come to (opened once, on the loop)."""
        if self._transport is None:
            loop = asyncio.get_running_loop()
            port = int(os.environ.get("CRS_RECEIVER_LIVE_PORT", "0"))
            host = os.environ.get("CRS_RECEIVER_LIVE_HOST", "0.0.0.0")
            self._transport, _ = await loop.create_datagram_endpoint(lambda: _Datagrams(self), local_addr=(host, port))
            self.port = self._transport.get_extra_info("sockname")[1]
            log.info("live frames on UDP port %d", self.port)
        return self.port

    def info(self) -> dict:
        session = self.session
        current = None
        if session is not None and not session.ended.is_set():
            current = {"session": session_text(session.id), "by": session.by, "zones": session.zones,
                       "frames": session.accepted, "played": session.played_frames, "concealed": session.concealed,
                       "skipped": session.skipped, "buffer_ms": session.target_ms,
                       "since_valid_s": round(time.monotonic() - (session.last_valid or session.opened), 3)}
        return {"public_key": self.public, "port": self.port, "session": current, "refused": dict(self.refused)}

    # -- commands (from the loop, after the signed request was verified) ---------------------------
    def start(self, session_id: bytes, sealed_key: str, by: str, zones: list[str], silence_s: float | None,
              via: str = "udp") -> None:
        key = open_key(sealed_key, self.private)  # CryptoError / ValueError: refused by the caller
        old = self.session
        if old is not None and old.id == session_id and not old.ended.is_set():
            return  # a retried start
        if old is not None:
            self._end(old, "replaced")
        session = Session(session_id, key, by[:100], [str(z)[:100] for z in zones][:50],
                          float(silence_s or self.silence_s), datetime.now(UTC), via)
        with self._lock:
            self.session = session
        self._logged.clear()
        log.warning("live session %s by %s started (zones %s)", session_text(session_id), session.by,
                    ", ".join(session.zones))
        self.engine.wake()
        self._thread = threading.Thread(target=self._run, args=(session, self._thread),
                                                                 name="receiver-live", daemon=True)
        self._thread.start()

    def end(self, session_id: bytes, outcome: str = "played") -> bool:
        session = self.session
        if session is None or session.id != session_id:
            return False
        self._end(session, outcome)
        return True

    def _end(self, session: Session, outcome: str) -> None:
        if not session.ended.is_set():
            session.outcome = outcome
            session.ended.set()

    # -- the engine's hooks -------------------------------------------------------------------------
    def on_air(self) -> bool:
        """From the start command until the session's output is closed."""
        return self.session is not None

    def yield_output(self) -> None:
        """An emergency starts: close the live output before it opens the device."""
        self._yield.set()
        with self._output_lock:
            if self._output is not None:
                self._output.close()

    # -- frames (on the loop) -----------------------------------------------------------------------
    def datagram(self, data: bytes, via: str = "udp") -> None:
        """One frame, from the UDP socket or (`via` "mqtt") the broker's live topic."""
        frame = parse_frame(data)
        if frame is None:
            return self._refuse("malformed", via)
        session = self.session
        if session is None or session.ended.is_set() or frame.session_id != session.id:
            return self._refuse("unknown-session", via)
        payload = open_frame(frame, session.key)
        if payload is None:
            return self._refuse("forged", via)
        with self._lock:
            if session.newest >= 0 and not session.newest - WINDOW < frame.seq <= session.newest + AHEAD:
                return self._refuse("out-of-window", via)
            if frame.seq in session.seen:
                return self._refuse("replayed", via)
            session.seen.add(frame.seq)
            if len(session.seen) > 4 * WINDOW:
                floor = session.newest - WINDOW
                session.seen = {s for s in session.seen if s > floor}
            session.frames[frame.seq] = payload
            if len(session.frames) > WINDOW + AHEAD:  # not played (an emergency holds the output)
                del session.frames[min(session.frames)]
            session.newest = max(session.newest, frame.seq)
            session.accepted += 1
            session.last_valid = time.monotonic()
            sent = session.last_valid - frame.seq * FRAME_MS / 1000.0
            if session.origin is None or sent < session.origin:
                session.origin = sent

    def _refuse(self, kind: str, via: str) -> None:
        self.refused[kind] += 1
        if kind not in self._logged:
            self._logged.add(kind)
            log.warning("live frame refused (%s): %s (counted from now on, not logged again this session)", via, kind)
            if self.security is not None:
                self.security.event(via, "live frame refused: %s", kind)

    # -- playout (the live thread) -------------------------------------------------------------------
    def _run(self, session: Session, previous: threading.Thread | None) -> None:
        from crs_protocol.opus import Decoder

        if previous is not None:
            previous.join(2.0)  # the session this one replaced closes its output first

        decoder = Decoder()
        output = _Output(self.engine.device, scheduled_volume(self.engine.volume(), self.engine.manifest) / 100.0)
        self._output = output
        self.engine.wait_idle(2.0)  # the item it cuts closes the device first
        next_seq, due = None, 0.0
        missing = 0
        try:
            while not session.ended.is_set():
                now = time.monotonic()
                if now - (session.last_valid or session.opened) > session.silence_s:
                    self._end(session, "timed-out")
                    log.warning("live session %s: no valid frame for %.1f s, back to the schedule",
                                session_text(session.id), session.silence_s)
                    break
                if self._yield.is_set() or self.engine.emergency_playing():
                    with self._output_lock:
                        output.close()
                    self._wait_emergency(session)
                    next_seq = None  # resync on what comes after it
                    continue
                with self._lock:
                    newest, target = session.newest, session.target_ms // FRAME_MS
                    # resync: at the start, when the buffer holds far too much, or when frames come
                    # again behind the playout (a studio that stalled, numbers that restarted)
                    behind_stream = next_seq is not None and next_seq - newest > 1 \
                        and now - session.last_valid < 0.05
                    if newest >= 0 and (next_seq is None or newest - next_seq > target + RESYNC_FRAMES
                                        or behind_stream):
                        first = next_seq is None  # the session's start, or back after an emergency
                        next_seq = max(newest - target, min(session.frames, default=newest))
                        if first and session.origin is not None:  # on the studio's timeline (see Session)
                            due = session.origin + (next_seq * FRAME_MS + session.target_ms) / 1000.0
                        else:  # the stream stalled or restarted: its old timeline no longer holds
                            due = now + session.target_ms / 1000.0
                            session.origin = None
                        for old in [s for s in session.frames if s < next_seq]:
                            del session.frames[old]
                    payload = fec = None
                    if next_seq is not None:
                        payload = session.frames.pop(next_seq, None)
                        fec = session.frames.get(next_seq + 1) if payload is None else None
                if next_seq is None:
                    session.ended.wait(FRAME_MS / 1000.0)
                    continue
                if due > now:
                    session.ended.wait(due - now)
                if payload is not None:
                    pcm, missing = decoder.decode(payload), 0
                elif missing < CONCEAL_FRAMES:
                    pcm = decoder.decode(fec, fec=True) if fec is not None else decoder.decode(None)
                    missing += 1
                    session.concealed += 1
                else:
                    pcm = bytes(FRAME_SAMPLES * 2)
                with self._output_lock:
                    if not self._yield.is_set():
                        output.write(pcm, session)
                session.played_frames += payload is not None
                next_seq += 1
                due += FRAME_MS / 1000.0
                behind = time.monotonic() - due
                if behind > LATE_S:  # a stall, the device opening, a slow card: skip, never burst
                    skip = self._skip(session, next_seq, behind)
                    next_seq, due = next_seq + skip, due + skip * FRAME_MS / 1000.0
                origin = session.origin  # relearned after a re-anchor: back onto the studio's timeline
                ahead = 0.0 if origin is None else due - origin - (next_seq * FRAME_MS + session.target_ms) / 1000.0
                # playing frames the other loudspeakers played already, with more than the target
                # buffered past them (so they are late, not the network): skip to the timeline
                spare = (session.newest - next_seq) * FRAME_MS / 1000.0 - session.target_ms / 1000.0
                if ahead > LATE_S and spare > LATE_S:
                    next_seq += self._skip(session, next_seq, min(ahead, spare))
        except Exception:
            log.exception("live session %s: playout failed", session_text(session.id))
            self._end(session, "failed")
        finally:
            with self._output_lock:
                output.close()
                self._output = None
            decoder.close()
            self._yield.clear()
            with self._lock:
                if self.session is session:
                    self.session = None
            self._log(session)
            self.engine.wake()

    def _skip(self, session: Session, first: int, seconds: float) -> int:
        """Drop the frames of `seconds` from `first` on; how many."""
        count = int(seconds * 1000) // FRAME_MS
        with self._lock:
            for seq in range(first, first + count):
                session.frames.pop(seq, None)
        session.skipped += count
        return count

    def _wait_emergency(self, session: Session) -> None:
        """Until the emergency that took the output has played (or, if none started within
        2 s, at once)."""
        deadline = time.monotonic() + 2.0
        while not session.ended.is_set():
            if self.engine.emergency_playing():
                deadline = math.inf
            elif time.monotonic() > deadline or deadline == math.inf:
                break
            session.ended.wait(0.02)
        self._yield.clear()
        session.last_valid = max(session.last_valid, time.monotonic())  # the emergency's time is not silence

    def _log(self, session: Session) -> None:
        level = None
        if session.samples:
            rms = math.sqrt(session.sum_squares / session.samples)
            level = round(20 * math.log10(rms), 1) if rms > 0 else -120.0
        entry = {"item": f"live-{session_text(session.id)}", "media": [], "priority": "live", "scheduled": None,
                 "started": session.started.isoformat(), "ended": datetime.now(UTC).isoformat(),
                 "outcome": session.outcome, "level_dbfs": level, "title": "live", "by": session.by,
                 "zones": session.zones, "frames": session.played_frames, "concealed": session.concealed,
                 "skipped": session.skipped}
        try:
            self.store.log_play(entry)
        except Exception:
            log.exception("live session %s: play log entry not written", session_text(session.id))
        log.warning("live session %s ended: %s, %d frames played, %d concealed", session_text(session.id),
                    session.outcome, session.played_frames, session.concealed)


class _Output:
    """A blocking PortAudio output stream, opened on the first block."""

    def __init__(self, device, gain: float) -> None:
        self.device, self.gain = device, gain
        self.stream = None

    def write(self, pcm: bytes, session: Session) -> None:
        import numpy as np
        import sounddevice as sd

        block = np.frombuffer(pcm, dtype="<i2").astype(np.float32) * (self.gain / 32768.0)
        session.sum_squares += float(np.dot(block, block))
        session.samples += len(block)
        if self.stream is None:
            self.stream = sd.OutputStream(samplerate=RATE, channels=1, dtype="float32", blocksize=FRAME_SAMPLES,
                                          device=self.device, latency="low")
            self.stream.start()
        self.stream.write(block.reshape(-1, 1))

    def close(self) -> None:
        if self.stream is not None:
            try:
                self.stream.stop()
                self.stream.close()
            finally:
                self.stream = None

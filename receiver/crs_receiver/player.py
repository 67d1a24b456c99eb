"""The receiver's playback engine: plays the manifest at its wall-clock times.

A scheduler thread wakes every 100 ms and decides what should sound now:
- an emergency play-now interrupts everything; the schedule resumes after it;
- a due item with a hard start cuts what is playing (within a second of its time),
  unless an emergency is playing; a soft start waits for the current item to end (at
  most `SOFT_LATE_S` late, else it is missed);
- among items due together: emergency, then priority, then normal, then earliest;
- items in quiet hours are skipped unless they are emergencies (judged when they would
  start), and one still playing when quiet hours begin is stopped there;
- after a restart in the middle of a hard-start item (more than 2 s into it), it
  continues from where the clock says it should be (the schedule stays aligned); a soft
  item starts from its beginning; an item whose time passed entirely while the receiver
  was off is logged as missed.
An item's media files play back to back, gapless. A file that is missing or cannot be
decoded is logged and skipped, never a crash; an output device that stops taking audio
or goes away ends the item rather than holding the schedule (output.py). Every item ends with a
play-log entry with its actual start and end and the RMS level actually sent to the
output, so "played" means sound came out.

Threads: the scheduler thread; a decoder thread per item feeding a queue; once, a thread
that loads the playback modules as soon as there is a schedule (`warm_up`); the PortAudio
callback copies blocks out of the queue, applies the volume and sums squares (no
allocation beyond the block, no logging, no locks).
"""

from __future__ import annotations

import logging
import math
import queue
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from crs_protocol import RANK, FaultCode

from crs_receiver.decode import decode_item
from crs_receiver.memory import load_playback_modules, release_memory
from crs_receiver.output import run_stream
from crs_receiver.play_now import PLAY_NOW_FILE, forget_play_now, resumed_play_now
from crs_receiver.relay import relay_item
from crs_receiver.store import ReceiverStore
from crs_receiver.timeline import Timeline
from crs_receiver.volume import scheduled_volume

log = logging.getLogger(__name__)

RATE = 48000
BLOCK = 960  # 20 ms
PREFILL_BLOCKS = 500  # 10 s decoded ahead (or the whole item) before the device starts pulling
QUEUE_BLOCKS = 1500  # 30 s at most in memory (5.8 MB)


@dataclass
class Playing:
    item_id: str
    media: list[str]
    priority: str
    volume: int
    scheduled: str | None
    started: datetime
    offset_s: float = 0.0
    title: str | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    outcome: str = "played"
    sum_squares: float = 0.0
    samples: int = 0
    skipped: list = field(default_factory=list)
    duration_s: float = 0.0  # the declared duration: the item stops there (0: at the end of its media)
    stream: dict | None = None  # a relayed stream's item (relay.py); its media are then the backup
    resume: bool = False  # cut by live: due again afterwards (a hard start goes on from the clock)


class Engine:
    def __init__(self, store: ReceiverStore, output_device: str | int | None = None,
                 clock=lambda: datetime.now(UTC)) -> None:
        self.store = store
        self.device = output_device
        self.clock = clock
        self.manifest = store.manifest()
        self.timeline = Timeline(self.manifest)
        self.current: Playing | None = None
        self.pending_now: dict | None = None
        self.handled: set[str] = store.logged_items()
        self.last_error: str | None = None
        self.last_error_code: FaultCode | None = None  # what kind of fault `last_error` is
        self._lock = threading.Lock()
        self._now_write = threading.Lock()  # one play-now record written at a time, the newest
        self._newest_now: dict | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="receiver-scheduler", daemon=True)
        self._warmed = False
        self.live = None  # crs_receiver.live.LiveReceiver: on the air, it outranks all but emergencies
        self.pending_now = resumed_play_now(store, self.handled, clock())

    # -- control (from the server) ----------------------------------------------------------------
    def start(self) -> None:
        self._thread.start()
        if (self.manifest or {}).get("items"):
            self.warm_up()

    def warm_up(self) -> None:
        """Load numpy, PortAudio and libsndfile now, in the background, once there is a
        schedule to play: a play-now (an emergency) then starts without the ~0.3 s (on a
        Raspberry Pi about a second) they take to load. A receiver with nothing to play
        yet stays without them (~20 MB less resident)."""
        with self._lock:
            if self._warmed:
                return
            self._warmed = True
        threading.Thread(target=load_playback_modules, name="receiver-warm-up", daemon=True).start()

    def shutdown(self) -> None:
        self._stop.set()
        self._wake.set()
        current = self.current
        if current is not None:
            current.stop.set()
        self._thread.join(timeout=5)

    def set_manifest(self, manifest: dict) -> None:
        with self._lock:
            self.manifest = manifest
            self.timeline = Timeline(manifest)
        self._wake.set()
        if manifest.get("items"):
            self.warm_up()

    def play_now(self, media: list[str], volume: int | None, item_id: str, valid_until: str | None = None) -> bool:
        """Play at once, cutting what plays; False (and nothing done) when this id is
        already waiting, playing or played: a studio that retries after a lost answer
        must not start the same emergency again."""
        with self._lock:
            current = self.current
            if item_id in self.handled or (self.pending_now or {}).get("id") == item_id:
                return False
            record = {"id": item_id, "media": media, "priority": "emergency", "volume": volume,
                      "start_mode": "hard", "valid_until": valid_until, "received": self.clock().isoformat()}
            self.pending_now = self._newest_now = record
        # The sound starts now; the record is written meanwhile, on disk before the answer
        # (a receiver killed after answering still plays it after its restart). Written
        # under the lock, the scheduler waited for its fsyncs before starting the sound.
        if current is not None:
            current.outcome = "interrupted"
            current.stop.set()
        self._wake.set()
        with self._now_write:
            if self._newest_now is record:  # a newer play-now writes its own (and cuts this one)
                self.store.state.write(PLAY_NOW_FILE, record)
        return True

    def wake(self) -> None:
        self._wake.set()

    def wait_idle(self, timeout: float) -> None:
        """Until what plays has closed the output (live cuts it first; the scheduler does it)."""
        current = self.current
        self._wake.set()
        if current is not None and current.priority != "emergency":
            current.done.wait(timeout)

    def emergency_playing(self) -> bool:
        current = self.current
        return self.pending_now is not None or (current is not None and current.priority == "emergency"
                                                and not current.done.is_set())

    def stop_playing(self) -> None:
        current = self.current
        if current is not None:
            current.outcome = "interrupted"
            current.stop.set()

    def volume(self) -> int:
        """The operator's volume: the one set with PUT /v1/volume, else the manifest's default."""
        saved = self.store.volume()
        if saved is not None:
            return saved
        return int((self.manifest or {}).get("volume", 100))

    def status(self) -> dict | None:
        current = self.current
        if current is None:
            return None
        return {"item": current.item_id, "title": current.title, "priority": current.priority,
                "started": current.started.isoformat(), "media": current.media, "volume": current.volume}

    # -- scheduling -------------------------------------------------------------------------------
    def rejected(self) -> dict[str, str]:
        """Items of the manifest the scheduler set aside (id -> why), for /v1/status."""
        return dict(self.timeline.rejected)

    def due(self, now: datetime) -> list[tuple[dict, float]]:
        """Items that should be sounding or waiting now, with how far into them we are;
        the missed and quiet ones are logged, all in one write."""
        found = self.timeline.due(now, self.handled)
        passed = [(item, "missed") for item in found.missed] + [(item, "skipped-quiet") for item in found.quiet]
        if passed:
            self.handled.update(item["id"] for item, _ in passed)
            entries = [self._entry(item, None, None, outcome, None) for item, outcome in passed]
            # On its own thread: an emergency never waits for 15,600 lines to reach the disk.
            threading.Thread(target=self.store.log_plays, args=(entries,), name="receiver-log-missed",
                             daemon=True).start()
        return found.playable

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._tick()
            except Exception as exc:  # the engine never dies: log, remember, go on
                self.last_error = f"{type(exc).__name__}: {exc}"
                self.last_error_code = FaultCode.SCHEDULER
                log.exception("scheduler tick failed")
            self._wake.wait(0.1)
            self._wake.clear()

    def _tick(self) -> None:
        now = self.clock()
        with self._lock:
            urgent, self.pending_now = self.pending_now, None
            if urgent is not None:
                self.handled.add(urgent["id"])  # under the lock: a repeated play-now sees it
        current = self.current
        if current is not None and current.done.is_set():
            self.current = current = None
        if current is not None and current.scheduled is not None and current.priority != "emergency" \
                and not current.stop.is_set() and self.timeline.in_quiet_hours(now):
            log.warning("item %s stopped: quiet hours began", current.item_id)
            current.outcome = "interrupted"  # heard as far as it got (docs/protocol.md, section 6)
            current.stop.set()
        if urgent is not None:
            if self.live is not None:
                self.live.yield_output()
            if current is not None:
                current.stop.set()
                current.done.wait(2)
            explicit = urgent.get("volume")
            volume = scheduled_volume(self.volume(), self.manifest) if explicit is None else int(explicit)
            self._begin(urgent, None, 0.0, volume)
            return
        if self.live is not None and self.live.on_air():
            if current is not None and current.priority != "emergency":  # live outranks it: resumed after
                current.outcome, current.resume = "interrupted", current.scheduled is not None
                current.stop.set()
                current.done.wait(2)
            return
        candidates = self.due(now)
        if not candidates:
            return
        if current is None:
            item, offset = candidates[0]
            self._begin(item, item["start"], offset, scheduled_volume(self.volume(), self.manifest, item))
            return
        if current.priority == "emergency":
            return  # nothing cuts an emergency; the schedule resumes after it
        for item, offset in candidates:  # a due hard start cuts; soft starts wait their turn
            if item.get("start_mode") == "hard" and RANK[item.get("priority", "normal")] <= RANK[current.priority]:
                current.outcome = "interrupted"
                current.stop.set()
                current.done.wait(2)
                self._begin(item, item["start"], offset, scheduled_volume(self.volume(), self.manifest, item))
                return

    def _begin(self, item: dict, scheduled: str | None, offset_s: float, volume: int) -> None:
        self.handled.add(item["id"])
        title = item.get("title")
        playing = Playing(item["id"], list(item["media"]), item.get("priority", "normal"), volume, scheduled,
                          self.clock(), offset_s, title if isinstance(title, str) else None,
                          duration_s=float(item.get("duration_s", 0) or 0),
                          stream=item if item.get("kind") == "stream" else None)
        self.current = playing
        threading.Thread(target=self._play, args=(playing,), name="receiver-play", daemon=True).start()

    # -- playing ----------------------------------------------------------------------------------
    def _play(self, playing: Playing) -> None:
        # numpy, PortAudio and libsndfile are loaded with the first item, not at start: a
        # receiver that has nothing to play yet keeps ~20 MB less resident.
        import numpy as np
        import sounddevice as sd

        blocks: queue.Queue = queue.Queue(maxsize=QUEUE_BLOCKS)
        decoder = threading.Thread(target=relay_item if playing.stream else decode_item, args=(playing, blocks, self.store.root / "media", RATE, BLOCK),
                                   daemon=True)
        decoder.start()
        # Pre-fill before the device starts pulling: a queue that runs dry mid-item is a
        # gap in the sound (a decoder slower than real time would be a fault of its own).
        deadline = time.monotonic() + 1.0
        while blocks.qsize() < PREFILL_BLOCKS and decoder.is_alive() and time.monotonic() < deadline:
            time.sleep(0.005)
        gain = playing.volume / 100.0
        state = {"pending": None, "finished": False, "pulled": time.monotonic()}

        def callback(outdata, frames, _time, _status) -> None:
            state["pulled"] = time.monotonic()
            filled = 0
            while filled < frames:
                block = state["pending"]
                if block is None:
                    try:
                        block = blocks.get_nowait()
                    except queue.Empty:
                        break
                    if block is None:  # end of the item
                        state["finished"] = True
                        break
                take = min(frames - filled, len(block))
                target = outdata[filled:filled + take, 0]
                np.multiply(block[:take], gain, out=target)  # no allocation in the callback
                playing.sum_squares += float(np.dot(target, target))
                playing.samples += take
                state["pending"] = block[take:] if take < len(block) else None
                filled += take
            if filled < frames:
                outdata[filled:, 0] = 0.0
            if state["finished"] and state["pending"] is None:
                raise sd.CallbackStop()

        try:
            stream = sd.OutputStream(samplerate=RATE, channels=1, dtype="float32", blocksize=BLOCK,
                                     device=self.device, callback=callback, finished_callback=playing.done.set)
        except Exception as exc:
            self.last_error = f"output device: {exc}"
            self.last_error_code = FaultCode.OUTPUT_DEVICE
            playing.outcome = "failed"
            playing.stop.set()
            playing.done.set()
            self._finish(playing)
            return
        fault = run_stream(stream, playing, state)
        if fault is not None:
            log.warning("item %s: %s", playing.item_id, fault)
            if not state["finished"]:  # all handed over and only the end not reported: played
                playing.outcome = "interrupted" if playing.samples else "failed"
            self.last_error, self.last_error_code = fault, FaultCode.OUTPUT_DEVICE
        elif playing.samples and self.last_error_code == FaultCode.OUTPUT_DEVICE:  # the device works again
            self.last_error, self.last_error_code = None, None
        playing.stop.set()
        decoder.join(timeout=2)
        playing.done.set()
        self._finish(playing)
        release_memory()
        self._wake.set()

    def _finish(self, playing: Playing) -> None:
        level = None
        if playing.samples:
            rms = math.sqrt(playing.sum_squares / playing.samples)
            level = round(20 * math.log10(rms), 1) if rms > 0 else -120.0
        outcome = playing.outcome
        if outcome == "played" and playing.skipped and len(playing.skipped) == len(playing.media):
            # "corrupt" is said per file in `skipped`; the item itself failed (docs/protocol.md)
            outcome = "failed" if playing.skipped[0][1] == "corrupt" else playing.skipped[0][1]
        elif outcome == "played" and playing.samples == 0:
            outcome = "failed"
        self._log({"id": playing.item_id, "media": playing.media, "priority": playing.priority},
                  playing.scheduled, playing.started, outcome, level, skipped=playing.skipped)
        if playing.resume:
            self.handled.discard(playing.item_id)
            self.timeline.reopen()
        if playing.scheduled is None:  # a play-now: logged, so never resumed again
            with self._now_write:
                if self._newest_now is not None and self._newest_now["id"] == playing.item_id:
                    self._newest_now = None  # not written any more if it has not been yet
                forget_play_now(self.store, playing.item_id)

    def _log(self, item: dict, scheduled: str | None, started: datetime | None, outcome: str,
             level: float | None, skipped=()) -> None:
        self.handled.add(item["id"])
        self.store.log_play(self._entry(item, scheduled, started, outcome, level, skipped))

    def _entry(self, item: dict, scheduled: str | None, started: datetime | None, outcome: str,
               level: float | None, skipped=()) -> dict:
        entry = {"item": item["id"], "media": item.get("media", []), "priority": item.get("priority", "normal"),
                 "scheduled": scheduled if scheduled is not None else item.get("start"),
                 "started": started.isoformat() if started else None,
                 "ended": self.clock().isoformat() if started else None, "outcome": outcome, "level_dbfs": level}
        if skipped:
            entry["skipped"] = [{"media": sha, "outcome": why} for sha, why in skipped]
        return entry


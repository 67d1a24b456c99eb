"""One item's output stream, from its start to its end, told apart from a device fault.

PortAudio's ALSA callbacks can stop for good (PortAudio issue #1074, on Raspberry Pis), and
a USB sound card can go away mid-item. A device that takes no audio for STALL_S, or a
stream that ends before the item has given it all its audio, is a fault of the output
device: the item ends there instead of holding the schedule. A stream that is cut or stuck
is aborted, never stopped: stopping drains the buffers and would wait on the stuck device.

Runs on the item's playing thread; the PortAudio callback only writes `state["pulled"]`
(its last call) and `state["finished"]` (all the audio handed over).
"""

from __future__ import annotations

import time

STALL_S = 10.0


def run_stream(stream, playing, state: dict) -> str | None:
    """Start `stream` and wait until `playing` ends or is stopped. Returns None then, or
    what went wrong with the device."""
    try:
        stream.start()
    except Exception as exc:  # PortAudio's error, for last_error
        stream.close(ignore_errors=True)
        return f"output device: {exc}"
    state["pulled"] = time.monotonic()
    fault = None
    try:
        while not playing.done.wait(0.05):
            if playing.stop.is_set():
                break
            if time.monotonic() - state["pulled"] > STALL_S:
                fault = f"output device: took no audio for {STALL_S:g} s"
                break
    finally:
        if not playing.done.is_set():
            stream.abort(ignore_errors=True)
        stream.close(ignore_errors=True)
    if fault is None and not state["finished"] and not playing.stop.is_set():
        fault = "output device: the stream ended before the item (the device went away)"
    return fault

"""CLI commands for sound devices and recording: `devices`, `record`, `recover`.

`record` runs until --seconds of audio are captured or Ctrl-C / SIGTERM arrives; both
finish the take properly (header written, imported, clip id printed). A kill -9 or a
power cut leaves a take that `recover` (or the next start of the window) imports.
Main thread only; the recorder's writer thread does the disk work.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from studio.cli.runtime import open_library
from studio.context import StudioContext
from studio.errors import AudioDeviceError

log = logging.getLogger(__name__)


def add_parsers(sub) -> None:
    sub.add_parser("devices", help="list sound input and output devices").set_defaults(func=cmd_devices)
    p = sub.add_parser("record", help="record from an input device; prints the new clip id")
    p.add_argument("--device", required=True, help="input device name (as `devices` lists it) or index")
    p.add_argument("--seconds", type=float, help="stop after this much audio (default: until Ctrl-C)")
    p.add_argument("--rate", type=int, default=48000, help="sample rate (default 48000)")
    p.add_argument("--channels", type=int, default=1, help="channels (default 1, mono)")
    p.add_argument("--title", help="title for the clip")
    p.add_argument("--disk-reserve-mb", type=float, default=64.0,
                   help="end the take when less than this is free on the disk (default 64)")
    p.set_defaults(func=cmd_record)
    p = sub.add_parser("recover", help="import recordings left unfinished by a crash or power cut")
    p.set_defaults(func=cmd_recover)


def _device(value: str) -> str | int:
    return int(value) if value.isdigit() else value


def cmd_devices(args: argparse.Namespace, ctx: StudioContext) -> int:
    import sounddevice as sd

    try:
        devices = sd.query_devices()
    except sd.PortAudioError as exc:
        raise AudioDeviceError("", str(exc)) from exc
    default_in, default_out = sd.default.device
    print(f"{'#':>3}  {'IN':>3} {'OUT':>3}  {'RATE':>6}  NAME")
    for index, d in enumerate(devices):
        mark = ("<" if index == default_in else " ") + (">" if index == default_out else " ")
        print(f"{index:>3}  {d['max_input_channels']:>3} {d['max_output_channels']:>3}  "
              f"{int(d['default_samplerate']):>6}  {d['name']} {mark}".rstrip())
    return 0


def cmd_record(args: argparse.Namespace, ctx: StudioContext) -> int:
    from studio.audio.recorder import Recorder, StopReason, import_take

    library = open_library(ctx)
    recorder = Recorder(ctx.paths.recordings_dir, int(args.disk_reserve_mb * (1 << 20)))
    stop = threading.Event()

    def on_signal(signum, _frame) -> None:
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        take = recorder.start(_device(args.device), args.rate, args.channels, args.seconds)
        while recorder.running and not stop.wait(0.1):
            pass
        status = recorder.stop(StopReason.REQUESTED)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if status.overflows:
        print(f"radio-studio: warning: {status.overflows} input overflow(s): audio was dropped", file=sys.stderr)
    if status.stopped is StopReason.DISK_FULL:
        print("radio-studio: warning: the disk is nearly full; the take was ended and kept", file=sys.stderr)
    if status.stopped is StopReason.DEVICE_LOST:
        print("radio-studio: warning: the input device stopped; what was recorded is kept", file=sys.stderr)
    if recorder.error is not None:
        print(f"radio-studio: warning: {recorder.error.describe()}; the take was ended and kept", file=sys.stderr)
    try:
        clip_id = import_take(library, take, title=args.title)
    except Exception:
        print(f"radio-studio: note: the take stays in {take}; `radio-studio recover` imports it later",
              file=sys.stderr)
        raise
    if clip_id is None:
        print("radio-studio: note: nothing was recorded", file=sys.stderr)
        return 1
    print(clip_id)
    return 0


def cmd_recover(args: argparse.Namespace, ctx: StudioContext) -> int:
    from studio.audio.recorder import recover_takes

    for clip_id in recover_takes(open_library(ctx), ctx.paths.recordings_dir):
        print(clip_id)
    return 0

"""CLI command `demo`: the studio with demo content and three loopback receivers, one of
them through a loopback MQTT broker when Mosquitto is installed (studio/demo_broker.py).

Seeds the demo (first start), starts the demo receivers as child processes, opens the
window; the receivers and the broker stop with it (or with Ctrl-C under `--no-window`). Main thread only.
"""

from __future__ import annotations

import argparse
import sys
import time

from studio.cli.runtime import open_library, open_window
from studio.context import StudioContext


def add_parsers(sub) -> None:
    p = sub.add_parser("demo", help="the studio with demo content and three demo receivers on loopback")
    p.add_argument("--output-device", help="where the demo receivers play (default: the default device)")
    p.add_argument("--no-window", action="store_true", help="start the receivers only (until Ctrl-C)")
    p.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace, ctx: StudioContext) -> int:
    from studio.demo import seed_demo, start_demo_receivers
    from studio.demo_broker import start_demo_broker

    library = open_library(ctx)
    seed_demo(library)
    broker = start_demo_broker(library)  # None without Mosquitto: every demo receiver over HTTP
    try:
        processes = start_demo_receivers(library, args.output_device,
                                         broker_url=broker.account.url if broker is not None else None)
    except BaseException:
        if broker is not None:
            broker.stop()
        raise
    library.conn.close()
    try:
        if args.no_window:
            print("demo receivers running; Ctrl-C stops them", file=sys.stderr)
            while True:
                time.sleep(3600)
        return open_window(ctx.paths, args)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(10)
        if broker is not None:
            broker.stop()

"""CLI commands for the fleet: `receivers`, `publish`, `outbox`, `deliver` (emergencies:
emergency_commands.py).

`publish` compiles and queues; `deliver` sends (headless; `--until-idle` stops when the
outbox is empty), and sends pending emergencies beside it while they are valid. Exit codes as everywhere: 0 success, 1 a user error, 2 bad usage;
`deliver --until-idle` exits 1 when deliveries are still pending at its timeout.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from studio.cli.console import Parser
from studio.cli.operator import operator_name
from studio.cli.runtime import open_library
from studio.clock import local_text
from studio.context import StudioContext


def add_parsers(sub) -> None:
    receivers = sub.add_parser("receivers", help="loudspeaker receivers: status table, or add (pair) one")
    receivers.set_defaults(func=_fleet(_receivers_list))
    receivers_sub = receivers.add_subparsers(dest="receivers_action", metavar="ACTION", parser_class=Parser)
    p = receivers_sub.add_parser("add", help="pair a receiver with the code it shows")
    p.add_argument("url", help="http://ADDRESS:PORT")
    p.add_argument("--code", required=True)
    p.add_argument("--zone", required=True, metavar="NAME")
    p.add_argument("--name")
    p.set_defaults(func=_fleet(_receivers_add))
    p = sub.add_parser("publish", help="compile what is approved and scheduled into the outbox")
    p.add_argument("--days", type=int, default=14)
    p.set_defaults(func=_fleet(_publish))
    sub.add_parser("outbox", help="deliveries waiting, with progress, attempts and errors").set_defaults(
        func=_fleet(_outbox))
    p = sub.add_parser("deliver", help="send the outbox to the receivers (headless)")
    p.add_argument("--until-idle", action="store_true", help="stop when nothing is pending")
    p.add_argument("--timeout", type=float, default=600.0, help="give up after this many seconds (default 600)")
    p.set_defaults(func=_fleet(_deliver))


def _fleet(command: Callable[..., int]) -> Callable[[argparse.Namespace, StudioContext], int]:
    """Give a fleet command the library and the context (its signing key, its clock)."""
    return lambda args, ctx: command(args, open_library(ctx), ctx)


def _receivers_add(args: argparse.Namespace, library, ctx: StudioContext) -> int:
    from studio.fleet.fleet import pair_receiver

    print(pair_receiver(library, ctx.key, args.url, args.code, args.zone, args.name))
    return 0


def _receivers_list(args: argparse.Namespace, library, ctx: StudioContext) -> int:
    from studio.fleet.fleet import receiver_views

    print(f"{'NAME':<18} {'ZONE':<16} {'STATE':<8} {'MANIFEST':>8}/{'LATEST':<6} {'PENDING':>9} {'CLOCK':>7} "
          f"{'FREE MB':>8} {'VOL':>4}  NOW PLAYING / LAST ERROR")
    for v in receiver_views(library, ctx.key):
        clock = f"{v.clock_offset_s:+.1f}s" if v.clock_offset_s is not None else ""
        free = f"{v.free_bytes / 1e6:.0f}" if v.free_bytes is not None else ""
        detail = v.now_playing or v.last_error or ""
        print(f"{v.name[:18]:<18} {v.zone[:16]:<16} {'online' if v.online else 'offline':<8} "
              f"{v.manifest_version:>8}/{v.latest_version:<6} {v.pending_bytes / 1e6:>7.1f}MB {clock:>7} {free:>8} "
              f"{'' if v.volume is None else v.volume:>4}  {detail[:60]}")
    return 0


def _publish(args: argparse.Namespace, library, ctx: StudioContext) -> int:
    from studio.fleet.publish import publish

    result = publish(library, operator_name(), args.days, clock=ctx.clock)
    print(f"publish {result.publish_id}: {result.receivers} receivers, {result.items} items, "
          f"{result.media} programme versions; {result.skipped_unapproved} occurrences not approved (not sent)")
    return 0


def _outbox(args: argparse.Namespace, library, ctx: StudioContext) -> int:
    from studio.fleet.fleet import outbox

    rows = outbox(library)
    print(f"{'ID':>5} {'RECEIVER':<18} {'VERSION':>7} {'PROGRESS':>14} {'TRIES':>5}  NEXT TRY / LAST ERROR")
    for row in rows:
        progress = f"{row.bytes_sent / 1e6:.1f}/{row.bytes_total / 1e6:.1f}MB"
        print(f"{row.id:>5} {row.receiver[:18]:<18} {row.version:>7} {progress:>14} {row.attempts:>5}  "
              f"{local_text(row.next_attempt, '%d/%m %H:%M:%S', '')} {row.last_error or ''}")
    print(f"{len(rows)} pending")
    return 0


def _deliver(args: argparse.Namespace, library, ctx: StudioContext) -> int:
    import threading
    import time

    from studio.fleet.delivery import deliver_until_idle
    from studio.fleet.emergency import Emergencies
    from studio.fleet.emergency_delivery import run_until_idle

    started = time.monotonic()
    stop = threading.Event()
    emergencies = threading.Thread(target=run_until_idle, args=(ctx.library, ctx.key, stop),
                                   name="emergencies", daemon=True)
    emergencies.start()
    try:
        left = deliver_until_idle(library, ctx.key, args.timeout)
        waiting = Emergencies(library.conn, library.clock)
        while waiting.waiting_receivers() and time.monotonic() - started < args.timeout:
            time.sleep(0.2)
        unreached = len(waiting.waiting_receivers())
    finally:
        stop.set()
        emergencies.join(timeout=3)
    if unreached:
        print(f"radio-studio: {unreached} receivers have not played a valid emergency yet; see "
              "`radio-studio emergencies`", file=sys.stderr)
    if left:
        print(f"radio-studio: {left} deliveries still pending (receivers unreachable?); see `radio-studio outbox`",
              file=sys.stderr)
    if left or unreached:
        return 1
    print("outbox empty: every receiver holds the latest manifest")
    return 0


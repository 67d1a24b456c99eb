"""CLI commands for the fleet: `receivers` (table, add, volume, stop, resync), `publish`,
`outbox`, `deliver` (emergencies: emergency_commands.py).

`receivers` prints what the delivery engine recorded (studio.fleet.status, the same
records as the window's table); receivers nobody asked for `STALE_S` (no window running)
are asked first. `volume`, `stop` and `resync` print their result and are in the audit log
under the operator. `publish` compiles and queues; `deliver` sends (headless;
`--until-idle` stops when the outbox is empty), and sends pending emergencies beside it
while they are valid. Exit codes as everywhere: 0 success, 1 a user error, 2 bad usage;
`deliver --until-idle` and `receivers resync` exit 1 when a delivery is still pending.
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
    receivers = sub.add_parser("receivers", help="loudspeaker receivers: status table; add (pair), volume, stop, resync")
    receivers.set_defaults(func=_fleet(_receivers_list))
    receivers_sub = receivers.add_subparsers(dest="receivers_action", metavar="ACTION", parser_class=Parser)
    p = receivers_sub.add_parser("add", help="pair a receiver with the code it shows")
    p.add_argument("url", help="http://ADDRESS:PORT, or mqtt://BROKER:PORT/RECEIVER_ID through a broker")
    p.add_argument("--code", required=True)
    p.add_argument("--zone", required=True, metavar="NAME")
    p.add_argument("--name")
    p.add_argument("--replace", action="store_true",
                   help="the receiver moved: repoint the receiver already paired with this id to URL")
    p.set_defaults(func=_fleet(_receivers_add))
    p = receivers_sub.add_parser("volume", help="set a receiver's volume (its zone's maximum still caps it)")
    p.add_argument("name", metavar="NAME")
    p.add_argument("percent", metavar="PERCENT", type=_percent)
    p.set_defaults(func=_fleet(_receivers_volume))
    p = receivers_sub.add_parser("stop", help="stop what a receiver plays now (the schedule goes on)")
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=_fleet(_receivers_stop))
    p = receivers_sub.add_parser("resync", help="send a receiver its latest schedule again, now")
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=_fleet(_receivers_resync))
    p = sub.add_parser("publish", help="compile what is approved and scheduled into the outbox; shows what changes "
                                       "first and queues nothing that removes broadcasts unless --yes")
    p.add_argument("--days", type=int, default=14)
    p.add_argument("--yes", action="store_true", help="publish even when scheduled broadcasts would be removed")
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

    print(pair_receiver(library, ctx.key, args.url, args.code, args.zone, args.name, replace=args.replace))
    return 0


def _percent(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError("a volume is 0-100")
    return value


STALE_S = 30.0  # records older than this were made by nobody running (no window): ask first


def _receivers_list(args: argparse.Namespace, library, ctx: StudioContext) -> int:
    from studio.fleet.status import check_stale, receiver_views

    check_stale(ctx.library, ctx.key, STALE_S)
    print(f"{'NAME':<18} {'ZONE':<16} {'STATE':<13} {'SINCE':<14} {'HELD':>4}/{'LATEST':<6} {'TO SEND':>9} "
          f"{'CLOCK':>7} {'FREE MB':>8} {'VOL':>4}  NOW PLAYING / LAST ERROR")
    for v in receiver_views(library):
        clock = f"{v.clock_offset_s:+.1f}s" if v.clock_offset_s is not None else ""
        free = f"{v.free_bytes / 1e6:.0f}" if v.free_bytes is not None else ""
        playing = (v.now_playing.title or v.now_playing.item) if v.now_playing is not None else ""
        since = local_text(v.offline_since, "%d/%m %H:%M:%S", "") if v.offline_since else ""
        to_send = "ok" if v.up_to_date else f"{v.pending_bytes / 1e6:.1f}MB"
        print(f"{v.name[:18]:<18} {v.zone[:16]:<16} {v.state.value:<13} {since:<14} "
              f"{v.manifest_version:>4}/{v.latest_version:<6} {to_send:>9} {clock:>7} {free:>8} "
              f"{'' if v.volume is None else v.volume:>4}  {(playing or v.last_error or '')[:80]}")
    return 0


def _receivers_volume(args: argparse.Namespace, library, ctx: StudioContext) -> int:
    from studio.fleet.controls import find_receiver, set_volume

    result = set_volume(library, ctx.key, find_receiver(library, args.name)["id"], args.percent, operator_name())
    capped = f" (its zone's maximum: scheduled items play at {result.plays_at} %)" \
        if result.plays_at is not None and result.plays_at < (result.volume or 0) else ""
    print(f"{result.receiver}: volume {result.volume} %{capped}")
    return 0


def _receivers_stop(args: argparse.Namespace, library, ctx: StudioContext) -> int:
    from studio.fleet.controls import find_receiver, stop

    result = stop(library, ctx.key, find_receiver(library, args.name)["id"], operator_name())
    print(f"{result.receiver}: stopped {result.stopped}" if result.stopped else
          f"{result.receiver}: nothing was playing")
    return 0


def _receivers_resync(args: argparse.Namespace, library, ctx: StudioContext) -> int:
    from studio.fleet.controls import find_receiver, resync

    result = resync(library, ctx.key, find_receiver(library, args.name)["id"], operator_name(), deliver=True)
    if result.version is None:
        print(f"{result.receiver}: nothing published yet")
        return 0
    if result.delivered:
        print(f"{result.receiver}: holds schedule {result.version}")
        return 0
    print(f"radio-studio: {result.receiver}: schedule {result.version} not delivered yet: {result.pending_error}; "
          "it stays in the outbox", file=sys.stderr)
    return 1


def _publish(args: argparse.Namespace, library, ctx: StudioContext) -> int:
    from studio.cli.publish_summary import print_summary
    from studio.fleet.publish_preview import preview_publish, queue_previewed

    preview = preview_publish(library, args.days, clock=ctx.clock)
    print_summary(preview)
    if preview.needs_confirmation and not args.yes:
        print("radio-studio: nothing queued: this publish would remove scheduled broadcasts (above). Approve the "
              "programmes again, or pass --yes to publish anyway.", file=sys.stderr)
        return 1
    result = queue_previewed(library, operator_name(), preview)
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


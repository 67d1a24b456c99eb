"""CLI commands for the fleet: `receivers`, `publish`, `outbox`, `deliver`, `emergency`.

`publish` compiles and queues; `deliver` sends (headless; `--until-idle` stops when the
outbox is empty). Exit codes as everywhere: 0 success, 1 a user error, 2 bad usage;
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
    p = sub.add_parser("emergency", help="play a clip now on every receiver of the zones")
    p.add_argument("clip_id", type=int)
    p.add_argument("--zone", action="append", required=True, metavar="NAME")
    p.set_defaults(func=_fleet(_emergency))


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
    from studio.fleet.delivery import deliver_until_idle

    left = deliver_until_idle(library, ctx.key, args.timeout)
    if left:
        print(f"radio-studio: {left} deliveries still pending (receivers unreachable?); see `radio-studio outbox`",
              file=sys.stderr)
        return 1
    print("outbox empty: every receiver holds the latest manifest")
    return 0


def _emergency(args: argparse.Namespace, library, ctx: StudioContext) -> int:
    from studio.fleet.fleet import emergency

    outcomes = emergency(library, ctx.key, args.clip_id, args.zone, operator_name())
    for name, error in outcomes:
        if error:
            print(f"radio-studio: error: {name}: {error}", file=sys.stderr)
        else:
            print(f"{name}: playing")
    return 1 if not outcomes or any(error for _, error in outcomes) else 0

"""CLI commands `emergency` (send one now) and `emergencies` (what became of them).

`emergency CLIP --zone Z...` records the emergency, sends it to every receiver of the
zones at once and returns within 2 s whatever the number of offline receivers: it prints
each receiver's state (reached, pending, failed) and exits 0 when every receiver that
answered plays it, 1 otherwise. Pending receivers get it from whatever runs the delivery
engine (the window, or `radio-studio deliver`) while it is valid (`--valid-min`, 30).
Without `--user` it is recorded under the OS account (`cli:<login>`); with `--user` the
password is checked: an approver alone is enough, an editor alone must give `--reason`.
Main thread; the senders are threads of their own.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable

from studio.cli.operator import operator_name, password
from studio.cli.runtime import open_library
from studio.clock import local_text
from studio.context import StudioContext
from studio.fleet.emergency import DEFAULT_VALID_MIN, Target, TargetState

RETURN_BY_S = 1.6  # of the process's age: the first round's answers, then print and exit within 2 s
MIN_WAIT_S = 0.3


def add_parsers(sub) -> None:
    p = sub.add_parser("emergency", help="play a clip now on every receiver of the zones (Thông tư 39)")
    p.add_argument("clip_id", type=int)
    p.add_argument("--zone", action="append", required=True, metavar="NAME")
    p.add_argument("--valid-min", type=float, default=DEFAULT_VALID_MIN, metavar="MIN",
                   help=f"a receiver offline now still plays it if back within MIN minutes (default "
                        f"{DEFAULT_VALID_MIN})")
    p.add_argument("--user", help="an account: an approver alone, or an editor with --reason")
    p.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    p.add_argument("--reason", help="why (required from an editor sending it alone)")
    p.set_defaults(func=_with_library(_emergency))
    p = sub.add_parser("emergencies", help="recent emergencies, or one with each receiver's outcome")
    p.add_argument("emergency_id", type=int, nargs="?")
    p.set_defaults(func=_with_library(_emergencies))


def _with_library(command: Callable[..., int]) -> Callable[[argparse.Namespace, StudioContext], int]:
    return lambda args, ctx: command(args, open_library(ctx), ctx)


def _emergency(args: argparse.Namespace, library, ctx: StudioContext) -> int:
    from studio.accounts.store import Accounts
    from studio.fleet.emergency import authorize, declare, operator_authority
    from studio.fleet.emergency_delivery import send_and_wait

    started = time.monotonic() - _process_age()
    if args.user:
        authority = authorize(Accounts(library.conn), args.user, password(args, f"password for {args.user}: "),
                              args.reason)
    else:
        authority = operator_authority(operator_name(), args.reason)
    emergency = declare(library, args.clip_id, args.zone, authority, args.valid_min)
    wait = max(MIN_WAIT_S, RETURN_BY_S - (time.monotonic() - started))
    _lane, targets = send_and_wait(ctx.library, ctx.key, library, emergency.id, wait)
    _print_targets(targets)
    reached = sum(t.state is TargetState.REACHED for t in targets)
    pending = [t for t in targets if t.state is TargetState.PENDING]
    print(f"emergency {emergency.id}: playing on {reached} of {len(targets)} receivers; "
          f"{len(pending)} pending until {local_text(emergency.valid_until, '%H:%M')} "
          f"(delivered when they come back, by the window or `radio-studio deliver`)")
    failed = [t for t in targets if t.state is TargetState.FAILED]
    unconfirmed = [t for t in pending if not t.attempts]
    if failed:
        print(f"radio-studio: error: {len(failed)} receivers answered but refused the emergency: "
              + "; ".join(f"{t.name}: {t.last_error}" for t in failed), file=sys.stderr)
    if unconfirmed:
        print(f"radio-studio: error: {len(unconfirmed)} receivers have not confirmed yet (still sending): "
              + ", ".join(t.name for t in unconfirmed), file=sys.stderr)
    sys.stdout.flush()
    return 1 if failed or unconfirmed else 0


def _process_age() -> float:
    """Seconds since this process started (Linux: from /proc; elsewhere 0, and the wait
    counts from the command's start instead): the 2 s include the interpreter's start-up."""
    try:
        with open("/proc/self/stat") as stat, open("/proc/uptime") as uptime:
            started_ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
            return max(0.0, float(uptime.read().split()[0]) - started_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError, AttributeError):
        return 0.0


def _print_targets(targets: list[Target]) -> None:
    for t in targets:
        if t.state is TargetState.REACHED:
            detail = f"reached {local_text(t.reached_at, '%H:%M:%S')}"
        elif t.state is TargetState.PENDING:
            detail = f"pending (offline: {t.last_error})" if t.attempts else "pending (sending)"
        else:
            detail = t.state.value + (f": {t.last_error}" if t.last_error else "")
        print(f"  {t.name}: {detail}")


def _emergencies(args: argparse.Namespace, library, ctx: StudioContext) -> int:
    from studio.fleet.emergency import Emergencies

    emergencies = Emergencies(library.conn, library.clock)
    chosen = [emergencies.get(args.emergency_id)] if args.emergency_id else emergencies.latest()
    for e in chosen:
        targets = emergencies.targets(e.id)
        reached = sum(t.state is TargetState.REACHED for t in targets)
        print(f"{e.id:>4} {local_text(e.created_at, '%d/%m %H:%M')} clip {e.clip_id} to {', '.join(e.zones)}: "
              f"{reached}/{len(targets)} reached, valid until {local_text(e.valid_until, '%H:%M')}; "
              f"by {e.declared_by}" + (f", approved by {e.approved_by}" if e.approved_by else "")
              + (f"; reason: {e.reason}" if e.reason else ""))
        if args.emergency_id:
            _print_targets(targets)
    return 0

"""CLI command `live`: broadcast from a microphone to the receivers of the zones now.

`live --device MIC --zone Z... [--seconds S] [--user NAME --password-stdin] [--reason TEXT]`
goes live with the emergency rule (an approver alone, an editor with --reason; without
--user the OS account is recorded), prints each receiver's state when it changes, and ends
after S seconds of audio or at Ctrl-C / SIGTERM: the session is ended on every receiver,
what was said becomes a clip (its id is printed) and the end goes to the audit log.
Exit 0 when at least one receiver carried it, 1 otherwise.
Main thread; the broadcast's threads do the work (studio/live/broadcast.py).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from studio.cli.operator import operator_name, password
from studio.cli.runtime import open_library
from studio.context import StudioContext


def add_parsers(sub) -> None:
    p = sub.add_parser("live", help="broadcast from a microphone to every receiver of the zones, now")
    p.add_argument("--device", required=True, help="input device name (as `devices` lists it) or index")
    p.add_argument("--zone", action="append", required=True, metavar="NAME")
    p.add_argument("--seconds", type=float, help="end after this much audio (default: until Ctrl-C)")
    p.add_argument("--silence-s", type=float, metavar="S",
                   help="a receiver goes back to its schedule after S s without frames (default: its own, 5)")
    p.add_argument("--user", help="an account: an approver alone, or an editor with --reason")
    p.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    p.add_argument("--reason", help="why (required from an editor going live alone)")
    p.add_argument("--no-record", action="store_true", help="do not keep what was said as a clip")
    p.set_defaults(func=cmd_live)


def _device(value: str) -> str | int:
    return int(value) if value.isdigit() else value


def cmd_live(args: argparse.Namespace, ctx: StudioContext) -> int:
    from studio.accounts.store import Accounts
    from studio.fleet.emergency import authorize, operator_authority
    from studio.live import finish, go_live

    library = open_library(ctx)
    if args.user:
        authority = authorize(Accounts(library.conn), args.user, password(args, f"password for {args.user}: "),
                              args.reason)
    else:
        authority = operator_authority(operator_name(), args.reason)
    stop = threading.Event()
    previous = {s: signal.signal(s, lambda *_: stop.set()) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        broadcast = go_live(library, ctx.key, list(args.zone), _device(args.device), authority, args.seconds,
                            args.silence_s, record=not args.no_record)
        print(f"live session {broadcast.session[:8]} on {', '.join(args.zone)}: {len(broadcast.targets)} "
              f"receivers", flush=True)
        shown: dict[str, tuple] = {}
        while not stop.wait(0.2) and not broadcast.finished.is_set():
            for t in broadcast.targets:
                seen = (t.state, t.detail)
                if shown.get(t.name) != seen:
                    shown[t.name] = seen
                    print(f"  {t.name}: {t.state.value}" + (f" ({t.detail})" if t.detail else ""), flush=True)
        clip_id = finish(library, broadcast, authority)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    carried = [t.name for t in broadcast.targets if t.carried]
    print(f"live session {broadcast.session[:8]} ended after {broadcast.elapsed_s:.1f} s: carried by "
          f"{len(carried)} of {len(broadcast.targets)} receivers" + (f" ({', '.join(carried)})" if carried else ""))
    if clip_id is not None:
        print(f"recorded as clip {clip_id}")
    dropped = broadcast.dropped_blocks + broadcast.capture.overflows
    if dropped:
        print(f"radio-studio: note: {dropped} input blocks dropped (the input ran ahead of real time)",
              file=sys.stderr)
    sys.stdout.flush()
    return 0 if carried else 1

"""CLI command group `programmes`: list, create, show, submit, approve, reject, jingles.

Approve and reject are approver actions (`--user` and the password); the rest act as the
local operator. Main thread only.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable

from studio.cli.console import Parser
from studio.cli.operator import operator, password
from studio.cli.runtime import open_library
from studio.clock import local_text
from studio.context import StudioContext


def add_parsers(sub) -> None:
    programmes = sub.add_parser("programmes", help="programmes: list, create, show, submit, approve, reject")
    programmes.set_defaults(func=_with_programmes(_list))
    prog_sub = programmes.add_subparsers(dest="programmes_action", metavar="ACTION", parser_class=Parser)
    p = prog_sub.add_parser("create", help="create a programme; prints its id")
    p.add_argument("title")
    p.add_argument("--item", action="append", required=True, metavar="ITEM",
                   help="CLIP_ID, CLIP_ID,LANG=CLIP_ID (language variants), jingle:NAME or stream:URL "
                        "(a relayed stream; the other items are then its backup); repeat, in order")
    p.add_argument("--duration", type=_seconds, default=0.0, metavar="30m",
                   help="how long a stream item is relayed: 90s, 30m, 1h30m")
    p.add_argument("--intro", metavar="JINGLE")
    p.add_argument("--outro", metavar="JINGLE")
    p.add_argument("--bed", metavar="CLIP_ID|jingle:NAME", help="music bed, ducked under speech")
    p.add_argument("--gap", type=float, default=0.6, help="seconds between items (default 0.6)")
    p.add_argument("--crossfade", type=float, default=0.0, help="seconds of crossfade between items instead")
    p.set_defaults(func=_with_programmes(_create))
    p = prog_sub.add_parser("show", help="items, durations, approval state and history")
    p.add_argument("programme_id", type=int)
    p.set_defaults(func=_with_programmes(_show))
    p = prog_sub.add_parser("submit", help="render and send for approval")
    p.add_argument("programme_id", type=int)
    p.set_defaults(func=_with_programmes(_submit))
    for action, handler in (("approve", _approve), ("reject", _reject)):
        p = prog_sub.add_parser(action, help=f"{action} a submitted programme (approver)")
        p.add_argument("programme_id", type=int)
        p.add_argument("--user", required=True)
        p.add_argument("--password-stdin", action="store_true")
        p.add_argument("--comment", default="", required=action == "reject")
        p.set_defaults(func=_with_programmes(handler))
    prog_sub.add_parser("jingles", help="the jingles the studio ships").set_defaults(func=_jingles)


def _with_programmes(command: Callable[..., int]) -> Callable[[argparse.Namespace, StudioContext], int]:
    """Give a programme command the programmes of the library, and the render settings."""
    def run(args: argparse.Namespace, ctx: StudioContext) -> int:
        from studio.audio.settings import RenderSettings
        from studio.programmes.workflow import Programmes

        return command(args, Programmes(open_library(ctx)), RenderSettings())
    return run


def _seconds(text: str) -> float:
    """`90`, `90s`, `30m`, `1h30m` as seconds."""
    import re

    match = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s?)?", text.strip())
    if not text.strip() or match is None:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (90s, 30m, 1h30m)")
    hours, minutes, seconds = match.groups()
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds or 0)


def _jingles(args: argparse.Namespace, ctx: StudioContext) -> int:
    from studio.programmes.model import jingles

    print("\n".join(jingles()))
    return 0


def _create(args: argparse.Namespace, programmes, settings) -> int:
    from dataclasses import replace

    from studio.programmes.model import Spec, parse_items

    items = tuple(replace(i, gap_after=args.gap, crossfade=args.crossfade if n else 0.0)
                  for n, i in enumerate(parse_items(args.item, args.duration)))
    bed = parse_items([args.bed])[0] if args.bed else None
    print(programmes.create(args.title, Spec(items, args.intro, args.outro, bed), operator()).id)
    return 0


def _show(args: argparse.Namespace, programmes, settings) -> int:
    programme = programmes.revalidate(args.programme_id, settings.cache_fields())
    print(f"{programme.id}: {programme.title} [{programme.state.value}]")
    for lang, seconds in programmes.durations(programme.spec).items():
        print(f"  duration ({lang}): {seconds / 60:.1f} min")
    for n, item in enumerate(programme.spec.items, 1):
        what = (f"stream {item.stream} for {item.duration_s:g} s" if item.stream
                else f"jingle {item.jingle}" if item.jingle else f"clip {item.clip}")
        variants = "".join(f", {lang}: clip {clip}" for lang, clip in item.variants)
        print(f"  {n}. {what}{variants} (then {item.gap_after:g} s)")
    for entry in programmes.history(programme.id):
        print(f"  {local_text(entry.at, '%d/%m/%Y %H:%M:%S')} {entry.username}: {entry.action} "
              f"{json.dumps(entry.detail, ensure_ascii=False)}")
    return 0


def _submit(args: argparse.Namespace, programmes, settings) -> int:
    from studio.programmes.render import render_all

    programme = programmes.submit(args.programme_id, operator(), render_all(programmes, settings),
                                  settings.cache_fields())
    print(f"{programme.id} submitted: {', '.join(f'{k} {v[:12]}' for k, v in programme.audio.items())}")
    return 0


def _approve(args: argparse.Namespace, programmes, settings) -> int:
    return _decide(args, programmes, settings, approve=True)


def _reject(args: argparse.Namespace, programmes, settings) -> int:
    return _decide(args, programmes, settings, approve=False)


def _decide(args: argparse.Namespace, programmes, settings, approve: bool) -> int:
    from studio.programmes.render import render_all

    secret = password(args, f"password of {args.user}: ")
    programme = programmes.decide_as(args.programme_id, args.user, secret, approve,
                                     render_all(programmes, settings), settings.cache_fields(), args.comment)
    print(f"{programme.id} {programme.state.value} by {programme.decided_by}")
    return 0


def _list(args: argparse.Namespace, programmes, settings) -> int:
    print(f"{'ID':>4}  {'STATE':<9} {'MIN':>5}  TITLE")
    for programme, seconds in programmes.overview(settings.cache_fields()):
        minutes = f"{seconds['vi'] / 60:5.1f}" if seconds else "    ?"  # "?": a clip of it was deleted
        print(f"{programme.id:>4}  {programme.state.value:<9} {minutes}  {programme.title}")
    return 0

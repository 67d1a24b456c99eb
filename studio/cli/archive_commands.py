"""CLI: `radio-studio archive` — the archive of what was broadcast — and `clean-up`, the
library's media clean-up.

    radio-studio archive search --from D --to D [TEXT]
    radio-studio archive replay (--zone NAME | --receiver NAME) --date D [--out FILE.wav] [--gap S]
    radio-studio archive clean-up          (what is older than the retention: archive_months)
    radio-studio clean-up                  (cached renders nothing needs; the archive's media stay)

`archive replay` lists what played there that day, in order, and with `--out` writes it
as one WAV file (what the village heard, back to back). Exit codes as everywhere: 0
success, 1 a user error (unknown zone, nothing played that day), 2 bad usage. Main thread.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from studio.cli.console import Parser
from studio.cli.runtime import open_library
from studio.context import StudioContext


def add_parsers(sub) -> None:
    a = sub.add_parser("archive", help="the archive of what was broadcast: search it, replay a day, "
                                       "clean up what is older than the retention")
    a_sub = a.add_subparsers(dest="archive_action", metavar="ACTION", parser_class=Parser, required=True)
    q = a_sub.add_parser("search", help="entries of a period, optionally containing TEXT")
    q.add_argument("--from", dest="first", type=date.fromisoformat, required=True, metavar="YYYY-MM-DD")
    q.add_argument("--to", dest="last", type=date.fromisoformat, required=True, metavar="YYYY-MM-DD")
    q.add_argument("text", nargs="?", default="")
    q.set_defaults(func=_archive_search)
    q = a_sub.add_parser("replay", help="what a zone or a receiver played on a day; --out writes it as a WAV file")
    where = q.add_mutually_exclusive_group(required=True)
    where.add_argument("--zone", metavar="NAME")
    where.add_argument("--receiver", metavar="NAME")
    q.add_argument("--date", dest="day", type=date.fromisoformat, required=True, metavar="YYYY-MM-DD")
    q.add_argument("--out", type=Path, metavar="FILE.wav")
    q.add_argument("--gap", type=float, default=1.0, metavar="S", help="silence between broadcasts (default 1 s)")
    q.set_defaults(func=_archive_replay)
    q = a_sub.add_parser("clean-up", help="remove entries (and media only they kept) older than the retention "
                                          "(settings: archive_months)")
    q.set_defaults(func=_archive_clean_up)
    c = sub.add_parser("clean-up", help="remove cached renders and wire files nothing needs "
                                        "(clips, approved renders, receivers' manifests and the archive keep theirs)")
    c.set_defaults(func=_media_clean_up)


def _archive_search(args: argparse.Namespace, ctx: StudioContext) -> int:
    from studio.clock import local_text
    from studio.reports.archive import search

    for entry in search(open_library(ctx).conn, args.first, args.last, args.text):
        level = "" if entry.level_dbfs is None else f"{entry.level_dbfs:.1f} dBFS"
        print(f"{local_text(entry.scheduled, '%d/%m/%Y %H:%M:%S')}  {entry.receiver:<18} {entry.zone:<16} "
              f"{entry.outcome:<12} {level:>11}  {entry.title or entry.item}")
    return 0


def _archive_replay(args: argparse.Namespace, ctx: StudioContext) -> int:
    from studio.clock import local_text
    from studio.errors import NothingToReplay
    from studio.reports.replay import heard, write_replay

    library = open_library(ctx)
    entries = heard(library.conn, args.day, args.zone, args.receiver)
    if not entries:
        raise NothingToReplay(f"zone {args.zone}" if args.zone else f"receiver {args.receiver}", args.day.isoformat())
    for entry in entries:
        level = "" if entry.level_dbfs is None else f"{entry.level_dbfs:.1f} dBFS"
        print(f"{local_text(entry.started or entry.scheduled, '%H:%M:%S')}  {entry.receiver:<18} "
              f"{entry.outcome:<12} {entry.played_s:8.1f} s {level:>11}  {entry.title or entry.item}")
    if args.out is not None:
        replay = write_replay(library.conn, library.store, args.day, args.out, args.zone, args.receiver, args.gap)
        print(f"{replay.path}: {replay.items} broadcasts, {replay.seconds:.1f} s")
    return 0


def _archive_clean_up(args: argparse.Namespace, ctx: StudioContext) -> int:
    from studio.preferences import load_preferences
    from studio.reports.archive import clean_up

    library = open_library(ctx)
    months = load_preferences(ctx.paths.settings_file).archive_months
    cleaned = clean_up(library.conn, library.clock.today(), months, library.store)
    print(f"kept from {cleaned.cutoff.isoformat()} ({months} months): removed {cleaned.asrun} as-run entries, "
          f"{cleaned.planned} planned, {cleaned.playlog} play-log rows, {cleaned.availability} transitions, "
          f"{cleaned.media_files} media files")
    return 0


def _media_clean_up(args: argparse.Namespace, ctx: StudioContext) -> int:
    from studio.storage.media_sweep import sweep

    library = open_library(ctx)
    swept = sweep(library.conn, library.store)
    print(f"removed {swept.files} media files ({swept.bytes / 1e6:.1f} MB)")
    return 0

"""CLI commands for the clip library: `import`, `clips`, `edit`, `render`, `rename`,
`delete`, `restore`, `seed-demo`.

Heavy modules are imported inside the commands so `--help` starts fast. Main thread only.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from studio.cli.console import fmt_duration, fmt_level, seconds
from studio.cli.runtime import open_library
from studio.context import StudioContext
from studio.errors import StudioError
from studio.languages import Language

log = logging.getLogger(__name__)


def add_parsers(sub) -> None:
    p = sub.add_parser("import", help="import audio files into the library; prints the new clip ids")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--title", help="title for the clip (default: the file name)")
    p.add_argument("--language", default="vi", help=f"language of the clip: {', '.join(lang.code for lang in Language)} (default: vi)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("clips", help="list the clips in the library")
    p.add_argument("--search", help="only clips whose title or file name contains this")
    p.add_argument("--trash", action="store_true", help="list deleted clips instead")
    p.set_defaults(func=cmd_clips)

    p = sub.add_parser("edit", help="change a clip's edit list (non-destructive, undoable)")
    p.add_argument("clip_id", type=int, metavar="CLIP_ID")
    p.add_argument("--trim", nargs=2, type=seconds, metavar=("START", "END"))
    p.add_argument("--cut", nargs=2, type=seconds, action="append", default=[], metavar=("START", "END"))
    p.add_argument("--gain", type=float, metavar="DB")
    p.add_argument("--fade-in", type=seconds, metavar="S")
    p.add_argument("--fade-out", type=seconds, metavar="S")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--undo", action="store_true", help="go back to the previous edit list")
    group.add_argument("--redo", action="store_true", help="re-apply an undone edit list")
    group.add_argument("--reset", action="store_true", help="remove all edits (undoable)")
    p.set_defaults(func=cmd_edit)

    p = sub.add_parser("render", help="render a clip for broadcast (.opus, .mp3 or .wav)")
    p.add_argument("clip_id", type=int, metavar="CLIP_ID")
    p.add_argument("--out", type=Path, required=True, metavar="FILE")
    p.add_argument("--lufs", type=float, default=-16.0, help="loudness target (default -16)")
    p.add_argument("--true-peak", type=float, default=-1.0, help="true-peak ceiling in dBTP (default -1)")
    p.add_argument("--no-highpass", action="store_true", help="keep frequencies under 100 Hz")
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("rename", help="rename a clip")
    p.add_argument("clip_id", type=int, metavar="CLIP_ID")
    p.add_argument("title")
    p.set_defaults(func=cmd_rename)
    p = sub.add_parser("delete", help="move a clip to the trash")
    p.add_argument("clip_id", type=int, metavar="CLIP_ID")
    p.set_defaults(func=cmd_delete)
    p = sub.add_parser("restore", help="take a clip out of the trash")
    p.add_argument("clip_id", type=int, metavar="CLIP_ID")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("seed-demo", help="import the demo bulletins (read aloud by the TTS) into an empty library")
    p.set_defaults(func=cmd_seed_demo)


def cmd_import(args: argparse.Namespace, ctx: StudioContext) -> int:
    library = open_library(ctx)
    failures = 0
    for path in args.paths:
        try:
            result = library.import_file(path, title=args.title, language=args.language)
        except StudioError as exc:
            log.warning("import failed: %s", exc.describe())
            print(f"radio-studio: error: {exc.describe()}", file=sys.stderr)
            failures += 1
            continue
        if result.duplicate:
            print(f"radio-studio: note: {path} is already in the library as clip {result.clip.id}", file=sys.stderr)
        if result.picture_dropped:
            print(f"radio-studio: note: {path} is a video: its sound was imported, the picture was left out",
                  file=sys.stderr)
        print(result.clip.id)
    return 1 if failures else 0


def cmd_clips(args: argparse.Namespace, ctx: StudioContext) -> int:
    library = open_library(ctx)
    rows = library.clips(search=args.search, trash=args.trash)
    print(f"{'ID':>5}  {'DURATION':>9}  {'LOUDNESS':>10}  {'TRUE PEAK':>10}  TITLE")
    for clip in rows:
        print(
            f"{clip.id:>5}  {fmt_duration(clip.duration_s):>9}  {fmt_level(clip.loudness_lufs, 'LUFS'):>10}  "
            f"{fmt_level(clip.true_peak_dbtp, 'dBTP'):>10}  {clip.title}"
        )
    return 0


def cmd_edit(args: argparse.Namespace, ctx: StudioContext) -> int:
    from dataclasses import replace

    from studio.audio.edits import EditList

    library = open_library(ctx)
    losing = _approved_users(library, args.clip_id)
    if args.undo:
        edits = library.undo(args.clip_id)
    elif args.redo:
        edits = library.redo(args.clip_id)
    else:
        edits = EditList() if args.reset else library.edits(args.clip_id)
        if args.trim:
            edits = replace(edits, trim_in=args.trim[0], trim_out=args.trim[1])
        for start, end in args.cut:
            edits = edits.with_cut(start, end)
        if args.gain is not None:
            edits = replace(edits, gain_db=args.gain)
        if args.fade_in is not None:
            edits = replace(edits, fade_in=args.fade_in)
        if args.fade_out is not None:
            edits = replace(edits, fade_out=args.fade_out)
        library.set_edits(args.clip_id, edits)
    clip = library.get(args.clip_id)
    result = edits.validate(clip.duration_s, clip.id)
    print(f"clip {clip.id} edit version {clip.edit_version}: {edits.to_json()} ({fmt_duration(result)})")
    _note_lost_approvals(library, args.clip_id, losing)
    return 0


def cmd_render(args: argparse.Namespace, ctx: StudioContext) -> int:
    from studio.audio.settings import RenderSettings
    from studio.rendering import Renderer

    settings = RenderSettings(
        target_lufs=args.lufs, true_peak_dbtp=args.true_peak, highpass_hz=None if args.no_highpass else 100.0
    )
    result = Renderer(open_library(ctx)).render_clip_to(args.clip_id, args.out, settings)
    print(
        f"{args.out}: {fmt_duration(result.duration_s)}, {fmt_level(result.loudness_lufs, 'LUFS')}, "
        f"{fmt_level(result.true_peak_dbtp, 'dBTP')}{' (cached)' if result.cached else ''}"
    )
    return 0


def cmd_rename(args: argparse.Namespace, ctx: StudioContext) -> int:
    open_library(ctx).rename(args.clip_id, args.title)
    return 0


def cmd_delete(args: argparse.Namespace, ctx: StudioContext) -> int:
    library = open_library(ctx)
    losing = _approved_users(library, args.clip_id)
    library.delete(args.clip_id)
    _note_lost_approvals(library, args.clip_id, losing)
    return 0


def _approved_users(library, clip_id: int) -> list:
    """The approved (or submitted) programmes using the clip whose audio still matches."""
    from studio.audio.settings import RenderSettings
    from studio.programmes.approval_status import needing_approval_again
    from studio.programmes.workflow import Programmes

    return needing_approval_again(Programmes(library), clip_id, RenderSettings().cache_fields())


def _note_lost_approvals(library, clip_id: int, before: list) -> None:
    """Say which programmes the change sent back to draft (they are not broadcast until approved again)."""
    still = {p.id for p in _approved_users(library, clip_id)}
    lost = [p.title for p in before if p.id not in still]
    if lost:
        print("radio-studio: note: these programmes now need approval again before they are broadcast: "
              + ", ".join(f'"{t}"' for t in lost), file=sys.stderr)


def cmd_restore(args: argparse.Namespace, ctx: StudioContext) -> int:
    open_library(ctx).restore(args.clip_id)
    return 0


def cmd_seed_demo(args: argparse.Namespace, ctx: StudioContext) -> int:
    from studio.demo import seed_demo

    for clip_id in seed_demo(open_library(ctx)):
        print(clip_id)
    return 0

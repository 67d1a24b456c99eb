"""`radio-studio`: the command line of the studio core.

Exit codes: 0 success; 1 a user error (one line on stderr, no traceback; details in the
log file); 2 bad usage (argparse). Heavy modules are imported inside the commands so
`--help` and cache hits start fast. Runs on the main thread.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import sys
from collections.abc import Sequence
from pathlib import Path

from studio import __version__
from studio.errors import StudioError
from studio import fleet_commands, record_commands, schedule_commands, tts_commands
from studio.fleet import receiver_cli
from studio.paths import StudioPaths

log = logging.getLogger(__name__)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit 2 with a one-line reason, like argparse
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def _seconds(text: str) -> float:
    """Accept 12.5, 1:23.5 or 1:02:03."""
    try:
        value = 0.0
        for part in text.split(":"):
            value = value * 60 + float(part)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a time: {text!r} (use seconds or m:ss)") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"time cannot be negative: {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="radio-studio", description="Commune Radio Studio — studio core")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--data-dir", type=Path, help="keep all data in DIR (default: the user data folder)")
    parser.add_argument("-v", "--verbose", action="store_true", help="also log to stderr")
    parser.add_argument("--lang", choices=["vi", "en"], help="window language (default: from the settings)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("import", help="import audio files into the library; prints the new clip ids")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--title", help="title for the clip (default: the file name)")
    p.add_argument("--language", default="vi", help="language code of the clip (default: vi)")

    p = sub.add_parser("clips", help="list the clips in the library")
    p.add_argument("--search", help="only clips whose title or file name contains this")
    p.add_argument("--trash", action="store_true", help="list deleted clips instead")

    p = sub.add_parser("edit", help="change a clip's edit list (non-destructive, undoable)")
    p.add_argument("clip_id", type=int, metavar="CLIP_ID")
    p.add_argument("--trim", nargs=2, type=_seconds, metavar=("START", "END"))
    p.add_argument("--cut", nargs=2, type=_seconds, action="append", default=[], metavar=("START", "END"))
    p.add_argument("--gain", type=float, metavar="DB")
    p.add_argument("--fade-in", type=_seconds, metavar="S")
    p.add_argument("--fade-out", type=_seconds, metavar="S")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--undo", action="store_true", help="go back to the previous edit list")
    group.add_argument("--redo", action="store_true", help="re-apply an undone edit list")
    group.add_argument("--reset", action="store_true", help="remove all edits (undoable)")

    p = sub.add_parser("render", help="render a clip for broadcast (.opus, .mp3 or .wav)")
    p.add_argument("clip_id", type=int, metavar="CLIP_ID")
    p.add_argument("--out", type=Path, required=True, metavar="FILE")
    p.add_argument("--lufs", type=float, default=-16.0, help="loudness target (default -16)")
    p.add_argument("--true-peak", type=float, default=-1.0, help="true-peak ceiling in dBTP (default -1)")
    p.add_argument("--no-highpass", action="store_true", help="keep frequencies under 100 Hz")

    for name, help_text in (("rename", "rename a clip"), ("delete", "move a clip to the trash"), ("restore", "take a clip out of the trash")):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("clip_id", type=int, metavar="CLIP_ID")
        if name == "rename":
            p.add_argument("title")
    record_commands.add_parsers(sub)
    tts_commands.add_parsers(sub)
    schedule_commands.add_parsers(sub)
    receiver_cli.add_parsers(sub)
    fleet_commands.add_parsers(sub)
    sub.add_parser("seed-demo", help="import the demo bulletins (read aloud by the TTS) into an empty library")
    p = sub.add_parser("demo", help="the studio with demo content and three demo receivers on loopback")
    p.add_argument("--output-device", help="where the demo receivers play (default: the default device)")
    p.add_argument("--no-window", action="store_true", help="start the receivers only (until Ctrl-C)")
    return parser


def setup_logging(paths: StudioPaths, verbose: bool) -> None:
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    if any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        return  # already set up (the demo opens the window after its own set-up)
    paths.log_dir.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        paths.log_dir / "studio.log", maxBytes=2 << 20, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    if verbose:
        root.addHandler(logging.StreamHandler(sys.stderr))


def _fmt(value: float | None, unit: str) -> str:
    return "silent" if value is None else f"{value:.1f} {unit}"


def _duration(seconds: float) -> str:
    minutes, sec = divmod(seconds, 60)
    return f"{int(minutes)}:{sec:04.1f}"


def _open_library(paths: StudioPaths):
    from studio.database import connect
    from studio.library import ClipLibrary

    paths.ensure()
    library = ClipLibrary(paths, connect(paths.database))
    swept = library.store.sweep_incoming()
    if swept:
        log.info("removed %d staging files left by an interrupted run", swept)
    return library


def cmd_import(args, paths: StudioPaths) -> int:
    library = _open_library(paths)
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
        print(result.clip.id)
    return 1 if failures else 0


def cmd_clips(args, paths: StudioPaths) -> int:
    library = _open_library(paths)
    rows = library.clips(search=args.search, trash=args.trash)
    print(f"{'ID':>5}  {'DURATION':>9}  {'LOUDNESS':>10}  {'TRUE PEAK':>10}  TITLE")
    for clip in rows:
        print(
            f"{clip.id:>5}  {_duration(clip.duration_s):>9}  {_fmt(clip.loudness_lufs, 'LUFS'):>10}  "
            f"{_fmt(clip.true_peak_dbtp, 'dBTP'):>10}  {clip.title}"
        )
    return 0


def cmd_edit(args, paths: StudioPaths) -> int:
    from dataclasses import replace

    from studio.audio.edits import EditList

    library = _open_library(paths)
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
    print(f"clip {clip.id} edit version {clip.edit_version}: {edits.to_json()} ({_duration(result)})")
    return 0


def cmd_render(args, paths: StudioPaths) -> int:
    from studio.audio.settings import RenderSettings
    from studio.rendering import Renderer

    settings = RenderSettings(
        target_lufs=args.lufs, true_peak_dbtp=args.true_peak, highpass_hz=None if args.no_highpass else 100.0
    )
    result = Renderer(_open_library(paths)).render_clip_to(args.clip_id, args.out, settings)
    print(
        f"{args.out}: {_duration(result.duration_s)}, {_fmt(result.loudness_lufs, 'LUFS')}, "
        f"{_fmt(result.true_peak_dbtp, 'dBTP')}{' (cached)' if result.cached else ''}"
    )
    return 0


def cmd_trash(args, paths: StudioPaths) -> int:
    library = _open_library(paths)
    if args.command == "rename":
        library.rename(args.clip_id, args.title)
    elif args.command == "delete":
        library.delete(args.clip_id)
    else:
        library.restore(args.clip_id)
    return 0


def cmd_seed_demo(args, paths: StudioPaths) -> int:
    from studio.demo import seed_demo

    for clip_id in seed_demo(_open_library(paths)):
        print(clip_id)
    return 0


def cmd_demo(args, paths: StudioPaths) -> int:
    """Seed the demo (first start), start the demo receivers, open the window; the
    receivers stop with it."""
    import time

    from studio.demo import seed_demo, start_demo_receivers

    library = _open_library(paths)
    seed_demo(library)
    processes = start_demo_receivers(library, args.output_device)
    library.conn.close()
    try:
        if args.no_window:
            print("demo receivers running; Ctrl-C stops them", file=sys.stderr)
            while True:
                time.sleep(3600)
        return _open_window(paths, args)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(10)


COMMANDS = {
    "import": cmd_import,
    "clips": cmd_clips,
    "edit": cmd_edit,
    "render": cmd_render,
    "rename": cmd_trash,
    "delete": cmd_trash,
    "restore": cmd_trash,
    "seed-demo": cmd_seed_demo,
    "demo": cmd_demo,
    "devices": record_commands.cmd_devices,
    "record": lambda args, paths: record_commands.cmd_record(args, paths, _open_library),
    "recover": lambda args, paths: record_commands.cmd_recover(args, paths, _open_library),
    "tts": lambda args, paths: tts_commands.cmd_tts(args, paths, _open_library),
    "receiver": lambda args, paths: receiver_cli.cmd_receiver(args),
    **{name: (lambda args, paths: fleet_commands.cmd(args, paths, _open_library))
       for name in ("receivers", "publish", "outbox", "deliver", "emergency")},
    **{name: (lambda args, paths: schedule_commands.cmd(args, paths, _open_library))
       for name in ("users", "zones", "programmes", "schedule")},
}


WINDOW_ENTRY_POINTS = "commune_radio_studio.window"


def _open_window(paths: StudioPaths, args) -> int:
    """No subcommand: the window. The core does not know the window: the `ui` package
    registers it as an entry point (pyproject.toml), so studio/ never imports ui/."""
    from importlib.metadata import entry_points

    found = entry_points(group=WINDOW_ENTRY_POINTS)
    try:
        if not found:
            raise ImportError("no window is installed")
        window_main = next(iter(found)).load()
    except ImportError as exc:
        print(f"radio-studio: the window needs PySide6 ({exc}); install the 'ui' extra, "
              "or use a subcommand (see --help)", file=sys.stderr)
        return 1
    setup_logging(paths, args.verbose)
    try:
        return window_main(paths, args.lang)
    except StudioError as exc:
        log.warning("window failed to start: %s", exc.describe())
        print(f"radio-studio: error: {exc.describe()}", file=sys.stderr)
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    paths = StudioPaths.at(args.data_dir) if args.data_dir else StudioPaths.default()
    if args.command is None:
        return _open_window(paths, args)
    try:
        setup_logging(paths, args.verbose)
        return COMMANDS[args.command](args, paths)
    except StudioError as exc:
        log.warning("%s failed: %s", args.command, exc.describe())
        print(f"radio-studio: error: {exc.describe()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("radio-studio: interrupted", file=sys.stderr)
        return 130
    except Exception:  # a bug: keep the traceback in the log, give the user one line
        log.exception("unexpected failure in %s", args.command)
        print(
            f"radio-studio: internal error in '{args.command}'; details in {paths.log_dir / 'studio.log'}",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())

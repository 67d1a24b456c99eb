"""`radio-studio`: the parser of every command group, and the one place commands run.

Exit codes: 0 success; 1 a user error (one line on stderr, no traceback; details in the
log file); 2 bad usage (argparse); 130 interrupted. Each command group registers its
subcommands with `set_defaults(func=...)`; no subcommand opens the window. Heavy modules
are imported inside the commands so `--help` and cache hits start fast. Main thread only.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from studio import __version__
from studio.cli import (
    accounts_commands,
    archive_commands,
    broker_commands,
    demo_commands,
    emergency_commands,
    fleet_commands,
    library_commands,
    live_commands,
    programmes_commands,
    receiver_commands,
    record_commands,
    report_commands,
    schedule_commands,
    stream_commands,
    tts_commands,
)
from studio.cli.console import Parser
from studio.cli.runtime import open_window, setup_logging
from studio.context import StudioContext
from studio.errors import StudioError
from studio.paths import StudioPaths

log = logging.getLogger(__name__)

# In the order `--help` lists them.
COMMAND_GROUPS = (library_commands, record_commands, tts_commands, accounts_commands, schedule_commands,
                  programmes_commands, stream_commands, receiver_commands, broker_commands, fleet_commands,
                  emergency_commands, report_commands, archive_commands, demo_commands, live_commands)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="radio-studio", description="Commune Radio Studio — studio core")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--data-dir", type=Path, help="keep all data in DIR (default: the user data folder)")
    parser.add_argument("-v", "--verbose", action="store_true", help="also log to stderr")
    parser.add_argument("--lang", choices=["vi", "en"], help="window language (default: from the settings)")
    parser.set_defaults(func=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for group in COMMAND_GROUPS:
        group.add_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    paths = StudioPaths.at(args.data_dir) if args.data_dir else StudioPaths.default()
    if args.func is None:
        return open_window(paths, args)
    try:
        setup_logging(paths, args.verbose)
        return args.func(args, StudioContext.create(paths))
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

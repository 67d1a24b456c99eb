"""What every command group of `radio-studio` shares: the parser class, argument types,
the formats numbers are printed in.

`Parser` exits 2 with a one-line reason on bad usage (argparse's contract); command
modules pass it as `parser_class` to their own subparsers. Main thread only.
"""

from __future__ import annotations

import argparse
import sys


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit 2 with a one-line reason, like argparse
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def seconds(text: str) -> float:
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


def fmt_level(value: float | None, unit: str) -> str:
    return "silent" if value is None else f"{value:.1f} {unit}"


def fmt_duration(duration_s: float) -> str:
    minutes, sec = divmod(duration_s, 60)
    return f"{int(minutes)}:{sec:04.1f}"

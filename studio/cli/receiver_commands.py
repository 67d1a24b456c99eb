"""CLI command group `receiver` (serve, reset-pairing): the reference receiver.

The commands themselves live with the receiver (`studio.fleet.receiver_cli`); this module
only hooks them into `radio-studio`. Main thread only.
"""

from __future__ import annotations

import argparse

from studio.context import StudioContext
from studio.fleet import receiver_cli


def add_parsers(sub) -> None:
    receiver_cli.add_parsers(sub)
    sub.choices["receiver"].set_defaults(func=cmd_receiver)


def cmd_receiver(args: argparse.Namespace, ctx: StudioContext) -> int:
    return receiver_cli.cmd_receiver(args)

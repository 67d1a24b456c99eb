"""CLI command group `receiver` (serve): the reference receiver, run from the studio.

The receiver is its own distribution (`crs_receiver`, command `crs-receiver`); this module
only offers its `serve` as `radio-studio receiver serve`. Pairing is reset on the device
with `crs-receiver reset-pairing`. Main thread only.
"""

from __future__ import annotations

import argparse

from crs_receiver import cli as receiver_cli

from studio.cli.console import Parser
from studio.context import StudioContext


def add_parsers(sub) -> None:
    receiver = sub.add_parser("receiver", help="run the reference loudspeaker receiver")
    actions = receiver.add_subparsers(dest="receiver_action", metavar="ACTION", required=True,
                                      parser_class=Parser)
    receiver_cli.add_serve_arguments(actions.add_parser("serve", help="serve protocol v1 and play the schedule"))
    receiver.set_defaults(func=cmd_receiver)


def cmd_receiver(args: argparse.Namespace, ctx: StudioContext) -> int:
    return receiver_cli.run_serve(args)

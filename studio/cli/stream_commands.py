"""CLI command group `stream` (check): preview an external stream before a relay of it
("tiếp sóng") is scheduled with `programmes create T --item stream:URL --duration 30m`.
Main thread only (it blocks a few seconds on the network).
"""

from __future__ import annotations

import argparse

from studio.cli.console import Parser
from studio.context import StudioContext


def add_parsers(sub) -> None:
    stream = sub.add_parser("stream", help="external streams to relay: check")
    actions = stream.add_subparsers(dest="stream_action", metavar="ACTION", required=True, parser_class=Parser)
    p = actions.add_parser("check", help="connect, decode a few seconds, print codec, rate and loudness")
    p.add_argument("url")
    p.add_argument("--seconds", type=float, default=5.0, help="how much of the stream to take (default 5)")
    p.set_defaults(func=_check)


def _check(args: argparse.Namespace, ctx: StudioContext) -> int:
    from studio.fleet.stream_preview import preview_stream

    found = preview_stream(args.url, args.seconds)
    loudness = "silent" if found.loudness_lufs is None else f"{found.loudness_lufs:.1f} LUFS"
    print(f"{found.url}: {found.codec}, {found.sample_rate} Hz, {found.channels} channel(s), "
          f"~{found.bitrate_kbps:g} kbit/s ({found.content_type or 'no content type'})")
    print(f"  {found.seconds:g} s decoded: loudness {loudness}, peak {found.peak_dbfs:.1f} dBFS")
    if found.silent:
        print("  warning: the stream is silent; receivers would fall back to the backup")
    if found.needs_relay_extra:
        kind = f"HLS ({found.codec})" if found.hls else found.codec
        print(f"  note: {kind} is relayed by receivers with PyAV (their 'relay' extra; a receiver's "
              f"status lists what it relays); one without it plays the backup")
    return 1 if found.silent else 0

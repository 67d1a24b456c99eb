"""`radio-studio receiver serve|reset-pairing` and the `crs-receiver` entry point.

`serve` runs the reference receiver until SIGINT/SIGTERM (systemd: docs/receiver.md);
`reset-pairing` is the local action that lets a receiver be paired again.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import sys
from pathlib import Path


def add_parsers(sub) -> None:
    receiver = sub.add_parser("receiver", help="run the reference loudspeaker receiver")
    receiver_sub = receiver.add_subparsers(dest="receiver_action", metavar="ACTION", required=True,
                                           parser_class=sub._parser_class)
    p = receiver_sub.add_parser("serve", help="serve protocol v1 and play the schedule")
    _serve_arguments(p)
    p = receiver_sub.add_parser("reset-pairing", help="forget the paired studio (local action)")
    p.add_argument("--data-dir", dest="receiver_dir", type=Path, required=True)


def wait_until_listening(process) -> str:
    """Read a started `receiver serve` process's stdout until it listens; returns the
    pairing code it printed ("" when it is already paired)."""
    import re

    code = ""
    for line in process.stdout:
        found = re.search(r"pairing code: (\d+)", line)
        code = found.group(1) if found else code
        if "listening on" in line:
            break
    return code


def _serve_arguments(p) -> None:
    p.add_argument("--data-dir", dest="receiver_dir", type=Path, required=True, help="the receiver's own folder")
    p.add_argument("--host", default="0.0.0.0")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--output-device", default=None, help="PortAudio output device name or index")
    p.add_argument("--quota-mb", type=int, default=2048, help="disk space for media (default 2048 MB)")


def _logging(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    handler = logging.handlers.RotatingFileHandler(folder / "receiver.log", maxBytes=2 << 20, backupCount=3,
                                                   encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.addHandler(logging.StreamHandler(sys.stderr))


def cmd_receiver(args) -> int:
    from studio.fleet.receiver_store import ReceiverStore

    if args.receiver_action == "reset-pairing":
        ReceiverStore(args.receiver_dir).reset_pairing()
        print("pairing reset: the receiver shows a new code when it starts", file=sys.stderr)
        return 0
    from studio.fleet.receiver_server import serve

    _logging(args.receiver_dir / "logs")
    device = int(args.output_device) if args.output_device and args.output_device.isdigit() else args.output_device
    serve(args.receiver_dir, args.host, args.port, device, args.quota_mb << 20)
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="crs-receiver", description="Commune Radio Studio reference receiver")
    _serve_arguments(parser)
    args = parser.parse_args(argv)
    args.receiver_action = "serve"
    return cmd_receiver(args)


if __name__ == "__main__":
    sys.exit(main())

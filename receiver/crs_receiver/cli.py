"""The `crs-receiver` command: `serve` (the default) and the local `reset-pairing` action.

    crs-receiver [serve] --data-dir D [--host H] [--port P] [--output-device X] [--quota-mb N]
                 [--broker mqtt://HOST:PORT [--broker-tls] [--broker-ca FILE]] [--name N]
    crs-receiver reset-pairing --data-dir D
    crs-receiver new-identity --data-dir D     (a cloned SD card: a new id; pair again)
    crs-receiver keep-identity --data-dir D    (the same receiver moved to new hardware)

`serve` runs the receiver until SIGINT/SIGTERM (systemd: receiver/systemd/crs-receiver.service);
`reset-pairing` forgets the paired studio so that the receiver can be paired again, which
needs someone at the device; `new-identity` and `keep-identity` answer a receiver that
says its card was made on another device (identity.py). `add_serve_arguments` and `run_serve` let the studio offer the
same `serve` as `radio-studio receiver serve`. Main thread only.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import sys
from pathlib import Path

from crs_receiver.identity import IdentityLost

COMMANDS = ("serve", "reset-pairing", "new-identity", "keep-identity")


def add_serve_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", dest="receiver_dir", type=Path, required=True, help="the receiver's own folder")
    p.add_argument("--host", default="0.0.0.0", help="address to listen on (default: all)")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--output-device", default=None, help="PortAudio output device name or index")
    p.add_argument("--quota-mb", type=int, default=2048, help="disk space for media (default 2048 MB)")
    p.add_argument("--broker", metavar="URL", help="also connect out to this MQTT broker (mqtt://HOST:PORT)")
    p.add_argument("--broker-tls", action="store_true", help="TLS to the broker (as mqtts://)")
    p.add_argument("--broker-ca", metavar="FILE", help="the CA that signed the broker's certificate (PEM)")
    p.add_argument("--name", help="the receiver's name shown to the studio")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crs-receiver", description="Commune Radio Studio reference receiver "
                                     "(protocol v1). With no command: serve.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    add_serve_arguments(sub.add_parser("serve", help="serve protocol v1 and play the schedule (the default)"))
    p = sub.add_parser("reset-pairing", help="forget the paired studio (local action; restart the receiver after)")
    p.add_argument("--data-dir", dest="receiver_dir", type=Path, required=True)
    p = sub.add_parser("new-identity", help="a cloned SD card: give this receiver a new id and forget its pairing "
                       "(local action; pair it again)")
    p.add_argument("--data-dir", dest="receiver_dir", type=Path, required=True)
    p = sub.add_parser("keep-identity", help="this receiver's card moved to new hardware: keep its id and pairing")
    p.add_argument("--data-dir", dest="receiver_dir", type=Path, required=True)
    return parser


def _logging(folder: Path) -> None:
    """`logs/receiver.log` (what the receiver did and played) and `logs/security.log` (refusals,
    pairing attempts, limits: security_log.py), both rotating and size-bounded, neither
    readable by everyone; both are also written to stderr (the journal under systemd)."""
    from crs_receiver.security_log import attach_file, restrict

    folder.mkdir(parents=True, exist_ok=True)
    restrict(folder, 0o750)
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    handler = logging.handlers.RotatingFileHandler(folder / "receiver.log", maxBytes=2 << 20, backupCount=3,
                                                   encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    restrict(folder / "receiver.log")
    console = logging.StreamHandler(sys.stderr)
    root.addHandler(console)
    attach_file(folder, also=console)


def run_serve(args: argparse.Namespace) -> int:
    """Serve with the arguments `add_serve_arguments` defined, until SIGINT/SIGTERM."""
    from crs_receiver.server import serve

    _logging(args.receiver_dir / "logs")
    device = args.output_device
    if device is not None and device.isdigit():
        device = int(device)
    if args.broker:
        from crs_receiver.mqtt_link import BrokerAddress

        try:
            BrokerAddress.parse(args.broker, args.broker_tls, args.broker_ca)
        except ValueError as exc:
            print(f"crs-receiver: error: {exc}", file=sys.stderr)
            return 2
    try:
        serve(args.receiver_dir, args.host, args.port, device, args.quota_mb << 20, args.broker, args.broker_tls,
              args.broker_ca, args.name)
    except IdentityLost as exc:
        print(f"crs-receiver: error: {exc}", file=sys.stderr)
        return 2
    return 0


def local_action(command: str, data_dir: Path) -> int:
    """`reset-pairing`, `new-identity` or `keep-identity` on the receiver's folder (stopped)."""
    from crs_receiver.store import ReceiverStore

    try:
        store = ReceiverStore(data_dir, make_identity=command == "new-identity")
    except IdentityLost as exc:
        print(f"crs-receiver: error: {exc}", file=sys.stderr)
        return 2
    if command == "reset-pairing":
        store.reset_pairing()
        print("pairing reset: the receiver shows a new code when it starts", file=sys.stderr)
    elif command == "new-identity":
        print(f"new identity {store.new_identity()}: pair the receiver again (it shows a code when it starts)",
              file=sys.stderr)
    else:
        store.keep_identity()
        print(f"receiver {store.receiver_id} now belongs to this device", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in (*COMMANDS, "-h", "--help"):
        argv.insert(0, "serve")  # `crs-receiver --data-dir D` is `crs-receiver serve --data-dir D`
    args = _parser().parse_args(argv)
    if args.command != "serve":
        return local_action(args.command, args.receiver_dir)
    return run_serve(args)


if __name__ == "__main__":
    sys.exit(main())

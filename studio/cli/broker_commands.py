"""CLI command group `broker` (serve): Mosquitto with the project's configuration.

    radio-studio broker serve [--data-dir D] [--host 127.0.0.1] [--port 1883]
                              [--tls-port 8883 --certfile F --keyfile F]

Runs in the foreground until Ctrl-C or SIGTERM, then stops Mosquitto cleanly (it saves its
retained messages). The broker folder D (default: `broker/` in the studio's data folder)
keeps the configuration, the accounts and the studio's admin account (`admin.json`, 0600),
which the studio's MQTT transport reads (a folder elsewhere: the account is also recorded in
the studio's data folder, so `receivers add mqtt://...` finds it). Main thread only.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

from studio.cli.broker_connect import add_connect_parser
from studio.cli.console import Parser
from studio.context import StudioContext


def add_parsers(sub) -> None:
    broker = sub.add_parser("broker", help="the MQTT broker receivers behind NAT connect to")
    actions = broker.add_subparsers(dest="broker_action", metavar="ACTION", required=True, parser_class=Parser)
    p = actions.add_parser("serve", help="run Mosquitto with the project's configuration (until Ctrl-C)")
    p.add_argument("--data-dir", dest="broker_dir", type=Path,
                   help="the broker's folder (default: broker/ in the studio's data folder)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=1883, help="plain MQTT port (default 1883)")
    p.add_argument("--tls-port", type=int, help="also listen with TLS on this port (needs --certfile, --keyfile)")
    p.add_argument("--certfile", type=Path, help="the broker's certificate (PEM, with its chain)")
    p.add_argument("--keyfile", type=Path, help="the certificate's private key (PEM)")
    p.set_defaults(func=cmd_serve)
    add_connect_parser(actions)


def _stop_on_sigterm(*_args) -> None:
    raise KeyboardInterrupt


def cmd_serve(args: argparse.Namespace, ctx: StudioContext) -> int:
    from studio.broker import BrokerProcess, BrokerSettings

    if args.tls_port is not None and (args.certfile is None or args.keyfile is None):
        print("radio-studio broker serve: error: --tls-port needs --certfile and --keyfile", file=sys.stderr)
        return 2
    folder = args.broker_dir or ctx.paths.data_dir / "broker"
    settings = BrokerSettings(args.host, args.port, args.tls_port, args.certfile, args.keyfile)
    broker = BrokerProcess(folder, settings)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    # Everything after the signal handler is inside the try: a SIGTERM while starting or
    # printing the banner left Mosquitto running after this process had exited (seen as a
    # stray broker after a test run; the test accepted exit 130 for it).
    try:
        account = broker.start()
        if folder.resolve() != (ctx.paths.data_dir / "broker").resolve():
            # A broker folder of its own: the studio of this data folder must still find the
            # admin account (account_for looks in its broker accounts and in <data>/broker).
            from studio.fleet.broker_account import save_account

            save_account(ctx.paths.data_dir, account)
        print(f"broker listening on {account.url}", flush=True)
        if args.tls_port is not None:
            print(f"broker listening on mqtts://{args.host}:{args.tls_port}", flush=True)
        print(f"admin account: {folder / 'admin.json'}", flush=True)
        while broker.running():
            time.sleep(0.5)
        print(f"radio-studio: error: mosquitto exited: {broker.last_lines()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        broker.stop()

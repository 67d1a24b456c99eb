"""CLI `broker connect mqtt://HOST:PORT --user U --password-stdin`: a broker the studio does
not run (a province's Mosquitto, EMQX) and the studio's administrator account on it.

The account is checked first (an admin connection over `$CONTROL/dynamic-security/v1`
must answer), then kept in `<data>/broker-accounts.json` (0600), where the MQTT transport
finds it for every `mqtt://HOST:PORT/RID` receiver. Main thread only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from studio.context import StudioContext


def add_connect_parser(actions) -> None:
    p = actions.add_parser("connect", help="use a broker run by someone else (a province): check and keep its "
                                           "admin account")
    p.add_argument("url", help="mqtt://HOST:PORT (mqtts:// for TLS)")
    p.add_argument("--user", required=True, help="the studio's administrator username on that broker")
    p.add_argument("--password-stdin", action="store_true", required=True,
                   help="read the password from the first line of stdin")
    p.add_argument("--ca", type=Path, help="the CA that signed the broker's certificate (PEM), for mqtts://")
    p.set_defaults(func=cmd_connect)


def cmd_connect(args: argparse.Namespace, ctx: StudioContext) -> int:
    from studio.broker import BrokerAccount, BrokerAdmin
    from studio.fleet.broker_account import parse_broker_address, save_account

    where = parse_broker_address(args.url)
    password = sys.stdin.readline().rstrip("\r\n")
    account = BrokerAccount(where.host, where.port, args.user, password, where.tls,
                            str(args.ca) if args.ca else None)
    with BrokerAdmin.for_account(account) as admin:
        admin.get_client(args.user)  # an account that is not the broker's administrator is refused here
    ctx.paths.ensure()
    path = save_account(ctx.paths.data_dir, account)
    print(f"broker {account.url}: account {args.user} checked and kept in {path}")
    return 0

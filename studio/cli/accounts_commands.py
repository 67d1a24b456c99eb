"""CLI command group `users`: local accounts (list, add).

The first account must be an admin; later ones are added by an admin, whose password is
asked for (or read from stdin). Main thread only.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from studio.cli.console import Parser
from studio.cli.operator import password
from studio.cli.runtime import open_library
from studio.context import StudioContext


def add_parsers(sub) -> None:
    users = sub.add_parser("users", help="local accounts: list, or add one")
    users.set_defaults(func=_with_library(_users_list))
    users_sub = users.add_subparsers(dest="users_action", metavar="ACTION", parser_class=Parser)
    p = users_sub.add_parser("add", help="add an account (the first one must be an admin)")
    p.add_argument("username")
    p.add_argument("--role", choices=["editor", "approver", "admin"], required=True)
    p.add_argument("--display-name", default="")
    p.add_argument("--by", metavar="ADMIN", help="the admin adding it (not needed for the first account)")
    p.add_argument("--password-stdin", action="store_true",
                   help="read the new password, then the admin's, one per line from stdin")
    p.set_defaults(func=_with_library(_users_add))
    audit = sub.add_parser("audit", help="the audit log's hash chain: verify it, or show its head")
    audit_sub = audit.add_subparsers(dest="audit_action", metavar="ACTION", parser_class=Parser, required=True)
    audit_sub.add_parser("verify", help="check every chained row; exit 1 naming the first altered one").set_defaults(
        func=_with_library(_audit_verify))
    audit_sub.add_parser("head", help="the newest row's hash: note it down to detect later rewrites").set_defaults(
        func=_with_library(_audit_head))


def _with_library(command: Callable[..., int]) -> Callable[[argparse.Namespace, StudioContext], int]:
    return lambda args, ctx: command(args, open_library(ctx))


def _users_add(args: argparse.Namespace, library) -> int:
    from studio.accounts.store import Accounts, Role

    accounts = Accounts(library.conn)
    new_password = password(args, f"password for {args.username}: ")
    by = None
    if args.by:
        by = accounts.authenticate(args.by, password(args, f"password of {args.by}: "))
    user = accounts.add(args.username, new_password, Role(args.role), args.display_name, by=by)
    print(user.id)
    return 0


def _users_list(args: argparse.Namespace, library) -> int:
    from studio.accounts.store import Accounts

    for user in Accounts(library.conn).users():
        print(f"{user.username:<20} {user.role.value:<9} {'disabled' if user.disabled else ''}{user.display_name}")
    return 0


def _audit_verify(args: argparse.Namespace, library) -> int:
    from studio.accounts import audit_chain
    from studio.errors import AuditChainBroken

    broken = audit_chain.verify(library.conn)
    if broken is not None:
        raise AuditChainBroken(broken.row_id, broken.reason)
    head = audit_chain.head(library.conn)
    print(f"audit log intact: {head.chained} chained rows, {head.unchained} from before the chain")
    return 0


def _audit_head(args: argparse.Namespace, library) -> int:
    from studio.accounts import audit_chain

    head = audit_chain.head(library.conn)
    print(f"{head.row_id or 0} {head.hash or '-'}")
    return 0

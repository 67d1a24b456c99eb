"""Who runs a command: the local operator, and passwords typed or read from stdin.

Commands that only an approver may run ask for `--user` and the password (typed, or the
first line of stdin with `--password-stdin`). Other commands act as the local operator
(`cli:<login name>`, an editor) and are written to the audit log under that name.
Main thread only.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from studio.accounts.store import Role, User


def operator_name() -> str:
    return f"cli:{getpass.getuser()}"


def operator() -> User:
    return User(0, operator_name(), "command line", Role.EDITOR, False)


def password(args: argparse.Namespace, prompt: str) -> str:
    if getattr(args, "password_stdin", False):
        return sys.stdin.readline().rstrip("\n")
    return getpass.getpass(prompt)

"""Local user accounts with roles, and the audit log of who did what when.

Roles: biên tập (editor: writes programmes, schedules, may broadcast an emergency),
phê duyệt (approver: approves or rejects programmes), quản trị (admin: everything,
including accounts). Passwords are stored as scrypt hashes (salted, OWASP's N=2^17, r=8,
p=1, `scrypt$N$r$p$salt$hash`; older hashes keep verifying with the parameters they
carry), compared in constant time; a failed sign-in answers only after a delay
(`FAILED_SIGN_IN_DELAY_S`, in the caller's thread: others sign in meanwhile). Audit rows
form a hash chain (audit_chain.py). The first account made on an
empty database must be an admin. One thread per connection, as everywhere.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import sqlite3
import time
from dataclasses import dataclass
from enum import Enum

from studio.accounts import audit_chain
from studio.errors import AccessDenied, InvalidPreference, LastAdmin, UnknownUser
from studio.library import now_utc

SCRYPT_N, SCRYPT_R, SCRYPT_P = 1 << 17, 8, 1  # OWASP's password storage cheat sheet
SCRYPT_MAXMEM = 256 << 20  # N=2^17, r=8 needs 128 MiB and a little more; hashlib's default is 32 MiB
FAILED_SIGN_IN_DELAY_S = 1.0
MIN_PASSWORD = 8


class Role(Enum):
    EDITOR = "editor"
    APPROVER = "approver"
    ADMIN = "admin"


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    role: Role
    disabled: bool

    def can(self, *roles: Role) -> bool:
        return not self.disabled and (self.role is Role.ADMIN or self.role in roles)


STUDIO_ACTOR = "(studio)"  # the name of the audit entries the studio writes by itself


class ActorKind(Enum):
    """Who an audit entry's name stands for."""

    STUDIO = "studio"  # the studio itself (a programme returned to draft)
    WINDOW = "window"  # "ui:NAME": the computer's login NAME, in the window, before sign-in existed
    COMMAND_LINE = "command-line"  # "cli:NAME": the computer's login NAME, on the command line
    ACCOUNT = "account"  # a studio account's user name


def actor_of(username: str) -> tuple[ActorKind, str]:
    """What an audit entry's `username` stands for, and the bare name to show."""
    if username == STUDIO_ACTOR:
        return ActorKind.STUDIO, ""
    for prefix, kind in (("ui:", ActorKind.WINDOW), ("cli:", ActorKind.COMMAND_LINE)):
        if username.startswith(prefix):
            return kind, username.removeprefix(prefix)
    return ActorKind.ACCOUNT, username


@dataclass(frozen=True)
class AuditEntry:
    at: str
    username: str
    action: str
    object_kind: str
    object_id: int | None
    detail: dict


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                            maxmem=SCRYPT_MAXMEM, dklen=32)
    encode = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${encode(salt).decode()}${encode(digest).decode()}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                                p=int(p), maxmem=SCRYPT_MAXMEM, dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def _user(row: sqlite3.Row) -> User:
    return User(row["id"], row["username"], row["display_name"], Role(row["role"]), bool(row["disabled"]))


class Accounts:
    def __init__(self, conn: sqlite3.Connection, failed_delay_s: float = FAILED_SIGN_IN_DELAY_S) -> None:
        self.conn = conn
        self.failed_delay_s = failed_delay_s

    def users(self) -> list[User]:
        return [_user(r) for r in self.conn.execute("SELECT * FROM users ORDER BY username")]

    def get(self, username: str) -> User:
        row = self.conn.execute("SELECT * FROM users WHERE username = ?", (username,)).fetchone()
        if row is None:
            raise UnknownUser(username)
        return _user(row)

    def add(self, username: str, password: str, role: Role, display_name: str = "",
            by: User | None = None) -> User:
        """Create an account. Only an admin may, except for the first account (an admin)."""
        username = username.strip()
        if not username or any(c.isspace() for c in username):
            raise InvalidPreference("username", repr(username))
        if len(password) < MIN_PASSWORD:
            raise InvalidPreference("password", f"shorter than {MIN_PASSWORD} characters")
        first = self.conn.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 0
        if first and role is not Role.ADMIN:
            raise AccessDenied("(none)", "the first account must be an admin")
        if not first and (by is None or not by.can()):
            raise AccessDenied(by.username if by else "(none)", "only an admin can add accounts")
        try:
            with self.conn:
                self.conn.execute("BEGIN IMMEDIATE")
                self.conn.execute(
                    "INSERT INTO users (username, display_name, role, password_hash, created_at) VALUES (?,?,?,?,?)",
                    (username, display_name or username, role.value, hash_password(password), now_utc()),
                )
                self.record(by.username if by else username, "add-user", "user", None,
                            {"username": username, "role": role.value})
        except sqlite3.IntegrityError:
            raise InvalidPreference("username", f"{username!r} already exists") from None
        return self.get(username)

    def authenticate(self, username: str, password: str) -> User:
        """The user, if the password is right and the account is enabled; else AccessDenied."""
        row = self.conn.execute("SELECT * FROM users WHERE username = ?", (username,)).fetchone()
        stored = row["password_hash"] if row is not None else hash_password("timing: same cost for unknown users")
        if not check_password(password, stored) or row is None or row["disabled"]:
            self.record(username, "login-failed", "user", None, {})
            time.sleep(self.failed_delay_s)  # no lock or transaction is held: other sign-ins go on
            raise AccessDenied(username, "wrong user name or password")
        return _user(row)

    def set_role(self, username: str, role: Role, by: User) -> User:
        return self._change(username, by, "set-role", {"role": role.value}, role=role)

    def set_password(self, username: str, password: str, by: User) -> User:
        """An admin sets a new password (the officer forgot theirs)."""
        if len(password) < MIN_PASSWORD:
            raise InvalidPreference("password", f"shorter than {MIN_PASSWORD} characters")
        return self._change(username, by, "reset-password", {}, password_hash=hash_password(password))

    def set_disabled(self, username: str, disabled: bool, by: User) -> User:
        """A disabled account can no longer sign in; its name stays in the audit log."""
        return self._change(username, by, "disable-user" if disabled else "enable-user", {}, disabled=disabled)

    def _change(self, username: str, by: User, action: str, detail: dict, role: Role | None = None,
                password_hash: str | None = None, disabled: bool | None = None) -> User:
        if not by.can():
            raise AccessDenied(by.username, "only an admin can change accounts")
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            user = self.get(username)
            if role is not None or disabled is not None:
                loses_admin = user.role is Role.ADMIN and not user.disabled and (
                    (role is not None and role is not Role.ADMIN) or bool(disabled))
                admins = self.conn.execute(
                    "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0").fetchone()[0]
                if loses_admin and admins <= 1:
                    raise LastAdmin(username)
            if role is not None:
                self.conn.execute("UPDATE users SET role = ? WHERE id = ?", (role.value, user.id))
            if password_hash is not None:
                self.conn.execute("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user.id))
            if disabled is not None:
                self.conn.execute("UPDATE users SET disabled = ? WHERE id = ?", (int(disabled), user.id))
            self.record(by.username, action, "user", user.id, {"username": username, **detail})
        return self.get(username)

    def record(self, username: str, action: str, object_kind: str, object_id: int | None, detail: dict) -> None:
        audit_chain.insert(self.conn, now_utc(), username, action, object_kind, object_id,
                           json.dumps(detail, ensure_ascii=False))

    def history(self, object_kind: str | None = None, object_id: int | None = None) -> list[AuditEntry]:
        sql, args = "SELECT * FROM audit_log", ()
        if object_kind is not None:
            sql += " WHERE object_kind = ? AND object_id IS ?"
            args = (object_kind, object_id)
        return [AuditEntry(r["at"], r["username"], r["action"], r["object_kind"], r["object_id"],
                           json.loads(r["detail_json"])) for r in self.conn.execute(sql + " ORDER BY id", args)]

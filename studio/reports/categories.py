"""Programme categories (chuyên mục): the list an admin keeps, and each programme's one.

Only an admin changes the list; an editor may set a programme's category. Every change
goes to the audit log. The caller's connection (its thread).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from studio.accounts.store import Accounts, Role, User
from studio.errors import AccessDenied, InvalidProgramme, NotFound
from studio.library import now_utc


@dataclass(frozen=True)
class Category:
    id: int
    name: str
    position: int


class Categories:
    def __init__(self, conn: sqlite3.Connection, accounts: Accounts | None = None) -> None:
        self.conn = conn
        self.accounts = accounts or Accounts(conn)

    def all(self) -> list[Category]:
        return [Category(*row) for row in self.conn.execute(
            "SELECT id, name, position FROM programme_categories ORDER BY position, name")]

    def get(self, name: str) -> Category:
        row = self.conn.execute("SELECT id, name, position FROM programme_categories WHERE name = ?",
                                (name,)).fetchone()
        if row is None:
            raise NotFound("category", name)
        return Category(*row)

    def _admin(self, by: User) -> None:
        if not by.can(Role.ADMIN):
            raise AccessDenied(by.username, "only an admin changes the categories")

    def add(self, name: str, by: User) -> Category:
        self._admin(by)
        name = name.strip()
        if not name:
            raise InvalidProgramme("a category needs a name")
        position = self.conn.execute("SELECT COALESCE(MAX(position), 0) + 1 FROM programme_categories").fetchone()[0]
        try:
            cur = self.conn.execute("INSERT INTO programme_categories (name, position, created_at) VALUES (?,?,?)",
                                    (name, position, now_utc()))
        except sqlite3.IntegrityError:
            raise InvalidProgramme(f"category {name!r} exists already") from None
        self.accounts.record(by.username, "category-add", "category", cur.lastrowid, {"name": name})
        return self.get(name)

    def rename(self, name: str, new_name: str, by: User) -> Category:
        self._admin(by)
        category = self.get(name)
        self.conn.execute("UPDATE programme_categories SET name = ? WHERE id = ?", (new_name.strip(), category.id))
        self.accounts.record(by.username, "category-rename", "category", category.id, {"from": name, "to": new_name})
        return self.get(new_name.strip())

    def remove(self, name: str, by: User) -> None:
        """Its programmes become uncategorised (their reports keep what they played)."""
        self._admin(by)
        category = self.get(name)
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("UPDATE programmes SET category_id = NULL WHERE category_id = ?", (category.id,))
            self.conn.execute("DELETE FROM programme_categories WHERE id = ?", (category.id,))
        self.accounts.record(by.username, "category-remove", "category", category.id, {"name": name})

    def assign(self, programme_id: int, name: str | None, by: User) -> None:
        """Set (or with None clear) a programme's category."""
        category = self.get(name) if name is not None else None
        changed = self.conn.execute("UPDATE programmes SET category_id = ? WHERE id = ? AND deleted_at IS NULL",
                                    (category.id if category else None, programme_id)).rowcount
        if not changed:
            raise NotFound("programme", str(programme_id))
        self.accounts.record(by.username, "programme-category", "programme", programme_id, {"category": name})

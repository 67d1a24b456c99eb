"""Programme categories (chuyên mục): the list an admin keeps, and each programme's one.

Only an admin changes the list (add, rename, retire, reinstate, remove); an editor may set
a programme's category. Retiring keeps a category on its programmes and in every report
but offers it no more; removing one (only sensible for a mistake) leaves its programmes
without. Every change goes to the audit log. The caller's connection (its thread).
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
    retired: bool = False


class Categories:
    def __init__(self, conn: sqlite3.Connection, accounts: Accounts | None = None) -> None:
        self.conn = conn
        self.accounts = accounts or Accounts(conn)

    def all(self, retired: bool = False) -> list[Category]:
        """The categories offered (with `retired`, the retired ones too, after them)."""
        return [Category(row[0], row[1], row[2], bool(row[3])) for row in self.conn.execute(
            "SELECT id, name, position, retired_at IS NOT NULL FROM programme_categories "
            "WHERE ? OR retired_at IS NULL ORDER BY retired_at IS NOT NULL, position, name", (int(retired),))]

    def get(self, name: str) -> Category:
        row = self.conn.execute("SELECT id, name, position, retired_at IS NOT NULL FROM programme_categories "
                                "WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise NotFound("category", name)
        return Category(row[0], row[1], row[2], bool(row[3]))

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
        new_name = new_name.strip()
        if not new_name:
            raise InvalidProgramme("a category needs a name")
        try:
            self.conn.execute("UPDATE programme_categories SET name = ? WHERE id = ?", (new_name, category.id))
        except sqlite3.IntegrityError:
            raise InvalidProgramme(f"category {new_name!r} exists already") from None
        self.accounts.record(by.username, "category-rename", "category", category.id, {"from": name, "to": new_name})
        return self.get(new_name)

    def retire(self, name: str, by: User) -> Category:
        """Offered no more; its programmes and the reports keep it."""
        self._admin(by)
        category = self.get(name)
        self.conn.execute("UPDATE programme_categories SET retired_at = ? WHERE id = ? AND retired_at IS NULL",
                          (now_utc(), category.id))
        self.accounts.record(by.username, "category-retire", "category", category.id, {"name": name})
        return self.get(name)

    def reinstate(self, name: str, by: User) -> Category:
        self._admin(by)
        category = self.get(name)
        self.conn.execute("UPDATE programme_categories SET retired_at = NULL WHERE id = ?", (category.id,))
        self.accounts.record(by.username, "category-reinstate", "category", category.id, {"name": name})
        return self.get(name)

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
        if category is not None and category.retired:
            current = self.conn.execute("SELECT category_id FROM programmes WHERE id = ?", (programme_id,)).fetchone()
            if current is None or current[0] != category.id:
                raise InvalidProgramme(f"category {name!r} is retired")
        changed = self.conn.execute("UPDATE programmes SET category_id = ? WHERE id = ? AND deleted_at IS NULL",
                                    (category.id if category else None, programme_id)).rowcount
        if not changed:
            raise NotFound("programme", str(programme_id))
        self.accounts.record(by.username, "programme-category", "programme", programme_id, {"category": name})

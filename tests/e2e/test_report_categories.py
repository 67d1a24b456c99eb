"""Programme categories through the CLI: the default list, an admin adds and renames one, an
editor cannot, a programme is put in one and its reports count its hours under it."""

from __future__ import annotations

from studio.accounts.store import Accounts, Role
from studio.errors import AccessDenied
from studio.reports.categories import Categories
from tests.support.cli import run, run_input


def test_categories_list_add_rename_remove_and_set(data_dir, library):
    listed = run(data_dir, "categories").stdout.splitlines()
    assert listed[:3] == ["Thời sự – chính sách", "Thông báo của UBND", "Phòng chống thiên tai"]
    assert "Khẩn cấp" in listed
    run_input(data_dir, "matkhau-quantri\n", "users", "add", "quantri", "--role", "admin", "--password-stdin")
    run_input(data_dir, "matkhau-quantri\n", "categories", "add", "Văn hóa – xã hội", "--by", "quantri",
              "--password-stdin")
    run_input(data_dir, "matkhau-quantri\n", "categories", "rename", "Văn hóa – xã hội", "Văn hóa", "--by",
              "quantri", "--password-stdin")
    assert run(data_dir, "categories").stdout.splitlines()[-1] == "Văn hóa"
    stamp = "2026-01-01T00:00:00.000+00:00"
    library.conn.execute("INSERT INTO programmes (id, title, spec_json, created_at, updated_at) "
                         "VALUES (5, 'Bản tin', '{}', ?, ?)", (stamp, stamp))
    run(data_dir, "categories", "set", "5", "Văn hóa")
    assert library.conn.execute("SELECT c.name FROM programmes p JOIN programme_categories c "
                                "ON c.id = p.category_id WHERE p.id = 5").fetchone()[0] == "Văn hóa"
    run(data_dir, "categories", "set", "99", "Văn hóa", expect=1)  # no such programme
    accounts = Accounts(library.conn)
    editor = accounts.add("bientap", "matkhau-bientap", Role.EDITOR, by=accounts.get("quantri"))
    try:
        Categories(library.conn).add("Thể thao", editor)
        raise AssertionError("an editor changed the category list")
    except AccessDenied:
        pass
    run_input(data_dir, "matkhau-quantri\n", "categories", "remove", "Văn hóa", "--by", "quantri", "--password-stdin")
    assert library.conn.execute("SELECT category_id FROM programmes WHERE id = 5").fetchone()[0] is None
    actions = [e.action for e in accounts.history() if e.object_kind == "category"]
    assert actions.count("category-add") == 1 and "category-remove" in actions

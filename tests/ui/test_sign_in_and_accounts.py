"""Signing in from the window and managing accounts, on the real window and database:
a wrong password is refused in the dialog, an action after signing in is recorded under
the account's name, only an admin reaches account management, and what the admin does
there (add, role, password, disable) is what the core then enforces."""

from __future__ import annotations

import pytest

from studio.accounts import audit_chain
from studio.accounts.store import Accounts, Role
from studio.errors import AccessDenied
from studio.schedule.zones import Policy, ZoneKind


def idle(qtbot, window):
    qtbot.waitUntil(lambda: window.runner.active_count() == 0, timeout=30000)


def make_accounts(window):
    accounts = Accounts(window.services.library().conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    accounts.add("bientap", "matkhau-bientap", Role.EDITOR, "Chị Lan", by=admin)
    return accounts


def sign_in(qtbot, window, username, password):
    dialog = window.session.open_sign_in()
    dialog.username.setText(username)
    dialog.password.setText(password)
    dialog.buttons.accepted.emit()
    idle(qtbot, window)
    return dialog


def test_sign_in_refuses_a_wrong_password_and_records_actions_under_the_name(qtbot, studio_window):
    window = studio_window
    accounts = make_accounts(window)
    assert "Chưa đăng nhập" in window.session.label.text()

    dialog = sign_in(qtbot, window, "bientap", "sai-mat-khau")
    assert dialog.isVisible() and "Sai" in dialog.hint.text() and dialog.password.text() == ""
    assert window.services.user is None
    assert accounts.history()[-1].action == "login-failed"

    dialog.password.setText("matkhau-bientap")
    dialog.buttons.accepted.emit()
    idle(qtbot, window)
    assert not dialog.isVisible() and window.services.user.username == "bientap"
    assert "Chị Lan" in window.session.label.text() and "biên tập" in window.session.label.text()

    window.show_area("schedule")
    idle(qtbot, window)
    window.schedule_panel.add_zone("Thôn 3", ZoneKind.VILLAGE, "vi", Policy())
    idle(qtbot, window)
    entry = [e for e in accounts.history() if e.action == "add-zone"][-1]
    assert entry.username == "bientap"

    window.session.sign_out()
    assert window.services.user is None and window.services.operator().username.startswith("ui:")
    assert window.session.sign_in_action.isEnabled() and not window.session.sign_out_action.isEnabled()


def test_only_an_admin_manages_accounts_and_the_changes_hold(qtbot, studio_window):
    window = studio_window
    accounts = make_accounts(window)
    assert not window.session.accounts_action.isEnabled() and window.session.open_accounts() is None
    sign_in(qtbot, window, "bientap", "matkhau-bientap")
    assert not window.session.accounts_action.isEnabled() and window.session.open_accounts() is None
    window.session.sign_out()

    sign_in(qtbot, window, "quantri", "matkhau-quantri")
    assert window.session.accounts_action.isEnabled()
    dialog = window.session.open_accounts()
    idle(qtbot, window)
    assert [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())] == ["bientap", "quantri"]
    # the audit log's chain head, as `radio-studio audit head` prints it
    head = audit_chain.head(window.services.library().conn)
    assert head.hash and head.hash in dialog.chain.text() and f" {head.row_id}," in dialog.chain.text()

    dialog.new_username.setText("chutich")
    dialog.new_display.setText("Ông Hùng")
    dialog.new_role.setCurrentIndex(dialog.new_role.findData(Role.APPROVER))
    dialog.new_password.setText("ngan")
    dialog.add_button.click()
    assert "8" in dialog.hint.text()  # too short, said in the dialog
    dialog.new_password.setText("matkhau-chutich")
    dialog.add_button.click()
    idle(qtbot, window)
    assert accounts.get("chutich").role is Role.APPROVER

    dialog.select("bientap")
    dialog.role.setCurrentIndex(dialog.role.findData(Role.APPROVER))
    dialog.role_button.click()
    idle(qtbot, window)
    assert accounts.get("bientap").role is Role.APPROVER
    dialog.select("bientap")
    dialog.reset_password("mat-khau-moi-1")
    idle(qtbot, window)
    assert accounts.authenticate("bientap", "mat-khau-moi-1").username == "bientap"
    dialog.select("bientap")
    dialog.disable_button.click()
    idle(qtbot, window)
    assert accounts.get("bientap").disabled
    with pytest.raises(AccessDenied):
        accounts.authenticate("bientap", "mat-khau-moi-1")
    states = {dialog.table.item(r, 0).text(): dialog.table.item(r, 3).text() for r in range(dialog.table.rowCount())}
    assert states["bientap"] == dialog.tr("disabled") != "disabled"

    dialog.select("quantri")
    dialog.disable_button.click()  # the last admin: refused, said in Vietnamese
    idle(qtbot, window)
    assert not accounts.get("quantri").disabled and dialog.errors.visible()
    assert all(e.username == "quantri" for e in accounts.history() if e.action in ("set-role", "disable-user"))

    # With a second admin, the signed-in admin may step down: the window acts as an editor at once.
    dialog.select("chutich")
    dialog.role.setCurrentIndex(dialog.role.findData(Role.ADMIN))
    dialog.role_button.click()
    idle(qtbot, window)
    dialog.select("quantri")
    dialog.change_role(Role.EDITOR)
    idle(qtbot, window)
    assert window.services.user.role is Role.EDITOR and not window.session.accounts_action.isEnabled()
    assert not dialog.isVisible() and "biên tập" in window.session.label.text()
